"""The archive in Datasette, read-only: the metadata newsbot ships and the server it starts.

Datasette (``pip install 'newsbot[browse]'``) is imported only when a server starts and by the
plugin (:mod:`newsbot.browse.plugin`), which Datasette loads through newsbot's entry point: any
``datasette`` run in an environment where newsbot is installed shows an archive the way
``newsbot browse`` does, with the table descriptions, facets, search and canned queries of
``metadata.yaml``, and with pages instead of compressed blobs. Only the settings of
:data:`SETTINGS` must be given to a plain ``datasette`` (see :func:`datasette_command`).

Datasette opens a file it may not treat as immutable with ``?mode=ro``: nothing is ever
written, and what a running crawl commits (WAL mode) shows on the next page load.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing, suppress
from functools import cache
from pathlib import Path
from typing import Any

from newsbot.archive.migrations import ARCHIVE_MIGRATIONS, MIGRATION_SET

#: The metadata newsbot ships: its ``archive`` block describes any database that is an archive.
METADATA_PATH = Path(__file__).with_name("metadata.yaml")

#: Datasette settings newsbot browses with: a cell of a table shows the first 200 characters of
#: its text (an article's row page shows all of it).
SETTINGS: dict[str, Any] = {"truncate_cells_html": 200}

#: What a user without the browse extra is told.
INSTALL_HINT = "browse needs Datasette: pip install 'newsbot[browse]'"


class BrowseUnavailable(RuntimeError):
    """Datasette (or a library it brings) is not installed; ``str()`` says how to install it."""


def database_name(archive: str | Path) -> str:
    """The name Datasette gives the database of ``archive`` (its file name without suffix)."""
    return Path(archive).stem


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


def url_of(host: str, port: int, archive: str | Path) -> str:
    """The address of the archive's page on a server listening at ``host``:``port``."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/{database_name(archive)}"


def datasette_command(archive: str | Path, host: str, port: int) -> list[str]:
    """The plain ``datasette`` command serving ``archive`` as ``newsbot browse`` does (the
    plugin comes with newsbot; the settings must be given)."""
    command = ["datasette", "serve", str(archive), "--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        command += ["--setting", name, str(value)]
    return command


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (0: a free port the system picks), for
    :func:`serve`. Raises OSError (port taken, unknown host) before anything else starts."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


def serve(archive: str | Path, sock: socket.socket, *, ready: Callable[[], None]) -> None:
    """Serve ``archive`` read-only in Datasette on the listening ``sock`` until interrupted
    (Ctrl-C, SIGTERM); ``ready()`` is called once the server is about to accept requests
    (requests sent earlier wait in the socket's queue). Raises :class:`BrowseUnavailable`
    without Datasette."""
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError:
        raise BrowseUnavailable(INSTALL_HINT) from None
    register_plugin()
    datasette = Datasette([str(Path(archive).resolve())], settings=SETTINGS)
    config = uvicorn.Config(datasette.app(), log_level="warning", lifespan="on")
    ready()
    # uvicorn shuts down cleanly on Ctrl-C, then raises it again: here, stopping is no error.
    with suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])


def register_plugin() -> None:
    """Register newsbot's Datasette plugin, unless its entry point already did."""
    from datasette.plugins import pm

    from newsbot.browse import plugin

    if not pm.is_registered(plugin):
        pm.register(plugin, name="newsbot")
