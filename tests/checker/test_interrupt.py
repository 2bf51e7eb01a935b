"""Ctrl-C during a check: every worker stops at once, one line, exit 130.

A real process and a real SIGINT, against the fake store answering slowly, so
that probes are still queued when the signal arrives.
"""

from __future__ import annotations

import sys

import pytest
from support.cli import interrupt_mid_check
from support.store import EXACT_TOKEN, STORE_HASH

from bc_scopes import exitcodes
from bc_scopes.fakestore.faults import Fault, FaultKind

LATENCY = 0.4


@pytest.mark.skipif(sys.platform == "win32", reason="sends a POSIX SIGINT")
def test_ctrl_c_sends_nothing_more_and_exits_130_with_one_line(store) -> None:
    store.add_fault(Fault(FaultKind.LATENCY, delay=LATENCY))
    run = interrupt_mid_check(["check", "--concurrency", "2"], {
        "BIGCOMMERCE_STORE_HASH": STORE_HASH,
        "BIGCOMMERCE_API_URL": store.url,
        "BIGCOMMERCE_ACCESS_TOKEN": EXACT_TOKEN,
    }, store)

    assert run.code == exitcodes.INTERRUPTED
    assert run.err.count("\n") == 1 and "interrupted" in run.err and "Traceback" not in run.err
    assert run.late_paths == [], f"requests sent after Ctrl-C: {run.late_paths}"
    assert run.seconds_to_exit < LATENCY + 1.0, "the process waited for the slow answers"
    assert "Summary" not in run.out
