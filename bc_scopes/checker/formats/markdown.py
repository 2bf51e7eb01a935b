"""The GitHub step summary, one store's or a whole batch's: the verdict first, then the table.

GitHub renders step summaries as Markdown with HTML, so every text from the
server or from scopes.yaml passes `md()` and arrives as plain characters.
"""

from __future__ import annotations

import html

from bc_scopes import __version__, exitcodes
from bc_scopes.checker.batch_results import BatchSummary, StoreOutcome
from bc_scopes.checker.formats.text import entries_named, store_problem
from bc_scopes.checker.formats.wording import (
    EXIT_WORDS,
    change_line,
    counts_line,
    detected_text,
    fix_for,
    rows_to_change,
    safety_sentence,
    verdict_line,
)
from bc_scopes.checker.redact import printable
from bc_scopes.checker.report import Report
from bc_scopes.checker.verdicts import VERDICT_ORDER, Verdict
from bc_scopes.levels import level_label

_MARKDOWN_SPECIALS = "\\`*_[](){}#+!|~"


def md(text: str) -> str:
    """Text from scopes.yaml or the server as inert Markdown: no HTML, no links, no breaks."""
    escaped = html.escape(printable(text), quote=False)
    return "".join("\\" + char if char in _MARKDOWN_SPECIALS else char for char in escaped)


def report(r: Report) -> str:
    """One store's step summary: the verdict, what to change, then the table."""
    target = r.target_label or f"store `{r.store_hash}`"
    lines = [
        f"## BigCommerce scope check: {md(target)}",
        "",
        f"**{md(verdict_line(r))}**",
        "",
        f"**Exit code {r.exit_code}**: {md(exitcodes.MEANINGS[r.exit_code])}.",
        "",
    ]
    preflight = r.preflight
    if preflight is not None and not preflight.ok:
        anchor = preflight.anchor or "store-unreachable"
        lines += [
            f"Stopped before any scope was checked: {md(preflight.message)}",
            f"[How to fix it]({r.help_url(anchor)})",
            "",
        ]
        return "\n".join(lines)
    stop = r.safety_stop or r.stopped_by
    if stop is not None:
        lines += [
            f"**Safety stop**: `{stop.method} {md(stop.path)}` was answered {stop.status}; "
            f"the run stopped. {md(safety_sentence(stop))} "
            f"[What to do]({r.help_url('unsafe-write')})",
            "",
        ]
    change = rows_to_change(r)
    if change:
        lines += ["Create one new API account with these rows changed:", ""]
        lines += [f"- [{md(change_line(result))}]({r.row_url(result)})" for result in change]
        lines.append("")
    lines += [
        f"bc-scopes {__version__}, scope table {md(r.table.version)}. {md(counts_line(r))}",
        "",
        "| Row | Verdict | Detected | Required |", "| --- | --- | --- | --- |",
    ]
    for result in r.rows:
        lines.append(
            f"| [{md(result.row.name)}]({r.row_url(result)}) | {result.verdict.value} | "
            f"{detected_text(result)} | {level_label(result.row.required)} |"
        )
    others = [result for result in r.rows
              if result.verdict not in (Verdict.OK, Verdict.MISSING, Verdict.EXCESS)]
    if others:
        lines += ["", "### Rows to look at", ""]
        for result in others:
            help_link = f" · [Help]({r.help_url(result.anchor)})" if result.anchor else ""
            lines.append(
                f"- **{md(result.row.name)}** ({result.verdict.value}): {md(fix_for(result))} "
                f"[Guide]({r.row_url(result)}){help_link}"
            )
    lines.append("")
    return "\n".join(lines)


def batch(summary: BatchSummary, table_version: str) -> str:
    """The step summary's verdict, safety stop and table header (store rows are streamed)."""
    code = summary.exit_code
    verdicts = [verdict.value for verdict in VERDICT_ORDER]
    lines = [
        f"## BigCommerce scope check: {summary.stores} stores",
        "",
        f"**Exit code {code}** (the worst store's): {md(exitcodes.MEANINGS[code])}.",
        "",
    ]
    event = summary.safety_stop
    if event is not None:
        lines += [
            f"**Safety stop** in store `{md(event.store_hash)}`: `{event.method} "
            f"{md(event.path)}` was answered {event.status}; the whole run stopped.",
            "",
        ]
        if summary.unchecked:
            lines += [f"Not checked: {md(entries_named(summary.unchecked))}.", ""]
        lines += [md(safety_sentence(event)), ""]
    lines += [
        f"bc-scopes {__version__}, scope table {md(table_version)}.",
        "",
        "| Store | Store hash | Exit code | " + " | ".join(verdicts) + " | Note |",
        "| --- | --- | --- |" + " ---: |" * len(verdicts) + " --- |",
    ]
    return "\n".join(lines) + "\n"


def store(outcome: StoreOutcome) -> str:
    """One store's row of the batch's table."""
    verdicts = [verdict.value for verdict in VERDICT_ORDER]
    r = outcome.report
    counts = (["\u2013"] * len(verdicts) if r is None
              else [str(r.summary[verdict]) for verdict in verdicts])
    word = EXIT_WORDS.get(outcome.exit_code, "")
    return (f"| {md(outcome.entry.name)} | `{outcome.entry.store_hash}` | "
            f"{outcome.exit_code} {word} | " + " | ".join(counts)
            + f" | {md(store_problem(outcome))} |")
