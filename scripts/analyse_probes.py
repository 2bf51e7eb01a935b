"""Choose and audit the probes in scopes.yaml against BigCommerce's published reference.

Run by hand (CI does not have the reference):

    .venv/bin/python scripts/analyse_probes.py [--candidates] [path/to/bigcommerce-routes.json]

For every row it prints the probes declared in scopes.yaml and what the
reference says about each: which scopes open the route, whether another row's
scope opens it too (then `ambiguous_grant` must be true and `also_opened_by`
may name the other rows), and whether a write body can succeed. With
`--candidates` it also lists, per row and level, every route that could serve as
a probe, exclusive routes first. The same rules are enforced in CI by
tests/checker/test_probe_table.py against the fake store's own copy of the facts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bc_scopes.fakestore import responses
from bc_scopes.fakestore.routes import BodyRule, Route, RouteTable
from bc_scopes.model import ScopeRow, ScopeTable, load_scope_table
from tools.probe_audit import probe_audit
from tools.project import REPO_ROOT

DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "reference" / "bigcommerce-routes.json"


def load_reference(path: Path) -> RouteTable:
    document = json.loads(path.read_text(encoding="utf-8"))
    routes = []
    for entry in document["routes"]:
        body = entry.get("body")
        rule = None
        if body:
            items = body.get("items") or {}
            rule = BodyRule.from_json(
                {
                    "kind": body.get("type") or "any",
                    "required_body": body.get("required_body"),
                    "required": body.get("required") or [],
                    "item_kind": items.get("type") or "any",
                    "item_required": items.get("required") or [],
                    "alternatives": body.get("alternatives") or [],
                }
            )
        routes.append(
            Route(
                method=entry["method"],
                path=entry["path"],
                scopes=frozenset(entry["scopes"]),
                no_scope=bool(entry["no_scope"]),
                body=rule,
                response=entry.get("response"),
            )
        )
    return RouteTable(routes, document.get("source"))


def scopes_from(row: ScopeRow, level: str) -> set[str]:
    return {
        scope for lv, scope in row.scope_strings.items() if row.rank(lv) >= row.rank(level)
    }


def candidates(table: ScopeTable, routes: RouteTable, row: ScopeRow) -> list[str]:
    """Routes that could prove each level of the row, exclusive ones first."""
    lines = []
    row_scopes = set(row.scope_strings.values())
    for level in row.levels[1:]:
        wanted = scopes_from(row, level)
        found = []
        for route in routes.routes:
            if route.method == "DELETE" or (route.scopes & row_scopes) != wanted:
                continue
            others = sorted(route.scopes - row_scopes)
            safety = ""
            if route.method != "GET":
                rule = route.body
                needs = responses.validation_problems(rule, b"{}")
                absent = "{" in route.path
                if not needs and not absent:
                    safety = "  UNSAFE: {} passes validation and no id to make absent"
                else:
                    safety = f"  {{}} refused: {sorted(needs) or '-'}; absent id: {absent}"
            tag = "exclusive" if not others else f"shared with {others}"
            found.append((bool(others), f"    {route.method:4} {route.path}  [{tag}]{safety}"))
        lines.append(f"  level {level}: {len(found)} route(s)")
        lines.extend(text for _shared, text in sorted(found))
    return lines


def main(argv: list[str]) -> int:
    show_candidates = "--candidates" in argv
    paths = [arg for arg in argv[1:] if not arg.startswith("--")]
    source = Path(paths[0]) if paths else DEFAULT_SOURCE
    if not source.is_file():
        print(f"analyse_probes: {source} not found", file=sys.stderr)
        return 2
    routes = load_reference(source)
    table = load_scope_table()
    problems = 0
    total = 0
    for row in table.rows:
        print(f"{row.id} (required {row.required})")
        for finding in probe_audit(table, routes, row):
            total += finding.counts_as_request
            marker = "PROBLEM " if finding.problem else ""
            problems += bool(finding.problem)
            print(f"  {marker}{finding.text}")
        if not row.probes:
            eye = row.confirm_by_eye or "MISSING"
            print("  no probes: always unverifiable; confirm_by_eye: " + eye)
        if show_candidates:
            for line in candidates(table, routes, row):
                print(line)
    print(f"\n{total} probe requests + 1 preflight = {total + 1} requests per full check")
    print(f"{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
