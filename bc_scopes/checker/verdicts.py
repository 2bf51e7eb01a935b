"""From classified probe answers to one verdict per row. Pure: no I/O.

Each row's level is pinned between two bounds:

- the upper bound starts at the row's top level and drops below L for every
  probe of level L that was denied (a denial proves the token holds none of the
  scopes that open the route, and those are the row's levels L and above);
- the lower bound starts at the row's lowest level and rises to L for every
  granted probe of level L, unless another row's scope also opens the route
  (`ambiguous_grant`). Such a grant still counts once every row named in
  `also_opened_by` is proven below the level that would open the route.

Then: upper < required → missing; lower > required → excess; both equal to
the required level → ok; anything else → unverifiable, with what to confirm
by eye. A probe that could not be completed makes the row unknown, unless the
evidence that did arrive already proves missing or excess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bc_scopes.checker.evidence import Outcome, ProbeKey, ProbeResult, probe_key
from bc_scopes.levels import level_label
from bc_scopes.model import Probe, ScopeRow, ScopeTable


class Verdict(StrEnum):
    OK = "ok"
    MISSING = "missing"
    EXCESS = "excess"
    UNVERIFIABLE = "unverifiable"
    UNKNOWN = "unknown"


VERDICT_ORDER = (Verdict.OK, Verdict.MISSING, Verdict.EXCESS, Verdict.UNVERIFIABLE, Verdict.UNKNOWN)
ANCHORS = {
    Verdict.MISSING: "missing-scope",
    Verdict.EXCESS: "excess-scope",
    Verdict.UNVERIFIABLE: "unverifiable-scope",
}


@dataclass(frozen=True)
class RowResult:
    """The verdict for one row, with the bounds and the answers behind it."""

    row: ScopeRow
    verdict: Verdict
    lowest: str | None
    highest: str | None
    reason: str
    anchor: str | None
    evidence: tuple[ProbeResult, ...] = ()

    @property
    def detected(self) -> str | None:
        """The exact level, when the evidence pins it down."""
        return self.lowest if self.lowest is not None and self.lowest == self.highest else None


def describe_range(row: ScopeRow, lowest: str | None, highest: str | None) -> str:
    """'Read-only', 'None or Read-only', 'None to Modify', or '?'."""
    if lowest is None or highest is None:
        return "?"
    if lowest == highest:
        return level_label(lowest)
    joiner = " or " if row.rank(highest) - row.rank(lowest) == 1 else " to "
    return f"{level_label(lowest)}{joiner}{level_label(highest)}"


def _upper_bounds(table: ScopeTable, results: Mapping[ProbeKey, ProbeResult]) -> dict[str, int]:
    """Highest possible rank per row, from denials only."""
    bounds = {}
    for row in table.all_rows:
        upper = len(row.levels) - 1
        for probe in row.probes:
            result = results.get(probe_key(probe))
            if result is not None and result.outcome is Outcome.DENIED:
                upper = min(upper, row.rank(probe.level) - 1)
        bounds[row.id] = upper
    return bounds


def _grant_counts(table: ScopeTable, probe: Probe, uppers: Mapping[str, int]) -> bool:
    if not probe.ambiguous_grant:
        return True
    if not probe.also_opened_by:
        return False
    for opener in probe.also_opened_by:
        other = table.row(opener.row_id)
        if uppers[other.id] >= other.rank(opener.level):
            return False
    return True


def _failures_of(
    table: ScopeTable, row: ScopeRow, results: Mapping[ProbeKey, ProbeResult]
) -> list[ProbeResult]:
    failures = []
    for probe in row.probes:
        result = results.get(probe_key(probe))
        if result is None:
            failures.append(
                ProbeResult(probe.method, probe.path, Outcome.FAILED, None, "not-sent", "not sent")
            )
        elif result.outcome is Outcome.FAILED:
            failures.append(result)
    return failures


def _first(results: list[ProbeResult], outcome: Outcome) -> ProbeResult | None:
    return next((result for result in results if result.outcome is outcome), None)


def evaluate_row(
    table: ScopeTable, row: ScopeRow, results: Mapping[ProbeKey, ProbeResult],
    uppers: Mapping[str, int],
) -> RowResult:
    evidence = [results[probe_key(p)] for p in row.probes if probe_key(p) in results]
    required = row.rank(row.required)
    if not row.probes:
        return RowResult(
            row, Verdict.UNVERIFIABLE, None, None,
            row.confirm_by_eye or "No request can show this level; confirm it by eye.",
            ANCHORS[Verdict.UNVERIFIABLE],
        )
    upper = uppers[row.id]
    lower = 0
    proving_grant: ProbeResult | None = None
    for probe in row.probes:
        result = results.get(probe_key(probe))
        if result is None or result.outcome is not Outcome.GRANTED:
            continue
        if _grant_counts(table, probe, uppers) and row.rank(probe.level) > lower:
            lower, proving_grant = row.rank(probe.level), result
    failures = _failures_of(table, row, results)
    low, high = row.levels[lower], row.levels[max(upper, 0)]
    span = describe_range(row, low, high)
    need = level_label(row.required)

    if lower > upper:
        return RowResult(
            row, Verdict.UNKNOWN, None, None,
            "BigCommerce's answers contradict each other; run the check again.",
            "store-unreachable",
            tuple(evidence),
        )
    if upper < required:
        denial = _first(evidence, Outcome.DENIED)
        where = (
            f"{denial.method} {denial.path} was refused for a missing scope, so " if denial else ""
        )
        return RowResult(
            row, Verdict.MISSING, low, high,
            f"{where}the token holds {span}; {need} is required.", ANCHORS[Verdict.MISSING],
            tuple(evidence),
        )
    if lower > required:
        where = (
            f"{proving_grant.method} {proving_grant.path} was allowed ({proving_grant.status}), so "
            if proving_grant else ""
        )
        return RowResult(
            row, Verdict.EXCESS, low, high, f"{where}the token holds {span}; {need} is enough.",
            ANCHORS[Verdict.EXCESS], tuple(evidence),
        )
    if failures:
        first = failures[0]
        anchor = "rate-limited" if first.failure == "rate-limited" else "store-unreachable"
        if any(failure.failure in ("unsafe-write", "cancelled") for failure in failures):
            anchor = "unsafe-write"
        return RowResult(
            row, Verdict.UNKNOWN, None, None,
            f"{first.method} {first.path} could not be completed: {first.detail}.", anchor,
            tuple(evidence),
        )
    if lower == upper == required:
        return RowResult(row, Verdict.OK, low, high, f"{need} confirmed.", None, tuple(evidence))
    blockers = _unsettled_dependencies(table, row, results)
    if blockers:
        return RowResult(
            row, Verdict.UNKNOWN, None, None,
            f"Could not be settled because {', '.join(blockers)} could not be checked.",
            "store-unreachable", tuple(evidence),
        )
    return RowResult(
        row, Verdict.UNVERIFIABLE, low, high,
        f"The answers show {span}. {row.confirm_by_eye}".strip(), ANCHORS[Verdict.UNVERIFIABLE],
        tuple(evidence),
    )


def _unsettled_dependencies(
    table: ScopeTable, row: ScopeRow, results: Mapping[ProbeKey, ProbeResult]
) -> list[str]:
    """Rows whose failed probes kept an ambiguous grant of `row` from counting."""
    names = []
    for probe in row.probes:
        result = results.get(probe_key(probe))
        if result is None or result.outcome is not Outcome.GRANTED:
            continue
        for opener in probe.also_opened_by:
            other = table.row(opener.row_id)
            if _failures_of(table, other, results) and other.name not in names:
                names.append(other.name)
    return names


def evaluate(
    table: ScopeTable,
    results: Mapping[ProbeKey, ProbeResult],
    rows: tuple[ScopeRow, ...] | None = None,
) -> list[RowResult]:
    """Verdicts for `rows` (all rows of the table by default), in table order."""
    uppers = _upper_bounds(table, results)
    chosen = table.rows if rows is None else rows
    return [evaluate_row(table, row, results, uppers) for row in chosen]


def not_checked(
    table: ScopeTable, reason: str, anchor: str, rows: tuple[ScopeRow, ...] | None = None
) -> list[RowResult]:
    """Verdicts when the preflight failed and no probe was sent.

    Rows with probes are unknown; rows no request can test stay unverifiable.
    """
    uppers = _upper_bounds(table, {})
    return [
        evaluate_row(table, row, {}, uppers)
        if not row.probes
        else RowResult(row, Verdict.UNKNOWN, None, None, reason, anchor)
        for row in (table.rows if rows is None else rows)
    ]
