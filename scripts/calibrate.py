"""Record how a sandbox store answers every probe and open question (maintainers only).

    .venv/bin/python scripts/calibrate.py --store-hash HASH \\
        --token full=BC_TOKEN_FULL:calibration/scope-sets/full.yaml \\
        --token none=BC_TOKEN_NONE:calibration/scope-sets/none.yaml \\
        [--api-url URL] [--label sandbox] [--output-dir calibration]

Each --token is NAME=ENVIRONMENT_VARIABLE:SCOPE_SET_FILE: the token's value is read
from the variable (never from the command line), and the file lists the scope strings
the token was created with (a YAML list). The recording goes to
calibration/<date>-<label>.yaml; commit it, and the test suite replays it. Exit codes:
0 recorded and the pass criteria hold, 1 recorded but a criterion failed, 2 bad input,
4 a write was accepted (safety stop; the partial recording is still written).
See docs/maintainers/calibrate.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import yaml

from bc_scopes import exitcodes
from bc_scopes.checker.inputs import InputError, clean_secret, normalise_api_url
from bc_scopes.checker.storehash import StoreHashError, normalise_store_hash
from bc_scopes.model import ScopeFileError, load_scope_table
from tools.calibrate import CalibrationToken, calibrate, pass_criteria, write_recording
from tools.project import REPO_ROOT


def parse_token(text: str, environ: dict[str, str]) -> CalibrationToken:
    name, _, rest = text.partition("=")
    variable, _, scope_file = rest.partition(":")
    if not name or not variable or not scope_file:
        raise InputError(f"--token {name or '?'}: write NAME=ENVIRONMENT_VARIABLE:SCOPE_SET_FILE")
    raw = environ.get(variable, "")
    value = clean_secret(raw, f"token {name} ({variable})")
    try:
        scopes = yaml.safe_load(Path(scope_file).read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise InputError(f"--token {name}: cannot read {scope_file} ({error})") from None
    if not isinstance(scopes, list) or not all(isinstance(item, str) for item in scopes):
        raise InputError(f"--token {name}: {scope_file} must be a YAML list of scope strings")
    return CalibrationToken(name, value, tuple(scopes))


def main(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store-hash", required=True)
    parser.add_argument("--api-url", default="https://api.bigcommerce.com")
    parser.add_argument("--token", action="append", required=True, metavar="NAME=VAR:FILE")
    parser.add_argument("--label", default="sandbox")
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT / "calibration")
    parser.add_argument("--full", default="full", help="name of the all-scopes token")
    parser.add_argument("--none", default="none", help="name of the all-None token")
    args = parser.parse_args(argv)
    environment = dict(os.environ if environ is None else environ)
    try:
        store_hash = normalise_store_hash(args.store_hash)
        api_url = normalise_api_url(args.api_url)
        tokens = [parse_token(text, environment) for text in args.token]
        table = load_scope_table()
    except (InputError, StoreHashError, ScopeFileError) as error:
        print(f"calibrate: error: {' '.join(str(error).split())}", file=sys.stderr)
        return exitcodes.BAD_INPUT
    recording, stopped = calibrate(table, f"{api_url}/stores/{store_hash}", tokens)
    path = write_recording(recording, args.output_dir, args.label)
    print(f"calibrate: {len(recording['answers'])} answers recorded in {path}")
    if stopped:
        print(f"calibrate: SAFETY STOP: {stopped}", file=sys.stderr)
        return exitcodes.INCOMPLETE
    names = {token.name for token in tokens}
    problems = pass_criteria(recording, args.full, args.none) if {args.full, args.none} <= names \
        else []
    for problem in problems:
        print(f"calibrate: pass criterion failed: {problem}", file=sys.stderr)
    return exitcodes.FAILED if problems else exitcodes.OK


if __name__ == "__main__":
    raise SystemExit(main())
