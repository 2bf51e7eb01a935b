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

LATENCY = 3.0  # how long each probe's answer takes; the preflight answers at once
CONCURRENCY = 2


@pytest.mark.skipif(sys.platform == "win32", reason="sends a POSIX SIGINT")
def test_ctrl_c_sends_nothing_more_and_exits_130_with_one_line(store) -> None:
    run = interrupt_mid_check(["check", "--concurrency", str(CONCURRENCY)], {
        "BIGCOMMERCE_STORE_HASH": STORE_HASH,
        "BIGCOMMERCE_API_URL": store.url,
        "BIGCOMMERCE_ACCESS_TOKEN": EXACT_TOKEN,
    }, store, in_flight=CONCURRENCY, latency=LATENCY)

    assert run.code == exitcodes.INTERRUPTED
    assert run.err.count("\n") == 1 and "interrupted" in run.err and "Traceback" not in run.err
    assert run.late_paths == [], f"requests sent after Ctrl-C: {run.late_paths}"
    # The answers are LATENCY seconds away: ending in half of it means none was awaited.
    assert run.seconds_to_exit < LATENCY / 2, "the process waited for the slow answers"
    assert "Summary" not in run.out
