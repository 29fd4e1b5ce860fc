"""The demo server as tests and benchmarks run it: it records every request, can answer slowly,
and can answer chosen paths 429 or 503 with Retry-After a number of times."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from newsbot.demo import server
from newsbot.demo.responses import DemoResponse
from sitegen.demo_site import DemoSite
from sitegen.truth import ServedSite

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


class DemoServer(server.DemoServer):
    """A site (a :class:`~sitegen.DemoSite` by default, or a :class:`~sitegen.GeneratedSite`)
    served on ``host:port``. Every response waits ``latency`` seconds before it is sent
    (requests are served concurrently, so a crawl slows down without queueing).
    :attr:`requests` lists ``(method, path_and_query)`` in order of arrival;
    :attr:`request_log` the same requests as :class:`ServedRequest` records.
    """

    site: ServedSite

    def __init__(
        self,
        site: server.Site | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency: float = 0.0,
    ) -> None:
        if latency < 0:
            raise ValueError(f"latency must be >= 0, not {latency}")
        super().__init__(site if site is not None else DemoSite(), host, port)
        self.latency = latency
        self.requests: list[tuple[str, str]] = []
        self.request_log: list[ServedRequest] = []
        self._requests_lock = threading.Lock()
        self._throttles: dict[str, _Throttle] = {}

    def record(
        self, method: str, path_and_query: str, *, at: float | None = None, status: int = 0
    ) -> None:
        """Note a request (``at`` defaults to now)."""
        when = time.monotonic() if at is None else at
        with self._requests_lock:
            self.requests.append((method, path_and_query))
            self.request_log.append(ServedRequest(method, path_and_query, when, status))

    def served(self, method: str, path_and_query: str, at: float, status: int) -> None:
        self.record(method, path_and_query, at=at, status=status)
        if self.latency > 0:
            time.sleep(self.latency)

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

    def intercept(self, path_and_query: str) -> DemoResponse | None:
        """The throttled answer to this request, if it is to be throttled (it counts)."""
        with self._requests_lock:
            if not self._throttles:
                return None
            rule = self._throttles.get(path_and_query)
            if rule is None and "?" in path_and_query:
                rule = self._throttles.get(urlsplit(path_and_query).path)
            if rule is None or rule.remaining <= 0:
                return None
            rule.remaining -= 1
        body = _THROTTLE_TEXT[rule.status]
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Retry-After", str(rule.retry_after)),
            ("Cache-Control", "no-store"),
            ("Content-Length", str(len(body))),
        ]
        return DemoResponse(rule.status, headers, body)
