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

import socket
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from newsbot.browse.archives import INSTALL_HINT, BrowseUnavailable, is_archive, metadata

__all__ = [
    "INSTALL_HINT",
    "SETTINGS",
    "BrowseUnavailable",
    "database_name",
    "datasette_command",
    "is_archive",
    "listen",
    "metadata",
    "register_plugin",
    "serve",
    "url_of",
]

#: Datasette settings newsbot browses with: a cell of a table shows the first 200 characters of
#: its text (an article's row page shows all of it).
SETTINGS: dict[str, Any] = {"truncate_cells_html": 200}


def database_name(archive: str | Path) -> str:
    """The name Datasette gives the database of ``archive`` (its file name without suffix)."""
    return Path(archive).stem


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
