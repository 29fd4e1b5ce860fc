"""DemoServer: serves a :class:`DemoSite` over HTTP on a local address.

GET and HEAD only; gzip when the client accepts it; ETag and Last-Modified with 304 answers to
conditional requests. Nothing is logged and nothing but the listening socket touches the network.
"""

from __future__ import annotations

import gzip
import threading
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from newsbot.demo.site import DemoResponse, DemoSite


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
        owner.record(self.command, self.path)
        response = owner.site.respond(self.path, owner.base_url)
        status, body = response.status, response.body
        headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
        if status == 200 and _not_modified(self, response):
            self.send_response(304)
            for k, v in headers:
                if k.lower() in ("etag", "last-modified", "cache-control", "vary"):
                    self.send_header(k, v)
            self.end_headers()
            return
        if _accepts_gzip(self.headers.get("Accept-Encoding")) and body:
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

    def __init__(self, address: tuple[str, int], owner: DemoServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)


class DemoServer:
    """The demo site served on ``host:port`` (port 0 picks a free one). A context manager."""

    def __init__(
        self, site: DemoSite | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.site = site if site is not None else DemoSite()
        self._httpd = _Server((host, port), self)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self.requests: list[tuple[str, str]] = []
        self._requests_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._serving = threading.Event()

    def record(self, method: str, path_and_query: str) -> None:
        with self._requests_lock:
            self.requests.append((method, path_and_query))

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
