"""DemoServer: serves a :class:`DemoSite` or a :class:`GeneratedSite` over HTTP on a local address.

GET and HEAD only; gzip when the client accepts it; ETag and Last-Modified with 304 answers to
conditional requests. Nothing is logged and nothing but the listening socket touches the network.
For crash and politeness tests a server can answer slowly (``latency``) and answer chosen paths
429 or 503 with Retry-After a number of times (:meth:`DemoServer.throttle`); every request is
recorded with its arrival time and status (:attr:`DemoServer.request_log`).
"""

from __future__ import annotations

import gzip
import sys
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from newsbot.demo.served import DemoResponse, ServedSite
from newsbot.demo.site import DemoSite

_THROTTLE_TEXT = {429: b"Too Many Requests\n", 503: b"Service Unavailable\n"}


class ServedRequest(NamedTuple):
    """One request as the server saw it: ``at`` is ``time.monotonic()`` on arrival, ``status``
    what it answered (304 for a conditional hit, 429/503 when throttled)."""

    method: str
    path_and_query: str
    at: float
    status: int


@dataclass
class _Throttle:
    status: int
    retry_after: int
    remaining: int


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
        throttled = owner._take_throttle(self.path)
        if throttled is not None:
            status, retry_after = throttled
            owner.record(self.command, self.path, at=arrived, status=status)
            owner._wait()
            body = _THROTTLE_TEXT[status]
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Retry-After", str(retry_after))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        response = owner.site.respond(self.path, owner.base_url)
        status = response.status
        headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
        if status == 200 and _not_modified(self, response):
            owner.record(self.command, self.path, at=arrived, status=304)
            owner._wait()
            self.send_response(304)
            for k, v in headers:
                if k.lower() in ("etag", "last-modified", "cache-control", "vary"):
                    self.send_header(k, v)
            self.end_headers()
            return
        owner.record(self.command, self.path, at=arrived, status=status)
        owner._wait()
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
    """A demo site served on ``host:port`` (port 0 picks a free one). A context manager.

    ``site`` is a :class:`DemoSite` (the default) or a :class:`GeneratedSite`; every response
    waits ``latency`` seconds before it is sent (requests are served concurrently, so a crawl
    slows down without queueing). :attr:`requests` lists ``(method, path_and_query)`` in order
    of arrival; :attr:`request_log` the same requests as :class:`ServedRequest` records.
    """

    def __init__(
        self,
        site: ServedSite | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency: float = 0.0,
    ) -> None:
        if latency < 0:
            raise ValueError(f"latency must be >= 0, not {latency}")
        self.site: ServedSite = site if site is not None else DemoSite()
        self.latency = latency
        self._httpd = _Server((host, port), self)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self.requests: list[tuple[str, str]] = []
        self.request_log: list[ServedRequest] = []
        self._requests_lock = threading.Lock()
        self._throttles: dict[str, _Throttle] = {}
        self._thread: threading.Thread | None = None
        self._serving = threading.Event()

    def record(
        self, method: str, path_and_query: str, *, at: float | None = None, status: int = 0
    ) -> None:
        """Note a request (``at`` defaults to now)."""
        when = time.monotonic() if at is None else at
        with self._requests_lock:
            self.requests.append((method, path_and_query))
            self.request_log.append(ServedRequest(method, path_and_query, when, status))

    def throttle(
        self, path: str, *, status: int = 429, retry_after: int = 1, times: int = 1
    ) -> None:
        """Answer the next ``times`` requests for ``path`` with ``status`` (429 or 503) and
        ``Retry-After: retry_after`` (seconds), then normally again. ``path`` with a ``?``
        matches that exact path and query, without one the path whatever the query. A second
        call for the same path replaces the first."""
        if status not in _THROTTLE_TEXT:
            raise ValueError(f"status must be 429 or 503, not {status}")
        if retry_after < 0 or times < 1:
            raise ValueError("retry_after must be >= 0 and times >= 1")
        with self._requests_lock:
            self._throttles[path] = _Throttle(status, retry_after, times)

    def _take_throttle(self, path_and_query: str) -> tuple[int, int] | None:
        """(status, retry_after) if this request is to be throttled; counts it."""
        with self._requests_lock:
            if not self._throttles:
                return None
            rule = self._throttles.get(path_and_query)
            if rule is None and "?" in path_and_query:
                rule = self._throttles.get(urlsplit(path_and_query).path)
            if rule is None or rule.remaining <= 0:
                return None
            rule.remaining -= 1
            return rule.status, rule.retry_after

    def _wait(self) -> None:
        """The configured latency, in the handler thread of one request."""
        if self.latency > 0:
            time.sleep(self.latency)

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
