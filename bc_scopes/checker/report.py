"""What one check found: the `Report` that every front renders, and its exit code.

No secret ever reaches a `Report`: it holds the store hash, the API URL,
verdicts and lines of text written by this package. The formats (text, JSON,
Markdown, JUnit) live in `formats/`, with the words they share.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bc_scopes import exitcodes
from bc_scopes.checker.evidence import Preflight, SafetyEvent
from bc_scopes.checker.verdicts import VERDICT_ORDER, RowResult, Verdict
from bc_scopes.model import ScopeTable


@dataclass
class Report:
    """Everything the outputs show about one run."""

    table: ScopeTable
    store_hash: str
    api_url: str
    rows: list[RowResult]
    preflight: Preflight | None = None
    safety_stop: SafetyEvent | None = None  # a write of this store was accepted
    # Another store's accepted write stopped this one (check-many): the run-wide stop.
    stopped_by: SafetyEvent | None = None
    requests_sent: int = 0
    strict: bool = False
    notes: list[str] = field(default_factory=list)  # every note (the JSON keeps them all)
    warnings: list[str] = field(default_factory=list)  # the notes every report shows
    target_label: str = ""  # replaces "store X at URL" in the header (the demo)

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(result.verdict for result in self.rows)
        return {verdict.value: counts.get(verdict, 0) for verdict in VERDICT_ORDER}

    @property
    def exit_code(self) -> int:
        if self.preflight is not None and not self.preflight.ok:
            return self.preflight.exit_code
        if self.safety_stop is not None:
            return exitcodes.SAFETY_STOP
        if any(self.fails(result) for result in self.rows):
            return exitcodes.FAILED
        verdicts = {result.verdict for result in self.rows}
        if Verdict.UNKNOWN in verdicts:
            return exitcodes.INCOMPLETE
        return exitcodes.OK

    def fails(self, result: RowResult) -> bool:
        """Missing, or excess where excess counts: under --strict, or on a risky row."""
        if result.verdict is Verdict.MISSING:
            return True
        return result.verdict is Verdict.EXCESS and (self.strict or result.row.excess_fails)

    def help_url(self, anchor: str) -> str:
        return self.table.guide.troubleshooting_url(anchor)

    def row_url(self, result: RowResult) -> str:
        return self.table.guide.row_url(result.row.id)
