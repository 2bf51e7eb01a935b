"""check-many's progress on a terminal: one line, redrawn at most 10 times a second."""

from __future__ import annotations

import io
import re

from bc_scopes import exitcodes
from bc_scopes.checker.batch_results import StoreOutcome
from bc_scopes.checker.progress import LiveProgress, PlainProgress
from bc_scopes.checker.stores_file import StoreEntry


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def outcome(number: int, error: str | None = None) -> StoreOutcome:
    entry = StoreEntry(number + 2, f"Store {number}", f"hash{number:03d}", f"T{number}")
    if error is None:
        return StoreOutcome(entry, error="", error_code=exitcodes.OK)
    return StoreOutcome(entry, error=error, error_code=exitcodes.BAD_INPUT)


def test_the_live_line_counts_stores_requests_and_seconds_and_is_throttled() -> None:
    clock, stream = FakeClock(), io.StringIO()
    progress = LiveProgress(30, stream, clock)
    for number in range(30):
        for _ in range(40):  # 1,200 requests, 1 ms apart: 1.2 s of run
            clock.now += 0.001
            progress.request_sent()
        progress.store_done(outcome(number, "X_TOKEN is not set" if number == 7 else None))
    progress.close()
    text = stream.getvalue()
    draws = text.count("\r\x1b[2K")
    assert draws <= 1.2 * 10 + 3, draws  # at most 10 a second, plus the forced ones
    assert re.search(r"stores 2\d/30 \u00b7 1\d\d\d requests \u00b7 1 s", text), text[-200:]
    assert len(text) < 4000, len(text)
    # Only the store that is not ready is printed above the line.
    assert text.count("Store 7 (hash007): bad input") == 1 and "Store 8 (" not in text
    assert progress.not_ready[0][0] == exitcodes.BAD_INPUT


def test_plain_progress_prints_one_line_per_store_for_logs() -> None:
    stream = io.StringIO()
    progress = PlainProgress(2, stream)
    progress.store_done(outcome(0))
    progress.store_done(outcome(1, "X_TOKEN is not set"))
    lines = stream.getvalue().splitlines()
    assert lines == ["[1/2] Store 0 (hash000): ready",
                     "[2/2] Store 1 (hash001): bad input. X_TOKEN is not set"]
