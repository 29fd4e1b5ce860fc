"""Migrations 0005 to 0008: article extras, the last extraction of each capture, body
dictionaries, the frontier's ``blocked`` state.
"""

from __future__ import annotations

from sqlite_utils import Database

from newsbot.archive.migrations.registry import migration

#: The columns 0002 gave Euronews' ids, which 0005 moves into ``extras``.
_FORMER_ID_COLUMNS = ("story_id", "event_id")


@migration("0005_article_extras")
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


@migration("0006_extractions")
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


@migration("0007_body_dictionaries")
def body_dictionaries(db: Database) -> None:
    """Per-site zstd dictionaries (``data``: the dictionary's ``size`` bytes, themselves stored
    zstd-compressed) for bodies whose codec is ``zstd-dict:<id>``; ``level``: the zstd level
    bodies are compressed at with it; ``samples``: how many of the site's bodies it holds."""
    for statement in _DICTIONARIES_SCHEMA:
        db.execute(statement)


@migration("0008_frontier_blocked")
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
