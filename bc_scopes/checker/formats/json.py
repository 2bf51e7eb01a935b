"""The JSON formats: `--json` for one store, and each store's object of a check-many run.

They keep everything: every row with its evidence, the preflight, the safety
stop and the exit code, for tools and for support. `report(r)` is one store's
document; `store(outcome)` is one store of a batch (a `--jsonl` line, and an
element of the final document's `stores`, assembled by batch_outputs.py).
"""

from __future__ import annotations

from typing import Any

from bc_scopes import __version__, exitcodes
from bc_scopes.checker.batch_results import BatchSummary, StoreOutcome
from bc_scopes.checker.formats.wording import (
    diagnosis,
    every_checkable_row_missing,
    fix_for,
    verdict_line,
)
from bc_scopes.checker.report import Report
from bc_scopes.levels import level_label


def report(r: Report) -> dict[str, Any]:
    """The --json report: `verdict`, `scopes` (one object per row), `summary`, `exit_code`."""
    scopes = []
    for result in r.rows:
        entry: dict[str, Any] = {
            "id": result.row.id,
            "name": result.row.name,
            "required": result.row.required,
            "detected": result.detected,
            # The control-panel words, for people and for tools that match the table's text.
            "required_label": level_label(result.row.required),
            "detected_label": level_label(result.detected) if result.detected else None,
            "verdict": result.verdict.value,
            "docs_url": r.row_url(result),
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
        if result.verdict.value != "ok":
            entry["fix"] = fix_for(result)
            entry["help_url"] = r.help_url(result.anchor) if result.anchor else None
        scopes.append(entry)
    preflight = r.preflight
    stop = r.safety_stop or r.stopped_by
    return {
        "tool": "bc-scopes",
        "version": __version__,
        "verdict": verdict_line(r),
        "table_version": r.table.version,
        "store_hash": r.store_hash,
        "api_url": r.api_url,
        "strict": r.strict,
        "preflight": None if preflight is None else {
            "ok": preflight.ok,
            "status": preflight.status,
            "message": preflight.message,
            "help_url": r.help_url(preflight.anchor) if preflight.anchor else None,
        },
        "safety_stop": None if stop is None else {
            "store_hash": stop.store_hash or r.store_hash,
            "method": stop.method,
            "path": stop.path,
            "status": stop.status,
            "this_store": r.safety_stop is not None,
            "help_url": r.help_url("unsafe-write"),
        },
        "notes": r.notes,
        "requests_sent": r.requests_sent,
        "scopes": scopes,
        "summary": r.summary,
        "diagnosis": " ".join(line.strip() for line in diagnosis(r))
        if every_checkable_row_missing(r) else None,
        "exit_code": r.exit_code,
        "exit_meaning": exitcodes.MEANINGS[r.exit_code],
    }


def store(outcome: StoreOutcome) -> dict[str, Any]:
    """One store of the batch as the JSON object of `stores[]` and of each JSONL line."""
    entry = outcome.entry
    return {
        "name": entry.name,
        "line": entry.line,
        "store_hash": entry.store_hash,
        "token_env": entry.token_env,
        "exit_code": outcome.exit_code,
        "exit_meaning": exitcodes.MEANINGS[outcome.exit_code],
        "error": outcome.error,
        "warning": outcome.warning,
        "sent_nothing": outcome.sent_nothing,
        "seconds": round(outcome.seconds, 3),
        "report": report(outcome.report) if outcome.report is not None else None,
    }


def batch(summary: BatchSummary) -> dict[str, Any]:
    """The final document's fields after `stores`: the summary and the run's exit code."""
    return {
        "summary": {
            "stores": summary.stores,
            "exit_codes": {str(code): count for code, count in sorted(summary.exit_codes.items())},
            "verdicts": summary.verdict_totals(),
            "requests_sent": summary.requests_sent,
            "seconds": round(summary.seconds, 3),
            "unchecked": [entry.name for entry in summary.unchecked],
        },
        "exit_code": summary.exit_code,
        "exit_meaning": exitcodes.MEANINGS[summary.exit_code],
    }


def batch_meta(table_version: str, source: str, api_url: str, strict: bool,
               summary: BatchSummary) -> dict[str, Any]:
    """The fields of the final document that come before `stores`."""
    return {
        "tool": "bc-scopes",
        "version": __version__,
        "table_version": table_version,
        "stores_file": source,
        "api_url": api_url,
        "strict": strict,
        "max_in_flight": summary.max_in_flight,
    }
