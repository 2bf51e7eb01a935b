"""One way to run `bc-scopes` in-process: clean environment, captured output and logs.

Tests pass `FAST_POLICY` so retries and rate-limit waits take milliseconds;
tests that must wait for real say so in their names.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

from bc_scopes.checker import cli
from bc_scopes.checker.options import RetryPolicy
from bc_scopes.checker.probes import PREFLIGHT_PATH
from bc_scopes.fakestore.faults import Fault, FaultKind
from bc_scopes.fakestore.server import FakeStore

from .store import ENV_NAMES

FAST_POLICY = RetryPolicy(
    backoff=0.01, rate_limit_fallback=0.05, rate_limit_wait_cap=0.2, total_wait_cap=1.0
)


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


def run_cli(
    argv: list[str], env: Mapping[str, str | None], policy: RetryPolicy | None = FAST_POLICY
) -> CliResult:
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
        with (
            captured_logs() as logs,
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = cli.main(argv, policy=policy)
            except Exception:  # an escaped exception is a finding; keep it to search it
                escaped = traceback.format_exc()
    return CliResult(code, out.getvalue(), err.getvalue(), logs.getvalue(), escaped)


class CheckRun(NamedTuple):
    """One `bc-scopes check` run and the report files it wrote ("" when it wrote none)."""

    result: CliResult
    report_text: str
    junit: str
    step_summary: str


def run_check(args: Sequence[str], env: Mapping[str, str | None], folder: Path,
              policy: RetryPolicy | None = FAST_POLICY, outputs: bool = True) -> CheckRun:
    """`bc-scopes check ARGS` in-process; with `outputs`, every report channel is switched on
    (JSON, JUnit XML, the GitHub step summary) into `folder` and read back.

    The one way the harness runs a check: the `check_cli` fixture and the fault scenarios
    both come here, so a change to how a check is run is made once.
    """
    folder.mkdir(parents=True, exist_ok=True)
    json_path, junit_path, summary = (
        folder / "report.json", folder / "junit.xml", folder / "summary.md"
    )
    argv = ["check", *args]
    values = dict(env)
    if outputs:
        argv += ["--json", str(json_path), "--junit-xml", str(junit_path)]
        values.setdefault("GITHUB_STEP_SUMMARY", str(summary))
    result = run_cli(argv, values, policy)

    def read(path: Path) -> str:
        return path.read_text(encoding="utf-8") if path.exists() else ""

    return CheckRun(result, read(json_path), read(junit_path), read(summary))


# A shell that starts the suite in the background (`cmd &` without job control) makes it
# ignore SIGINT, and a child inherits that: Python then installs no KeyboardInterrupt
# handler at all. The Ctrl-C tests restore Python's own handler so they test the checker,
# not how the suite was started.
_TAKES_CTRL_C = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from bc_scopes.checker.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _start_cli_process(args: list[str], env: Mapping[str, str]) -> subprocess.Popen[str]:
    """`bc-scopes ARGS` in a real child process that a SIGINT interrupts, output piped."""
    return subprocess.Popen(
        [sys.executable, "-c", _TAKES_CTRL_C, *args], env=dict(env), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


class Interrupted(NamedTuple):
    code: int
    out: str
    err: str
    seconds_to_exit: float  # from the SIGINT to the process's end
    late_paths: list[str]  # requests the store received after the SIGINT, stragglers excused


def interrupt_mid_check(args: list[str], extra_env: Mapping[str, str], store: FakeStore,
                        in_flight: int, latency: float) -> Interrupted:
    """Run `bc-scopes ARGS` as a real process against `store`, whose probes answer after
    `latency` seconds (the preflight at once), and press Ctrl-C once the preflights and
    `in_flight` probes have arrived: every worker is then waiting for a slow answer.

    Counted, not raced: no worker can send again before its answer, `latency` seconds
    away, so a request that arrives later than half of that after the signal was sent
    after Ctrl-C. Requests of the same burst that a busy machine delivers late are
    excused (up to that half)."""
    every_probe = f"^(?!{re.escape(PREFLIGHT_PATH)}$)"  # every path but the preflight's
    store.add_fault(Fault(FaultKind.LATENCY, path=every_probe, delay=latency))
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("BIGCOMMERCE_") and key != "GITHUB_STEP_SUMMARY"}
    process = _start_cli_process(args, {**env, **extra_env})

    def probes() -> int:
        return sum(1 for r in store.requests if r.api_path != PREFLIGHT_PATH)

    deadline = time.monotonic() + 20
    while probes() < in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert probes() == in_flight, f"expected {in_flight} probes in flight, saw {probes()}"
    signalled_at = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    seconds = time.monotonic() - signalled_at
    late = [r.api_path for r in store.requests if r.received_at > signalled_at + latency / 2]
    return Interrupted(process.returncode, out, err, seconds, late)
