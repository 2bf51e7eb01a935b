"""The upstream watch as one call, and its command line (`scripts/upstream_watch.py`).

`watch(inputs) -> WatchReport` reads a `bigcommerce/docs` checkout and compares it with
the project's files; `main(argv)` is the command: exit 0 when no difference matters,
1 on at least one high-impact difference, 2 when a file cannot be read or parsed (the
message names the file and the line; never a traceback).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bc_scopes.fakestore.routes import ROUTES_FILE, RouteTable
from bc_scopes.model import ScopeFileError, ScopeTable, load_scope_table
from tools.project import REPO_ROOT

from .accounts import read_accounts
from .baseline import build_baseline, load_baseline, render_baseline
from .compare import (
    compare_baseline,
    compare_panel,
    compare_routes,
    compare_spec_tables,
    order,
    route_key,
)
from .corrections import Corrections, load_corrections
from .errors import UpstreamError
from .reference import read_reference
from .report import (
    EXIT_UNREADABLE,
    WatchReport,
    render_json,
    render_markdown,
    render_text,
)

DEFAULT_CORRECTIONS = REPO_ROOT / "upstream" / "corrections.yaml"
DEFAULT_BASELINE = REPO_ROOT / "upstream" / "baseline.json"
DEFAULT_SCOPES = REPO_ROOT / "scopes.yaml"


@dataclass(frozen=True)
class WatchInputs:
    docs: Path
    scopes: Path = DEFAULT_SCOPES
    routes: Path = ROUTES_FILE
    corrections: Path = DEFAULT_CORRECTIONS
    baseline: Path = DEFAULT_BASELINE
    docs_commit: str | None = None
    update_baseline: bool = False


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def _git(docs: Path, *args: str) -> str | None:
    """A read-only git query in the docs checkout itself (not in a repository around it)."""
    try:
        top = subprocess.run(["git", "-C", str(docs), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=10, check=False)
        if top.returncode != 0 or Path(top.stdout.strip()).resolve() != docs.resolve():
            return None
        result = subprocess.run(["git", "-C", str(docs), *args], capture_output=True,
                                text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def docs_commit_of(docs: Path) -> str | None:
    """The commit a docs checkout is at, or None when DIR is not a git checkout."""
    commit = _git(docs, "rev-parse", "HEAD")
    return commit if commit is not None and len(commit) == 40 else None


def docs_date_of(docs: Path) -> str | None:
    """The committer date (ISO 8601) of the checkout's commit, or None."""
    return _git(docs, "log", "-1", "--format=%cI")


def _load_routes(path: Path) -> RouteTable:
    try:
        return RouteTable.from_file(path)
    except FileNotFoundError:
        raise UpstreamError(_display(path), None, "file not found") from None
    except (ValueError, KeyError, TypeError) as error:
        raise UpstreamError(_display(path), None, f"not a route table ({error})") from None


def _load_table(path: Path) -> ScopeTable:
    try:
        return load_scope_table(path)
    except ScopeFileError as error:
        raise UpstreamError(_display(path), None, str(error)) from None


def probe_route_keys(table: ScopeTable, routes: RouteTable) -> list[str]:
    keys = []
    for row in table.all_rows:
        for probe in row.probes:
            match = routes.match(probe.method, probe.path.split("?", 1)[0])
            if match is not None:
                keys.append(f"{match.method} {match.path}")
    return keys


def watch(inputs: WatchInputs) -> WatchReport:
    started = time.perf_counter()
    docs = inputs.docs
    if not docs.is_dir():
        raise UpstreamError(str(docs), None, "docs checkout not found (a folder is needed)")
    corrections: Corrections = load_corrections(inputs.corrections, _display(inputs.corrections))
    table = _load_table(inputs.scopes)
    routes = _load_routes(inputs.routes)
    entries = read_accounts(docs)
    reference = read_reference(docs, corrections)
    commit = inputs.docs_commit or docs_commit_of(docs)

    baseline_source = _display(inputs.baseline)
    if inputs.update_baseline:
        fresh = build_baseline(entries, reference, probe_route_keys(table, routes), commit)
        inputs.baseline.parent.mkdir(parents=True, exist_ok=True)
        inputs.baseline.write_text(render_baseline(fresh), encoding="utf-8")
    baseline = load_baseline(inputs.baseline, baseline_source)

    differences = (
        compare_panel(entries, table, corrections, reference)
        + compare_spec_tables(entries, reference, table, corrections)
        + compare_routes(reference, routes, table, corrections)
    )
    notes = []
    baseline_commit = None
    if baseline is None:
        notes.append(f"No baseline ({baseline_source}) yet, so descriptions were not compared; "
                     "run with --update-baseline once the report is clean.")
    else:
        differences += compare_baseline(entries, baseline)
        baseline_commit = (baseline.get("docs") or {}).get("commit")
    if inputs.update_baseline:
        notes.append(f"Baseline {baseline_source} rewritten for {commit or 'an unknown commit'}.")
    probes = sum(len(row.probes) for row in table.all_rows)
    return WatchReport(
        docs=str(docs),
        docs_commit=commit,
        baseline_commit=baseline_commit,
        differences=order(differences),
        notes=notes,
        seconds=time.perf_counter() - started,
        counts={"panel_rows": len(entries), "spec_files": len(reference.specs),
                "routes": len(reference.routes), "probes": probes,
                "probe_routes": len({route_key(*key.split(" ", 1))
                                     for key in probe_route_keys(table, routes)})},
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="upstream_watch.py",
        description="Compare BigCommerce's published scope facts (a bigcommerce/docs checkout) "
                    "with scopes.yaml and the fake store's route table.",
        epilog="Exit codes: 0 no difference that matters; 1 at least one high-impact "
               "difference; 2 a file cannot be read or parsed.",
    )
    parser.add_argument("--docs", required=True, type=Path, metavar="DIR",
                        help="a checkout of bigcommerce/docs (at least "
                             "docs/start/authentication/api-accounts.mdx and reference/)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the report as JSON")
    parser.add_argument("--markdown", type=Path, metavar="FILE",
                        help="write the report as Markdown (the issue body)")
    parser.add_argument("--scopes", type=Path, default=DEFAULT_SCOPES, metavar="FILE",
                        help="the scope table (default: scopes.yaml)")
    parser.add_argument("--routes", type=Path, default=ROUTES_FILE, metavar="FILE",
                        help="the fake store's route table (default: its routes.json)")
    parser.add_argument("--corrections", type=Path, default=DEFAULT_CORRECTIONS, metavar="FILE",
                        help="the kept corrections (default: upstream/corrections.yaml)")
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE, metavar="FILE",
                        help="the facts last compared (default: upstream/baseline.json)")
    parser.add_argument("--docs-commit", metavar="SHA",
                        help="the docs commit, when DIR is not a git checkout")
    parser.add_argument("--update-baseline", action="store_true",
                        help="rewrite the baseline from this checkout, then compare")
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    inputs = WatchInputs(
        docs=args.docs, scopes=args.scopes, routes=args.routes, corrections=args.corrections,
        baseline=args.baseline, docs_commit=args.docs_commit,
        update_baseline=args.update_baseline,
    )
    try:
        report = watch(inputs)
        for target, text in ((args.json, render_json), (args.markdown, render_markdown)):
            if target is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text(report), encoding="utf-8")
    except UpstreamError as error:
        print(f"upstream_watch: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as error:
        print(f"upstream_watch: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_UNREADABLE
    summary = render_text(report)
    print(summary.splitlines()[0] if args.quiet else summary, end="\n" if args.quiet else "")
    return report.exit_code
