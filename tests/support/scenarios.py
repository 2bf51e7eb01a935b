"""The fault scenarios' runner: one cached run of `bc-scopes check` per case.

Every scenario runs the real `bc-scopes check` through the harness's one CLI runner
(`support.cli.run_cli`, as tests/checker does) with
three distinct canary credentials, every report channel switched on and DEBUG logging
captured. One run therefore answers three questions, each asked by its own test file:
the verdicts (test_fault_matrix), the secrets (test_secrets_audit) and the store's
request log (test_never_mutate). Runs are cached per scenario id for the session, so
asking all three costs one run.
"""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bc_scopes.checker.options import RetryPolicy
from bc_scopes.fakestore.faults import Fault
from bc_scopes.fakestore.server import FakeStore, RecordedRequest
from bc_scopes.model import ScopeTable

from .canaries import CANARY_CLIENT_ID, CANARY_CLIENT_SECRET, CANARY_TOKEN
from .cli import FAST_POLICY, run_check
from .shared import locked
from .store import STORE_HASH, required_scopes
from .trap import Trap


# scenarios ------------------------------------------------------------------------------
def _no_faults(trap: Trap) -> list[Fault]:
    return []


def _nothing(store: FakeStore) -> None:
    return None


@dataclass(frozen=True)
class FaultCase:
    """One scenario: the token, the faults, and what the checker must report.

    `changed` lists the rows whose verdict differs from the fault-free run of the same
    token (`baseline`); every other row must stay as it was. `loose` cases (timing
    decides which rows end unknown) are checked against the truth only.
    """

    id: str
    expected_code: int
    message: str
    faults: Callable[[Trap], list[Fault]] = _no_faults
    scopes: Callable[[ScopeTable], set[str]] = required_scopes
    granted: bool = True
    changed: Mapping[str, str] = field(default_factory=dict)
    preflight_stop: bool = False
    loose: bool = False
    env: Callable[[FakeStore, Trap], dict[str, str]] | None = None
    args: tuple[str, ...] = ()
    fast: bool = True  # False: the real policy's waits (the case's name says so)
    policy: RetryPolicy | None = None  # a policy of the case's own (overrides `fast`)
    setup: Callable[[FakeStore], None] = _nothing
    baseline: str = "no-fault-empty-204-v2-list"
    safety_stop: bool = False


@dataclass
class ScenarioRun:
    """Everything one run of `bc-scopes check` left behind."""

    case: FaultCase
    code: int | None
    out: str
    err: str
    logs: str
    traceback: str
    report_text: str
    junit: str
    step_summary: str
    requests: list[RecordedRequest]
    trap_connections: int
    trap_received: bytes
    seconds: float
    scopes: frozenset[str]

    @property
    def report(self) -> dict[str, Any]:
        assert self.report_text, f"{self.case.id}: no JSON report was written\n{self.err}"
        report = json.loads(self.report_text)
        assert isinstance(report, dict), f"{self.case.id}: the JSON report is not an object"
        return report

    def verdicts(self) -> dict[str, str]:
        return {entry["id"]: entry["verdict"] for entry in self.report["scopes"]}

    def channels(self) -> dict[str, str]:
        """Every place a secret could end up, by name."""
        return {
            "stdout": self.out,
            "stderr": self.err,
            "DEBUG logs": self.logs,
            "traceback": self.traceback,
            "JSON report": self.report_text,
            "JUnit XML": self.junit,
            "step summary": self.step_summary,
            "fake store's records": "\n".join(repr(request) for request in self.requests),
        }


class ScenarioRunner:
    """Runs each FaultCase once per session against the shared fake store.

    Under pytest-xdist each worker has its own fake store, but `shared` is one folder
    for the whole session: the first worker to ask for a scenario runs it (holding a
    lock on it) and saves the run, and the others wait for that lock and read it. So a
    scenario runs once per session, not once per worker; that saves ~40 s of a suite.
    """

    def __init__(self, store: FakeStore, trap: Trap, table: ScopeTable, folder: Path,
                 shared: Path) -> None:
        self.store, self.trap, self.table, self.folder = store, trap, table, folder
        self.shared = shared
        self._runs: dict[str, ScenarioRun] = {}

    def run(self, case: FaultCase) -> ScenarioRun:
        if case.id not in self._runs:
            self._runs[case.id] = self._run_once_per_session(case)
        return self._runs[case.id]

    def _run_once_per_session(self, case: FaultCase) -> ScenarioRun:
        saved = self.shared / f"{case.id}.pickle"
        with locked(self.shared / f"{case.id}.lock"):
            if saved.exists():
                fields = pickle.loads(saved.read_bytes())
                return ScenarioRun(case=case, **fields)
            run = self._run(case)
            fields = {name: value for name, value in vars(run).items() if name != "case"}
            saved.write_bytes(pickle.dumps(fields))
            return run

    def _run(self, case: FaultCase) -> ScenarioRun:
        store, trap = self.store, self.trap
        store.reset()
        scopes = frozenset(case.scopes(self.table))
        if case.granted:
            store.grant(CANARY_TOKEN, scopes)
        case.setup(store)
        for fault in case.faults(trap):
            store.add_fault(fault)
        env: dict[str, str | None] = {
            "BIGCOMMERCE_STORE_HASH": STORE_HASH,
            "BIGCOMMERCE_API_URL": store.url,
            "BIGCOMMERCE_ACCESS_TOKEN": CANARY_TOKEN,
            "BIGCOMMERCE_CLIENT_ID": CANARY_CLIENT_ID,
            "BIGCOMMERCE_CLIENT_SECRET": CANARY_CLIENT_SECRET,
        }
        if case.env is not None:
            env.update(case.env(store, trap))
        connections_before = trap.connections
        received_before = len(trap.received)
        started = time.monotonic()
        policy = case.policy or (FAST_POLICY if case.fast else RetryPolicy())
        ran = run_check(case.args, env, self.folder / case.id, policy)
        seconds = time.monotonic() - started
        # Drain the connections an answer-less fault keeps open, then read the records.
        time.sleep(0.02)
        return ScenarioRun(
            case=case,
            code=ran.result.code,
            out=ran.result.out,
            err=ran.result.err,
            logs=ran.result.logs,
            traceback=ran.result.traceback,
            report_text=ran.report_text,
            junit=ran.junit,
            step_summary=ran.step_summary,
            requests=store.requests,
            trap_connections=trap.connections - connections_before,
            trap_received=trap.received[received_before:],
            seconds=seconds,
            scopes=scopes,
        )
