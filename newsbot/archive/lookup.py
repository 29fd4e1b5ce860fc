"""Which URL a user means: the forms under which the archive may know a URL pasted as found.

A URL copied from a browser, a newsletter or a spreadsheet differs from the one the crawler
stored: tracking parameters, a fragment, ``http`` for an https site, a trailing slash, ``www.``.
:func:`url_forms` lists the forms to look up, most literal first; the lookups are the caller's.
"""

from __future__ import annotations

import ipaddress
import itertools
import sqlite3
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit


def crawled_sites(conn: sqlite3.Connection) -> list[str]:
    """Slugs of the sites crawled into this archive (crawl runs are few: cheap to read)."""
    return [r[0] for r in conn.execute("SELECT DISTINCT site FROM crawl_runs")]


def url_forms(url: str, crawled_sites: Callable[[], list[str]]) -> Iterator[str]:
    """The forms under which an archive may know ``url`` as a user pasted it, most literal
    first, each once: as typed; canonicalised as the crawler does (tracking parameters and
    fragment removed, https for a site's own hosts) with the profile owning its host, then with
    the profile of each of ``crawled_sites()`` (called only when the cheaper forms are used up);
    then each of those with its trailing slash, its scheme (http, https) and its ``www.``
    changed, one change before two."""
    seen: list[str] = []
    for form in _candidates(url, crawled_sites):
        if form not in seen:
            seen.append(form)
            yield form
    for form in list(seen):
        for variant in variants(form):
            if variant not in seen:
                seen.append(variant)
                yield variant


def variants(url: str, *, www: bool = True) -> Iterator[str]:
    """``url`` with its trailing slash, scheme and (``www``) ``www.`` changed: one change, then
    two, then all three. Nothing for a URL that is not http(s)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return
    if parts.scheme not in ("http", "https") or not host:
        return
    path = parts.path or "/"
    paths = [path]
    if path != "/":
        paths.append(path.rstrip("/") if path.endswith("/") else path + "/")
    schemes = [parts.scheme, "https" if parts.scheme == "http" else "http"]
    netlocs = [parts.netloc]
    if www and not _is_ip(host):
        netlocs.append(
            parts.netloc[4:] if parts.netloc.startswith("www.") else "www." + parts.netloc
        )
    changes = sorted(
        itertools.product(range(len(paths)), range(len(schemes)), range(len(netlocs))),
        key=sum,
    )
    for p, s, n in changes[1:]:
        yield urlunsplit((schemes[s], netlocs[n], paths[p], parts.query, parts.fragment))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _candidates(url: str, crawled_sites: Callable[[], list[str]]) -> Iterator[str]:
    """Forms of ``url`` to look up, most literal first; ``crawled_sites`` is only called when
    the cheaper forms were not found."""
    # Imported here: extraction pulls in trafilatura, which commands that never resolve a URL
    # (stats, search, a crawl's archive writes) should not pay for.
    from newsbot.extract.urls import canonicalize_url
    from newsbot.sites import ProfileError, load_profile, profile_for_url

    typed = url.strip()
    yield typed
    profile = profile_for_url(typed)
    form = canonicalize_url(typed, strip_params=profile.strip_params, https_hosts=profile.domains)
    if form is not None:
        yield form
    for slug in crawled_sites():
        try:
            profile = load_profile(slug)
        except ProfileError:
            continue  # a site whose profile this newsbot does not have: nothing to learn
        form = canonicalize_url(
            typed, strip_params=profile.strip_params, https_hosts=profile.domains
        )
        if form is not None:
            yield form
