"""What the fault tests share: canaries, a trap listener, the truth, and one way to run a check.

Every scenario runs the real `bc-scopes check` in-process (as tests/checker does) with
three distinct canary credentials, every report channel switched on and DEBUG logging
captured. One run therefore answers three questions, each asked by its own test file:
the verdicts (test_fault_matrix), the secrets (test_secrets_audit) and the store's
request log (test_never_mutate). Runs are cached per scenario id for the session, so
asking all three costs one run.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import secrets
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from checker.support import ENV_NAMES, STORE_HASH, required_scopes

from bc_scopes import cli
from bc_scopes.client import ClientPolicy
from bc_scopes.fakestore.faults import Fault
from bc_scopes.fakestore.server import FakeStore, RecordedRequest
from bc_scopes.model import ScopeRow, ScopeTable

# Distinct and recognisable, new for every session. Each passes the checker's
# local shape checks, so it really travels to the fake store and back.
CANARY_TOKEN = "cnryTOKEN" + secrets.token_hex(12)
CANARY_CLIENT_ID = "cnryclientid" + secrets.token_hex(10)
CANARY_CLIENT_SECRET = "cnrySECRET" + secrets.token_hex(16)
CANARIES = {
    "access token": CANARY_TOKEN,
    "client id": CANARY_CLIENT_ID,
    "client secret": CANARY_CLIENT_SECRET,
}
LEAK_WINDOW = 8  # any 8 characters of a canary in a row count as a leak

PREFLIGHT = "/v2/time"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def leaked_pieces(text: str, canary: str, window: int = LEAK_WINDOW) -> list[str]:
    """Every `window`-character slice of `canary` found in `text` (empty: no leak)."""
    pieces = {canary[i : i + window] for i in range(len(canary) - window + 1)}
    return sorted(piece for piece in pieces if piece in text)


def leaks_in(channels: Mapping[str, str]) -> list[str]:
    """'<canary> in <channel>' for each leak; the leaked text itself is never repeated."""
    found = []
    for channel, text in channels.items():
        for label, canary in CANARIES.items():
            pieces = leaked_pieces(text, canary)
            if pieces:
                found.append(f"{label} in {channel} ({len(pieces)} slice(s))")
    return found


@dataclass(frozen=True)
class FastPolicy(ClientPolicy):
    """The client's policy with test-sized waits, for scenarios whose real waits take minutes.

    Swapped in for `bc_scopes.client.ClientPolicy`, so the CLI builds it as usual.
    """

    backoff: float = 0.05
    rate_limit_fallback: float = 0.1
    rate_limit_wait_cap: float = 0.2
    total_wait_cap: float = 1.0


class Trap:
    """A loopback listener that accepts connections, keeps what arrives and answers nothing.

    Used where no request may ever go: as a redirect target, and as the API URL of
    input the checker must refuse before sending anything.
    """

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.05)
        self._lock = threading.Lock()
        self._accepted = 0
        self._received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def connections(self) -> int:
        with self._lock:
            return self._accepted

    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._received)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._accepted += 1
            connection.settimeout(0.2)
            with contextlib.suppress(OSError), connection:
                data = connection.recv(65536)
                with self._lock:
                    self._received += data

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# the truth ------------------------------------------------------------------------------
def true_level(row: ScopeRow, scopes: frozenset[str] | set[str]) -> str:
    """The level a token holding `scopes` really has for `row` (its highest granted level)."""
    level = row.levels[0]
    for candidate in row.levels[1:]:
        if row.scope_strings.get(candidate) in scopes:
            level = candidate
    return level


def wrong_claims(table: ScopeTable, report: dict[str, Any], scopes: frozenset[str]) -> list[str]:
    """Rows whose verdict or detected level contradicts the token's real scopes."""
    problems = []
    for entry in report["scopes"]:
        row = table.row(entry["id"])
        truth = row.rank(true_level(row, scopes))
        required = row.rank(row.required)
        verdict = entry["verdict"]
        if verdict == "ok" and truth != required:
            problems.append(f"{row.id}: ok, but the token holds {row.levels[truth]}")
        if verdict == "missing" and truth >= required:
            problems.append(f"{row.id}: missing, but the token holds {row.levels[truth]}")
        if verdict == "excess" and truth <= required:
            problems.append(f"{row.id}: excess, but the token holds {row.levels[truth]}")
        if entry["detected"] is not None and row.rank(entry["detected"]) != truth:
            problems.append(f"{row.id}: detected {entry['detected']}, truth {row.levels[truth]}")
        bounds = entry["detected_range"]
        if bounds["lowest"] is not None and not (
            row.rank(bounds["lowest"]) <= truth <= row.rank(bounds["highest"])
        ):
            problems.append(f"{row.id}: range {bounds} excludes {row.levels[truth]}")
    return problems


def exit_code_for(verdicts: Mapping[str, str]) -> int:
    """The documented exit code for a finished run (no preflight failure, no safety stop)."""
    values = set(verdicts.values())
    if "missing" in values:
        return 1
    if "unknown" in values:
        return 4
    return 0


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
    fast: bool = False
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
        return json.loads(self.report_text)

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


@contextlib.contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Every log record of every logger, at DEBUG, for the duration."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


class CliResult(NamedTuple):
    code: int | None  # None when an exception escaped main()
    out: str
    err: str
    logs: str
    traceback: str  # the escaped exception, formatted; empty when none escaped


def run_cli(argv: list[str], env: Mapping[str, str | None], fast: bool = False) -> CliResult:
    """`bc-scopes <argv>` in-process, with stdout, stderr and every log record captured."""
    out, err = io.StringIO(), io.StringIO()
    escaped = ""
    code: int | None = None
    with pytest.MonkeyPatch.context() as patch:
        for name in ENV_NAMES:
            patch.delenv(name, raising=False)
        for name, value in env.items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        if fast:
            patch.setattr("bc_scopes.client.ClientPolicy", FastPolicy)
        with (
            captured_logs() as logs,
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = cli.main(argv)
            except Exception:  # an escaped exception is a finding; keep it to search it
                escaped = traceback.format_exc()
    return CliResult(code, out.getvalue(), err.getvalue(), logs.getvalue(), escaped)


class ScenarioRunner:
    """Runs each FaultCase once per session against the shared fake store."""

    def __init__(self, store: FakeStore, trap: Trap, table: ScopeTable, folder: Path) -> None:
        self.store, self.trap, self.table, self.folder = store, trap, table, folder
        self._runs: dict[str, ScenarioRun] = {}

    def run(self, case: FaultCase) -> ScenarioRun:
        if case.id not in self._runs:
            self._runs[case.id] = self._run(case)
        return self._runs[case.id]

    def _run(self, case: FaultCase) -> ScenarioRun:
        store, trap = self.store, self.trap
        store.reset()
        scopes = frozenset(case.scopes(self.table))
        if case.granted:
            store.grant(CANARY_TOKEN, scopes)
        case.setup(store)
        for fault in case.faults(trap):
            store.add_fault(fault)
        folder = self.folder / case.id
        folder.mkdir(parents=True)
        json_path, junit_path, summary = (
            folder / "report.json", folder / "junit.xml", folder / "summary.md"
        )
        env: dict[str, str | None] = {
            "BIGCOMMERCE_STORE_HASH": STORE_HASH,
            "BIGCOMMERCE_API_URL": store.url,
            "BIGCOMMERCE_ACCESS_TOKEN": CANARY_TOKEN,
            "BIGCOMMERCE_CLIENT_ID": CANARY_CLIENT_ID,
            "BIGCOMMERCE_CLIENT_SECRET": CANARY_CLIENT_SECRET,
            "GITHUB_STEP_SUMMARY": str(summary),
        }
        if case.env is not None:
            env.update(case.env(store, trap))
        argv = ["check", "--json", str(json_path), "--junit-xml", str(junit_path), *case.args]
        connections_before = trap.connections
        received_before = len(trap.received)
        started = time.monotonic()
        code, out, err, logs, escaped = run_cli(argv, env, fast=case.fast)
        seconds = time.monotonic() - started
        # Drain the connections an answer-less fault keeps open, then read the records.
        time.sleep(0.02)

        def read(path: Path) -> str:
            return path.read_text(encoding="utf-8") if path.exists() else ""

        return ScenarioRun(
            case=case,
            code=code,
            out=out,
            err=err,
            logs=logs,
            traceback=escaped,
            report_text=read(json_path),
            junit=read(junit_path),
            step_summary=read(summary),
            requests=store.requests,
            trap_connections=trap.connections - connections_before,
            trap_received=trap.received[received_before:],
            seconds=seconds,
            scopes=scopes,
        )
