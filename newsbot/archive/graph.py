"""The link graph (``archive.graph``): related articles, backlinks, translation clusters,
the links of an article and to it, edge export.

Only reads, so a :class:`Graph` needs only a connection (Datasette's, in the browse plugin).
Every method but :meth:`Graph.links_from` and :meth:`Graph.links_to` takes URLs as a user may
paste them (tracking parameters, fragment, ``http`` for an https site):
:meth:`Graph.resolve_url` turns them into the canonical form the crawler stored, with the same
rules it used. Links are written with their article by ``Archive.save_capture``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from newsbot.archive.lookup import crawled_sites, url_forms
from newsbot.archive.session import rows
from newsbot.items import LinkKind

#: Every link kind, in the order views list them.
LINK_KINDS: tuple[str, ...] = get_args(LinkKind)
#: Kinds shown as an article's related articles, in this order.
RELATED_KINDS = ("related", "inline-related")
#: Kinds that count as backlinks: a translation is the same story, not a reference to it.
BACKLINK_KINDS = ("related", "inline-related", "inline")
#: Edges per query of :meth:`Graph.iter_edges`.
EDGE_BATCH = 1000
#: URLs per ``IN (…)`` list, under SQLite's oldest default limit of 999 bound parameters.
_IN_CHUNK = 500

_LINK_COLUMNS = "source_url, target_url, kind, anchor_text, label, position, capture_id"
_KIND_ORDER = " ".join(f"WHEN '{kind}' THEN {i}" for i, kind in enumerate(LINK_KINDS))
_BY_KIND = f"CASE l.kind {_KIND_ORDER} ELSE {len(LINK_KINDS)} END"
_EDGE_SELECT = """
    SELECT l.id, l.source_url, l.target_url, l.kind, l.anchor_text, l.label, l.position,
           s.language AS source_language, t.language AS target_language,
           t.id IS NOT NULL AS target_archived
    FROM links l
    LEFT JOIN articles s ON s.canonical_url = l.source_url
    LEFT JOIN articles t ON t.canonical_url = l.target_url
"""


@dataclass(frozen=True)
class RelatedLink:
    """One related article an article offers.

    ``title`` is the target's archived title when ``archived``, else the link's anchor text
    (possibly empty). ``language`` is the archived target's, else None. ``position`` is 1-based
    within ``kind``; ``label`` is the heading of the block the link stood in.
    """

    kind: str
    url: str
    title: str
    anchor_text: str
    label: str
    position: int
    archived: bool
    language: str | None


@dataclass(frozen=True)
class Backlink:
    """An archived article linking to another: its canonical URL, title, language, and the
    ``kind`` of that link (never ``translation``) with its anchor text, label and position."""

    source_url: str
    title: str
    language: str | None
    kind: str
    anchor_text: str
    label: str
    position: int


@dataclass(frozen=True)
class RelatedView:
    """What the archive knows around one URL.

    ``url`` is canonical. ``title`` and ``language`` are None when the URL is not an archived
    article (only a link target); ``related`` is then empty. ``related`` lists the ``related``
    links, then the ``inline-related`` ones, each by position; ``backlinks`` as
    :meth:`Graph.backlinks` returns them.
    """

    url: str
    title: str | None
    language: str | None
    related: tuple[RelatedLink, ...]
    backlinks: tuple[Backlink, ...]

    @property
    def archived(self) -> bool:
        return self.title is not None


@dataclass(frozen=True)
class ClusterMember:
    """One language version of a story.

    ``language`` is the archived article's language, else the hreflang value the translation
    links gave it (None when neither is known). ``title`` is None when not archived.
    """

    url: str
    language: str | None
    title: str | None

    @property
    def archived(self) -> bool:
        return self.title is not None


@dataclass(frozen=True)
class Edge:
    """One stored link, as exported.

    ``source_language`` is the source article's language. ``target_language`` is the archived
    target's language; for an unarchived translation target, the hreflang value of the link;
    else None. ``target_archived`` says whether the target is an archived article.
    """

    source: str
    target: str
    kind: str
    anchor_text: str
    label: str
    position: int
    source_language: str | None
    target_language: str | None
    target_archived: bool


#: Field names of :class:`Edge`, in export column order.
EDGE_FIELDS: tuple[str, ...] = tuple(Edge.__dataclass_fields__)


class Graph:
    """The link graph of one archive (``archive.graph``), read on ``conn``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def links_from(self, source_url: str) -> list[dict[str, Any]]:
        """The links of the article with canonical URL ``source_url``, by kind then position.

        Each: source_url, target_url, kind, anchor_text, label, position, capture_id."""
        sql = f"SELECT {_LINK_COLUMNS} FROM links WHERE source_url = ? ORDER BY kind, position, id"
        return [dict(row) for row in rows(self._conn, sql, (source_url,))]

    def links_to(self, target_url: str) -> list[dict[str, Any]]:
        """Every link pointing at ``target_url`` (backlinks), by source, kind and position."""
        sql = (
            f"SELECT {_LINK_COLUMNS} FROM links WHERE target_url = ?"
            " ORDER BY source_url, kind, position, id"
        )
        return [dict(row) for row in rows(self._conn, sql, (target_url,))]

    def resolve_url(self, url: str) -> str | None:
        """The canonical URL under which the archive knows ``url``, or None if it does not.

        Known means: the canonical URL of an archived article, or the target of a stored link.
        ``url`` is tried in the forms of :func:`url_forms`: as typed, canonicalised as the
        crawler does, then with its trailing slash, scheme and ``www.`` changed. The page URL an
        article was read from also finds the article.
        """
        for candidate in url_forms(url, self._crawled_sites):
            found = self._known_as(candidate)
            if found is not None:
                return found
        return None

    def related_of(self, url: str) -> RelatedView | None:
        """The related articles of ``url`` and its backlinks; None when the archive knows
        nothing of ``url`` (see :meth:`resolve_url`). Links from an article to itself are left
        out."""
        canonical = self.resolve_url(url)
        if canonical is None:
            return None
        article = self._article_head(canonical)
        found = rows(
            self._conn,
            f"""
            SELECT l.kind, l.target_url, l.anchor_text, l.label, l.position,
                   t.title, t.language
            FROM links l LEFT JOIN articles t ON t.canonical_url = l.target_url
            WHERE l.source_url = ? AND l.kind IN ({_marks(RELATED_KINDS)})
              AND l.target_url <> l.source_url
            ORDER BY {_BY_KIND}, l.position, l.id
            """,
            (canonical, *RELATED_KINDS),
        )
        related = tuple(
            RelatedLink(
                kind=r["kind"],
                url=r["target_url"],
                title=r["title"] if r["title"] is not None else r["anchor_text"],
                anchor_text=r["anchor_text"],
                label=r["label"],
                position=r["position"],
                archived=r["title"] is not None,
                language=r["language"],
            )
            for r in found
        )
        return RelatedView(
            url=canonical,
            title=article[0] if article else None,
            language=article[1] if article else None,
            related=related,
            backlinks=tuple(self._backlinks_of(canonical)),
        )

    def backlinks(self, url: str) -> list[Backlink]:
        """Every link from an archived article to ``url`` except translations and links of an
        article to itself: one per source and kind, by source URL, then kind (related,
        inline-related, inline). Empty when the archive knows nothing of ``url``."""
        canonical = self.resolve_url(url)
        return [] if canonical is None else self._backlinks_of(canonical)

    def translation_cluster(self, url: str) -> list[ClusterMember]:
        """Every language version of the story ``url`` belongs to, ``url`` included, by
        language then URL; empty when the archive knows nothing of ``url``.

        Translation links are taken as symmetric and transitive: if A lists B and B lists C,
        A, B and C are one cluster, even when C lists nobody, and whether or not B is archived.
        Computed breadth-first with indexed lookups, reading only the cluster's own links.
        """
        canonical = self.resolve_url(url)
        if canonical is None:
            return []
        members = self._translation_closure(canonical)
        titles: dict[str, tuple[str, str | None]] = {}
        labels: dict[str, str] = {}
        for chunk in _chunks(sorted(members)):
            marks = _marks(chunk)
            for r in rows(
                self._conn,
                f"SELECT canonical_url, title, language FROM articles"
                f" WHERE canonical_url IN ({marks})",
                chunk,
            ):
                titles[r["canonical_url"]] = (r["title"], r["language"])
            # The most common hreflang value names an unarchived member's language.
            for r in rows(
                self._conn,
                f"SELECT target_url, label, COUNT(*) AS n FROM links"
                f" WHERE kind = 'translation' AND target_url IN ({marks}) AND label <> ''"
                f" GROUP BY target_url, label ORDER BY n DESC, label",
                chunk,
            ):
                labels.setdefault(r["target_url"], r["label"])
        out = []
        for member in members:
            title, language = titles.get(member, (None, None))
            out.append(ClusterMember(member, language or labels.get(member), title))
        return sorted(out, key=lambda m: (m.language or "", m.url))

    def iter_edges(self, kinds: Iterable[str] | None = None) -> Iterator[Edge]:
        """Every stored link (of ``kinds`` only, when given) as an :class:`Edge`, in the order
        they were stored, read in batches of :data:`EDGE_BATCH` so the whole table is never in
        memory (links saved while iterating may or may not be included).

        A generator: nothing is read before the first edge is asked for. Raises ValueError
        (when iteration starts) for a kind that is not one of :data:`LINK_KINDS`.
        """
        chosen = tuple(dict.fromkeys(kinds)) if kinds is not None else ()
        unknown = [kind for kind in chosen if kind not in LINK_KINDS]
        if unknown:
            raise ValueError(f"unknown link kind {unknown[0]!r} (known: {', '.join(LINK_KINDS)})")
        where = f" AND l.kind IN ({_marks(chosen)})" if chosen else ""
        sql = f"{_EDGE_SELECT} WHERE l.id > ?{where} ORDER BY l.id LIMIT {EDGE_BATCH}"
        last_id = 0
        while True:
            batch = rows(self._conn, sql, (last_id, *chosen))
            for r in batch:
                yield _edge(r)
            if len(batch) < EDGE_BATCH:
                return
            last_id = batch[-1]["id"]

    # -- helpers -----------------------------------------------------------------------------

    def _crawled_sites(self) -> list[str]:
        return crawled_sites(self._conn)

    def _known_as(self, url: str) -> str | None:
        conn = self._conn
        if conn.execute(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE canonical_url = ?)"
            " OR EXISTS (SELECT 1 FROM links WHERE target_url = ?)",
            (url, url),
        ).fetchone()[0]:
            return url
        row = conn.execute(
            "SELECT canonical_url FROM articles WHERE url = ?"
            " ORDER BY extracted_at DESC, id DESC LIMIT 1",
            (url,),
        ).fetchone()
        return None if row is None else str(row[0])

    def _article_head(self, canonical: str) -> tuple[str, str | None] | None:
        row = self._conn.execute(
            "SELECT title, language FROM articles WHERE canonical_url = ?", (canonical,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def _backlinks_of(self, canonical: str) -> list[Backlink]:
        found = rows(
            self._conn,
            f"""
            SELECT l.source_url, l.kind, l.anchor_text, l.label, l.position,
                   s.title, s.language
            FROM links l JOIN articles s ON s.canonical_url = l.source_url
            WHERE l.target_url = ? AND l.kind IN ({_marks(BACKLINK_KINDS)})
              AND l.source_url <> l.target_url
            ORDER BY l.source_url, {_BY_KIND}, l.position, l.id
            """,
            (canonical, *BACKLINK_KINDS),
        )
        out: list[Backlink] = []
        seen: set[tuple[str, str]] = set()
        for r in found:
            # A source lists a target once per kind; a second one (two blocks of the same
            # kind) adds nothing for a reader.
            if (r["source_url"], r["kind"]) in seen:
                continue
            seen.add((r["source_url"], r["kind"]))
            out.append(
                Backlink(
                    source_url=r["source_url"],
                    title=r["title"],
                    language=r["language"],
                    kind=r["kind"],
                    anchor_text=r["anchor_text"],
                    label=r["label"],
                    position=r["position"],
                )
            )
        return out

    def _translation_closure(self, start: str) -> set[str]:
        """``start`` and every URL reachable from it over translation links in either
        direction. One indexed query per level and direction: links are never all read."""
        seen = {start}
        frontier = [start]
        while frontier:
            found: set[str] = set()
            for chunk in _chunks(frontier):
                marks = _marks(chunk)
                for (other,) in self._conn.execute(
                    f"SELECT target_url FROM links WHERE kind = 'translation'"
                    f" AND source_url IN ({marks})"
                    f" UNION SELECT source_url FROM links WHERE kind = 'translation'"
                    f" AND target_url IN ({marks})",
                    (*chunk, *chunk),
                ):
                    found.add(other)
            frontier = sorted(found - seen)
            seen.update(frontier)
        return seen


def _edge(r: sqlite3.Row) -> Edge:
    target_language = r["target_language"]
    if target_language is None and r["kind"] == "translation" and r["label"]:
        target_language = r["label"]
    return Edge(
        source=r["source_url"],
        target=r["target_url"],
        kind=r["kind"],
        anchor_text=r["anchor_text"],
        label=r["label"],
        position=r["position"],
        source_language=r["source_language"],
        target_language=target_language,
        target_archived=bool(r["target_archived"]),
    )


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]
