"""The snapshot command: regenerate scopes.snapshot.txt from scopes.yaml and say, in words,
what changed (`scripts/update_snapshot.py` is its entry point; tools/snapshot.py holds the
pure rules, this module the file I/O and the exit codes).

Exit codes: 0 the snapshot matches scopes.yaml and the newest changelog entry explains the latest
change; 1 it is stale (--check) or a changelog entry is still missing (the snapshot is written
anyway, so the tests point at the changelog next); 2 scopes.yaml or the snapshot cannot be read.

Why the snapshot is written even without a changelog entry: the reviewer then sees the change in
the diff straight away, and the remaining failure says exactly which entry to add.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bc_scopes.model import ScopeFileError, load_scope_table
from tools.project import REPO_ROOT
from tools.snapshot import (
    SNAPSHOT_FILE_NAME,
    UPDATE_COMMAND,
    Snapshot,
    SnapshotFormatError,
    changelog_problems,
    guard_problems,
    parse_snapshot,
    plan_update,
    render_snapshot,
)

EXIT_OK, EXIT_STALE, EXIT_BAD_INPUT = 0, 1, 2


def _read_snapshot(path: Path) -> Snapshot | None:
    try:
        return parse_snapshot(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _check(scopes_path: Path, snapshot_path: Path) -> int:
    table = load_scope_table(scopes_path)
    committed = _read_snapshot(snapshot_path)
    if committed is None:
        print(f"{snapshot_path.name} is missing; create it with `{UPDATE_COMMAND}`.")
        return EXIT_STALE
    problems = guard_problems(table, committed)
    for problem in problems:
        print(problem)
    if problems:
        return EXIT_STALE
    planned, _ = plan_update(table, committed)
    if render_snapshot(planned) != snapshot_path.read_text(encoding="utf-8"):
        print(f"{snapshot_path.name} was edited by hand; regenerate it with `{UPDATE_COMMAND}`.")
        return EXIT_STALE
    print(f"{snapshot_path.name} is up to date with {scopes_path.name}.")
    return EXIT_OK


def _update(scopes_path: Path, snapshot_path: Path) -> int:
    table = load_scope_table(scopes_path)
    old = _read_snapshot(snapshot_path)
    planned, found = plan_update(table, old)
    text = render_snapshot(planned)
    unchanged = snapshot_path.exists() and snapshot_path.read_text(encoding="utf-8") == text
    if not unchanged:
        snapshot_path.write_text(text, encoding="utf-8")
    if old is None:
        print(f"No {snapshot_path.name} yet: wrote a baseline of {len(planned.rows)} rows for "
              f"changelog entry {planned.entry_number} ({planned.entry_date}).")
        return EXIT_OK
    if found:
        print(f"{scopes_path.name} changed since the last snapshot:")
        for change in found:
            print(f"  - {change.description}")
    else:
        print(f"No row changed since the last snapshot of {scopes_path.name}.")
    problems = changelog_problems(table, planned)
    if problems:
        print("", file=sys.stderr)
        for problem in problems:
            print(f"CHANGELOG: {problem}", file=sys.stderr)
        print(f"{snapshot_path.name} was written, but the tests fail until this is fixed.",
              file=sys.stderr)
        return EXIT_STALE
    if planned.changes and not unchanged:
        print(f"Documented by changelog entry {planned.entry_number} ({planned.entry_date}), "
              f"which names {', '.join(planned.changed_row_ids)}.")
    print(f"{snapshot_path.name} {'is unchanged' if unchanged else 'updated'}.")
    return EXIT_OK


def _refresh_demo_output() -> None:
    """The guide's sample checker output shows every row's required level, so it is a
    second snapshot of the table; refresh it in the same step so one command suffices."""
    import subprocess

    script = REPO_ROOT / "scripts" / "update_demo_output.py"
    subprocess.run([sys.executable, str(script)], check=True, cwd=REPO_ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Regenerate scopes.snapshot.txt from scopes.yaml; print the changes in words.",
        epilog="Exit codes: 0 up to date; 1 stale snapshot or missing changelog entry; "
        "2 unreadable scopes.yaml or snapshot.",
    )
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 and say what changed if the snapshot is stale")
    parser.add_argument("--scopes", type=Path, default=REPO_ROOT / "scopes.yaml",
                        help="the scope table (default: scopes.yaml at the repository root)")
    parser.add_argument("--snapshot", type=Path, default=REPO_ROOT / SNAPSHOT_FILE_NAME,
                        help=f"the snapshot file (default: {SNAPSHOT_FILE_NAME} at the root)")
    args = parser.parse_args(argv)
    try:
        if args.check:
            return _check(args.scopes, args.snapshot)
        status = _update(args.scopes, args.snapshot)
        if args.scopes.resolve() == (REPO_ROOT / "scopes.yaml").resolve():
            _refresh_demo_output()
        return status
    except (ScopeFileError, SnapshotFormatError) as error:
        print(f"update_snapshot: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"update_snapshot: cannot read or write {error.filename}: {error.strerror}",
              file=sys.stderr)
        return EXIT_BAD_INPUT

