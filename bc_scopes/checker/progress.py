"""Progress of `bc-scopes check-many`: one live line on a terminal, plain lines otherwise.

In a CI log or a pipe every store gets one line of at most 100 columns as it
ends. On a terminal a single line, `stores done/total · requests · elapsed`,
is redrawn in place at most 10 times a second, and only stores that are not
ready are printed above it: 30 stores write a few kilobytes, not megabytes.
Both keep the not-ready stores' lines for the end summary (worst first).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import IO

from bc_scopes import exitcodes
from bc_scopes.checker.batch_results import StoreOutcome
from bc_scopes.checker.formats.text import not_ready_line, store_line

REDRAW_EVERY = 0.1  # seconds: at most 10 redraws a second


class PlainProgress:
    """One line per finished store on `stream`, flushed at once (CI logs show it live)."""

    def __init__(self, total: int, stream: IO[str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.done = 0
        self.requests = 0
        self.not_ready: list[tuple[int, str]] = []
        self._stream = stream
        self._clock = clock
        self._started = clock()
        self._lock = threading.Lock()

    @property
    def stream(self) -> IO[str]:
        return self._stream if self._stream is not None else sys.stdout

    def request_sent(self) -> None:
        with self._lock:
            self.requests += 1

    def store_done(self, outcome: StoreOutcome) -> None:
        with self._lock:
            self.done += 1
            if outcome.exit_code != exitcodes.OK:
                self.not_ready.append((outcome.exit_code, not_ready_line(outcome)))
            self.show(outcome)

    def show(self, outcome: StoreOutcome) -> None:
        self.stream.write(store_line(outcome, self.done, self.total) + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Nothing to tear down."""


class LiveProgress(PlainProgress):
    """A single status line redrawn in place; not-ready stores printed above it."""

    def __init__(self, total: int, stream: IO[str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(total, stream, clock)
        self._drawn_at = -REDRAW_EVERY

    def status(self) -> str:
        elapsed = self._clock() - self._started
        return (f"stores {self.done}/{self.total} \u00b7 {self.requests} requests \u00b7 "
                f"{elapsed:.0f} s")

    def _draw(self, force: bool = False) -> None:
        now = self._clock()
        if not force and now - self._drawn_at < REDRAW_EVERY:
            return
        self._drawn_at = now
        self.stream.write("\r\x1b[2K" + self.status())
        self.stream.flush()

    def request_sent(self) -> None:
        with self._lock:
            self.requests += 1
            self._draw()

    def show(self, outcome: StoreOutcome) -> None:
        if outcome.exit_code != exitcodes.OK:
            self.stream.write("\r\x1b[2K" + store_line(outcome, self.done, self.total)
                              + "\n")
            self._draw(force=True)
        else:
            self._draw()

    def close(self) -> None:
        with self._lock:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def progress_for(total: int, stream: IO[str] | None = None) -> PlainProgress:
    """A live line when the output is a terminal, plain lines otherwise."""
    target = stream if stream is not None else sys.stdout
    isatty = getattr(target, "isatty", None)
    if callable(isatty) and isatty():
        return LiveProgress(total, target)
    return PlainProgress(total, target)
