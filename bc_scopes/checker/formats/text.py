"""The terminal report: the verdict first, what to do next, and the evidence behind -v.

A ready token's report fits one 80 x 24 screen: the verdict, the rows to
change (each with its target level and link), one short list of rows to
confirm by eye with one link to the guide's checklist filtered to them, one
line of counts, and the verdict again. `-v` adds the full table, every request
and how its answer was read, and the reasoning behind each row to confirm.
Lines wrap at the terminal's width (80 when it is unknown). Every text passes
`printable` on the way out.
"""

from __future__ import annotations

import textwrap

from bc_scopes import __version__, exitcodes
from bc_scopes.checker.batch_results import BatchSummary, StoreOutcome
from bc_scopes.checker.formats.wording import (
    EXIT_WORDS,
    change_line,
    confirm_url,
    counts_line,
    detected_text,
    diagnosis,
    every_checkable_row_missing,
    fix_for,
    last_line,
    rows_to_change,
    rows_to_confirm,
    safety_sentence,
    verdict_line,
)
from bc_scopes.checker.redact import printable
from bc_scopes.checker.report import Report
from bc_scopes.checker.stores_file import StoreEntry
from bc_scopes.checker.verdicts import Verdict
from bc_scopes.levels import level_label
from bc_scopes.troubleshooting import problem

COLUMNS = (("Row", 28), ("Verdict", 13), ("Detected", 20), ("Required", 9))
DEFAULT_WIDTH = 80
BATCH_WIDTH = 100  # check-many's per-store lines and summary


def _wrap(text: str, width: int, indent: str = "", more: str | None = None) -> list[str]:
    """`text` folded at word boundaries to `width` columns (URLs are never broken)."""
    return textwrap.wrap(
        text, width, initial_indent=indent,
        subsequent_indent=more if more is not None else indent,
        break_long_words=False, break_on_hyphens=False,
    ) or [indent.rstrip()]


def _cell(text: str, width: int) -> str:
    return text.ljust(width) if len(text) < width else text + " "


def _column_widths(r: Report, width: int) -> list[int]:
    """The table's column widths; the first grows to the longest row name, within `width`."""
    longest = max((len(result.row.name) for result in r.rows), default=0)
    others = [size for _, size in COLUMNS[1:]]
    first = max(12, min(max(COLUMNS[0][1], longest + 2), width - sum(others)))
    return [first, *others]


def _row_lines(name: str, cells: tuple[str, ...], widths: list[int]) -> list[str]:
    """A table row; a name too long for its column gets a line of its own, never cut."""
    if len(name) < widths[0]:
        return ["".join(map(_cell, (name, *cells), widths)).rstrip()]
    return [name, "".join(map(_cell, ("", *cells), widths)).rstrip()]


def _target(r: Report) -> str:
    return r.target_label or f"store {r.store_hash} at {r.api_url}"


def _details(r: Report, width: int) -> list[str]:
    """-v: who was checked, the notes, the preflight, the full table and its evidence."""
    lines = _wrap(f"bc-scopes {__version__} (scope table {r.table.version}): checked "
                  f"{_target(r)}", width)
    for note in r.notes:
        if note not in r.warnings:
            lines += _wrap(note, width)
    if r.preflight is not None:
        lines += _wrap(f"Preflight: {r.preflight.message}", width)
    if r.preflight is not None and not r.preflight.ok:
        return lines
    widths = _column_widths(r, width)
    lines += ["", "".join(map(_cell, (title for title, _ in COLUMNS), widths)).rstrip()]
    for result in r.rows:
        cells = (result.verdict.value, detected_text(result), level_label(result.row.required))
        lines += _row_lines(result.row.name, cells, widths)
        for probe in result.evidence:
            lines += _wrap(f"- {probe.method} {probe.path}: {probe.outcome.value} "
                           f"({probe.detail})", width, "    ", "      ")
    confirm = rows_to_confirm(r)
    if confirm:
        lines += ["", "Why these rows are confirmed by eye:"]
        for result in confirm:
            lines += _wrap(f"- {result.row.name}: {fix_for(result)}", width, "  ", "    ")
    return lines


def _problem_lines(r: Report, width: int) -> list[str]:
    """What to do, right under the verdict."""
    lines: list[str] = []
    preflight = r.preflight
    if preflight is not None and not preflight.ok:
        anchor = preflight.anchor or "store-unreachable"
        lines += _wrap(f"Stopped before any scope was checked: {preflight.message}", width)
        lines += _wrap(f"Fix: {problem(anchor).fix}", width, "    ")
        lines.append(f"    Help: {r.help_url(anchor)}")
        return lines
    stop = r.safety_stop or r.stopped_by
    if stop is not None:
        if r.stopped_by is not None:
            lines += _wrap(f"In store {stop.store_hash}, {stop.method} {stop.path} was answered "
                           f"{stop.status} although it was built to fail, so every store "
                           "stopped.", width)
        lines += _wrap(safety_sentence(stop), width, "    ")
        lines.append(f"    Help: {r.help_url('unsafe-write')}")
        stopped = [result.row.name for result in r.rows if result.verdict is Verdict.UNKNOWN]
        if stopped:
            lines += _wrap("Not checked, because the run stopped for safety: "
                           + ", ".join(stopped) + ".", width)
        return lines
    if every_checkable_row_missing(r):
        for line in diagnosis(r):
            lines += _wrap(line.strip(), width, "    " if line.startswith("    ") else "")
        return lines
    change = rows_to_change(r)
    if change:
        lead = ("Create one new API account with these rows changed (an account's scopes "
                "cannot be edited), then delete the old one:")
        if not any(r.fails(result) for result in change):
            lead = ("Optional: these rows are higher than DropStream needs. A new API account "
                    "with them lowered grants less:")
        lines += _wrap(lead, width)
        for result in change:
            lines += _wrap(f"- {change_line(result)}", width, "  ", "    ")
            lines.append(f"    {r.row_url(result)}")
    unknown = [result for result in r.rows if result.verdict is Verdict.UNKNOWN]
    if unknown:
        lines += _wrap("Could not be checked (run the check again once the cause is fixed):",
                       width)
        for result in unknown:
            lines += _wrap(f"- {result.row.name}: {fix_for(result)}", width, "  ", "    ")
            if result.anchor:
                lines.append(f"    Help: {r.help_url(result.anchor)}")
    return lines


def _confirm_lines(r: Report, width: int) -> list[str]:
    confirm = rows_to_confirm(r)
    stopped = (r.safety_stop or r.stopped_by) is not None
    if not confirm or stopped or (r.preflight is not None and not r.preflight.ok):
        return []
    rows = ", ".join(f"{result.row.name} {level_label(result.row.required)}"
                     for result in confirm)
    return [*_wrap(f"Confirm by eye on the API account's page: {rows}.", width),
            f"    {confirm_url(r, confirm)}"]


def report(r: Report, verbose: bool = False, width: int = DEFAULT_WIDTH) -> str:
    """The readable report: the verdict, what to do, the counts and the verdict again."""
    width = max(40, width)
    lines = _wrap(verdict_line(r), width)
    lines += _problem_lines(r, width)
    for warning in r.warnings:
        lines += _wrap(warning, width)
    lines += _confirm_lines(r, width)
    if verbose:
        lines += ["", *_details(r, width)]
    lines.append("")
    if r.preflight is None or r.preflight.ok:
        lines += _wrap(counts_line(r) + ("" if verbose else " Add -v for the full table."),
                       width)
    lines += _wrap(f"bc-scopes {__version__}, scope table {r.table.version}, {_target(r)}.",
                   width)
    lines += _wrap(last_line(r), width)
    return "\n".join(printable(line) for line in lines) + "\n"


# --- check-many: many stores in one run -----------------------------------------------------

_ROWS_NAMED = 3


def _rows_to_look_at(r: Report, named: int = _ROWS_NAMED) -> str:
    """The rows that fail or could not be checked, by verdict, a few names each."""
    parts = []
    for verdict in (Verdict.MISSING, Verdict.EXCESS, Verdict.UNKNOWN):
        rows = [result.row.name for result in r.rows if result.verdict is verdict]
        if rows:
            more = f" +{len(rows) - named}" if len(rows) > named else ""
            parts.append(f"{verdict.value}: {', '.join(rows[:named])}{more}")
    return "; ".join(parts)


def _fit(text: str, width: int = BATCH_WIDTH) -> str:
    """One line of at most `width` columns: long names are shortened, never wrapped."""
    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def store_problem(outcome: StoreOutcome) -> str:
    """What is wrong with one store, in a few words (empty when it is ready)."""
    r = outcome.report
    if r is None:
        return outcome.error or ""
    if r.safety_stop is not None:
        event = r.safety_stop
        return f"{event.method} {event.path} was answered {event.status}"
    if r.stopped_by is not None:
        return "stopped mid-check by the safety stop"
    if r.preflight is not None and not r.preflight.ok:
        return f"not checked: {problem(r.preflight.anchor or 'store-unreachable').title}"
    return _rows_to_look_at(r)


def store_help(outcome: StoreOutcome) -> str:
    """The guide's page for what is wrong with one store."""
    r = outcome.report
    if r is None:
        return ""
    if r.safety_stop is not None or r.stopped_by is not None:
        return r.help_url("unsafe-write")
    if r.preflight is not None and not r.preflight.ok:
        return r.help_url(r.preflight.anchor or "store-unreachable")
    for result in r.rows:
        if r.fails(result) or result.verdict in (Verdict.MISSING, Verdict.EXCESS):
            return r.row_url(result)
    return ""


def store_line(outcome: StoreOutcome, done: int, total: int) -> str:
    """One store's line, at most 100 columns: its verdict and the rows to look at."""
    entry, code = outcome.entry, outcome.exit_code
    digits = len(str(total))
    name = entry.name if len(entry.name) <= 30 else entry.name[:29] + "\u2026"
    head = f"[{done:>{digits}}/{total}] {name} ({entry.store_hash}): {EXIT_WORDS.get(code, code)}"
    problem_text = store_problem(outcome)
    return _fit(f"{head}. {problem_text}" if problem_text else head)


def not_ready_line(outcome: StoreOutcome) -> str:
    """A not-ready store for the end summary: name, what is wrong, the guide's link."""
    link = store_help(outcome)
    text = (f"- {outcome.entry.name} ({outcome.entry.store_hash}): "
            f"{EXIT_WORDS.get(outcome.exit_code, outcome.exit_code)}. {store_problem(outcome)}")
    return _fit(text) + (f"\n    {link}" if link else "")


def batch_header(table_version: str, stores: int, source: str, api_url: str,
                 max_in_flight: int, concurrency: int) -> str:
    noun = "store" if stores == 1 else "stores"
    return "\n".join(_wrap(printable(
        f"bc-scopes {__version__} (scope table {table_version}): checking {stores} {noun} "
        f"from {source} at {api_url}, at most {max_in_flight} requests at once, "
        f"{concurrency} per store"
    ), BATCH_WIDTH)) + "\n"


def entries_named(entries: list[StoreEntry], limit: int = 10) -> str:
    shown = ", ".join(entry.name for entry in entries[:limit])
    return shown + (f" and {len(entries) - limit} more" if len(entries) > limit else "")


def batch(summary: BatchSummary, not_ready: list[tuple[int, str]]) -> str:
    """The end of a run: its verdict, then every store that is not ready, worst first."""
    code = summary.exit_code
    noun = "store" if summary.stores == 1 else "stores"
    width = BATCH_WIDTH
    lines = [""]
    event = summary.safety_stop
    if event is not None:
        lines += _wrap(
            f"SAFETY STOP in store {event.store_hash}: {event.method} {event.path} was answered "
            f"{event.status} although it was built to fail. The whole run stopped at once; no "
            "request left for any store after that answer.", width)
        if summary.unchecked:
            lines += _wrap(f"Not checked: {entries_named(summary.unchecked)}.", width, "    ")
        lines += _wrap(safety_sentence(event), width, "    ")
        lines.append("")
    ready = summary.exit_codes.get(exitcodes.OK, 0)
    lines.append(f"{ready} of {summary.stores} {noun} ready for DropStream.")
    if not_ready:
        lines.append("Not ready, worst first:")
        ordered = sorted(not_ready, key=lambda item: exitcodes.SEVERITY.index(item[0])
                         if item[0] in exitcodes.SEVERITY else 0)
        for _, line in ordered:
            lines.extend(line.split("\n"))
    if summary.sent_nothing:
        lines += _wrap(f"Nothing was sent to {entries_named(summary.sent_nothing)} (bad input for "
                       "that store); the other stores were checked.", width)
    counts = ", ".join(f"{summary.exit_codes[value]} {EXIT_WORDS.get(value, value)}"
                       for value in exitcodes.SEVERITY if summary.exit_codes.get(value))
    lines.append(f"{summary.stores} {noun} in {summary.seconds:.1f} s: {counts}; "
                 f"{summary.requests_sent} requests.")
    lines += _wrap(f"Exit code {code} (the worst store's, in the order "
                   f"{exitcodes.SEVERITY_TEXT}): {exitcodes.MEANINGS[code]}.", width)
    return "\n".join(printable(line) for line in lines) + "\n"
