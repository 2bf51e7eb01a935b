"""Run the check as a pytest session: what `bc-scopes check` and `bc-scopes demo` share.

The command is a thin front over pytest: it validates the inputs itself (so
bad input exits 2 before any request), then calls `pytest.main` on the scope
table with the plugin, isolated from whatever project it is started in: no
ini file, no conftest.py, no auto-loaded plugins, no PYTEST_ADDOPTS. The
validated inputs travel as a plugin object, never as arguments, so no secret
is ever in argv.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bc_scopes import exitcodes
from bc_scopes.client import ClientPolicy
from bc_scopes.inputs import CheckInputs


@dataclass(frozen=True)
class RunOptions:
    scopes_file: Path
    json_path: str | None = None
    junit_path: str | None = None
    strict: bool = False
    concurrency: int = 8
    verbose: bool = False
    policy: ClientPolicy | None = None


def pytest_arguments(options: RunOptions) -> list[str]:
    """The pytest command line for one check (holds no secret)."""
    scopes_file = options.scopes_file.resolve()
    args = [
        str(scopes_file),
        "-p", "bc_scopes.plugin",
        "--bc-scopes",
        "--bc-scopes-file", str(scopes_file),
        "--bc-concurrency", str(options.concurrency),
        "--disable-plugin-autoload",
        "-c", os.devnull,
        "--rootdir", str(scopes_file.parent),
        "--noconftest",
        "--capture=no",
        "--assert=plain",  # the plugin is imported already; nothing to rewrite
        "-p", "no:cacheprovider",
        "-o", "junit_suite_name=bc-scopes",
    ]
    args += ["-v", "--tb=no", "-rN"] if options.verbose else ["-p", "no:terminal"]
    if options.strict:
        args.append("--bc-strict")
    if options.json_path:
        args += ["--bc-json", options.json_path]
    if options.junit_path:
        args += ["--junit-xml", options.junit_path]
    return args


def run_check_session(inputs: CheckInputs, options: RunOptions, target_label: str = "") -> int:
    """Run one check through pytest and return the checker's exit code."""
    import pytest

    from bc_scopes.plugin import CheckSettings

    settings = CheckSettings(inputs, options.policy, target_label)
    saved = {name: os.environ.pop(name, None) for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    try:
        status = pytest.main(pytest_arguments(options), plugins=[settings])
    finally:
        for name, value in saved.items():
            if value is not None:
                os.environ[name] = value
    if settings.exit_code is not None:
        return settings.exit_code
    if status == exitcodes.BAD_INPUT:  # the plugin refused its input before the run
        return exitcodes.BAD_INPUT
    sys.stderr.write(f"bc-scopes: the check did not finish (pytest exit status {int(status)})\n")
    return exitcodes.INCOMPLETE
