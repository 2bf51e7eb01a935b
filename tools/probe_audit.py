"""Audit the probes of `scopes.yaml` against route facts from BigCommerce's reference.

The rules a probe must follow for its answer to mean what the verdict logic
assumes:

- the route exists, and the row's scopes that open it are exactly the scopes of
  the probe's level and above (so a denial proves "below that level", and a
  grant proves "at least that level" unless another scope also opens it);
- `ambiguous_grant` is true exactly when a scope of another row opens the route
  too, and `also_opened_by`, when given, names exactly those rows and levels;
- a write can never succeed: its body lacks a required field, or the path
  names an id that cannot exist;
- a row that can end up unverifiable says what to confirm by eye.

Used by `scripts/analyse_probes.py` (against the shared reference) and by the
checker's tests (against the fake store's `routes.json`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from bc_scopes.fakestore import responses
from bc_scopes.fakestore.routes import RouteTable
from bc_scopes.model import Probe, ScopeRow, ScopeTable


@dataclass(frozen=True)
class Finding:
    text: str
    problem: bool = False
    counts_as_request: int = 0


def scopes_at_or_above(row: ScopeRow, level: str) -> set[str]:
    """The scope strings of `level` and every higher level of the row."""
    return {scope for lv, scope in row.scope_strings.items() if row.rank(lv) >= row.rank(level)}


def _audit_probe(table: ScopeTable, routes: RouteTable, row: ScopeRow, probe: Probe) -> list[str]:
    problems: list[str] = []
    path = urlsplit(probe.path).path
    route = routes.match(probe.method, path)
    if route is None:
        return ["no such route in the reference"]
    if route.no_scope:
        problems.append("the route needs no scope, so its answer proves nothing")
    row_scopes = set(row.scope_strings.values())
    own = route.scopes & row_scopes
    wanted = scopes_at_or_above(row, probe.level)
    if own != wanted:
        problems.append(
            f"the row's scopes that open it are {sorted(own)}, not exactly {sorted(wanted)}"
        )
    others = set(route.scopes - row_scopes)
    if not others and probe.ambiguous_grant:
        problems.append("ambiguous_grant is true but no other scope opens the route")
    if others and not probe.ambiguous_grant:
        problems.append(f"other scopes open the route too ({sorted(others)}): set ambiguous_grant")
    if probe.also_opened_by:
        covered: set[str] = set()
        for opener in probe.also_opened_by:
            other_id, level = opener.row_id, opener.level
            try:
                other = table.row(other_id)
            except KeyError:
                problems.append(f"also_opened_by names an unknown row '{other_id}'")
                continue
            if level not in other.levels:
                problems.append(f"also_opened_by: '{level}' is not a level of {other_id}")
                continue
            covered |= scopes_at_or_above(other, level)
        if covered != others:
            problems.append(
                f"also_opened_by covers {sorted(covered)} but the route is also opened by "
                f"{sorted(others)}"
            )
    if probe.method != "GET":
        refused = responses.validation_problems(route.body, _body_bytes(probe))
        absent = set(route.parameters(path).values()) & responses.ABSENT_IDS
        if not refused and not absent:
            problems.append(
                "this write could succeed: its body passes validation and no id is absent"
            )
    return problems


def _body_bytes(probe: Probe) -> bytes:
    return b"" if probe.body is None else json.dumps(probe.body).encode()


def probe_audit(table: ScopeTable, routes: RouteTable, row: ScopeRow) -> list[Finding]:
    """One finding per probe of the row, plus row-level problems."""
    findings = []
    for probe in row.probes:
        problems = _audit_probe(table, routes, row, probe)
        kind = "ambiguous" if probe.ambiguous_grant else "exclusive"
        if probe.also_opened_by:
            kind += " unless " + ", ".join(map(str, probe.also_opened_by)) + " proven absent"
        head = f"{probe.method} {probe.path} -> {probe.level} [{kind}]"
        findings.append(Finding(head, counts_as_request=1))
        findings.extend(Finding("  " + text, problem=True) for text in problems)
    needs_eye = not row.probes or any(probe.ambiguous_grant for probe in row.probes)
    if needs_eye and not row.confirm_by_eye:
        findings.append(Finding("the row can end unverifiable but has no confirm_by_eye", True))
    return findings
