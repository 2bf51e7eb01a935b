"""How long a full check takes against a store that answers every request in 100 ms.

    .venv/bin/python scripts/bench_checker.py [--latency 0.1] [--repeat 3]

Runs the real `check()` call (client, worker threads, verdicts) in-process
against the loopback fake store with a 100 ms delay on every request, once
sequentially (--concurrency 1) and once with the default concurrency. For
each it prints the requests sent, the best wall time of `--repeat` runs,
the lower bound that latency alone imposes, and the ratio.

The lower bound: the preflight must finish before the probes start, and N
probes on C threads need at least ceil(N / C) round trips, so
(1 + ceil(N / C)) x latency.
"""

from __future__ import annotations

import argparse
import math
import time

from bc_scopes.checker.check import check
from bc_scopes.checker.demo import DEMO_ACCESS_TOKEN, DEMO_TOKEN_SCOPES
from bc_scopes.checker.inputs import CheckInputs
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.probes import unique_probes
from bc_scopes.checker.secrets import Secret
from bc_scopes.fakestore.faults import Fault, FaultKind
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable, load_scope_table

STORE_HASH = "bench1"


def one_run(
    store: FakeStore, table: ScopeTable, concurrency: int
) -> tuple[float, int, int, float]:
    """(seconds, requests the store saw, exit code, first-to-last request span) for one check."""
    store._requests.clear()  # noqa: SLF001 - the benchmark owns this store
    inputs = CheckInputs(STORE_HASH, store.url, Secret(DEMO_ACCESS_TOKEN))
    started = time.perf_counter()
    report = check(table, inputs, CheckOptions(concurrency=concurrency))
    arrivals = sorted(request.received_at for request in store.requests)
    span = arrivals[-1] - arrivals[0]
    return time.perf_counter() - started, len(store.requests), report.exit_code, span


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to each answer")
    parser.add_argument("--repeat", type=int, default=3, help="runs per setting; the best is kept")
    args = parser.parse_args()

    table = load_scope_table()
    probes = len(unique_probes(table.all_rows))
    default_concurrency = CheckOptions().concurrency
    print(f"Full check: {probes} probes + 1 preflight, {args.latency * 1000:.0f} ms per request, "
          f"best of {args.repeat} runs; the real check() call.")
    print(f"{'setting':<26}{'requests':>9}{'wall s':>9}{'bound s':>9}{'ratio':>7}")
    rows = []
    with FakeStore(store_hash=STORE_HASH) as store:
        store.grant(DEMO_ACCESS_TOKEN, DEMO_TOKEN_SCOPES)
        store.add_fault(Fault(FaultKind.LATENCY, delay=args.latency))
        for label, concurrency in (("sequential (1)", 1), (f"default ({default_concurrency})",
                                                             default_concurrency)):
            runs = [one_run(store, table, concurrency) for _ in range(args.repeat)]
            seconds, requests, code, span = min(runs)
            bound = (1 + math.ceil(probes / concurrency)) * args.latency
            rows.append((label, seconds))
            print(f"{label:<26}{requests:>9}{seconds:>9.2f}{bound:>9.2f}{seconds / bound:>7.2f}"
                  + ("" if code == 0 else f"  (exit code {code})"))
            # The rate-limit goal: first to last request within
            # 1.3 x ceil(probes / concurrency) x latency + latency (the preflight).
            span_goal = 1.3 * math.ceil(probes / concurrency) * args.latency + args.latency
            print(f"{'':<26}first-to-last request {span:.2f} s, goal <= {span_goal:.2f} s "
                  f"({'met' if span <= span_goal else 'NOT met'})")
    speedup = rows[0][1] / rows[1][1]
    print(f"speed-up of the default over sequential: {speedup:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
