"""Render a `Report`: the terminal table, the JSON report and the GitHub step summary.

Pure functions: a report in, text or a dict out. Every text that may hold
characters from the server or from scopes.yaml passes `printable` (terminal)
or `_md` (Markdown) on the way out.
"""

from __future__ import annotations

import html
import textwrap
from typing import Any

from bc_scopes import __version__, exitcodes
from bc_scopes.checker.batch import BatchSummary, StoreOutcome
from bc_scopes.checker.evidence import SafetyEvent
from bc_scopes.checker.redact import printable
from bc_scopes.checker.report import Report, detected_text, fix_for
from bc_scopes.checker.stores_file import StoreEntry
from bc_scopes.checker.verdicts import VERDICT_ORDER, Verdict
from bc_scopes.levels import level_label
from bc_scopes.troubleshooting import problem

COLUMNS = (("Row", 28), ("Verdict", 14), ("Detected", 21), ("Required", 9))


def _header(report: Report) -> list[str]:
    target = report.target_label or f"store {report.store_hash} at {report.api_url}"
    # The table's version (its newest changelog date) tells support at once whether a
    # merchant's copy of the checker is out of date.
    lines = [f"bc-scopes {__version__} (scope table {report.table.version}): checking {target}"]
    lines.extend(report.notes)
    return lines


def _safety_lines(report: Report) -> list[str]:
    if report.stopped_by is not None:
        event = report.stopped_by
        return [
            f"STOPPED FOR SAFETY: in store {event.store_hash}, {event.method} {event.path} was "
            f"answered {event.status} although it was built to fail, so every store stopped.",
            f"    Fix: {safety_sentence(event)}",
            f"    Help: {report.help_url('unsafe-write')}",
        ]
    if report.safety_stop is None:
        return []
    event = report.safety_stop
    return [
        f"SAFETY STOP: {event.method} {event.path} was answered {event.status} although it was "
        "built to fail. The run stopped at once.",
        f"    Fix: {problem('unsafe-write').fix}",
        f"    Help: {report.help_url('unsafe-write')}",
    ]


def _cell(text: str, width: int) -> str:
    return text.ljust(width) if len(text) < width else text + " "


WIDTH = 100  # the report fits a 100-column terminal and the guide's code block


def _wrap(text: str, indent: str = "", more: str | None = None) -> list[str]:
    """`text` folded at word boundaries to WIDTH columns (URLs are never broken)."""
    return textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=more if more is not None else indent,
        break_long_words=False, break_on_hyphens=False,
    ) or [indent.rstrip()]


def headline(report: Report) -> str:
    """One line a person reads first: what is confirmed, and what still needs them."""
    counts = report.summary
    parts = [f"{counts['ok']} of {len(report.rows)} confirmed"]
    for verdict, words in (
        ("missing", "missing"), ("excess", "higher than needed"),
        ("unverifiable", "to confirm by eye"), ("unknown", "could not be checked"),
    ):
        if counts[verdict]:
            parts.append(f"{counts[verdict]} {words}")
    return "Result: " + " \u00b7 ".join(parts)


def _fix_section(report: Report, diagnosed: bool) -> list[str]:
    """One instruction for every row to change: a single new API account fixes them all."""
    rows = [
        result for result in report.rows
        if result.verdict is Verdict.EXCESS
        or (result.verdict is Verdict.MISSING and not diagnosed)
    ]
    if not rows:
        return []
    lines = ["", *_wrap(
        "To fix: create one new API account with these rows changed (the scopes of an "
        "existing account cannot be edited), and delete the old account once DropStream "
        "works with the new one:"
    )]
    for result in rows:
        need = level_label(result.row.required)
        now = detected_text(result)
        warning = ""
        if result.verdict is Verdict.EXCESS:
            warning = f" It must stay {need}." if result.row.excess_fails else (
                " Higher works, but grants more than DropStream needs."
            )
        lines += _wrap(f"- {result.row.name}: set {need} (now {now}).{warning}", "  ", "    ")
        lines.append(f"    {report.row_url(result)}")
    return lines


def _confirm_section(report: Report) -> list[str]:
    rows = [result for result in report.rows if result.verdict is Verdict.UNVERIFIABLE]
    if not rows:
        return []
    lines = ["", *_wrap(
        "Confirm by eye in the control panel, on the API account's page (no request can "
        "show these levels without changing the store):"
    )]
    for result in rows:
        lines += _wrap(f"- {result.row.name}: {fix_for(result)}", "  ", "    ")
        lines.append(f"    {report.row_url(result)}")
    return lines


def _unknown_section(report: Report) -> list[str]:
    rows = [result for result in report.rows if result.verdict is Verdict.UNKNOWN]
    if not rows:
        return []
    if report.safety_stop is not None or report.stopped_by is not None:
        names = ", ".join(result.row.name for result in rows)
        return ["", *_wrap(f"Not checked, because the run stopped for safety (see above; look at "
                           f"that first, before running anything again): {names}.")]
    lines = ["", "Could not be checked (run the check again once the cause is fixed):"]
    for result in rows:
        lines += _wrap(f"- {result.row.name}: {fix_for(result)}", "  ", "    ")
        if result.anchor:
            lines.append(f"    Help: {report.help_url(result.anchor)}")
    return lines


def _column_widths(report: Report) -> list[int]:
    """The table's column widths; the first grows to the longest row name (46 at most)."""
    longest = max((len(result.row.name) for result in report.rows), default=0)
    first = min(max(COLUMNS[0][1], longest + 2), 46)
    return [first, *(width for _, width in COLUMNS[1:])]


def render_text(report: Report, verbose: bool = False) -> str:
    """The readable report printed at the end of a run (plain text, no colour).

    A headline first, then the table, then what to do, grouped: one list of rows to
    change on a new account, one list to confirm by eye, one list that could not be
    checked. `verbose` adds every request behind a row and how its answer was read.
    """
    lines = [wrapped for line in _header(report) for wrapped in _wrap(line)]
    preflight = report.preflight
    if preflight is not None and not preflight.ok:
        anchor = preflight.anchor or "store-unreachable"
        lines += [
            "",
            *_wrap(f"Stopped before any scope was checked: {preflight.message}"),
            *_wrap(f"Fix: {problem(anchor).fix}", "    "),
            f"    Help: {report.help_url(anchor)}",
            "",
            f"Exit code {report.exit_code}: {exitcodes.MEANINGS[report.exit_code]}.",
        ]
        return "\n".join(printable(line) for line in lines) + "\n"
    if preflight is not None:
        lines += _wrap(f"Preflight: {preflight.message} The token and the store hash work.")
    lines += ["", headline(report), ""]
    for line in _safety_lines(report):
        indent = "    " if line.startswith("    ") else ""
        lines += _wrap(line.strip(), indent) if not line.strip().startswith("Help:") else [line]
    if report.safety_stop is not None or report.stopped_by is not None:
        lines.append("")
    widths = _column_widths(report)
    lines.append("".join(map(_cell, (title for title, _ in COLUMNS), widths)).rstrip())
    diagnosed = every_checkable_row_missing(report)
    for result in report.rows:
        cells = (
            result.row.name,
            result.verdict.value,
            detected_text(result),
            level_label(result.row.required),
        )
        lines.append("".join(map(_cell, cells, widths)).rstrip())
        if verbose:
            for probe in result.evidence:
                lines += _wrap(
                    f"- {probe.method} {probe.path}: {probe.outcome.value} ({probe.detail})",
                    "    ", "      ",
                )
    lines += _fix_section(report, diagnosed)
    lines += _confirm_section(report)
    lines += _unknown_section(report)
    if diagnosed:
        lines += ["", *[wrapped for line in diagnosis(report) for wrapped in _wrap(
            line.strip(), "    " if line.startswith("    ") else "",
        )]]
    lines += ["", *_wrap(_summary_line(report))]
    lines.append(f"Exit code {report.exit_code}: {exitcodes.MEANINGS[report.exit_code]}.")
    return "\n".join(printable(line) for line in lines) + "\n"


def _summary_line(report: Report) -> str:
    counts = ", ".join(f"{count} {verdict}" for verdict, count in report.summary.items())
    noun = "request" if report.requests_sent == 1 else "requests"
    return f"Summary: {counts}; {report.requests_sent} {noun} sent."


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


def every_checkable_row_missing(report: Report) -> bool:
    checkable = [
        result for result in report.rows
        if result.row.probes and result.row.required != result.row.levels[0]
    ]
    return bool(checkable) and all(result.verdict is Verdict.MISSING for result in checkable)


def to_json(report: Report) -> dict[str, Any]:
    """The --json report: `scopes` (one object per row), `summary` and `exit_code`."""
    scopes = []
    for result in report.rows:
        entry: dict[str, Any] = {
            "id": result.row.id,
            "name": result.row.name,
            "required": result.row.required,
            "detected": result.detected,
            # The control-panel words, for people and for tools that match the table's text.
            "required_label": level_label(result.row.required),
            "detected_label": level_label(result.detected) if result.detected else None,
            "verdict": result.verdict.value,
            "docs_url": report.row_url(result),
            "reason": result.reason,
            "detected_range": {"lowest": result.lowest, "highest": result.highest},
            "probes": [
                {
                    "method": probe.method,
                    "path": probe.path,
                    "status": probe.status,
                    "outcome": probe.outcome.value,
                    "detail": probe.detail,
                }
                for probe in result.evidence
            ],
        }
        if result.verdict is not Verdict.OK:
            entry["fix"] = fix_for(result)
            entry["help_url"] = report.help_url(result.anchor) if result.anchor else None
        scopes.append(entry)
    preflight = report.preflight
    return {
        "tool": "bc-scopes",
        "version": __version__,
        "table_version": report.table.version,
        "store_hash": report.store_hash,
        "api_url": report.api_url,
        "strict": report.strict,
        "preflight": None if preflight is None else {
            "ok": preflight.ok,
            "status": preflight.status,
            "message": preflight.message,
            "help_url": report.help_url(preflight.anchor) if preflight.anchor else None,
        },
        "safety_stop": None if report.safety_stop is None else {
            "method": report.safety_stop.method,
            "path": report.safety_stop.path,
            "status": report.safety_stop.status,
            "help_url": report.help_url("unsafe-write"),
        },
        "notes": report.notes,
        "requests_sent": report.requests_sent,
        "scopes": scopes,
        "summary": report.summary,
        "diagnosis": " ".join(line.strip() for line in diagnosis(report))
        if every_checkable_row_missing(report) else None,
        "exit_code": report.exit_code,
        "exit_meaning": exitcodes.MEANINGS[report.exit_code],
    }


_MARKDOWN_SPECIALS = "\\`*_[](){}#+!|~"


def _md(text: str) -> str:
    """Text from scopes.yaml as inert Markdown: no HTML, no links, no table breaks.

    GitHub renders step summaries as Markdown with HTML, so a row name such as
    `<img onerror=…>` or `[x](javascript:…)` must arrive as plain characters.
    """
    escaped = html.escape(printable(text), quote=False)
    return "".join("\\" + char if char in _MARKDOWN_SPECIALS else char for char in escaped)


def render_markdown(report: Report) -> str:
    """A GitHub step summary: headline, table, and the fixes."""
    target = report.target_label or f"store `{report.store_hash}`"
    lines = [
        f"## BigCommerce scope check: {target}",
        "",
        f"**Exit code {report.exit_code}**: {exitcodes.MEANINGS[report.exit_code]}.",
        "",
        f"bc-scopes {__version__}, scope table {_md(report.table.version)}.",
        "",
    ]
    preflight = report.preflight
    if preflight is not None and not preflight.ok:
        anchor = preflight.anchor or "store-unreachable"
        lines += [
            f"Stopped before any scope was checked: {_md(preflight.message)}",
            f"[How to fix it]({report.help_url(anchor)})",
            "",
        ]
        return "\n".join(lines)
    if report.safety_stop is not None:
        event = report.safety_stop
        lines += [
            f"**Safety stop**: `{event.method} {event.path}` was answered {event.status}; "
            f"the run stopped. [What to do]({report.help_url('unsafe-write')})",
            "",
        ]
    lines += ["| Row | Verdict | Detected | Required |", "| --- | --- | --- | --- |"]
    for result in report.rows:
        lines.append(
            f"| [{_md(result.row.name)}]({report.row_url(result)}) | {result.verdict.value} | "
            f"{detected_text(result)} | "
            f"{level_label(result.row.required)} |"
        )
    fixes = [result for result in report.rows if result.verdict is not Verdict.OK]
    if fixes:
        lines += ["", "### Rows to look at", ""]
        for result in fixes:
            help_link = f" · [Help]({report.help_url(result.anchor)})" if result.anchor else ""
            lines.append(
                f"- **{_md(result.row.name)}** ({result.verdict.value}): {_md(fix_for(result))} "
                f"[Guide]({report.row_url(result)}){help_link}"
            )
    lines += ["", _summary_line(report), ""]
    return "\n".join(lines)


# --- check-many: many stores in one run -----------------------------------------------------

EXIT_WORDS = {
    exitcodes.OK: "ready",
    exitcodes.FAILED: "not ready",
    exitcodes.BAD_INPUT: "bad input",
    exitcodes.REJECTED: "rejected",
    exitcodes.INCOMPLETE: "incomplete",
    exitcodes.SAFETY_STOP: "SAFETY STOP",
}
_ROWS_NAMED = 3
LINE_WIDTH = 100


def _rows_to_look_at(report: Report, named: int = _ROWS_NAMED) -> str:
    """The rows that fail or could not be checked, by verdict, a few names each."""
    parts = []
    for verdict in (Verdict.MISSING, Verdict.EXCESS, Verdict.UNKNOWN):
        rows = [result.row.name for result in report.rows if result.verdict is verdict]
        if rows:
            more = f" +{len(rows) - named}" if len(rows) > named else ""
            parts.append(f"{verdict.value}: {', '.join(rows[:named])}{more}")
    return "; ".join(parts)


def _fit(text: str, width: int = LINE_WIDTH) -> str:
    """One line of at most `width` columns: long names are shortened, never wrapped."""
    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def store_problem(outcome: StoreOutcome) -> str:
    """What is wrong with one store, in a few words (empty when it is ready)."""
    report = outcome.report
    if report is None:
        return outcome.error or ""
    if report.safety_stop is not None:
        event = report.safety_stop
        return f"SAFETY STOP: {event.method} {event.path} answered {event.status}"
    if report.preflight is not None and not report.preflight.ok:
        return f"not checked: {problem(report.preflight.anchor or 'store-unreachable').title}"
    return _rows_to_look_at(report)


def store_help(outcome: StoreOutcome) -> str:
    """The guide's page for what is wrong with one store."""
    report = outcome.report
    if report is None:
        return ""
    if report.safety_stop is not None:
        return report.help_url("unsafe-write")
    if report.preflight is not None and not report.preflight.ok:
        return report.help_url(report.preflight.anchor or "store-unreachable")
    for result in report.rows:
        if report.fails(result) or result.verdict in (Verdict.MISSING, Verdict.EXCESS):
            return report.row_url(result)
    return ""


def render_store_line(outcome: StoreOutcome, done: int, total: int) -> str:
    """One store's line, at most 100 columns: its verdict and the rows to look at."""
    entry, code = outcome.entry, outcome.exit_code
    width = len(str(total))
    name = entry.name if len(entry.name) <= 30 else entry.name[:29] + "\u2026"
    head = f"[{done:>{width}}/{total}] {name} ({entry.store_hash}): {EXIT_WORDS.get(code, code)}"
    problem_text = store_problem(outcome)
    return _fit(f"{head}. {problem_text}" if problem_text else head)


def render_batch_header(table_version: str, stores: int, source: str, api_url: str,
                        max_in_flight: int, concurrency: int) -> str:
    noun = "store" if stores == 1 else "stores"
    return "\n".join(_wrap(printable(
        f"bc-scopes {__version__} (scope table {table_version}): checking {stores} {noun} "
        f"from {source} at {api_url}, at most {max_in_flight} requests at once, "
        f"{concurrency} per store"
    ))) + "\n"


def safety_sentence(event: SafetyEvent) -> str:
    """The one thing to do after a safety stop."""
    return (f"Look at store {event.store_hash}'s data for {event.method} {event.path} before "
            "running anything again, and send this report to DropStream support.")


def _names(entries: list[StoreEntry], limit: int = 10) -> str:
    shown = ", ".join(entry.name for entry in entries[:limit])
    return shown + (f" and {len(entries) - limit} more" if len(entries) > limit else "")


def render_batch_footer(summary: BatchSummary, not_ready: list[tuple[int, str]]) -> str:
    """The verdict of the whole run first, then every store that is not ready, worst first."""
    code = summary.exit_code
    noun = "store" if summary.stores == 1 else "stores"
    lines = [""]
    event = summary.safety_stop
    if event is not None:
        lines += _wrap(
            f"SAFETY STOP in store {event.store_hash}: {event.method} {event.path} was answered "
            f"{event.status} although it was built to fail. The whole run stopped at once; no "
            "request left for any store after that answer."
        )
        if summary.unchecked:
            lines += _wrap(f"Not checked: {_names(summary.unchecked)}.", "    ")
        lines += _wrap(safety_sentence(event), "    ")
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
        lines += _wrap(f"Nothing was sent to {_names(summary.sent_nothing)} (bad input for that "
                       "store); the other stores were checked.")
    counts = ", ".join(f"{summary.exit_codes[value]} {EXIT_WORDS.get(value, value)}"
                       for value in exitcodes.SEVERITY if summary.exit_codes.get(value))
    lines.append(f"{summary.stores} {noun} in {summary.seconds:.1f} s: {counts}; "
                 f"{summary.requests_sent} requests.")
    lines += _wrap(f"Exit code {code} (the worst store's, in the order "
                   f"{exitcodes.SEVERITY_TEXT}): {exitcodes.MEANINGS[code]}.")
    return "\n".join(printable(line) for line in lines) + "\n"


def not_ready_line(outcome: StoreOutcome) -> str:
    """A not-ready store for the end summary: name, what is wrong, the guide's link."""
    link = store_help(outcome)
    text = f"- {outcome.entry.name} ({outcome.entry.store_hash}): " \
           f"{EXIT_WORDS.get(outcome.exit_code, outcome.exit_code)}. {store_problem(outcome)}"
    return _fit(text) + (f"\n    {link}" if link else "")


def markdown_batch_head(summary: BatchSummary, table_version: str) -> str:
    """The step summary's verdict, safety stop and table header (rows are streamed)."""
    code = summary.exit_code
    verdicts = [verdict.value for verdict in VERDICT_ORDER]
    lines = [
        f"## BigCommerce scope check: {summary.stores} stores",
        "",
        f"**Exit code {code}** (the worst store's): {_md(exitcodes.MEANINGS[code])}.",
        "",
    ]
    event = summary.safety_stop
    if event is not None:
        lines += [
            f"**Safety stop** in store `{_md(event.store_hash)}`: `{event.method} "
            f"{_md(event.path)}` was answered {event.status}; the whole run stopped.",
            "",
        ]
        if summary.unchecked:
            lines += [f"Not checked: {_md(_names(summary.unchecked))}.", ""]
        lines += [_md(safety_sentence(event)), ""]
    lines += [
        f"bc-scopes {__version__}, scope table {_md(table_version)}.",
        "",
        "| Store | Store hash | Exit code | " + " | ".join(verdicts) + " | Note |",
        "| --- | --- | --- |" + " ---: |" * len(verdicts) + " --- |",
    ]
    return "\n".join(lines) + "\n"


def markdown_store_row(outcome: StoreOutcome) -> str:
    """One store's row of the step summary's table."""
    verdicts = [verdict.value for verdict in VERDICT_ORDER]
    report = outcome.report
    counts = (["\u2013"] * len(verdicts) if report is None
              else [str(report.summary[verdict]) for verdict in verdicts])
    word = EXIT_WORDS.get(outcome.exit_code, "")
    return (f"| {_md(outcome.entry.name)} | `{outcome.entry.store_hash}` | "
            f"{outcome.exit_code} {word} | " + " | ".join(counts)
            + f" | {_md(store_problem(outcome))} |")
