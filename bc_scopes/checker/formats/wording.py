"""The words every format shares: the verdict first, what to change, what to confirm by eye.

A merchant reads the first line and knows what to do: ready for DropStream;
not ready, with the rows to change; could not finish, and why; or stopped for
safety. Text, Markdown, JSON and JUnit all take these sentences from here, so
they never say different things about the same report.
"""

from __future__ import annotations

from bc_scopes import exitcodes
from bc_scopes.checker.evidence import SafetyEvent
from bc_scopes.checker.report import Report
from bc_scopes.checker.verdicts import RowResult, Verdict, describe_range
from bc_scopes.levels import level_label
from bc_scopes.troubleshooting import problem

EXIT_WORDS = {
    exitcodes.OK: "ready",
    exitcodes.FAILED: "not ready",
    exitcodes.BAD_INPUT: "bad input",
    exitcodes.REJECTED: "rejected",
    exitcodes.INCOMPLETE: "incomplete",
    exitcodes.SAFETY_STOP: "SAFETY STOP",
}


def detected_text(result: RowResult) -> str:
    """What the table shows as detected: a level, a range, 'not testable' or '?'."""
    if not result.row.probes:
        return "not testable"
    return describe_range(result.row, result.lowest, result.highest)


def rows_to_change(report: Report) -> list[RowResult]:
    """Rows a new API account must set differently: missing ones, and excess ones."""
    return [result for result in report.rows
            if result.verdict in (Verdict.MISSING, Verdict.EXCESS)]


def rows_to_confirm(report: Report) -> list[RowResult]:
    return [result for result in report.rows if result.verdict is Verdict.UNVERIFIABLE]


def confirm_url(report: Report, rows: list[RowResult]) -> str:
    """The guide's checklist showing exactly these rows, with tick boxes and the drawn form."""
    guide = report.table.guide
    return f"{guide.site_url}{guide.scopes_page}?confirm=" + ",".join(r.row.id for r in rows)


def change_line(result: RowResult) -> str:
    """'Orders: set Modify (now None).' for one row to change."""
    need = level_label(result.row.required)
    line = f"{result.row.name}: set {need} (now {detected_text(result)})."
    if result.verdict is Verdict.EXCESS:
        line += f" It must stay {need}." if result.row.excess_fails else (
            " Higher works, but grants more than DropStream needs.")
    return line


def verdict_line(report: Report) -> str:
    """The first line of every report: what the reader must do, in a merchant's words."""
    code = report.exit_code
    if code == exitcodes.SAFETY_STOP and report.safety_stop is not None:
        event = report.safety_stop
        return (f"STOPPED FOR SAFETY: {event.method} {event.path} was answered {event.status} "
                f"although it was built to fail (exit {code}).")
    if report.stopped_by is not None:
        return (f"COULD NOT FINISH: another store's safety stop stopped this check "
                f"(exit {code}).")
    preflight = report.preflight
    if preflight is not None and not preflight.ok:
        anchor = preflight.anchor or "store-unreachable"
        return f"COULD NOT FINISH: {problem(anchor).title} (exit {code})."
    change = [result for result in rows_to_change(report) if report.fails(result)]
    if code == exitcodes.FAILED:
        noun = "row" if len(change) == 1 else "rows"
        names = ", ".join(result.row.name for result in change)
        return f"NOT READY for DropStream: {len(change)} {noun} to change: {names} (exit {code})."
    unknown = [result for result in report.rows if result.verdict is Verdict.UNKNOWN]
    if code == exitcodes.INCOMPLETE:
        noun = "row" if len(unknown) == 1 else "rows"
        return f"COULD NOT FINISH: {len(unknown)} {noun} could not be checked (exit {code})."
    return f"READY for DropStream: the token holds every scope DropStream needs (exit {code})."


def last_line(report: Report) -> str:
    """The report's last line: the verdict again, with the rows to change by name."""
    change = [result for result in rows_to_change(report) if report.fails(result)]
    if report.exit_code == exitcodes.FAILED and change:
        fixes = "; ".join(f"{r.row.name} to {level_label(r.row.required)}" for r in change)
        return f"NOT READY: change {fixes} (exit {report.exit_code})."
    return verdict_line(report)


def counts_line(report: Report) -> str:
    """One line of counts: what is confirmed, and what still needs the reader."""
    counts = report.summary
    parts = [f"{counts['ok']} of {len(report.rows)} confirmed"]
    for verdict, words in (
        ("missing", "missing"), ("excess", "higher than needed"),
        ("unverifiable", "to confirm by eye"), ("unknown", "could not be checked"),
    ):
        if counts[verdict]:
            parts.append(f"{counts[verdict]} {words}")
    noun = "request" if report.requests_sent == 1 else "requests"
    return " \u00b7 ".join(parts) + f"; {report.requests_sent} {noun} sent."


def fix_for(result: RowResult) -> str:
    """One line on how to fix a row that is not ok."""
    row, need = result.row, level_label(result.row.required)
    if result.verdict is Verdict.MISSING:
        return (
            f"Create a new API account with {row.name} set to {need}; the scopes of an existing "
            "account cannot be edited."
        )
    if result.verdict is Verdict.EXCESS and row.excess_fails:
        return (
            f"{row.name} must stay {need}: {row.reason} Create a new API account with {row.name} "
            f"set to {need}, then delete this one."
        )
    if result.verdict is Verdict.EXCESS:
        return (
            f"Works, but more than needed: create a new API account with {row.name} set to {need} "
            "and delete the old one."
        )
    if result.verdict is Verdict.UNVERIFIABLE:
        return row.confirm_by_eye or f"Check in the control panel that {row.name} reads {need}."
    if result.anchor:
        return f"{result.reason} {problem(result.anchor).fix}"
    return result.reason


def safety_sentence(event: SafetyEvent) -> str:
    """The one thing to do after a safety stop."""
    where = f"store {event.store_hash}'s" if event.store_hash else "the store's"
    return (f"Look at {where} data for {event.method} {event.path} before running anything "
            "again, and send this report to DropStream support.")


def every_checkable_row_missing(report: Report) -> bool:
    checkable = [
        result for result in report.rows
        if result.row.probes and result.row.required != result.row.levels[0]
    ]
    return bool(checkable) and all(result.verdict is Verdict.MISSING for result in checkable)


def diagnosis(report: Report) -> list[str]:
    """One explanation when every scoped probe was denied, instead of a fix line per row.

    The preflight passed, so token and store hash are a valid pair; a denial on every
    row then has two causes the evidence allows.
    """
    return [
        "Every scope that can be checked is missing, although the token and the store hash "
        "work. Two causes fit: the API account was saved with every scope at None, or the token "
        "is not a V2/V3 API token of this store (a Stencil-CLI token, for example).",
        "    Check first: open Settings > Store-level API accounts, open this account and read "
        "its Token type and OAuth scopes. Then create a new account with Token type V2/V3 and "
        "the levels in the guide's table.",
        f"    Help: {report.help_url('wrong-token-type')}",
    ]
