"""Progress of `bc-scopes check-many`: live bars on a terminal, plain lines otherwise.

Both print the same line per store when it finishes (see `render_store_line`).
On a terminal, rich also shows an overall bar and one spinner per store being
checked, redrawn in place; in a CI log or a pipe there is nothing to redraw, so
only the lines appear. rich is imported only here, and only for a terminal.
"""

from __future__ import annotations

import sys
import threading
from typing import IO, Any

from bc_scopes.checker.batch import BatchProgress, StoreEntry, StoreOutcome
from bc_scopes.checker.redact import printable


class PlainProgress(BatchProgress):
    """One line per finished store on `stream`, flushed at once (CI logs show it live)."""

    def __init__(self, total: int, stream: IO[str] | None = None) -> None:
        self.total = total
        self.done = 0
        self._stream = stream
        self._lock = threading.Lock()

    @property
    def stream(self) -> IO[str]:
        return self._stream if self._stream is not None else sys.stdout

    def line(self, outcome: StoreOutcome) -> str:
        from bc_scopes.checker.render import render_store_line

        self.done += 1
        return render_store_line(outcome, self.done, self.total)

    def finished(self, outcome: StoreOutcome) -> None:
        with self._lock:
            self.stream.write(self.line(outcome) + "\n")
            self.stream.flush()

    def close(self) -> None:
        """Nothing to tear down."""


class LiveProgress(PlainProgress):
    """rich's live display: an overall bar and a spinner per store in progress."""

    def __init__(self, total: int, stream: IO[str] | None = None) -> None:
        super().__init__(total, stream)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = Console(file=self.stream, highlight=False, soft_wrap=True)
        self.bars = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self.overall = self.bars.add_task("all stores", total=total)
        self._tasks: dict[int, Any] = {}
        self.bars.start()

    def started(self, entry: StoreEntry) -> None:
        with self._lock:
            label = printable(f"{entry.name} ({entry.store_hash})")
            self._tasks[entry.line] = self.bars.add_task(label, total=None)

    def finished(self, outcome: StoreOutcome) -> None:
        with self._lock:
            task = self._tasks.pop(outcome.entry.line, None)
            if task is not None:
                self.bars.remove_task(task)
            self.bars.advance(self.overall)
            # markup=False: a store's name such as "[red]x" is printed as written.
            self.console.print(self.line(outcome), markup=False, highlight=False)

    def close(self) -> None:
        self.bars.stop()


def progress_for(total: int, stream: IO[str] | None = None) -> PlainProgress:
    """Live bars when the output is a terminal, plain lines otherwise."""
    target = stream if stream is not None else sys.stdout
    isatty = getattr(target, "isatty", None)
    if callable(isatty) and isatty():
        return LiveProgress(total, target)
    return PlainProgress(total, target)
