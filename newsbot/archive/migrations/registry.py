"""Where the archive's migrations are registered, in order (see :mod:`.migrations`)."""

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


def migration(name: str) -> Callable[[MigrationFn], MigrationFn]:
    """Register a migration under ``name`` in :data:`ARCHIVE_MIGRATIONS`, keeping its name."""

    def register(fn: MigrationFn) -> MigrationFn:
        MIGRATION_NAMES.append(name)
        return ARCHIVE_MIGRATIONS(name=name)(fn)

    return register
