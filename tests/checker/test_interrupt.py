"""Ctrl-C during a check: every worker stops at once, one line, exit 130.

A real process and a real SIGINT, against the fake store answering slowly, so
that probes are still queued when the signal arrives.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest
from support.cli import start_cli_process
from support.store import EXACT_TOKEN, STORE_HASH

from bc_scopes import exitcodes
from bc_scopes.fakestore.faults import Fault, FaultKind

LATENCY = 0.4


@pytest.mark.skipif(sys.platform == "win32", reason="sends a POSIX SIGINT")
def test_ctrl_c_sends_nothing_more_and_exits_130_with_one_line(store) -> None:
    store.add_fault(Fault(FaultKind.LATENCY, delay=LATENCY))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BIGCOMMERCE_")},
        "BIGCOMMERCE_STORE_HASH": STORE_HASH,
        "BIGCOMMERCE_API_URL": store.url,
        "BIGCOMMERCE_ACCESS_TOKEN": EXACT_TOKEN,
    }
    env.pop("GITHUB_STEP_SUMMARY", None)
    process = start_cli_process(["check", "--concurrency", "2"], env)
    deadline = time.monotonic() + 20
    while len(store.requests) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(store.requests) >= 3, "the check never got going"
    signalled_at = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    exited_after = time.monotonic() - signalled_at

    assert process.returncode == exitcodes.INTERRUPTED
    assert err.count("\n") == 1 and "interrupted" in err and "Traceback" not in err
    late = [r.api_path for r in store.requests if r.received_at > signalled_at + 0.05]
    assert late == [], f"requests sent after Ctrl-C: {late}"
    assert exited_after < LATENCY + 1.0, "the process waited for the slow answers"
    assert "Summary" not in out
