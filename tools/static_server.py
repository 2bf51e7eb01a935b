"""Serve a built site folder over HTTP on 127.0.0.1, for tests and benchmarks.

The site, browser, link-check and benchmark code all need the same thing: a real
HTTP server on a free loopback port that stops cleanly. One implementation keeps
them from drifting (for example one of them forgetting to bind to loopback only).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without writing a log line per request into test output."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        return


@contextlib.contextmanager
def serve_directory(
    directory: Path, handler_class: type[SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) for the block; yield its base URL."""
    handler = functools.partial(handler_class, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
