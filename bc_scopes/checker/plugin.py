"""pytest plugin: `pytest --bc-scopes` checks a token, one test item per `scopes.yaml` row.

A thin front. Registered through the `pytest11` entry point and inert until
`--bc-scopes` is given. It collects one item per row (named by row id, such as
`scopes.yaml::orders`), calls `check()` once before the first item, and maps
each row's verdict to an outcome:

- ok            -> passed
- excess        -> passed with an ExcessScopeWarning (failed under --bc-strict)
- missing       -> failed, with a one-line message and no traceback
- unverifiable  -> skipped, the reason says what to confirm by eye
- unknown       -> xfailed ("could not complete"), never passed

The session's exit status becomes the checker's exit code (see
`bc_scopes.exitcodes`). Inputs come from the BIGCOMMERCE_* environment
variables and the --bc-* options, which are generated from the same
`OPTION_SPECS` as the CLI's flags. JUnit XML comes from pytest's own
`--junit-xml`.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bc_scopes import exitcodes
from bc_scopes.checker.check import check
from bc_scopes.checker.formats import json as json_format
from bc_scopes.checker.formats import markdown, text
from bc_scopes.checker.formats.wording import fix_for
from bc_scopes.checker.inputs import CheckInputs, resolve_inputs
from bc_scopes.checker.options import INPUT_FLAGS, INPUTS_OF_A_STORE, OPTION_SPECS, CheckOptions
from bc_scopes.checker.outputs import OutputFiles
from bc_scopes.checker.report import Report
from bc_scopes.checker.verdicts import RowResult, Verdict
from bc_scopes.errors import BadInput, one_line
from bc_scopes.model import (
    ScopeRow,
    ScopeTable,
    default_scopes_file,
    load_scope_table,
)

PLUGIN_NAME = "bc_scopes_session"


class ExcessScopeWarning(UserWarning):
    """The token holds more than the guide requires (least privilege)."""


def _dest(name: str) -> str:
    return "bc_" + name


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bc-scopes", "BigCommerce scope check (bc-scopes)")
    group.addoption(
        "--bc-scopes", action="store_true", default=False,
        help="run the BigCommerce scope check: one test per scopes.yaml row (reads the "
        "BIGCOMMERCE_* environment variables)",
    )
    for input_flag in INPUT_FLAGS:  # the same inputs as the CLI's, as --bc-...
        group.addoption("--bc-" + input_flag.flag[2:], default=None, dest=_dest(input_flag.name),
                        metavar=input_flag.metavar, help=input_flag.help)
    for spec in OPTION_SPECS:
        flag = "--bc-" + spec.name.replace("_", "-")
        if spec.kind is bool:
            group.addoption(flag, action="store_true", default=spec.default, dest=_dest(spec.name),
                            help=spec.help)
        else:
            # Kept as text: OPTION_SPECS parses it, so both fronts give the same message.
            group.addoption(flag, default=None, metavar=spec.metavar, dest=_dest(spec.name),
                            help=spec.help)
    group.addoption("--bc-json", default=None, metavar="FILE", help="write the JSON report to FILE")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("bc_scopes"):
        config.pluginmanager.register(ScopeCheck(config), PLUGIN_NAME)


def _session_check(config: pytest.Config) -> ScopeCheck:
    found = config.pluginmanager.get_plugin(PLUGIN_NAME)
    assert isinstance(found, ScopeCheck)
    return found


class ScopeFile(pytest.File):
    """scopes.yaml seen as a test file: one item per row."""

    def collect(self) -> Iterator[ScopeItem]:
        session_check = _session_check(self.config)
        assert session_check.table is not None
        for row in session_check.table.all_rows:
            yield ScopeItem.from_parent(self, name=row.id, row=row)


class ScopeItem(pytest.Item):
    """The check of one row. The answers were fetched once for the whole session."""

    def __init__(self, *, row: ScopeRow, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.row = row

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"scope row {self.row.id}"

    def runtest(self) -> None:
        session_check = _session_check(self.config)
        result, report = session_check.result_for(self.row.id)
        self.user_properties.extend(
            [
                ("verdict", result.verdict.value),
                ("detected", result.detected or ""),
                ("required", self.row.required),
            ]
        )
        _raise_outcome(result, report, str(self.path))


def _raise_outcome(result: RowResult, report: Report, path: str) -> None:
    """Map one verdict to pytest's outcome, with a one-line message and no traceback."""
    url = report.row_url(result)
    line = f"{result.row.name}: {result.verdict.value}. {result.reason}"
    if report.fails(result):
        pytest.fail(f"{line} Fix: {fix_for(result)} {url}", pytrace=False)
    if result.verdict is Verdict.EXCESS:
        # Point the warning at the table, not at this file.
        warnings.warn_explicit(f"{line} {url}", ExcessScopeWarning, path, 1)
    elif result.verdict is Verdict.UNVERIFIABLE:
        pytest.skip(f"unverifiable: {result.reason}")
    elif result.verdict is Verdict.UNKNOWN:
        pytest.xfail(f"unknown (could not complete): {result.reason}")


class ScopeCheck:
    """Per-session state: the inputs, the one call of `check()`, and its report."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.error: str | None = None
        self.table: ScopeTable | None = None
        self.inputs: CheckInputs | None = None
        self.options = CheckOptions()
        self.outputs = OutputFiles()
        self.report: Report | None = None
        self.crash: str | None = None  # the type of an unexpected error inside check()
        scopes_option = config.getoption("bc_scopes_file")
        self.scopes_file = Path(scopes_option).resolve() if scopes_option else default_scopes_file()
        try:
            values = {}
            for spec in OPTION_SPECS:
                raw = config.getoption(_dest(spec.name))
                if raw is not None:
                    values[spec.name] = raw if spec.kind is bool else spec.parse(str(raw))
            self.options = CheckOptions.from_values(values)
            self.table = load_scope_table(self.scopes_file)
            self.inputs = self._inputs_from_options()
            self.outputs = OutputFiles.open(
                config.getoption("bc_json"), None, os.environ.get("GITHUB_STEP_SUMMARY") or None
            )
        except BadInput as error:
            self.error = one_line(str(error).replace("--", "--bc-", 1))

    def _inputs_from_options(self) -> CheckInputs:
        option = self.config.getoption
        return resolve_inputs(**{name: option(_dest(name)) for name in INPUTS_OF_A_STORE})

    # collection ---------------------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.error is not None:
            pytest.exit(f"bc-scopes: {self.error}", returncode=exitcodes.BAD_INPUT)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session: pytest.Session) -> bool:
        """Collect the scope rows only, whatever paths were given."""
        session.perform_collect([str(self.scopes_file)])
        return True

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> ScopeFile | None:
        if file_path.resolve() != self.scopes_file:
            return None
        # Items read "scopes.yaml::orders" even when the table lives outside the rootdir.
        try:
            nodeid = file_path.resolve().relative_to(parent.config.rootpath.resolve()).as_posix()
        except ValueError:
            nodeid = file_path.name
        return ScopeFile.from_parent(parent, path=file_path, nodeid=nodeid)

    # the run --------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool | None:
        if session.config.option.collectonly or not session.items:
            return None
        assert self.table is not None and self.inputs is not None
        selected = tuple(item.row.id for item in session.items if isinstance(item, ScopeItem))
        only = None if len(selected) == len(self.table.all_rows) else selected
        self.options = replace(self.options, only_rows=only)
        try:
            self.report = check(self.table, self.inputs, self.options)
        except Exception as error:  # noqa: BLE001 - the checker's contract: one line, exit 4
            # Only the type: the text of an exception could hold anything, a secret included.
            self.crash = type(error).__name__
            return True
        if self.report.preflight is not None and not self.report.preflight.ok:
            return True  # one clear message at the end, no per-row noise
        return None

    def result_for(self, row_id: str) -> tuple[RowResult, Report]:
        assert self.report is not None
        return next(r for r in self.report.rows if r.row.id == row_id), self.report

    # reporting ------------------------------------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        # The checker's exit codes, never pytest's: Ctrl-C is 130, a crash is 4.
        if exitstatus == pytest.ExitCode.INTERRUPTED:
            session.exitstatus = exitcodes.INTERRUPTED
        elif self.crash is not None:
            session.exitstatus = exitcodes.INCOMPLETE
        if self.report is None:
            self.outputs.close()
            return
        session.exitstatus = self.report.exit_code
        self.outputs.write(
            json_text=json.dumps(json_format.report(self.report), indent=2) + "\n",
            markdown=markdown.report(self.report) + "\n",
        )
        self.outputs.close()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.crash is not None:
            terminalreporter.write_line(
                f"bc-scopes: the check stopped on an internal error ({self.crash}); please "
                f"report it (exit {exitcodes.INCOMPLETE})"
            )
        if self.report is None:
            return
        terminalreporter.write_sep("=", "bc-scopes")
        for line in text.report(self.report, width=terminalreporter._tw.fullwidth).splitlines():
            terminalreporter.write_line(line)
