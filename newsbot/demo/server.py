"""DemoServer: serves a :class:`~newsbot.demo.site.DemoSite` over HTTP on a local address.

GET and HEAD only; gzip when the client accepts it; ETag and Last-Modified with 304 answers to
conditional requests. Nothing is logged and nothing but the listening socket touches the network.
"""

from __future__ import annotations

import gzip
import sys
import threading
import time
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol

from newsbot.demo.responses import DemoResponse
from newsbot.demo.site import DemoSite


class Site(Protocol):
    """What the server serves: its editions, and a response for each path with the server's
    base URL in its links."""

    @property
    def editions(self) -> tuple[str, ...]: ...

    def respond(self, path_and_query: str, base_url: str) -> DemoResponse: ...


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    wanted = etag.strip('"')
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"').removesuffix("-gzip") == wanted:
            return True
    return False


def _not_modified(handler: BaseHTTPRequestHandler, response: DemoResponse) -> bool:
    inm = handler.headers.get("If-None-Match")
    etag = response.header("ETag") or ""
    if inm is not None:
        return _etag_matches(inm, etag)
    ims = handler.headers.get("If-Modified-Since")
    last = response.header("Last-Modified")
    if ims and last:
        try:
            return parsedate_to_datetime(last) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def _accepts_gzip(value: str | None) -> bool:
    for part in (value or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            q = params.strip()
            if not q.startswith("q="):
                return True
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
    return False


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "newsbot-demo/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the demo server never writes to stderr."""

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        owner = self.server.owner
        arrived = time.monotonic()
        early = owner.intercept(self.path)
        if early is not None:
            owner.served(self.command, self.path, arrived, early.status)
            self.send_response(early.status)
            for k, v in early.headers:
                self.send_header(k, v)
            self.end_headers()
            if not head:
                self.wfile.write(early.body)
            return
        response = owner.site.respond(self.path, owner.base_url)
        status = response.status
        headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
        if status == 200 and _not_modified(self, response):
            owner.served(self.command, self.path, arrived, 304)
            self.send_response(304)
            for k, v in headers:
                if k.lower() in ("etag", "last-modified", "cache-control", "vary"):
                    self.send_header(k, v)
            self.end_headers()
            return
        owner.served(self.command, self.path, arrived, status)
        if response.gzipped is not None and _accepts_gzip(self.headers.get("Accept-Encoding")):
            body = response.gzipped
            headers.append(("Content-Encoding", "gzip"))
        elif (body := response.body) and _accepts_gzip(self.headers.get("Accept-Encoding")):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver listens with a backlog of 5: a crawler opening dozens of connections at
    # once would see most of them dropped and retried seconds later.
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], owner: DemoServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (a crawler killed on purpose, in crash tests) is
        # not the server's error; anything else still reports.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class DemoServer:
    """A site served on ``host:port`` (port 0 picks a free one). A context manager.

    ``site`` is a :class:`~newsbot.demo.site.DemoSite` (the default) or anything that answers
    :meth:`~newsbot.demo.site.DemoSite.respond`.
    """

    def __init__(self, site: Site | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site: Site = site if site is not None else DemoSite()
        self._httpd = _Server((host, port), self)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None
        self._serving = threading.Event()

    def intercept(self, path_and_query: str) -> DemoResponse | None:
        """A response that replaces the site's for this request (none here: a test server
        answers some requests 429 or 503)."""
        return None

    def served(self, method: str, path_and_query: str, at: float, status: int) -> None:
        """Called for every request before its answer is sent (``at``: ``time.monotonic()`` on
        arrival); nothing here: a test server records requests and answers slowly."""

    def start(self) -> DemoServer:
        """Serve in a daemon thread; returns self."""
        if self._thread is None:
            self._serving.set()
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name="newsbot-demo-server", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._serving.is_set():
            self._serving.clear()
            self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        self._serving.set()
        try:
            self._httpd.serve_forever()
        finally:
            self._serving.clear()
            self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
