"""Rebuild the fake store's route table from a bigcommerce/docs checkout.

    .venv/bin/python scripts/regenerate_fakestore_routes.py --docs DIR [--output FILE]

It reads every store-API spec in DIR/reference (paths, methods, the OAuth tables of the
file and of each operation, request bodies), applies the kept corrections of
upstream/corrections.yaml (section `routes`), and hands the result to
scripts/build_fakestore_routes.py, which adds the body rules it keeps (BODY_CONSTRAINTS,
RECORDED_BODY_RULES) and renders routes.json. So the route facts can follow BigCommerce
instead of being a one-time snapshot, and the corrections survive each rebuild.

It never overwrites bc_scopes/fakestore/routes.json: it writes FILE (default: a new
temporary file) and prints how many routes differ from the committed table, so a
maintainer reviews the change and copies it over by hand.

Exit codes: 0 written (identical or not; `--check` makes a difference exit 1);
2 the checkout or the corrections cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import build_fakestore_routes

from tools.project import REPO_ROOT
from tools.upstream.corrections import load_corrections
from tools.upstream.errors import UpstreamError
from tools.upstream.reference import read_reference, route_document
from tools.upstream.watch import docs_commit_of, docs_date_of

DEFAULT_CORRECTIONS = REPO_ROOT / "upstream" / "corrections.yaml"
COMMITTED = build_fakestore_routes.TARGET


def regenerate(docs: Path, corrections_path: Path, commit: str | None,
               date: str | None) -> dict[str, Any]:
    """The routes.json document for a docs checkout (what build_fakestore_routes builds)."""
    corrections = load_corrections(corrections_path, "upstream/corrections.yaml")
    facts = read_reference(docs, corrections)
    extract = route_document(facts, corrections, {
        "repo": "bigcommerce/docs",
        "commit": commit or docs_commit_of(docs),
        "date": date or docs_date_of(docs),
    })
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "bigcommerce-routes.json"
        source.write_text(json.dumps(extract), encoding="utf-8")
        data: dict[str, Any] = build_fakestore_routes.build(source)
    return data


def differences(new: dict[str, Any], old: dict[str, Any]) -> dict[str, list[str]]:
    """Route keys added, removed and changed between two routes.json documents."""
    def keyed(document: dict[str, Any]) -> dict[str, Any]:
        return {f"{route['method']} {route['path']}": route for route in document["routes"]}

    before, after = keyed(old), keyed(new)
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(key for key in set(after) & set(before) if after[key] != before[key]),
        "header": sorted(key for key in set(new) | set(old)
                         if key != "routes" and new.get(key) != old.get(key)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="regenerate_fakestore_routes.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", required=True, type=Path, metavar="DIR",
                        help="a checkout of bigcommerce/docs (reference/ is enough)")
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="where to write the new routes.json (default: a temporary file)")
    parser.add_argument("--corrections", type=Path, default=DEFAULT_CORRECTIONS, metavar="FILE")
    parser.add_argument("--compare-with", type=Path, default=COMMITTED, metavar="FILE",
                        help="the table to count differences against (default: the committed one)")
    parser.add_argument("--docs-commit", metavar="SHA", help="when DIR is not a git checkout")
    parser.add_argument("--docs-date", metavar="ISO-DATE", help="when DIR is not a git checkout")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the result differs from --compare-with")
    args = parser.parse_args(argv)
    try:
        data = regenerate(args.docs, args.corrections, args.docs_commit, args.docs_date)
    except UpstreamError as error:
        print(f"regenerate_fakestore_routes: {error}", file=sys.stderr)
        return 2
    output = args.output
    if output is None:
        handle, name = tempfile.mkstemp(prefix="routes-", suffix=".json")
        Path(name).unlink()
        output = Path(name)
    if output.resolve() == COMMITTED.resolve():
        print("regenerate_fakestore_routes: refusing to overwrite the committed routes.json; "
              "write elsewhere and copy it after review", file=sys.stderr)
        return 2
    output.write_text(build_fakestore_routes.render(data), encoding="utf-8")
    print(f"wrote {len(data['routes'])} routes to {output}")
    try:
        old = json.loads(args.compare_with.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(f"(no table at {args.compare_with} to compare with)")
        return 0
    diff = differences(data, old)
    count = len(diff["added"]) + len(diff["removed"]) + len(diff["changed"])
    print(f"{count} route(s) differ from {args.compare_with}: {len(diff['added'])} added, "
          f"{len(diff['removed'])} removed, {len(diff['changed'])} changed")
    for kind in ("added", "removed", "changed"):
        for key in diff[kind]:
            print(f"  {kind}: {key}")
    if diff["header"]:
        print(f"  header fields that differ: {', '.join(diff['header'])}")
    return 1 if args.check and (count or diff["header"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
