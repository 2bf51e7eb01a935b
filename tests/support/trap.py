"""A loopback listener that must never receive anything, and a port nothing listens on."""

from __future__ import annotations

import contextlib
import socket
import threading


class Trap:
    """A loopback listener that accepts connections, keeps what arrives and answers nothing.

    Used where no request may ever go: as a redirect target, and as the API URL of
    input the checker must refuse before sending anything.
    """

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.05)
        self._lock = threading.Lock()
        self._accepted = 0
        self._received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def connections(self) -> int:
        with self._lock:
            return self._accepted

    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._received)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._accepted += 1
            connection.settimeout(0.2)
            with contextlib.suppress(OSError), connection:
                data = connection.recv(65536)
                with self._lock:
                    self._received += data

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
