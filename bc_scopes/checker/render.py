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
from bc_scopes.checker.batch import SEVERITY, BatchResult, StoreOutcome
from bc_scopes.checker.redact import printable
from bc_scopes.checker.report import Report, detected_text, fix_for
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
    if report.safety_stop is not None:
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
    exitcodes.OK: "ok",
    exitcodes.FAILED: "failed",
    exitcodes.BAD_INPUT: "bad input",
    exitcodes.REJECTED: "rejected",
    exitcodes.INCOMPLETE: "incomplete",
}
_ROWS_NAMED = 4


def _rows_to_look_at(report: Report) -> str:
    """The rows that fail or could not be checked, by verdict, a few names each."""
    parts = []
    for verdict in (Verdict.MISSING, Verdict.EXCESS, Verdict.UNKNOWN):
        rows = [
            result.row.name for result in report.rows
            if result.verdict is verdict and (verdict is not Verdict.EXCESS or report.fails(result))
        ]
        if rows:
            more = f" and {len(rows) - _ROWS_NAMED} more" if len(rows) > _ROWS_NAMED else ""
            parts.append(f"{verdict.value}: {', '.join(rows[:_ROWS_NAMED])}{more}")
    return "; ".join(parts)


def render_store_line(outcome: StoreOutcome, done: int, total: int) -> str:
    """One store's line: its exit code, its verdict counts and what to look at."""
    entry, code = outcome.entry, outcome.exit_code
    width = len(str(total))
    head = (f"[{done:>{width}}/{total}] {entry.name} ({entry.store_hash}): "
            f"exit {code} {EXIT_WORDS.get(code, '')}".rstrip())
    report = outcome.report
    if report is None:
        text = f"{head}. {outcome.error}"
    elif report.preflight is not None and not report.preflight.ok:
        text = f"{head}. Not checked: {report.preflight.message}"
    else:
        counts = ", ".join(f"{count} {verdict}" for verdict, count in report.summary.items())
        look = _rows_to_look_at(report)
        text = (f"{head}. {counts}"
                + (f". {look[0].upper()}{look[1:]}" if look else "")
                + f"; {report.requests_sent} requests, {outcome.seconds:.1f} s")
        if report.safety_stop is not None:
            text += ". SAFETY STOP: a request built to fail was accepted"
    return printable(text)


def render_batch_header(table_version: str, stores: int, source: str, api_url: str,
                        max_in_flight: int, concurrency: int) -> str:
    noun = "store" if stores == 1 else "stores"
    return printable(
        f"bc-scopes {__version__} (scope table {table_version}): checking {stores} {noun} "
        f"from {source} at {api_url}, at most {max_in_flight} requests at once, "
        f"{concurrency} per store"
    ) + "\n"


def render_batch_footer(result: BatchResult) -> str:
    counts: dict[int, int] = {}
    for outcome in result.outcomes:
        counts[outcome.exit_code] = counts.get(outcome.exit_code, 0) + 1
    order = sorted(counts, key=lambda code: SEVERITY.index(code) if code in SEVERITY else -1)
    words = ", ".join(f"{counts[code]} {EXIT_WORDS.get(code, code)} (exit {code})"
                      for code in reversed(order))
    code = result.exit_code
    noun = "store" if len(result.outcomes) == 1 else "stores"
    return (
        f"\n{len(result.outcomes)} {noun} in {result.seconds:.1f} s: {words}.\n"
        f"Exit code {code} (the worst store's, in the order 2 > 3 > 1 > 4 > 0): "
        f"{exitcodes.MEANINGS[code]}.\n"
    )


def _verdict_totals(result: BatchResult) -> dict[str, int]:
    totals = {verdict.value: 0 for verdict in VERDICT_ORDER}
    for outcome in result.outcomes:
        if outcome.report is not None:
            for verdict, count in outcome.report.summary.items():
                totals[verdict] += count
    return totals


def batch_to_json(result: BatchResult, table_version: str, source: str, api_url: str,
                  strict: bool) -> dict[str, Any]:
    """The --json report of check-many: one report per store, then a summary."""
    stores = []
    for outcome in result.outcomes:
        entry = outcome.entry
        stores.append({
            "name": entry.name,
            "line": entry.line,
            "store_hash": entry.store_hash,
            "token_env": entry.token_env,
            "exit_code": outcome.exit_code,
            "exit_meaning": exitcodes.MEANINGS[outcome.exit_code],
            "error": outcome.error,
            "seconds": round(outcome.seconds, 3),
            "report": to_json(outcome.report) if outcome.report is not None else None,
        })
    by_code: dict[str, int] = {}
    for outcome in result.outcomes:
        by_code[str(outcome.exit_code)] = by_code.get(str(outcome.exit_code), 0) + 1
    code = result.exit_code
    return {
        "tool": "bc-scopes",
        "version": __version__,
        "table_version": table_version,
        "stores_file": source,
        "api_url": api_url,
        "strict": strict,
        "max_in_flight": result.max_in_flight,
        "stores": stores,
        "summary": {
            "stores": len(result.outcomes),
            "exit_codes": by_code,
            "verdicts": _verdict_totals(result),
            "requests_sent": sum(
                outcome.report.requests_sent for outcome in result.outcomes
                if outcome.report is not None
            ),
            "seconds": round(result.seconds, 3),
        },
        "exit_code": code,
        "exit_meaning": exitcodes.MEANINGS[code],
    }


def render_batch_markdown(result: BatchResult, table_version: str) -> str:
    """The GitHub step summary of check-many: one table, stores x verdict counts."""
    code = result.exit_code
    verdicts = [verdict.value for verdict in VERDICT_ORDER]
    lines = [
        f"## BigCommerce scope check: {len(result.outcomes)} stores",
        "",
        f"**Exit code {code}** (the worst store's): {exitcodes.MEANINGS[code]}.",
        "",
        f"bc-scopes {__version__}, scope table {_md(table_version)}.",
        "",
        "| Store | Store hash | Exit code | " + " | ".join(verdicts) + " | Note |",
        "| --- | --- | --- |" + " ---: |" * len(verdicts) + " --- |",
    ]
    for outcome in result.outcomes:
        report = outcome.report
        if report is None:
            counts = ["–"] * len(verdicts)
            note = outcome.error or ""
        else:
            counts = [str(report.summary[verdict]) for verdict in verdicts]
            preflight = report.preflight
            note = (f"Not checked: {preflight.message}"
                    if preflight is not None and not preflight.ok else _rows_to_look_at(report))
        word = EXIT_WORDS.get(outcome.exit_code, "")
        lines.append(
            f"| {_md(outcome.entry.name)} | `{outcome.entry.store_hash}` | "
            f"{outcome.exit_code} {word} | " + " | ".join(counts) + f" | {_md(note)} |"
        )
    lines += ["", ""]
    return "\n".join(lines)
