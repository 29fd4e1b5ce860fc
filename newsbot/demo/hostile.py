"""HostileServer: a small site on 127.0.0.1 whose pages fail in every way a crawl must record.

Its sitemap lists one good article (``/control``), a good article with a stray NUL byte, and
pages that time out, break off, are too large (plainly or after gzip, deflate, brotli or zstd
decompression), are forbidden by robots.txt, redirect to ``file:``/``data:``/``ftp:`` URLs, to an
over-long URL or round in a chain of redirects, plus an over-long URL of its own. Every request
is recorded (:attr:`HostileServer.requests`). Sizes are given by ``max_size``: the crawl's
``DOWNLOAD_MAXSIZE``, which the large pages exceed four times over.
"""

from __future__ import annotations

import gzip
import threading
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

LONG_PATH = "/long?q=" + "a" * 3000

PARAGRAPHS = (
    "The ferry between the two islands ran again on Thursday after the harbour wall was "
    "repaired, and the first crossing carried forty cars and a school choir.",
    "Engineers had worked through three nights to replace the stones the winter storm had "
    "pulled loose, and the harbour master said the wall should now last another century.",
    "Islanders who had waited a week for deliveries lined the quay to watch the boat come "
    "in, and the baker sold out of bread an hour after the first van drove off the ramp.",
)


def article(title: str, stray: bytes = b"") -> bytes:
    """A plain article page; ``stray`` is put inside its head (a NUL byte, say)."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    head = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2026-03-20T09:00:00+00:00">'
    ).encode()
    rest = f"</head><body><article><h1>{title}</h1>{body}</article></body></html>".encode()
    return head + stray + rest


#: Paths listed in the sitemap, in order.
LISTED = (
    "/control",
    "/nul",
    "/big",
    "/big-stream",
    "/gzip-bomb",
    "/deflate-bomb",
    "/br-bomb",
    "/zstd-bomb",
    "/slow",
    "/truncated",
    "/private/secret",
    "/to-file",
    "/to-data",
    "/to-ftp",
    "/to-long",
    "/loop/0",
    LONG_PATH,
)

REDIRECTS = {
    "/to-file": "file:///etc/passwd",
    "/to-data": "data:text/html,<p>not a page</p>",
    "/to-ftp": "ftp://127.0.0.1/pub/page.html",
    "/to-long": LONG_PATH.replace("/long", "/longer"),
}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent."""

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.record(self.path)
        path = self.path
        if path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path == "/sitemap.xml":
            base = owner.base_url
            urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in LISTED)
            xml = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return self._send(200, xml.encode(), "application/xml")
        if path == "/":
            return self._send(200, b"<html><body><p>Nothing to list.</p></body></html>")
        if path == "/control":
            return self._send(200, article("Ferry runs again after the storm"))
        if path == "/nul":
            return self._send(200, article("A page with a stray byte", b"\x00"))
        if path in REDIRECTS:
            return self._send(302, b"", headers={"Location": REDIRECTS[path]})
        if path.startswith("/loop/"):
            step = int(path.rsplit("/", 1)[1]) + 1
            return self._send(302, b"", headers={"Location": f"/loop/{step}"})
        big = owner.max_size * 4
        if path == "/big":
            return self._send(200, b"<p>" + b"x" * big)
        if path == "/big-stream":  # no Content-Length: the body ends when the connection does
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"y" * 65536
            for _ in range(big // len(chunk)):
                self.wfile.write(chunk)
            self.close_connection = True
            return None
        bombs: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
            "/gzip-bomb": ("gzip", lambda data: gzip.compress(data, mtime=0)),
            "/deflate-bomb": ("deflate", zlib.compress),
            "/br-bomb": ("br", _brotli),
            "/zstd-bomb": ("zstd", _zstd),
        }
        if path in bombs:
            coding, compress = bombs[path]
            inflated = b"<html><body><p>" + b"\0" * big
            return self._send(200, compress(inflated), headers={"Content-Encoding": coding})
        if path == "/slow":
            owner.stopping.wait(owner.slow_seconds)
            return self._send(200, article("Too late"))
        if path == "/truncated":
            page = article("Cut short")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page) * 10))
            self.end_headers()
            self.wfile.write(page[: len(page) // 2])
            self.close_connection = True
            return None
        return self._send(404, b"<p>Not here.</p>")

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the crawler gave up on a body too large


def _brotli(data: bytes) -> bytes:
    import brotli  # type: ignore[import-untyped]

    return bytes(brotli.compress(data))


def _zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner: HostileServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A crawler hanging up on a page it refused is what these pages are for."""


class HostileServer:
    """The hostile site on 127.0.0.1 (a free port), served in a thread. A context manager.

    ``max_size``: the crawl's ``DOWNLOAD_MAXSIZE``; ``slow_seconds``: how long ``/slow``
    waits before answering (more than the crawl's ``DOWNLOAD_TIMEOUT``)."""

    def __init__(self, *, max_size: int = 1_000_000, slow_seconds: float = 5.0) -> None:
        self.max_size = max_size
        self.slow_seconds = slow_seconds
        self.requests: list[str] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _Server(self)
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._thread.join()
        self._httpd.server_close()
