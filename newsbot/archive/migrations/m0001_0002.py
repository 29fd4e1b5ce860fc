"""Migrations 0001 and 0002: the first schema (bodies, captures, articles with full-text
search, links, crawl runs, errors) and the articles' ids, sources and captions.
"""

from __future__ import annotations

from sqlite_utils import Database

from newsbot.archive.migrations.registry import FTS_TOKENIZER, migration

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


@migration("0001_initial")
def initial(db: Database) -> None:
    """Bodies, captures, articles (with full-text search), links, crawl runs and errors."""
    for statement in _INITIAL_SCHEMA:
        db.execute(statement)
    # External-content FTS5 over articles, kept in sync by insert/update/delete triggers.
    db.table("articles").enable_fts(
        ["title", "text"], fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZER
    )


@migration("0002_article_ids_sources_captions")
def article_ids_sources_captions(db: Database) -> None:
    """The site's story and event ids, the agencies named as sources, picture captions."""
    for statement in (
        "ALTER TABLE articles ADD COLUMN story_id TEXT",
        "ALTER TABLE articles ADD COLUMN event_id TEXT",
        "ALTER TABLE articles ADD COLUMN sources TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE articles ADD COLUMN captions TEXT NOT NULL DEFAULT '[]'",
    ):
        db.execute(statement)
