"""`bc-scopes check-many` over 200 fake stores answering every request in 100 ms.

    .venv/bin/python scripts/bench_batch.py [--stores 200] [--latency 0.1]
                                            [--max-in-flight 32] [--concurrency 4 8]

One loopback server in this process stands in for every store (one API URL, as on
BigCommerce; each store has its own token and hash, and the server answers a
store's hash only to that store's token). The checker runs as a separate process,
exactly as a user runs it: `bc-scopes check-many stores.csv --json ...`. For each
per-store concurrency it prints the requests sent, the wall time, the bound that
latency and the global cap impose, ceil(requests / max-in-flight) x latency, their
ratio (goal <= 1.3), and the checker process's peak RSS (goal <= 250 MB, from
getrusage of the child).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bc_scopes.checker.demo import DEMO_TOKEN_SCOPES
from bc_scopes.fakestore.faults import Fault, FaultKind
from bc_scopes.fakestore.server import FakeStore

RSS_GOAL_MB = 250
RATIO_GOAL = 1.3


def bc_scopes_command() -> list[str]:
    script = Path(sys.executable).with_name("bc-scopes")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bc_scopes.checker.cli"]


def one_run(store: FakeStore, folder: Path, stores: int, max_in_flight: int,
            concurrency: int) -> dict[str, Any]:
    csv_path, report_path = folder / "stores.csv", folder / f"report-{concurrency}.json"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("BIGCOMMERCE_") and key != "GITHUB_STEP_SUMMARY"}
    env["BIGCOMMERCE_API_URL"] = store.url
    lines = ["name,store_hash,token_env"]
    for number in range(stores):
        token = f"benchtoken{number:05d}" + "0" * 16
        store.grant(token, DEMO_TOKEN_SCOPES, store_hash=f"bench{number:05d}")
        env[f"STORE_{number:05d}_TOKEN"] = token
        lines.append(f"Store {number},bench{number:05d},STORE_{number:05d}_TOKEN")
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run(
        [*bc_scopes_command(), "check-many", str(csv_path), "--json", str(report_path),
         "--max-in-flight", str(max_in_flight), "--concurrency", str(concurrency)],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
    )
    wall = time.perf_counter() - started
    report = json.loads(report_path.read_text())
    return {
        "exit": result.returncode,
        "requests": report["summary"]["requests_sent"],
        "wall": wall,
        "codes": report["summary"]["exit_codes"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--max-in-flight", type=int, default=32)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 8])
    args = parser.parse_args()

    print(f"check-many: {args.stores} fake stores on one loopback API URL, "
          f"{args.latency * 1000:.0f} ms per request, --max-in-flight {args.max_in_flight}; "
          "the checker as its own process.")
    print(f"{'per-store concurrency':<23}{'in flight max':>15}{'requests':>10}{'wall s':>9}"
          f"{'bound s':>9}{'ratio':>7}{'peak RSS MB':>13}")
    ok = True
    # One server for every store (one API URL, as on BigCommerce); 8,000 requests are not
    # recorded, since the records would only cost memory.
    many_stores = FakeStore(store_hash="benchmark0", quota=10_000_000, keep_records=False)
    with many_stores as store, tempfile.TemporaryDirectory() as folder:
        store.add_fault(Fault(FaultKind.LATENCY, delay=args.latency))
        for concurrency in args.concurrency:
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            run = one_run(store, Path(folder), args.stores, args.max_in_flight, concurrency)
            peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            # ru_maxrss of children is the largest child so far: valid per run as long as
            # each run is at least as large as the last (it is, or the figure is a max).
            peak_mb = max(peak_kb, before) / 1024
            bound = math.ceil(run["requests"] / args.max_in_flight) * args.latency
            ratio = run["wall"] / bound
            print(f"{concurrency:<23}{args.max_in_flight:>15}{run['requests']:>10}{run['wall']:>9.2f}"
                  f"{bound:>9.2f}{ratio:>7.2f}{peak_mb:>13.1f}")
            if run["exit"] != 0 or run["codes"] != {"0": args.stores}:
                print(f"  unexpected result: exit {run['exit']}, stores by exit code "
                      f"{run['codes']}")
                ok = False
            ok = ok and peak_mb <= RSS_GOAL_MB
    print(f"goals: ratio <= {RATIO_GOAL} at the default per-store concurrency of check-many, "
          f"peak RSS <= {RSS_GOAL_MB} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
