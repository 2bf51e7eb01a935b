"""One way to run `bc-scopes` in-process: clean environment, captured output and logs.

Tests pass `FAST_POLICY` so retries and rate-limit waits take milliseconds;
tests that must wait for real say so in their names.
"""

from __future__ import annotations

import contextlib
import io
import logging
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping
from typing import NamedTuple

import pytest

from bc_scopes.checker import cli
from bc_scopes.checker.options import RetryPolicy

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


# A shell that starts the suite in the background (`cmd &` without job control) makes it
# ignore SIGINT, and a child inherits that: Python then installs no KeyboardInterrupt
# handler at all. The Ctrl-C tests restore Python's own handler so they test the checker,
# not how the suite was started.
_TAKES_CTRL_C = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from bc_scopes.checker.cli import main; sys.exit(main(sys.argv[1:]))"
)


def start_cli_process(args: list[str], env: Mapping[str, str]) -> subprocess.Popen[str]:
    """`bc-scopes ARGS` in a real child process that a SIGINT interrupts, output piped."""
    return subprocess.Popen(
        [sys.executable, "-c", _TAKES_CTRL_C, *args], env=dict(env), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
