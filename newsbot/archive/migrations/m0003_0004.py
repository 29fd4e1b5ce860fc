"""Migrations 0003 and 0004: the crawl frontier, revisits and article versions; the search
index kept in batches.
"""

from __future__ import annotations

from sqlite_utils import Database

from newsbot.archive.migrations.registry import migration

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


@migration("0003_frontier_revisits_history")
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


@migration("0004_search_index_in_batches")
def search_index_in_batches(db: Database) -> None:
    """Articles are noted for the full-text index and indexed in batches
    (:mod:`newsbot.archive.index`), instead of one at a time by triggers."""
    for trigger in ("articles_ai", "articles_au", "articles_ad"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for statement in _PENDING_SCHEMA:
        db.execute(statement)
