"""Compare what BigCommerce's docs say now with what the project holds.

Pure: parsed docs facts, `scopes.yaml`'s table, the fake store's route table, the kept
corrections and the baseline in; a list of `Difference`s out, each high or low impact.

High impact (the guide or the checker is now wrong for a merchant):
- `new-row`: a control-panel row that is neither a required row nor a "leave at None" row;
- `new-level`: a row gains a level;
- `row-renamed`: the docs name a row differently from the guide;
- `level-renamed`, `level-removed`, `scope-string-changed`;
- `probe-route-changed`, `probe-route-gone`: a route a probe uses needs other scopes now,
  or is gone. Each names the probe and the row it decides.

Low impact (worth a look, nothing a merchant sees is wrong yet):
- `description-changed`, `apis-changed`: against the baseline;
- `route-changed`, `route-gone`, `route-added`: routes no probe uses;
- `docs-disagree`: a spec's OAuth table disagrees with api-accounts.mdx;
- `disagreement-changed`: a recorded disagreement's spec reading no longer holds;
- `stale-correction`: a correction that nothing in the docs needs any more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bc_scopes.fakestore.routes import Route, RouteTable
from bc_scopes.levels import LEVEL_LABELS, level_label
from bc_scopes.model import Probe, ScopeRow, ScopeTable
from bc_scopes.probe_safety import GRAPHQL_PATH

from .accounts import PanelEntry
from .corrections import Corrections, PanelCorrection
from .reference import ReferenceFacts, SpecRoute, is_read_only

HIGH = "high"
LOW = "low"
HIGH_KINDS = (
    "new-row", "new-level", "row-renamed", "level-renamed", "level-removed",
    "scope-string-changed", "probe-route-changed", "probe-route-gone",
)
LOW_KINDS = (
    "description-changed", "apis-changed", "route-changed", "route-gone", "route-added",
    "docs-disagree", "disagreement-changed", "stale-correction",
)
_PARAMETER = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Difference:
    impact: str
    kind: str
    subject: str
    message: str
    where: str = ""
    row: str = ""
    probe: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "impact": self.impact, "kind": self.kind, "subject": self.subject,
            "message": self.message, "where": self.where, "row": self.row, "probe": self.probe,
        }


def _high(kind: str, subject: str, message: str, **extra: str) -> Difference:
    return Difference(HIGH, kind, subject, message, **extra)


def _low(kind: str, subject: str, message: str, **extra: str) -> Difference:
    return Difference(LOW, kind, subject, message, **extra)


def name_key(name: str) -> str:
    """Names compare without case and spacing: 'Sites & Routes' is the row 'Sites & routes'."""
    return " ".join(name.replace("`", "").split()).casefold()


def _level_matches(level: str, permission: str) -> bool:
    words = name_key(permission)
    return words in (level, name_key(LEVEL_LABELS.get(level, level)))


def _scopes_text(scopes: Iterable[str], no_scope: bool) -> str:
    if no_scope:
        return "no scope"
    listed = sorted(scopes)
    return ", ".join(listed) if listed else "(no scope string opens it)"


# --- the control panel --------------------------------------------------------------------


@dataclass
class _PanelIndex:
    entries: list[PanelEntry]
    by_parameter: dict[str, PanelEntry]
    names: dict[str, str]  # parameter -> corrected docs name
    levels: dict[str, tuple[str, str]]  # parameter -> (docs word, our level)


def _row_name_ok(row: ScopeRow, entry: PanelEntry, corrections: list[PanelCorrection]) -> bool:
    if name_key(entry.ui_name) == name_key(row.name):
        return True
    return any(
        c.parameter == entry.parameter and name_key(c.docs) == name_key(entry.ui_name)
        and name_key(c.ours) == name_key(row.name)
        for c in corrections
    )


def _rows_named(table: ScopeTable, name: str, corrections: list[PanelCorrection]) -> list[ScopeRow]:
    key = name_key(name)
    aliases = {name_key(c.ours) for c in corrections if name_key(c.docs) == key}
    return [row for row in table.all_rows
            if name_key(row.name) == key or name_key(row.name) in aliases]


def compare_panel(
    entries: list[PanelEntry], table: ScopeTable, corrections: Corrections,
    reference: ReferenceFacts,
) -> list[Difference]:
    found: list[Difference] = []
    ignored_tables = {name_key(c.table): c for c in corrections.panel("ignore_table")}
    off_form = {c.parameter: c for c in corrections.panel("not_on_store_form")}
    name_fixes = corrections.panel("name")
    level_fixes = {c.parameter: c for c in corrections.panel("level")}
    elsewhere = {c.parameter: c for c in corrections.panel("documented_elsewhere")}

    headings = {name_key(entry.table) for entry in entries}
    for key, correction in ignored_tables.items():
        if key not in headings:
            found.append(_low("stale-correction", correction.id,
                              f"api-accounts.mdx has no table '{correction.table}' any more; "
                              "the correction can go", where=corrections.source))
    live = [entry for entry in entries if name_key(entry.table) not in ignored_tables]
    by_parameter: dict[str, PanelEntry] = {}
    for entry in live:
        by_parameter.setdefault(entry.parameter, entry)

    ours: dict[str, tuple[ScopeRow, str]] = {}
    for row in table.all_rows:
        for level, string in row.scope_strings.items():
            ours[string] = (row, level)
    consumed: set[str] = set()

    for row in table.all_rows:
        renamed = False
        for level, string in row.scope_strings.items():
            label = level_label(level)
            found_entry = by_parameter.get(string)
            if found_entry is not None:
                entry = found_entry
                if not renamed and not _row_name_ok(row, entry, name_fixes):
                    renamed = True
                    found.append(_high(
                        "row-renamed", row.name,
                        f"Row '{row.name}' ({row.id}): api-accounts.mdx calls it "
                        f"'{entry.ui_name}' (scope string {string}). The guide tells merchants "
                        "a name they may not see.", where=entry.where, row=row.id))
                fix = level_fixes.get(string)
                corrected = (fix is not None and name_key(fix.docs) == name_key(entry.permission)
                             and fix.ours == level)
                if not _level_matches(level, entry.permission) and not corrected:
                    found.append(_high(
                        "level-renamed", f"{row.name}: {label}",
                        f"Row '{row.name}' ({row.id}): the level the guide calls {label} "
                        f"({string}) is '{entry.permission}' in api-accounts.mdx.",
                        where=entry.where, row=row.id))
                continue
            if string in elsewhere:
                spec = elsewhere[string].spec
                listed = any(fact.parameter == string
                             for fact in reference.table_rows.get(spec, []))
                if not listed:
                    found.append(_high(
                        "level-removed", f"{row.name}: {label}",
                        f"Row '{row.name}' ({row.id}), level {label}: {string} is in neither "
                        f"api-accounts.mdx nor {spec}'s OAuth table.",
                        where=spec, row=row.id))
                continue
            candidates = [
                entry for entry in live
                if entry.parameter not in ours and entry.parameter not in consumed
                and _rows_named(table, entry.ui_name, name_fixes) == [row]
                and _level_matches(level, entry.permission)
            ]
            if candidates:
                new = candidates[0]
                consumed.add(new.parameter)
                found.append(_high(
                    "scope-string-changed", f"{row.name}: {label}",
                    f"Row '{row.name}' ({row.id}), level {label}: the scope string is "
                    f"{new.parameter} in api-accounts.mdx; scopes.yaml says {string}.",
                    where=new.where, row=row.id))
            else:
                found.append(_high(
                    "level-removed", f"{row.name}: {label}",
                    f"Row '{row.name}' ({row.id}), level {label}: {string} is not in "
                    "api-accounts.mdx's scope tables (renamed or retired?).",
                    where="docs/start/authentication/api-accounts.mdx", row=row.id))

    for entry in live:
        if entry.parameter in ours or entry.parameter in consumed:
            continue
        if entry.parameter in off_form:
            continue
        rows = _rows_named(table, entry.ui_name, name_fixes)
        if rows:
            found.append(_high(
                "new-level", f"{rows[0].name}: {entry.permission}",
                f"Row '{rows[0].name}' ({rows[0].id}) has a level the guide does not list: "
                f"'{entry.permission}' ({entry.parameter}).", where=entry.where, row=rows[0].id))
        else:
            found.append(_high(
                "new-row", entry.ui_name,
                f"New control-panel row '{entry.ui_name}' ({entry.permission}: "
                f"{entry.parameter}) is neither in the table nor in the \"leave at None\" list.",
                where=entry.where))

    found += _stale_panel(entries, by_parameter, corrections, name_fixes, level_fixes,
                          off_form, elsewhere)
    return found


def _stale_panel(
    entries: list[PanelEntry], by_parameter: dict[str, PanelEntry], corrections: Corrections,
    name_fixes: list[PanelCorrection], level_fixes: dict[str, PanelCorrection],
    off_form: dict[str, PanelCorrection], elsewhere: dict[str, PanelCorrection],
) -> list[Difference]:
    found = []
    for parameter, correction in off_form.items():
        if parameter not in by_parameter:
            found.append(_low("stale-correction", correction.id,
                              f"{parameter} is no longer in api-accounts.mdx; the correction "
                              "can go", where=corrections.source))
    for correction in name_fixes:
        entry = by_parameter.get(correction.parameter)
        if entry is None or name_key(entry.ui_name) != name_key(correction.docs):
            found.append(_low("stale-correction", correction.id,
                              f"api-accounts.mdx no longer calls {correction.parameter} "
                              f"'{correction.docs}'", where=corrections.source))
    for parameter, correction in level_fixes.items():
        entry = by_parameter.get(parameter)
        if entry is None or name_key(entry.permission) != name_key(correction.docs):
            found.append(_low("stale-correction", correction.id,
                              f"api-accounts.mdx no longer gives {parameter} the level "
                              f"'{correction.docs}'", where=corrections.source))
    for parameter, correction in elsewhere.items():
        if parameter in by_parameter:
            found.append(_low("stale-correction", correction.id,
                              f"api-accounts.mdx lists {parameter} now; the correction can go",
                              where=by_parameter[parameter].where))
    return found


# --- routes ------------------------------------------------------------------------------------


def route_key(method: str, path: str) -> str:
    """`GET /v3/orders/{}/transactions`: parameter names do not matter."""
    return f"{method} {_PARAMETER.sub('{}', path)}"


def _probe_label(row: ScopeRow, probe: Probe) -> str:
    return f"{probe.method} {probe.path} ({level_label(probe.level)} probe of '{row.name}')"


def _docs_table(reference: ReferenceFacts) -> RouteTable:
    return RouteTable([
        Route(route.method, route.path, frozenset(route.scopes), route.no_scope, None,
              route.response)
        for route in reference.routes
    ])


def compare_routes(
    reference: ReferenceFacts, routes: RouteTable, table: ScopeTable, corrections: Corrections,
) -> list[Difference]:
    found: list[Difference] = []
    docs = {route_key(r.method, r.path): r for r in reference.routes}
    kept = {route_key(r.method, r.path): r for r in routes.routes}
    docs_table = _docs_table(reference)

    probes: dict[str, list[tuple[ScopeRow, Probe]]] = {}
    for row in table.all_rows:
        for probe in row.probes:
            path = probe.path.split("?", 1)[0]
            if path == GRAPHQL_PATH:  # a GraphQL query: no REST route to compare
                continue
            match = routes.match(probe.method, path) or docs_table.match(probe.method, path)
            if match is None:
                found.append(_high(
                    "probe-route-gone", f"{probe.method} {path}",
                    f"Probe {_probe_label(row, probe)}, which decides row '{row.name}' "
                    f"({row.id}): no route in the docs or the route table fits it.",
                    row=row.id, probe=f"{probe.method} {probe.path}"))
                continue
            probes.setdefault(route_key(match.method, match.path), []).append((row, probe))

    for key in sorted(set(docs) | set(kept)):
        spec_route, our_route = docs.get(key), kept.get(key)
        users = probes.get(key, [])
        if spec_route is not None and our_route is not None:
            if (frozenset(spec_route.scopes), spec_route.no_scope) == (
                    our_route.scopes, our_route.no_scope):
                continue
            change = _change_text(spec_route, our_route)
            if users:
                for row, probe in users:
                    found.append(_high(
                        "probe-route-changed", f"{spec_route.method} {spec_route.path}",
                        f"Probe {_probe_label(row, probe)}, which decides row '{row.name}' "
                        f"({row.id}): {change}", where=spec_route.where, row=row.id,
                        probe=f"{probe.method} {probe.path}"))
            else:
                found.append(_low("route-changed", f"{spec_route.method} {spec_route.path}",
                                  change, where=spec_route.where))
        elif our_route is not None:
            subject = f"{our_route.method} {our_route.path}"
            if users:
                for row, probe in users:
                    found.append(_high(
                        "probe-route-gone", subject,
                        f"Probe {_probe_label(row, probe)}, which decides row '{row.name}' "
                        f"({row.id}): {subject} is no longer in the docs (sunset or moved).",
                        row=row.id, probe=f"{probe.method} {probe.path}"))
            else:
                found.append(_low("route-gone", subject,
                                  f"{subject} is no longer in the docs; the route table still "
                                  "has it."))
        elif spec_route is not None:
            opened = _scopes_text(spec_route.scopes, spec_route.no_scope)
            found.append(_low(
                "route-added", f"{spec_route.method} {spec_route.path}",
                f"New route in the docs, opened by {opened}; the route table does not have "
                "it yet.", where=spec_route.where))

    found += _disagreements(docs, corrections)
    for entry, action, reason in reference.unused:
        found.append(_low("stale-correction", entry.id,
                          f"{action.kind}: {reason}; the correction may be unnecessary now",
                          where=f"{corrections.source}:{action.line}"))
    return found


def _change_text(spec_route: SpecRoute, our_route: Route) -> str:
    now = set(spec_route.scopes)
    before = set(our_route.scopes)
    parts = [f"the docs open it to {_scopes_text(now, spec_route.no_scope)}; "
             f"the route table says {_scopes_text(before, our_route.no_scope)}"]
    if spec_route.no_scope != our_route.no_scope:
        parts.append("no scope needed" if spec_route.no_scope else "a scope is needed now")
    if now - before and not spec_route.no_scope:
        parts.append("added: " + ", ".join(sorted(now - before)))
    if before - now and not spec_route.no_scope:
        parts.append("removed: " + ", ".join(sorted(before - now)))
    return "; ".join(parts) + "."


def _disagreements(docs: dict[str, SpecRoute], corrections: Corrections) -> list[Difference]:
    found = []
    for entry in corrections.disagreements:
        for key in entry.routes:
            method, path = key.split(" ", 1)
            route = docs.get(route_key(method, path))
            if route is None:
                found.append(_low("disagreement-changed", entry.id,
                                  f"{key} is no longer in the docs; review this recorded "
                                  "disagreement", where=f"{corrections.source}:{entry.line}"))
            elif tuple(sorted(route.scopes)) != entry.spec_reading:
                found.append(_low(
                    "disagreement-changed", entry.id,
                    f"{key}: the docs open it to {_scopes_text(route.scopes, route.no_scope)} "
                    f"now, not {', '.join(entry.spec_reading)} as recorded; check whether the "
                    "two sources agree now and update or remove the entry",
                    where=route.where))
    return found


# --- the spec tables against api-accounts.mdx --------------------------------------------------


def compare_spec_tables(
    entries: list[PanelEntry], reference: ReferenceFacts, table: ScopeTable,
    corrections: Corrections,
) -> list[Difference]:
    found: list[Difference] = []
    by_parameter: dict[str, PanelEntry] = {}
    for entry in entries:
        by_parameter.setdefault(entry.parameter, entry)
    ours = {string: row for row in table.all_rows for string in row.scope_strings.values()}
    accepted = {(c.spec, parameter): c
                for c in corrections.spec_tables for parameter in c.parameters}
    name_fixes = corrections.panel("name")
    used: set[tuple[str, str]] = set()
    seen: set[tuple[str, str, str, bool]] = set()
    for spec in sorted(reference.table_rows):
        for fact in reference.table_rows[spec]:
            pair = (spec, fact.parameter)
            reading = (spec, fact.parameter, name_key(fact.ui_name), is_read_only(fact.permission))
            if reading in seen:
                continue
            seen.add(reading)
            if pair in accepted:
                used.add(pair)
                continue
            known = by_parameter.get(fact.parameter)
            where = f"{spec}:{fact.line}" if fact.line else spec
            if known is None:
                if fact.parameter not in ours:
                    found.append(_low(
                        "docs-disagree", f"{spec}: {fact.parameter}",
                        f"{spec}'s OAuth table lists {fact.parameter}, which api-accounts.mdx "
                        "does not.", where=where))
                continue
            entry = known
            names = {name_key(entry.ui_name)}
            if fact.parameter in ours:
                names.add(name_key(ours[fact.parameter].name))
            names |= {name_key(c.ours) for c in name_fixes if c.parameter == fact.parameter}
            if fact.ui_name and name_key(fact.ui_name) not in names:
                found.append(_low(
                    "docs-disagree", f"{spec}: {fact.parameter}",
                    f"{spec}'s OAuth table puts {fact.parameter} under '{fact.ui_name}'; "
                    f"api-accounts.mdx under '{entry.ui_name}'.", where=where))
            elif is_read_only(fact.permission) != is_read_only(entry.permission):
                found.append(_low(
                    "docs-disagree", f"{spec}: {fact.parameter}",
                    f"{spec}'s OAuth table gives {fact.parameter} the permission "
                    f"'{fact.permission}'; api-accounts.mdx '{entry.permission}'.", where=where))
    for pair, correction in accepted.items():
        if pair not in used and pair[0] in reference.table_rows:
            found.append(_low("stale-correction", correction.id,
                              f"{pair[0]} no longer lists {pair[1]}", where=corrections.source))
    return found


# --- the baseline ------------------------------------------------------------------------------


def compare_baseline(entries: list[PanelEntry], baseline: dict[str, Any]) -> list[Difference]:
    found = []
    before = baseline.get("control_panel") or {}
    for entry in entries:
        old = before.get(entry.parameter)
        if not isinstance(old, dict):
            continue
        if old.get("description") != entry.description_hash:
            found.append(_low(
                "description-changed", f"{entry.ui_name} ({entry.permission})",
                f"The description of '{entry.ui_name}' ({entry.parameter}) changed since the "
                "baseline; read it and check the guide's wording of this row.",
                where=entry.where))
        if old.get("apis") != entry.apis_hash:
            found.append(_low(
                "apis-changed", f"{entry.ui_name} ({entry.permission})",
                f"The APIs listed for '{entry.ui_name}' ({entry.parameter}) changed since the "
                "baseline; check the probes of this row still use an API it opens.",
                where=entry.where))
    return found


def order(differences: list[Difference]) -> list[Difference]:
    kinds = {kind: index for index, kind in enumerate(HIGH_KINDS + LOW_KINDS)}
    return sorted(differences, key=lambda d: (d.impact != HIGH, kinds.get(d.kind, 99), d.subject))
