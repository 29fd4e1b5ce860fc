"""URL clean-up shared by extraction, links and the spiders: one canonical form per page."""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote, unquote_plus, urljoin, urlsplit, urlunsplit

#: Schemes a link may have to be kept; everything else (javascript:, mailto:, data: …) is dropped.
WEB_SCHEMES = frozenset({"http", "https"})
#: Longer URLs are traps or garbage, never articles.
MAX_URL_LENGTH = 2048
_PATH_SAFE = "/%:@!$&'()*+,;=~"
_QUERY_SAFE = "/?%:@!$&'()*+,;=~"


@lru_cache(maxsize=8192)
def canonicalize_url(
    url: str,
    *,
    base: str | None = None,
    strip_params: tuple[str, ...] = (),
    https_hosts: tuple[str, ...] = (),
) -> str | None:
    """The canonical form of ``url`` (resolved against ``base``), or None when it is not a web URL.

    Lower-case scheme and host (an IPv6 address in brackets, compressed), no default port, no
    fragment, no query parameter matching one of
    ``strip_params`` (shell patterns such as ``utm_*``), remaining parameters in their original
    order. Hosts equal to or under one of ``https_hosts`` are upgraded to https (the site serves
    only https, but links to itself over http). None too when the canonical form is longer than
    MAX_URL_LENGTH. Canonicalising a canonical URL gives it back unchanged. Cached: a site's
    pages link to the same URLs.
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
    host = _ip6(parts.netloc) if "[" in parts.netloc else _idna(parts.hostname)
    if host is None:
        return None
    if scheme == "http" and any(host == h or host.endswith("." + h) for h in https_hosts):
        scheme = "https"
        port = None if port == 80 else port
    netloc = host
    if port is not None and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        netloc = f"{host}:{port}"
    query = parts.query
    patterns = strip_params
    if query and patterns:
        # Filter the raw name=value pairs: decoding and re-encoding would change the URL.
        query = "&".join(
            pair
            for pair in query.split("&")
            if pair
            and not any(
                fnmatch.fnmatchcase(unquote_plus(pair.split("=", 1)[0]).lower(), p)
                for p in patterns
            )
        )
    # Percent-encode what browsers (and Scrapy's requests) would, leaving existing escapes alone.
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = quote(query, safe=_QUERY_SAFE)
    canonical = urlunsplit((scheme, netloc, path, query, ""))
    # Escaping lengthens a URL: the limit holds for the canonical form too, or canonicalising
    # it again would refuse what the first pass gave.
    return canonical if len(canonical) <= MAX_URL_LENGTH else None


def _ip6(netloc: str) -> str | None:
    """``[address]`` of a netloc naming an IPv6 literal, in its compressed form; None when the
    brackets hold no IPv6 address (or a zone id: a link-local address is no site) or something
    other than a port follows them."""
    literal, _, rest = netloc.rpartition("@")[2].partition("]")
    if not literal.startswith("[") or "%" in literal or (rest and not rest.startswith(":")):
        return None
    try:
        return f"[{ipaddress.IPv6Address(literal[1:]).compressed}]"
    except ValueError:
        return None


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
