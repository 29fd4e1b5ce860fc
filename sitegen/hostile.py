"""HostileServer: a small site on 127.0.0.1 whose pages fail in every way a crawl must record.

``/sitemap.xml`` is an index of sitemaps. One lists the pages: a good article (``/control``), a
good article with a stray NUL byte, one whose rel=canonical lies that it is ``/control``, pages
that time out, break off, are too large (plainly or after gzip, deflate, brotli or zstd
decompression), are forbidden by robots.txt, redirect to ``file:``/``data:``/``ftp:`` URLs, to
an over-long URL or round in a chain of redirects, an over-long URL of its own, the same article
in charset traps, DOM bombs (100,000 nested divs; a million line breaks) and 429/503 storms
(every request answered so, with Retry-After values sane and absurd). The others are bombs
(a gzip file and gzip and deflate codings that inflate past the limit, one behind an index of
its own), a sitemap of ``huge`` URLs (each a 404) and an endless chain of indexes.

Every request is recorded (:attr:`HostileServer.requests`). Sizes are given by ``max_size``: the
crawl's ``DOWNLOAD_MAXSIZE``, which the large pages and bombs exceed four times over; the DOM
bombs are about 1 and 4 MB, so ``max_size`` should be more than that for them to be fetched.
``order_seed`` shuffles the page sitemap (the same seed, the same order).
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from sitegen.hostile_pages import (
    CHARSET_TRAPS,
    PARAGRAPHS,
    STORMS,
    article,
    deep_page,
    shuffled,
    sitemap_bomb,
    sitemap_index,
    urlset,
    wide_page,
)

__all__ = ["LISTED", "LONG_PATH", "PARAGRAPHS", "SITEMAPS", "HostileServer", "article"]

LONG_PATH = "/long?q=" + "a" * 3000

#: Paths listed in the page sitemap, in order (unless shuffled).
LISTED = (
    "/control",
    "/nul",
    "/liar",
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
    *CHARSET_TRAPS,
    "/dom/deep",
    "/dom/wide",
    *STORMS,
)

#: The sitemaps /sitemap.xml lists, and the one /sitemaps/to-bomb.xml does.
SITEMAPS = (
    "/sitemaps/pages.xml",
    "/sitemaps/bomb.xml.gz",
    "/sitemaps/bomb-gzip.xml",
    "/sitemaps/to-bomb.xml",
    "/sitemaps/huge.xml",
    "/sitemaps/deep/1",
)
BEHIND_INDEX = "/sitemaps/bomb-deflate.xml"

REDIRECTS = {
    "/to-file": "file:///etc/passwd",
    "/to-data": "data:text/html,<p>not a page</p>",
    "/to-ftp": "ftp://127.0.0.1/pub/page.html",
    "/to-long": LONG_PATH.replace("/long", "/longer"),
}


@cache
def _compressed(coding: str, size: int) -> bytes:
    """A page of ``size`` NUL bytes in ``coding``, made once per server process."""
    compress: dict[str, Callable[[bytes], bytes]] = {
        "gzip": lambda data: gzip.compress(data, mtime=0),
        "deflate": zlib.compress,
        "br": _brotli,
        "zstd": _zstd,
    }
    return compress[coding](b"<html><body><p>" + b"\0" * size)


@cache
def _dom_bomb(path: str) -> bytes:
    return deep_page() if path == "/dom/deep" else wide_page()


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
        if path == "/" or path.startswith("/sitemap"):
            return self._listing(path)
        if path == "/control":
            return self._send(200, article("Ferry runs again after the storm"))
        if path == "/nul":
            return self._send(200, article("A page with a stray byte", b"\x00"))
        if path == "/liar":  # it claims to be /control
            page = article("Ferry story, copied", canonical=owner.base_url + "/control",
                           paragraphs=["A copy of the ferry story, shorter. " * 4])  # fmt: skip
            return self._send(200, page)
        if path in CHARSET_TRAPS:
            content_type, body = CHARSET_TRAPS[path]
            return self._send(200, body, content_type)
        if path.startswith("/dom/"):
            return self._send(200, _dom_bomb(path))
        if path in STORMS:
            status, retry_after = STORMS[path]
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            return self._send(status, b"<p>Slow down.</p>", headers=headers)
        if path in REDIRECTS:
            return self._send(302, b"", headers={"Location": REDIRECTS[path]})
        if path.startswith("/loop/"):
            step = int(path.rsplit("/", 1)[1]) + 1
            return self._send(302, b"", headers={"Location": f"/loop/{step}"})
        big = owner.max_size * 4
        if path == "/big":
            return self._send(200, b"<p>" + b"x" * big)
        if path == "/big-stream":  # no Content-Length: the body ends when the connection does
            return self._stream(b"y" * 65536, big // 65536)
        bombs = {"/gzip-bomb": "gzip", "/deflate-bomb": "deflate", "/br-bomb": "br"}
        if path in bombs or path == "/zstd-bomb":
            coding = bombs.get(path, "zstd")
            return self._send(200, _compressed(coding, big), headers={"Content-Encoding": coding})
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

    def _listing(self, path: str) -> None:
        """The home page and the sitemaps."""
        owner = self.server.owner
        base = owner.base_url
        xml = "application/xml"
        big = owner.max_size * 4
        if path == "/":
            return self._send(200, b"<html><body><p>Nothing to list.</p></body></html>")
        if path == "/sitemap.xml":
            return self._send(200, sitemap_index(base + p for p in SITEMAPS), xml)
        if path == "/sitemaps/pages.xml":
            listed = shuffled(LISTED, owner.order_seed)
            return self._send(200, urlset(base + p for p in listed), xml)
        if path == "/sitemaps/bomb.xml.gz":  # a gzip file, not a content coding
            return self._send(200, sitemap_bomb(big), "application/gzip")
        if path == "/sitemaps/bomb-gzip.xml":
            gzip_header = {"Content-Encoding": "gzip"}
            return self._send(200, sitemap_bomb(big), xml, headers=gzip_header)
        if path == "/sitemaps/to-bomb.xml":
            return self._send(200, sitemap_index([base + BEHIND_INDEX]), xml)
        if path == BEHIND_INDEX:
            bomb = sitemap_bomb(big, "deflate")
            return self._send(200, bomb, xml, headers={"Content-Encoding": "deflate"})
        if path == "/sitemaps/huge.xml":
            many = (f"{base}/many/{i}" for i in range(owner.huge))
            return self._send(200, urlset(many), xml)
        if path.startswith("/sitemaps/deep/"):  # each an index of the next, without end
            step = int(path.rsplit("/", 1)[1]) + 1
            return self._send(200, sitemap_index([f"{base}/sitemaps/deep/{step}"]), xml)
        return self._send(404, b"<p>Not here.</p>")

    def _stream(self, chunk: bytes, count: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for _ in range(count):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler stopped reading at its limit
        self.close_connection = True

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

    return bytes(brotli.compress(data, quality=5))  # (11, the default, takes seconds)


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
    waits before answering (more than the crawl's ``DOWNLOAD_TIMEOUT``); ``huge``: how many
    URLs ``/sitemaps/huge.xml`` lists; ``order_seed``: shuffles the page sitemap.
    :attr:`requests` holds every path asked for, :attr:`request_times` when (monotonic)."""

    def __init__(
        self,
        *,
        max_size: int = 8_000_000,
        slow_seconds: float = 5.0,
        huge: int = 60_000,
        order_seed: int | None = None,
    ) -> None:
        self.max_size = max_size
        self.slow_seconds = slow_seconds
        self.huge = huge
        self.order_seed = order_seed
        self.requests: list[str] = []
        self.request_times: list[float] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _Server(self)
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)
            self.request_times.append(time.monotonic())

    def __enter__(self) -> HostileServer:
        # Made before the first request: made on demand, the bombs would hold up the other
        # pages (and the crawl's timeouts would be the server's fault).
        for coding in ("gzip", "deflate", "br", "zstd"):
            _compressed(coding, self.max_size * 4)
        for coding in ("gzip", "deflate"):
            sitemap_bomb(self.max_size * 4, coding)
        _dom_bomb("/dom/deep")
        _dom_bomb("/dom/wide")
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
