"""What a check-many run keeps: each store's outcome, and the run's small summary.

Plain values, no HTTP: the formats and the progress read them without loading
the pool, the client or requests. The summary holds counts and names only,
never a store's report, so it stays small however many stores the file lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bc_scopes import exitcodes
from bc_scopes.checker.evidence import SafetyEvent
from bc_scopes.checker.report import Report
from bc_scopes.checker.stores_file import StoreEntry
from bc_scopes.checker.verdicts import VERDICT_ORDER


@dataclass
class StoreOutcome:
    """What happened to one row of the stores file: its report, or why there is none."""

    entry: StoreEntry
    report: Report | None = None
    error: str | None = None  # one line, no secret: bad input, a crash, or "not checked"
    error_code: int = exitcodes.BAD_INPUT
    seconds: float = 0.0
    sent_nothing: bool = False  # no request left for this store
    warning: str | None = None  # e.g. the same store listed twice

    @property
    def exit_code(self) -> int:
        return int(self.report.exit_code) if self.report is not None else self.error_code


class BatchSink(Protocol):
    """Where each store's outcome goes as it ends (progress, streamed files)."""

    def store_done(self, outcome: StoreOutcome) -> None: ...


@dataclass
class BatchSummary:
    """What is kept of a whole run: counts, the safety stop, and no store's report."""

    stores: int = 0
    exit_codes: Counter[int] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    requests_sent: int = 0
    seconds: float = 0.0
    max_in_flight: int = 0
    concurrency: int = 0
    safety_stop: SafetyEvent | None = None
    safety_store: StoreEntry | None = None
    unchecked: list[StoreEntry] = field(default_factory=list)  # sent nothing, stopped
    sent_nothing: list[StoreEntry] = field(default_factory=list)  # bad input for the store

    @property
    def exit_code(self) -> int:
        return exitcodes.worst(self.exit_codes)

    def add(self, outcome: StoreOutcome) -> None:
        self.stores += 1
        self.exit_codes[outcome.exit_code] += 1
        report = outcome.report
        if report is not None:
            self.verdicts.update(
                {verdict: count for verdict, count in report.summary.items() if count}
            )
            if report.safety_stop is not None and self.safety_store is None:
                self.safety_store = outcome.entry
        if outcome.sent_nothing:
            target = self.sent_nothing if outcome.error_code == exitcodes.BAD_INPUT else (
                self.unchecked
            )
            target.append(outcome.entry)

    def verdict_totals(self) -> dict[str, int]:
        return {verdict.value: self.verdicts.get(verdict.value, 0) for verdict in VERDICT_ORDER}


def worst_exit_code(codes: Sequence[int] | Counter[int]) -> int:
    """The worst of the stores' codes, in the order 5 > 2 > 3 > 1 > 4 > 0."""
    return exitcodes.worst(codes)
