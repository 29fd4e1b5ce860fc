"""The archive's schema, as named migrations applied in order when an archive is opened.

Each migration runs in one transaction together with its bookkeeping row in
``_sqlite_migrations`` (sqlite-utils :class:`~sqlite_utils.migrations.Migrations`), so an archive
is never left half-migrated and applying the set twice changes nothing. A new schema change is a
new function appended below, never an edit of one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MigrationFn = Callable[[Database], None]

#: The name under which this set's migrations are recorded in ``_sqlite_migrations``.
MIGRATION_SET = "newsbot.archive"

ARCHIVE_MIGRATIONS = Migrations(MIGRATION_SET)

#: Names of every migration in :data:`ARCHIVE_MIGRATIONS`, in order. An archive that records a
#: name not in this list was written by a newer newsbot.
MIGRATION_NAMES: list[str] = []

#: Tables created by the archive; a database holding other tables and none of our bookkeeping
#: is someone else's file.
ARCHIVE_TABLES = ("bodies", "captures", "articles", "links", "crawl_runs", "errors")

#: Tokenizer for full-text search: Unicode word boundaries in every script, case folded,
#: diacritics removed (so "elections" finds "élections" and "Muller" finds "Müller").
FTS_TOKENIZER = "unicode61 remove_diacritics 2"

# REFERENCES clauses document the joins (Datasette shows them as links) but are not enforced:
# a crawl must never lose a capture because a bookkeeping id was off.
_INITIAL_SCHEMA = (
    """
    CREATE TABLE bodies (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        stored_size INTEGER NOT NULL,
        codec TEXT NOT NULL,
        data BLOB NOT NULL,
        first_seen_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        spider TEXT NOT NULL,
        site TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}',
        stats TEXT NOT NULL DEFAULT '{}',
        counts TEXT NOT NULL DEFAULT '{}'
    )
    """,
    """
    CREATE TABLE captures (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES crawl_runs(id),
        site TEXT NOT NULL,
        kind TEXT NOT NULL,
        url TEXT NOT NULL,
        final_url TEXT NOT NULL,
        status INTEGER NOT NULL,
        headers TEXT NOT NULL DEFAULT '[]',
        sha256 TEXT REFERENCES bodies(sha256),
        fetched_at TEXT NOT NULL,
        error TEXT
    )
    """,
    "CREATE INDEX captures_url ON captures (url)",
    "CREATE INDEX captures_final_url ON captures (final_url)",
    "CREATE INDEX captures_sha256 ON captures (sha256)",
    "CREATE INDEX captures_run_id ON captures (run_id)",
    # A capture is the record of one fetch: what the server said then. Correcting it would
    # falsify the record, so the database itself refuses.
    """
    CREATE TRIGGER captures_no_update BEFORE UPDATE ON captures BEGIN
        SELECT RAISE(ABORT, 'captures are never edited: a capture records one fetch as it was');
    END
    """,
    """
    CREATE TRIGGER captures_no_delete BEFORE DELETE ON captures BEGIN
        SELECT RAISE(ABORT, 'captures are never deleted: a capture records one fetch as it was');
    END
    """,
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        canonical_url TEXT UNIQUE NOT NULL CHECK (canonical_url <> ''),
        url TEXT NOT NULL,
        capture_id INTEGER REFERENCES captures(id),
        site TEXT NOT NULL,
        language TEXT,
        title TEXT NOT NULL,
        teaser TEXT NOT NULL,
        text TEXT NOT NULL,
        authors TEXT NOT NULL DEFAULT '[]',
        published_at TEXT,
        modified_at TEXT,
        section TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        image_url TEXT,
        extractor_version TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        extracted_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX articles_url ON articles (url)",
    """
    CREATE TABLE links (
        id INTEGER PRIMARY KEY,
        source_url TEXT NOT NULL,
        target_url TEXT NOT NULL,
        kind TEXT NOT NULL,
        anchor_text TEXT NOT NULL,
        label TEXT NOT NULL,
        position INTEGER NOT NULL,
        capture_id INTEGER REFERENCES captures(id)
    )
    """,
    "CREATE INDEX links_source_url ON links (source_url)",
    "CREATE INDEX links_target_url ON links (target_url)",
    """
    CREATE TABLE errors (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES crawl_runs(id),
        capture_id INTEGER REFERENCES captures(id),
        url TEXT NOT NULL,
        stage TEXT NOT NULL,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        at TEXT NOT NULL
    )
    """,
    "CREATE INDEX errors_run_id ON errors (run_id)",
)


def _migration(name: str) -> Callable[[MigrationFn], MigrationFn]:
    """Register a migration under ``name`` in :data:`ARCHIVE_MIGRATIONS`, keeping its name."""

    def register(fn: MigrationFn) -> MigrationFn:
        MIGRATION_NAMES.append(name)
        return ARCHIVE_MIGRATIONS(name=name)(fn)

    return register


@_migration("0001_initial")
def initial(db: Database) -> None:
    """Bodies, captures, articles (with full-text search), links, crawl runs and errors."""
    for statement in _INITIAL_SCHEMA:
        db.execute(statement)
    # External-content FTS5 over articles, kept in sync by insert/update/delete triggers.
    db.table("articles").enable_fts(
        ["title", "text"], fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZER
    )


@_migration("0002_article_ids_sources_captions")
def article_ids_sources_captions(db: Database) -> None:
    """The site's story and event ids, the agencies named as sources, picture captions."""
    for statement in (
        "ALTER TABLE articles ADD COLUMN story_id TEXT",
        "ALTER TABLE articles ADD COLUMN event_id TEXT",
        "ALTER TABLE articles ADD COLUMN sources TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE articles ADD COLUMN captions TEXT NOT NULL DEFAULT '[]'",
    ):
        db.execute(statement)


# Migration 0003 is written in SQL of its own, not with the frontier and history code, so that
# it keeps doing what it did when later migrations change those tables.
_FRONTIER_SCHEMA = (
    "ALTER TABLE captures ADD COLUMN revisit_of INTEGER REFERENCES captures(id)",
    """
    CREATE TABLE frontier (
        url TEXT PRIMARY KEY CHECK (url <> ''),
        site TEXT NOT NULL,
        kind TEXT NOT NULL,
        found_in TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        lastmod TEXT,
        published_at TEXT,
        priority INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'due' CHECK (state IN ('due', 'done', 'gone', 'failed')),
        due_at TEXT,
        fetch_count INTEGER NOT NULL DEFAULT 0,
        last_fetched_at TEXT,
        last_status INTEGER,
        etag TEXT,
        last_modified TEXT,
        sha256 TEXT REFERENCES bodies(sha256),
        last_capture_id INTEGER REFERENCES captures(id),
        listed_lastmod TEXT,
        listed_published_at TEXT,
        failures INTEGER NOT NULL DEFAULT 0
    )
    """,
    # Only scheduled rows are indexed: a fetched article without a schedule leaves the index,
    # so "what is due for this site, by priority" stays small after years of crawling.
    """
    CREATE INDEX frontier_due ON frontier (site, priority, due_at, url)
    WHERE due_at IS NOT NULL
    """,
    """
    CREATE TABLE article_versions (
        id INTEGER PRIMARY KEY,
        canonical_url TEXT NOT NULL,
        version INTEGER NOT NULL,
        capture_id INTEGER REFERENCES captures(id),
        content_hash TEXT NOT NULL,
        extracted_at TEXT NOT NULL,
        url TEXT NOT NULL,
        site TEXT NOT NULL,
        language TEXT,
        title TEXT NOT NULL,
        teaser TEXT NOT NULL,
        text TEXT NOT NULL,
        authors TEXT NOT NULL DEFAULT '[]',
        published_at TEXT,
        modified_at TEXT,
        section TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        image_url TEXT,
        story_id TEXT,
        event_id TEXT,
        sources TEXT NOT NULL DEFAULT '[]',
        captions TEXT NOT NULL DEFAULT '[]',
        extractor_version TEXT NOT NULL,
        links TEXT NOT NULL DEFAULT '[]',
        UNIQUE (canonical_url, version)
    )
    """,
)

# Every stored article becomes version 1 of its history, with the links it has now.
_BACKFILL_VERSIONS = """
    INSERT INTO article_versions (
        canonical_url, version, capture_id, content_hash, extracted_at, url, site, language,
        title, teaser, text, authors, published_at, modified_at, section, tags, image_url,
        story_id, event_id, sources, captions, extractor_version, links)
    SELECT a.canonical_url, 1, a.capture_id, a.content_hash, a.extracted_at, a.url, a.site,
           a.language, a.title, a.teaser, a.text, a.authors, a.published_at, a.modified_at,
           a.section, a.tags, a.image_url, a.story_id, a.event_id, a.sources, a.captions,
           a.extractor_version,
           (SELECT json_group_array(json_object(
                'kind', l.kind, 'url', l.target_url, 'anchor_text', l.anchor_text,
                'label', l.label, 'position', l.position))
            FROM (SELECT * FROM links WHERE source_url = a.canonical_url ORDER BY id) l)
    FROM articles a ORDER BY a.id
"""

# Every URL already fetched becomes a frontier row saying what its fetches said, so the first
# scheduled run after the upgrade sends conditional requests instead of fetching it all again.
# Failures after the last conclusive answer count against the retry cap (3 at the time).
_BACKFILL_FRONTIER = """
    WITH per_url AS (
        SELECT url, MIN(fetched_at) AS first_seen_at, COUNT(*) AS fetch_count,
               MAX(id) AS last_id,
               MAX(CASE WHEN status BETWEEN 200 AND 299 THEN id END) AS ok_id,
               MAX(CASE WHEN status BETWEEN 200 AND 299 OR status IN (304, 404, 410)
                   THEN id END) AS settled_id
        FROM captures GROUP BY url
    ),
    fetched AS (
        SELECT p.*, last.site, last.kind, last.status, last.fetched_at,
               CASE WHEN last.status BETWEEN 200 AND 299 OR last.status = 304 THEN 'done'
                    WHEN last.status IN (404, 410) THEN 'gone'
                    ELSE 'failed' END AS state,
               (SELECT COUNT(*) FROM captures c
                WHERE c.url = p.url AND c.id > COALESCE(p.settled_id, 0)) AS failures,
               ok.id AS ok_capture, ok.sha256 AS ok_sha256, ok.headers AS ok_headers
        FROM per_url p
        JOIN captures last ON last.id = p.last_id
        LEFT JOIN captures ok ON ok.id = p.ok_id
    )
    INSERT INTO frontier (
        url, site, kind, found_in, first_seen_at, state, due_at, fetch_count, last_fetched_at,
        last_status, etag, last_modified, sha256, last_capture_id, failures)
    SELECT url, site, kind, 'start', first_seen_at, state,
           CASE WHEN kind IN ('sitemap', 'feed', 'section') AND state <> 'gone' THEN fetched_at
                WHEN state = 'failed' AND failures < 3 THEN fetched_at END,
           fetch_count, fetched_at, status,
           (SELECT json_extract(h.value, '$[1]') FROM json_each(ok_headers) h
            WHERE lower(json_extract(h.value, '$[0]')) = 'etag' LIMIT 1),
           (SELECT json_extract(h.value, '$[1]') FROM json_each(ok_headers) h
            WHERE lower(json_extract(h.value, '$[0]')) = 'last-modified' LIMIT 1),
           ok_sha256, ok_capture, CASE WHEN state = 'failed' THEN failures ELSE 0 END
    FROM fetched ORDER BY url
"""


@_migration("0003_frontier_revisits_history")
def frontier_revisits_history(db: Database) -> None:
    """The crawl frontier, revisit captures (``captures.revisit_of``) and article versions;
    existing articles become version 1, existing captures seed the frontier."""
    for statement in (*_FRONTIER_SCHEMA, _BACKFILL_VERSIONS, _BACKFILL_FRONTIER):
        db.execute(statement)


# What the index holds of an article must leave it with the very text it was indexed with: at
# once, unless the article is still waiting to be indexed.
_UNINDEX_OLD = """
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
        SELECT 'delete', old.rowid, old.title, old.text
        WHERE NOT EXISTS (SELECT 1 FROM articles_fts_pending WHERE article_id = old.rowid);
"""
_NOTE_NEW = "INSERT OR IGNORE INTO articles_fts_pending (article_id) VALUES (new.rowid);"

# The pending list of newsbot.archive.index and the triggers that keep it.
_PENDING_SCHEMA = (
    "CREATE TABLE articles_fts_pending (article_id INTEGER PRIMARY KEY)",
    f"CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN {_NOTE_NEW} END",
    f"CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN {_UNINDEX_OLD} {_NOTE_NEW} END",
    f"""
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN {_UNINDEX_OLD}
        DELETE FROM articles_fts_pending WHERE article_id = old.rowid;
    END
    """,
)


@_migration("0004_search_index_in_batches")
def search_index_in_batches(db: Database) -> None:
    """Articles are noted for the full-text index and indexed in batches
    (:mod:`newsbot.archive.index`), instead of one at a time by triggers."""
    for trigger in ("articles_ai", "articles_au", "articles_ad"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for statement in _PENDING_SCHEMA:
        db.execute(statement)


#: The columns 0002 gave Euronews' ids, which 0005 moves into ``extras``.
_FORMER_ID_COLUMNS = ("story_id", "event_id")


@_migration("0005_article_extras")
def article_extras(db: Database) -> None:
    """Fields only some sites have (named by their profile) as one JSON object per article,
    ``extras``: the story and event ids move there from columns of their own, which go."""
    for table in ("articles", "article_versions"):
        columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()}
        if not columns:
            continue
        if "extras" not in columns:
            db.execute(f"ALTER TABLE {table} ADD COLUMN extras TEXT NOT NULL DEFAULT '{{}}'")
        former = [name for name in _FORMER_ID_COLUMNS if name in columns]
        if not former:
            continue
        # Only ids move, no text: the search index's triggers need not hear of it (they
        # would unindex and queue every article again). Put back as they were.
        triggers = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            [table],
        ).fetchall()
        for name, _ in triggers:
            db.execute(f"DROP TRIGGER {name}")
        # A JSON merge patch leaves out the members whose value is null: absent ids stay absent.
        pairs = ", ".join(f"'{name}', {name}" for name in former)
        db.execute(
            f"UPDATE {table} SET extras = json_patch(extras, json_object({pairs}))"
            f" WHERE {' OR '.join(f'{name} IS NOT NULL' for name in former)}"
        )
        for name in former:
            db.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
        for _, sql in triggers:
            db.execute(sql)


# The last extraction of every capture that went through it, from what earlier archives kept:
# the latest version extracted from each capture, then the pages an extraction refused.
_EXTRACTIONS_SCHEMA = (
    """
    CREATE TABLE extractions (
        capture_id INTEGER PRIMARY KEY REFERENCES captures(id),
        outcome TEXT NOT NULL CHECK (outcome IN ('article', 'not_article', 'live_blog', 'failed')),
        canonical_url TEXT,
        content_hash TEXT,
        reason TEXT,
        extractor_version TEXT,
        extracted_at TEXT NOT NULL,
        run_id INTEGER REFERENCES crawl_runs(id)
    )
    """,
    "CREATE INDEX extractions_canonical_url ON extractions (canonical_url)",
    """
    INSERT OR REPLACE INTO extractions (capture_id, outcome, canonical_url, content_hash,
                                        extractor_version, extracted_at)
    SELECT v.capture_id, 'article', v.canonical_url, v.content_hash, v.extractor_version,
           v.extracted_at
    FROM article_versions v
    WHERE v.capture_id IS NOT NULL
      AND v.id = (SELECT MAX(id) FROM article_versions w WHERE w.capture_id = v.capture_id)
    """,
    """
    INSERT OR IGNORE INTO extractions (capture_id, outcome, reason, extracted_at, run_id)
    SELECT capture_id, 'not_article', message, at, run_id FROM errors
    WHERE stage = 'extract' AND capture_id IS NOT NULL ORDER BY id
    """,
)


@_migration("0006_extractions")
def extractions(db: Database) -> None:
    """What the last extraction of each capture found (an article and its content hash, or
    why not), and with which extractor: what ``newsbot reextract`` compares with."""
    for statement in _EXTRACTIONS_SCHEMA:
        db.execute(statement)


# AUTOINCREMENT: an id is never given twice, so a reader that cached dictionary 7 can never
# mistake a later dictionary for it, even after 7 was deleted.
_DICTIONARIES_SCHEMA = (
    """
    CREATE TABLE dictionaries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        site TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('raw')),
        created_at TEXT NOT NULL,
        samples INTEGER NOT NULL,
        size INTEGER NOT NULL,
        stored_size INTEGER NOT NULL,
        level INTEGER NOT NULL,
        data BLOB NOT NULL
    )
    """,
    "CREATE INDEX dictionaries_site ON dictionaries (site, id)",
)


@_migration("0007_body_dictionaries")
def body_dictionaries(db: Database) -> None:
    """Per-site zstd dictionaries (``data``: the dictionary's ``size`` bytes, themselves stored
    zstd-compressed) for bodies whose codec is ``zstd-dict:<id>``; ``level``: the zstd level
    bodies are compressed at with it; ``samples``: how many of the site's bodies it holds."""
    for statement in _DICTIONARIES_SCHEMA:
        db.execute(statement)


@_migration("0008_frontier_blocked")
def frontier_blocked(db: Database) -> None:
    """Frontier state ``blocked``: a URL robots.txt forbids, no longer due. SQLite cannot
    change a CHECK constraint in place, so the table is rebuilt with the same rows."""
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'frontier'").fetchone()
    old = "CHECK (state IN ('due', 'done', 'gone', 'failed'))"
    new = "CHECK (state IN ('due', 'done', 'gone', 'failed', 'blocked'))"
    if old not in sql:
        raise RuntimeError("migration 0008: unexpected frontier schema")
    db.execute(sql.replace("CREATE TABLE frontier", "CREATE TABLE frontier_0008").replace(old, new))
    db.execute("INSERT INTO frontier_0008 SELECT * FROM frontier")
    db.execute("DROP TABLE frontier")
    db.execute("ALTER TABLE frontier_0008 RENAME TO frontier")
    db.execute(
        "CREATE INDEX frontier_due ON frontier (site, priority, due_at, url)"
        " WHERE due_at IS NOT NULL"
    )
