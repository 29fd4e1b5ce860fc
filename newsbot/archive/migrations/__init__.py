"""The archive's schema, as named migrations applied in order when an archive is opened.

Each migration runs in one transaction together with its bookkeeping row in
``_sqlite_migrations`` (sqlite-utils :class:`~sqlite_utils.migrations.Migrations`), so an archive
is never left half-migrated and applying the set twice changes nothing. A new schema change is a
new function registered with :func:`~.registry.migration` in the newest module of this package
(or a new module, imported below in order), never an edit of one that has shipped: each module
holds a group of versions, in order.
"""

from __future__ import annotations

# Registered in the order imported: the order archives are migrated in.
from newsbot.archive.migrations.m0001_0002 import (
    article_ids_sources_captions,
    initial,
)
from newsbot.archive.migrations.m0003_0004 import (
    frontier_revisits_history,
    search_index_in_batches,
)
from newsbot.archive.migrations.m0005_0008 import (
    article_extras,
    body_dictionaries,
    extractions,
    frontier_blocked,
)
from newsbot.archive.migrations.registry import (
    ARCHIVE_MIGRATIONS,
    ARCHIVE_TABLES,
    FTS_TOKENIZER,
    MIGRATION_NAMES,
    MIGRATION_SET,
    MigrationFn,
    migration,
)

__all__ = [
    "ARCHIVE_MIGRATIONS",
    "ARCHIVE_TABLES",
    "FTS_TOKENIZER",
    "MIGRATION_NAMES",
    "MIGRATION_SET",
    "MigrationFn",
    "article_extras",
    "article_ids_sources_captions",
    "body_dictionaries",
    "extractions",
    "frontier_blocked",
    "frontier_revisits_history",
    "initial",
    "migration",
    "search_index_in_batches",
]
