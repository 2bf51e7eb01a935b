"""What a token really holds, so a test can say which claims of a report are wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bc_scopes.model import ScopeRow, ScopeTable


def true_level(row: ScopeRow, scopes: frozenset[str] | set[str]) -> str:
    """The level a token holding `scopes` really has for `row` (its highest granted level)."""
    level = row.levels[0]
    for candidate in row.levels[1:]:
        if row.scope_strings.get(candidate) in scopes:
            level = candidate
    return level


def wrong_claims(table: ScopeTable, report: dict[str, Any], scopes: frozenset[str]) -> list[str]:
    """Rows whose verdict or detected level contradicts the token's real scopes."""
    problems = []
    for entry in report["scopes"]:
        row = table.row(entry["id"])
        truth = row.rank(true_level(row, scopes))
        required = row.rank(row.required)
        verdict = entry["verdict"]
        if verdict == "ok" and truth != required:
            problems.append(f"{row.id}: ok, but the token holds {row.levels[truth]}")
        if verdict == "missing" and truth >= required:
            problems.append(f"{row.id}: missing, but the token holds {row.levels[truth]}")
        if verdict == "excess" and truth <= required:
            problems.append(f"{row.id}: excess, but the token holds {row.levels[truth]}")
        if entry["detected"] is not None and row.rank(entry["detected"]) != truth:
            problems.append(f"{row.id}: detected {entry['detected']}, truth {row.levels[truth]}")
        bounds = entry["detected_range"]
        if bounds["lowest"] is not None and not (
            row.rank(bounds["lowest"]) <= truth <= row.rank(bounds["highest"])
        ):
            problems.append(f"{row.id}: range {bounds} excludes {row.levels[truth]}")
    return problems


def exit_code_for(verdicts: Mapping[str, str]) -> int:
    """The documented exit code for a finished run (no preflight failure, no safety stop)."""
    values = set(verdicts.values())
    if "missing" in values:
        return 1
    if "unknown" in values:
        return 4
    return 0
