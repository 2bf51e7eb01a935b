"""From process start to the first request: how soon `bc-scopes check` gets to work.

    .venv/bin/python scripts/bench_first_request.py [--runs 5] [--json-out FILE]

Why: every run pays its start-up before anything useful happens (imports,
loading and validating scopes.yaml, building the client). The goal is 0.3 s,
median of 5 runs with a warm disk cache. The fake store runs in this process;
each request it records carries its arrival time on the system-wide monotonic
clock, which is compared with the moment the checker's process was started.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import BenchResult, argument_parser

from bc_scopes.checker.demo import DEMO_ACCESS_TOKEN, DEMO_TOKEN_SCOPES
from bc_scopes.fakestore.server import FakeStore

GOAL_SECONDS = 0.3
STORE_HASH = "bench2"


def checker_command() -> list[str]:
    console_script = Path(sys.executable).parent / "bc-scopes"
    if console_script.exists():
        return [str(console_script), "check"]
    return [sys.executable, "-m", "bc_scopes.checker.cli", "check"]


def one_run(store: FakeStore) -> float:
    """Seconds from starting the process to the first request arriving at the store."""
    store.reset()
    store.grant(DEMO_ACCESS_TOKEN, DEMO_TOKEN_SCOPES)
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("BIGCOMMERCE_", "GITHUB_STEP_SUMMARY", "PYTHONDONTWRITEBYTECODE"))
    }
    env.update(
        BIGCOMMERCE_STORE_HASH=STORE_HASH,
        BIGCOMMERCE_API_URL=store.url,
        BIGCOMMERCE_ACCESS_TOKEN=DEMO_ACCESS_TOKEN,
    )
    started = time.monotonic()
    subprocess.run(
        checker_command(), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, timeout=120, check=False,
    )
    requests = store.requests
    if not requests:
        raise RuntimeError("the checker sent no request")
    return min(request.received_at for request in requests) - started


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with FakeStore(store_hash=STORE_HASH) as store:
        one_run(store)  # warm the disk cache and the bytecode
        times = [one_run(store) for _ in range(args.runs)]
    median = statistics.median(times)
    command = "bc-scopes check (fake store on 127.0.0.1)"
    print(f"{command}: process start to first request, {args.runs} runs")
    print("  runs: " + ", ".join(f"{value:.3f}" for value in times))
    print(f"  median {median:.3f} s (goal <= {GOAL_SECONDS} s)")
    result = BenchResult("first request", ".venv/bin/python scripts/bench_first_request.py")
    result.add("start to first request, median", round(median, 3), "s", f"<= {GOAL_SECONDS} s",
               median <= GOAL_SECONDS)
    result.write(args.json_out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
