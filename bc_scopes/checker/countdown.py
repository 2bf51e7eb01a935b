"""A rate-limit pause counted down on one line of a terminal's stderr.

"waiting 12 s: other apps are using the store's API limit", rewritten each
second and cleared when the pause ends. Pauses that overlap extend the same
countdown. The clock, the sleep and how the drawing thread starts are
injected, so a test runs a whole countdown at once on a fake clock.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import IO


def _in_a_daemon_thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="countdown", daemon=True).start()


class WaitCountdown:
    """The `on_wait` hook of a check run on a terminal."""

    MESSAGE = "waiting {} s: other apps are using the store's API limit"

    def __init__(
        self, stream: IO[str], *, clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        spawn: Callable[[Callable[[], None]], None] = _in_a_daemon_thread,
    ) -> None:
        self._stream = stream
        self._clock, self._sleep, self._spawn = clock, sleep, spawn
        self._lock = threading.Lock()
        self._until = 0.0
        self._running = False

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, self._clock() + seconds)
            if self._running:
                return
            self._running = True
        self._spawn(self._run)

    def _run(self) -> None:
        while True:
            with self._lock:
                left = self._until - self._clock()
                if left <= 0:
                    self._running = False
                    break
            self._stream.write("\r" + self.MESSAGE.format(math.ceil(left)) + " ")
            self._stream.flush()
            self._sleep(min(1.0, left))
        self._stream.write("\r" + " " * (len(self.MESSAGE) + 6) + "\r")
        self._stream.flush()
