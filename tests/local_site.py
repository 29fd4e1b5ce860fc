"""A small site on 127.0.0.1 for tests that need pages of their own: ``serve(answer)``."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: An answer: status, body, Content-Type.
Page = tuple[int, bytes, str]


@contextmanager
def serve(answer: Callable[[str, str], Page]) -> Iterator[tuple[str, list[str]]]:
    """Serve ``answer(path, base URL)`` for every GET, on a free port; yields the base URL and
    the list of paths requested (in order, appended as they come)."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            requests.append(self.path)
            status, body, content_type = answer(self.path, base)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, requests
    finally:
        server.shutdown()
        server.server_close()
