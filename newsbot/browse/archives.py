"""Which databases are newsbot archives, and the Datasette metadata that describes them: what
both ``newsbot browse`` (:mod:`newsbot.browse`) and the plugin (:mod:`newsbot.browse.plugin`)
read, so that neither imports the other's module for it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from functools import cache
from pathlib import Path
from typing import Any

from newsbot.archive.migrations import ARCHIVE_MIGRATIONS, MIGRATION_SET

#: The metadata newsbot ships: its ``archive`` block describes any database that is an archive.
METADATA_PATH = Path(__file__).with_name("metadata.yaml")

#: What a user without the browse extra is told.
INSTALL_HINT = "browse needs Datasette: pip install 'newsbot[browse]'"


class BrowseUnavailable(RuntimeError):
    """Datasette (or a library it brings) is not installed; ``str()`` says how to install it."""


def metadata(databases: Iterable[str]) -> dict[str, Any]:
    """Datasette metadata describing each database named in ``databases`` as a newsbot
    archive; a new dictionary on every call, the caller may change it."""
    shipped = json.loads(_shipped_json())
    archive = shipped.pop("archive")
    shipped["databases"] = {name: json.loads(json.dumps(archive)) for name in databases}
    return dict(shipped)


@cache
def _shipped_json() -> str:
    try:
        import yaml
    except ImportError:
        raise BrowseUnavailable(INSTALL_HINT) from None
    return json.dumps(yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8")))


def is_archive(path: str | Path) -> bool:
    """Whether the SQLite file at ``path`` is a newsbot archive (it records newsbot's
    migrations); read-only, False for anything that cannot be read as one."""
    try:
        uri = f"{Path(path).resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            found = conn.execute(
                f"SELECT 1 FROM {ARCHIVE_MIGRATIONS.migrations_table}"
                " WHERE migration_set = ? LIMIT 1",
                (MIGRATION_SET,),
            ).fetchone()
    except (sqlite3.Error, OSError, ValueError):
        return False
    return found is not None
