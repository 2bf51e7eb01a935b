"""pytest plugin: check a BigCommerce token, one test per `scopes.yaml` row.

Registered through the `pytest11` entry point and inert until `--bc-scopes` is
given. Then pytest collects only the scope rows (items named by row id, such
as `scopes.yaml::orders`); the preflight and every probe run once, on a thread
pool, before the first item; each item reports its row:

- ok            -> passed
- excess        -> passed with an ExcessScopeWarning (failed under --bc-strict)
- missing       -> failed, with a one-line message and no traceback
- unverifiable  -> skipped, the reason says what to confirm by eye
- unknown       -> xfailed ("could not complete"), never passed

The session's exit status becomes the checker's exit code (0-4, see
`bc_scopes.exitcodes`). Inputs come from the BIGCOMMERCE_* environment
variables and the --bc-* options; `bc-scopes check` passes them in instead.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bc_scopes import exitcodes
from bc_scopes.client import BigCommerceClient, ClientPolicy
from bc_scopes.inputs import CheckInputs, InputError, resolve_inputs, token_warnings
from bc_scopes.model import (
    DEFAULT_SCOPES_FILE,
    ScopeFileError,
    ScopeRow,
    ScopeTable,
    load_scope_table,
)
from bc_scopes.probes import run_check
from bc_scopes.report import Report, SafetyEvent, fix_for, render_markdown, render_text, to_json
from bc_scopes.secrets import describe_client_credentials
from bc_scopes.verdicts import RowResult, Verdict, evaluate, not_checked

PLUGIN_NAME = "bc_scopes_session"
MAX_CONCURRENCY = 16


class ExcessScopeWarning(UserWarning):
    """The token holds more than the guide requires (least privilege)."""


class CheckSettings:
    """Validated inputs handed over by `bc-scopes check` (never through argv)."""

    def __init__(
        self,
        inputs: CheckInputs,
        policy: ClientPolicy | None = None,
        target_label: str = "",
    ) -> None:
        self.inputs = inputs
        self.policy = policy
        self.target_label = target_label
        self.exit_code: int | None = None  # filled in when the run ends


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bc-scopes", "BigCommerce scope check (bc-scopes)")
    group.addoption(
        "--bc-scopes", action="store_true", default=False,
        help="run the BigCommerce scope check: one test per scopes.yaml row (reads the "
        "BIGCOMMERCE_* environment variables)",
    )
    group.addoption("--bc-store-hash", default=None, help="store hash or pasted API path")
    group.addoption(
        "--bc-api-url", default=None, help="API base URL (default https://api.bigcommerce.com)"
    )
    for flag, what in (
        ("--bc-access-token-file", "the Access Token"),
        ("--bc-client-id-file", "the Client ID"),
        ("--bc-client-secret-file", "the Client Secret"),
    ):
        group.addoption(flag, default=None, metavar="FILE", help=f"read {what} from FILE")
    group.addoption(
        "--bc-scopes-file", default=None, metavar="FILE", help="scope table (default: scopes.yaml)"
    )
    group.addoption("--bc-strict", action="store_true", default=False, help="fail excess rows too")
    group.addoption(
        "--bc-concurrency", type=int, default=8, metavar="N", help="parallel probes (1-16)"
    )
    group.addoption(
        "--bc-timeout", type=float, default=20.0, metavar="SECONDS",
        help="per-request read timeout",
    )
    group.addoption("--bc-json", default=None, metavar="FILE", help="write the JSON report to FILE")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("bc_scopes"):
        config.pluginmanager.register(ScopeCheck(config), PLUGIN_NAME)


def credential_notes(inputs: CheckInputs) -> list[str]:
    return describe_client_credentials(inputs.client_id, inputs.client_secret) + token_warnings(
        inputs.access_token
    )


class ScopeFile(pytest.File):
    """scopes.yaml seen as a test file: one item per row."""

    def collect(self) -> Iterator[ScopeItem]:
        check: ScopeCheck = self.config.pluginmanager.get_plugin(PLUGIN_NAME)
        assert check.table is not None
        for row in check.table.rows:
            yield ScopeItem.from_parent(self, name=row.id, row=row)


class ScopeItem(pytest.Item):
    """The check of one row. The answer was fetched once for the whole session."""

    def __init__(self, *, row: ScopeRow, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.row = row

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"scope row {self.row.id}"

    def runtest(self) -> None:
        check: ScopeCheck = self.config.pluginmanager.get_plugin(PLUGIN_NAME)
        result = check.result_for(self.row.id)
        self.user_properties.extend(
            [
                ("verdict", result.verdict.value),
                ("detected", result.detected or ""),
                ("required", self.row.required),
            ]
        )
        url = check.table.guide.row_url(self.row.id) if check.table else ""
        line = f"{self.row.name}: {result.verdict.value}. {result.reason}"
        if result.verdict is Verdict.MISSING:
            pytest.fail(f"{line} Fix: {fix_for(result)} {url}", pytrace=False)
        if result.verdict is Verdict.EXCESS:
            if check.strict:
                pytest.fail(f"{line} Fix: {fix_for(result)} {url}", pytrace=False)
            # Point the warning at the table, not at this file.
            warnings.warn_explicit(f"{line} {url}", ExcessScopeWarning, str(self.path), 1)
        elif result.verdict is Verdict.UNVERIFIABLE:
            pytest.skip(f"unverifiable: {result.reason}")
        elif result.verdict is Verdict.UNKNOWN:
            pytest.xfail(f"unknown (could not complete): {result.reason}")


class ScopeCheck:
    """Per-session state: inputs, the one run of probes, and the report."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        plugins = config.pluginmanager.get_plugins()
        self.settings = next((p for p in plugins if isinstance(p, CheckSettings)), None)
        self.strict = bool(config.getoption("bc_strict"))
        self.concurrency = int(config.getoption("bc_concurrency"))
        self.json_path = config.getoption("bc_json")
        self.error: str | None = None
        self.table: ScopeTable | None = None
        self.inputs: CheckInputs | None = None
        self.report: Report | None = None
        self.results: dict[str, RowResult] = {}
        scopes_option = config.getoption("bc_scopes_file")
        self.scopes_file = Path(scopes_option).resolve() if scopes_option else DEFAULT_SCOPES_FILE
        try:
            if not 1 <= self.concurrency <= MAX_CONCURRENCY:
                raise InputError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
            self.table = load_scope_table(self.scopes_file if scopes_option else None)
            self.inputs = self.settings.inputs if self.settings else self._inputs_from_options()
        except (InputError, ScopeFileError) as error:
            self.error = " ".join(str(error).split())  # one line, whatever the source

    def _inputs_from_options(self) -> CheckInputs:
        option = self.config.getoption
        return resolve_inputs(
            store_hash=option("bc_store_hash"),
            api_url=option("bc_api_url"),
            access_token_file=option("bc_access_token_file"),
            client_id_file=option("bc_client_id_file"),
            client_secret_file=option("bc_client_secret_file"),
        )

    def _policy(self) -> ClientPolicy:
        if self.settings is not None and self.settings.policy is not None:
            return self.settings.policy
        return ClientPolicy(read_timeout=float(self.config.getoption("bc_timeout")))

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
        selected = [item.row for item in session.items if isinstance(item, ScopeItem)]
        self.report = self._run(self._with_dependencies(selected))
        self.results = {result.row.id: result for result in self.report.rows}
        if self.report.preflight is not None and not self.report.preflight.ok:
            return True  # one clear message at the end, no per-row noise
        return None

    def _with_dependencies(self, rows: list[ScopeRow]) -> tuple[ScopeRow, ...]:
        """Selected rows plus the rows their shared routes depend on, in table order."""
        assert self.table is not None
        wanted = {row.id for row in rows}
        for row in rows:
            for probe in row.probes:
                wanted.update(entry.partition(":")[0] for entry in probe.also_opened_by)
        return tuple(row for row in self.table.rows if row.id in wanted)

    def _run(self, rows: tuple[ScopeRow, ...]) -> Report:
        assert self.table is not None and self.inputs is not None
        inputs = self.inputs
        client = BigCommerceClient(
            inputs.store_base_url(), inputs.access_token, self._policy(), self.concurrency
        )
        run = run_check(client, rows, inputs.api_url, self.concurrency)
        if run.preflight.ok:
            verdicts = evaluate(self.table, run.results, rows)
        else:
            verdicts = not_checked(
                self.table, "Not checked: " + run.preflight.message,
                run.preflight.anchor or "store-unreachable", rows,
            )
        stop = run.safety_stop
        return Report(
            table=self.table,
            store_hash=inputs.store_hash,
            api_url=inputs.api_url,
            rows=verdicts,
            preflight=run.preflight,
            safety_stop=SafetyEvent(stop.method, stop.path, stop.status) if stop else None,
            requests_sent=run.requests_sent,
            strict=self.strict,
            notes=credential_notes(inputs),
            target_label=self.settings.target_label if self.settings else "",
        )

    def result_for(self, row_id: str) -> RowResult:
        return self.results[row_id]

    # reporting ------------------------------------------------------------------------
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.report is None:
            return
        collected = {item.row.id for item in session.items if isinstance(item, ScopeItem)}
        self.report.rows = [result for result in self.report.rows if result.row.id in collected]
        code = self.report.exit_code
        session.exitstatus = code
        if self.settings is not None:
            self.settings.exit_code = code
        self._write_outputs()
        if self.config.pluginmanager.get_plugin("terminalreporter") is None:
            sys.stdout.write(render_text(self.report))
            sys.stdout.flush()

    def _write_outputs(self) -> None:
        assert self.report is not None
        if self.json_path:
            text = json.dumps(to_json(self.report), indent=2) + "\n"
            _write_file(Path(self.json_path), text, "w")
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if step_summary:
            _write_file(Path(step_summary), render_markdown(self.report) + "\n", "a")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is None:
            return
        terminalreporter.write_sep("=", "bc-scopes")
        for line in render_text(self.report).splitlines():
            terminalreporter.write_line(line)


def _write_file(path: Path, text: str, mode: str) -> None:
    try:
        with path.open(mode, encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        sys.stderr.write(f"bc-scopes: could not write {path}: {error.strerror}\n")
