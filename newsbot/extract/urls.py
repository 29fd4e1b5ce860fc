"""URL clean-up shared by extraction, links and the spiders: one canonical form per page."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

#: Schemes a link may have to be kept; everything else (javascript:, mailto:, data: …) is dropped.
WEB_SCHEMES = frozenset({"http", "https"})
#: Longer URLs are traps or garbage, never articles.
MAX_URL_LENGTH = 2048


def canonicalize_url(
    url: str,
    *,
    base: str | None = None,
    strip_params: Iterable[str] = (),
    https_hosts: tuple[str, ...] = (),
) -> str | None:
    """The canonical form of ``url`` (resolved against ``base``), or None when it is not a web URL.

    Lower-case scheme and host, no default port, no fragment, no query parameter matching one of
    ``strip_params`` (shell patterns such as ``utm_*``), remaining parameters in their original
    order. Hosts equal to or under one of ``https_hosts`` are upgraded to https (the site serves
    only https, but links to itself over http).
    """
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH:
        return None
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES or not parts.hostname:
        return None
    host = _idna(parts.hostname)
    if host is None:
        return None
    if https_hosts and any(host == h or host.endswith("." + h) for h in https_hosts):
        scheme = "https"
    netloc = host
    if port is not None and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        netloc = f"{host}:{port}"
    query = parts.query
    patterns = tuple(strip_params)
    if query and patterns:
        kept = [
            (k, v)
            for k, v in parse_qsl(query, keep_blank_values=True)
            if not any(fnmatch.fnmatchcase(k.lower(), p) for p in patterns)
        ]
        query = urlencode(kept)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _idna(host: str) -> str | None:
    """ASCII (punycode) form of a host name, lower-cased; None when it cannot be encoded."""
    host = host.lower().rstrip(".")
    if host.isascii():
        return host or None
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def same_site(url: str, page_url: str, domains: Iterable[str] = ()) -> bool:
    """True when ``url`` is on the page's own host or on one of the site's ``domains``."""
    host = (urlsplit(url).hostname or "").lower()
    if host and host == (urlsplit(page_url).hostname or "").lower():
        return True
    return any(host == d or host.endswith("." + d) for d in domains)
