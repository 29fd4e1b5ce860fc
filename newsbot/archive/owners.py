"""Which article row an extraction may write: a page never overwrites another page's article.

Articles are keyed by canonical URL, and a page names its canonical URL itself (``rel=canonical``,
``og:url``, JSON-LD). The archive follows that claim only where it cannot hurt. An article
extracted from a capture of page P (its final URL, canonicalised by its site's rules) that names
canonical URL K is stored:

- under K when K is P's own URL, or the same page as P (same site, same path but for a trailing
  slash, same query: a mirror of the site, http for https, a tracking parameter);
- under P when K is on another site (a page cannot claim another site's URL);
- under P when K has a capture of its own (a 2xx or 304 whose page is K): that capture's
  extraction owns K's row, whatever the order the two were processed in;
- else under K (an AMP or print version, an old slug, naming the real article the archive has
  not fetched): the row is K's until K's own capture comes, which takes it back.

An article a page wrote into K's row is never lost when another page writes the row: it moves
to its own page's URL (as if its canonical had been refused from the start), so that what the
archive holds in the end does not depend on the order the pages were processed in.

Refusing a canonical URL is recorded (an ``errors`` row of kind :data:`REFUSED_KIND`, and the
reason in the capture's ``extractions`` row), so a site's lying pages show in ``newsbot stats``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newsbot.archive import history
from newsbot.archive.lookup import variants
from newsbot.archive.records import article_content_hash
from newsbot.items import Article

if TYPE_CHECKING:
    from newsbot.sites import Profile

#: The ``errors`` kind of a page whose canonical URL was not followed.
REFUSED_KIND = "canonical_refused"
#: Statuses of a fetch that got the page at its URL.
_PAGE_SERVED = "(c.status BETWEEN 200 AND 299 OR c.status = 304)"
#: Enough captures to look at for K's own: past this many, K is no lone victim of a liar.
_LOOKED_AT = 50


@dataclass(frozen=True)
class Placement:
    """Where an article extracted from one capture goes.

    ``article`` is the article as it is stored (its ``canonical_url`` is the page's own URL
    when the one it named was refused); ``refused`` says why the page's canonical URL was not
    followed (None when it was); ``own`` is True when the row is the page's own, so that it
    takes the row back from any other page that held it.
    """

    article: Article
    refused: str | None = None
    own: bool = True


def place(conn: sqlite3.Connection, article: Article, capture_id: int) -> Placement:
    """Where ``article``, extracted from stored capture ``capture_id``, is stored (reads only).

    Raises KeyError for an unknown capture."""
    row = conn.execute(
        "SELECT final_url, site FROM captures WHERE id = ?", (capture_id,)
    ).fetchone()
    if row is None:
        raise KeyError(capture_id)
    return place_page(conn, article, capture_id, final_url=row[0], site=row[1])


def place_page(
    conn: sqlite3.Connection, article: Article, capture_id: int | None, *, final_url: str, site: str
) -> Placement:
    """As :func:`place`, for a capture whose final URL and site are at hand (``capture_id``:
    the capture itself when already stored, so that it is not its own rival)."""
    named = article.canonical_url
    if named == final_url or not named.strip():  # (the archive refuses a blank one)
        return Placement(article)
    domains = _domains(site, final_url)
    page = page_url(final_url, site)
    if same_page(page, named, domains):
        return Placement(article)
    if not same_site(named, page, domains):
        why = f"its canonical URL {named} is on another site: kept under {page}"
        return Placement(replace(article, canonical_url=page), why, own=True)
    if has_own_capture(conn, named, domains, besides=capture_id):
        why = refusal(named, page)
        return Placement(replace(article, canonical_url=page), why, own=True)
    return Placement(article, own=False)


def page_url(final_url: str, site: str) -> str:
    """The canonical form of a page's own URL by its site's rules (as extraction forms the
    canonical URLs it reads); ``final_url`` itself when it is no web URL."""
    # Imported here: extraction pulls in trafilatura, which archive reads should not pay for.
    from newsbot.extract.urls import canonicalize_url

    profile = _profile(site, final_url)
    strip_params, domains = (profile.strip_params, profile.domains) if profile else ((), ())
    form = canonicalize_url(final_url, strip_params=strip_params, https_hosts=domains)
    return form or final_url


def same_page(page: str, named: str, domains: tuple[str, ...] = ()) -> bool:
    """Whether canonical URL ``named`` is page ``page`` itself: equal, or on the same site
    with the same query and the same path but for a trailing slash (a mirror of the site
    serves its pages under another host)."""
    if page == named:
        return True
    a, b = urlsplit(page), urlsplit(named)
    return (
        a.path.rstrip("/") == b.path.rstrip("/")
        and a.query == b.query
        and same_site(named, page, domains)
    )


def same_site(url: str, page: str, domains: tuple[str, ...] = ()) -> bool:
    """Whether ``url`` is on the site of ``page``: on one of the site's ``domains``, or on the
    page's host, a host above it or below it (``www.`` and ``amp.`` included)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        return False
    if any(host == d or host.endswith("." + d) for d in domains):
        return True
    own = (urlsplit(page).hostname or "").lower().rstrip(".")
    host, own = host.removeprefix("www."), own.removeprefix("www.")
    return host == own or host.endswith("." + own) or own.endswith("." + host)


def has_own_capture(
    conn: sqlite3.Connection, url: str, domains: tuple[str, ...], *, besides: int | None
) -> bool:
    """Whether a stored capture (other than ``besides``) got the page at ``url`` itself: under
    one of its plain forms, or as a page whose extraction named ``url`` from the same path."""
    forms = _forms(url)
    marks = ", ".join("?" * len(forms))
    rows = conn.execute(
        f"SELECT c.id, c.final_url, c.site FROM captures c"
        f" WHERE (c.final_url IN ({marks}) OR c.url IN ({marks})) AND {_PAGE_SERVED}"
        " UNION SELECT c.id, c.final_url, c.site FROM extractions e"
        f" JOIN captures c ON c.id = e.capture_id WHERE e.canonical_url = ? AND {_PAGE_SERVED}"
        f" LIMIT {_LOOKED_AT}",
        (*forms, *forms, url),
    ).fetchall()
    return any(
        capture_id != besides and same_page(page_url(final_url, site), url, domains)
        for capture_id, final_url, site in rows
    )


def _page_of(conn: sqlite3.Connection, capture_id: int) -> str | None:
    row = conn.execute(
        "SELECT final_url, site FROM captures WHERE id = ?", (capture_id,)
    ).fetchone()
    return None if row is None else page_url(row[0], row[1])


def is_own_capture(conn: sqlite3.Connection, capture_id: int | None, url: str) -> bool:
    """Whether stored capture ``capture_id`` is of the page at ``url`` itself."""
    if capture_id is None:
        return False
    row = conn.execute(
        "SELECT final_url, site FROM captures WHERE id = ?", (capture_id,)
    ).fetchone()
    if row is None:
        return False
    final_url, site = row
    return final_url == url or same_page(page_url(final_url, site), url, _domains(site, url))


@dataclass(frozen=True)
class Displaced:
    """An article another page wrote into a row that its own capture now takes back."""

    #: The capture it was extracted from.
    capture_id: int
    #: When that capture was fetched.
    fetched_at: str
    #: The article, its canonical URL now its own page URL.
    article: Article


def displaced(
    conn: sqlite3.Connection, canonical_url: str, *, by: int, own: bool
) -> Displaced | None:
    """The article in ``canonical_url``'s row when another page wrote it there, to be moved
    to its own page URL before capture ``by`` writes the row (reads only; ``own``: ``by`` is
    a capture of the row's own page). None when the row is missing, is its page's own or
    ``by``'s page's, or when the page that wrote it already has a row of its own."""
    row = conn.execute(
        "SELECT a.capture_id, a.content_hash, c.final_url, c.site, c.fetched_at FROM articles a"
        " JOIN captures c ON c.id = a.capture_id WHERE a.canonical_url = ?",
        (canonical_url,),
    ).fetchone()
    if row is None:
        return None
    capture_id, content_hash, final_url, site, fetched_at = row
    if final_url == canonical_url:
        return None
    page = page_url(final_url, site)
    if same_page(page, canonical_url, _domains(site, final_url)):
        return None
    if not own and (capture_id == by or _page_of(conn, by) == page):
        return None  # the same page again: its new extraction replaces its last one
    if conn.execute("SELECT 1 FROM articles WHERE canonical_url = ?", (page,)).fetchone():
        return None
    stored = history.stored_version(conn, canonical_url, content_hash)
    if stored is None:
        return None
    return Displaced(capture_id, fetched_at, replace(stored, canonical_url=page))


def refusal(named: str, page: str) -> str:
    """Why a page's canonical URL ``named`` was refused for one archived on its own."""
    return f"its canonical URL {named} is another page archived on its own: kept under {page}"


def moved(conn: sqlite3.Connection, gone: Displaced, named: str, at: str, *, own: bool) -> None:
    """Record that the displaced article now lives under its page's own URL: in its capture's
    last extraction (so that extracting that capture again finds no change) and as an error
    row of that capture, as if its canonical URL had been refused from the start (``own``:
    it was displaced by ``named``'s own page, else by another page naming ``named`` too)."""
    page = gone.article.canonical_url
    why = (
        refusal(named, page)
        if own
        else f"its canonical URL {named} is named by another page too: kept under {page}"
    )
    conn.execute(
        "UPDATE extractions SET canonical_url = ?, content_hash = ?, reason = ?"
        " WHERE capture_id = ? AND outcome = 'article'",
        (gone.article.canonical_url, article_content_hash(gone.article), why, gone.capture_id),
    )
    conn.execute(
        "INSERT INTO errors (run_id, capture_id, url, stage, kind, message, at)"
        " SELECT run_id, id, url, 'archive', ?, ?, ? FROM captures WHERE id = ?",
        (REFUSED_KIND, why, at, gone.capture_id),
    )


def note_refused(conn: sqlite3.Connection, capture_id: int, why: str) -> None:
    """Keep why a capture's canonical URL was refused in its last extraction's row."""
    conn.execute("UPDATE extractions SET reason = ? WHERE capture_id = ?", (why, capture_id))


def _forms(url: str) -> tuple[str, ...]:
    """``url`` and its forms with the other scheme and the trailing slash changed."""
    return tuple(sorted({url, *variants(url, www=False)}))


def _domains(site: str, url: str) -> tuple[str, ...]:
    profile = _profile(site, url)
    return () if profile is None else tuple(profile.domains)


def _profile(site: str, url: str) -> Profile | None:
    """The profile extraction read the page with (None: no profile can be read)."""
    from newsbot.sites import ProfileError, load_profile, profile_for_url

    try:
        return load_profile(site)
    except ProfileError:
        pass
    try:
        return profile_for_url(url)
    except ProfileError:
        return None
