"""How long a full check takes against a store that answers every request in 100 ms.

    .venv/bin/python scripts/bench_checker.py [--latency 0.1] [--repeat 3]

Runs the real `bc-scopes check` path (pytest session, plugin, client, thread
pool) in-process against the loopback fake store with a 100 ms delay on every
request, once sequentially (--concurrency 1) and once with the default
concurrency. For each it prints the requests sent, the best wall time of
`--repeat` runs, the lower bound that latency alone imposes, and the ratio.

The lower bound: the preflight must finish before the probes start, and N
probes on C threads need at least ceil(N / C) round trips, so
(1 + ceil(N / C)) x latency.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bc_scopes.checker.client import ClientPolicy  # noqa: E402
from bc_scopes.checker.demo import DEMO_ACCESS_TOKEN, DEMO_TOKEN_SCOPES  # noqa: E402
from bc_scopes.fakestore.faults import Fault, FaultKind  # noqa: E402
from bc_scopes.fakestore.server import FakeStore  # noqa: E402
from bc_scopes.checker.inputs import CheckInputs  # noqa: E402
from bc_scopes.model import DEFAULT_SCOPES_FILE, load_scope_table  # noqa: E402
from bc_scopes.checker.probes import unique_probes  # noqa: E402
from bc_scopes.runner import RunOptions, run_check_session  # noqa: E402
from bc_scopes.checker.secrets import Secret  # noqa: E402

STORE_HASH = "bench1"


def one_run(store: FakeStore, concurrency: int) -> tuple[float, int, int]:
    """(seconds, requests the store saw, exit code) for one full check."""
    store._requests.clear()  # noqa: SLF001 - the benchmark owns this store
    inputs = CheckInputs(STORE_HASH, store.url, Secret(DEMO_ACCESS_TOKEN))
    options = RunOptions(DEFAULT_SCOPES_FILE, concurrency=concurrency, policy=ClientPolicy())
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = run_check_session(inputs, options)
    return time.perf_counter() - started, len(store.requests), code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to each answer")
    parser.add_argument("--repeat", type=int, default=3, help="runs per setting; the best is kept")
    args = parser.parse_args()

    probes = len(unique_probes(load_scope_table().rows))
    default_concurrency = RunOptions(DEFAULT_SCOPES_FILE).concurrency
    print(f"Full check: {probes} probes + 1 preflight, {args.latency * 1000:.0f} ms per request, "
          f"best of {args.repeat} runs; real pytest session, client and thread pool.")
    print(f"{'setting':<26}{'requests':>9}{'wall s':>9}{'bound s':>9}{'ratio':>7}")
    rows = []
    with FakeStore(store_hash=STORE_HASH) as store:
        store.grant(DEMO_ACCESS_TOKEN, DEMO_TOKEN_SCOPES)
        store.add_fault(Fault(FaultKind.LATENCY, delay=args.latency))
        for label, concurrency in (("sequential (1)", 1), (f"default ({default_concurrency})",
                                                             default_concurrency)):
            runs = [one_run(store, concurrency) for _ in range(args.repeat)]
            seconds, requests, code = min(runs)
            bound = (1 + math.ceil(probes / concurrency)) * args.latency
            rows.append((label, seconds))
            print(f"{label:<26}{requests:>9}{seconds:>9.2f}{bound:>9.2f}{seconds / bound:>7.2f}"
                  + ("" if code == 0 else f"  (exit code {code})"))
    speedup = rows[0][1] / rows[1][1]
    print(f"speed-up of the default over sequential: {speedup:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
