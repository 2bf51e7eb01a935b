"""`bc-scopes check-many` as the batch grows: time, and the checker's own peak memory.

    .venv/bin/python scripts/bench_batch.py [--stores 200 1000 2000] [--latency 0.1]
                                            [--max-in-flight 32] [--concurrency 4]

One loopback server in this process stands in for every store (one API URL, as on
BigCommerce; each store has its own token and hash, and the server answers a
store's hash only to that store's token). The checker runs as a separate process,
exactly as a user runs it: `bc-scopes check-many stores.csv --json ...`. For each
size it prints the requests sent, the wall time, the bound
max(requests / max-in-flight x latency, the slowest store's own floor), their ratio
(goal <= 1.3), and the checker process's own peak memory, VmHWM read from
/proc/PID/status while it runs (goal: <= 150 MB, and the largest run within 15 % of
the smallest). It also times validating a stores file of 10,000 rows (goal <= 1 s).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bc_scopes.checker.demo import DEMO_TOKEN_SCOPES
from bc_scopes.fakestore.faults import Fault, FaultKind
from bc_scopes.fakestore.server import FakeStore

MEMORY_GOAL_MB = 150
MEMORY_GROWTH_GOAL = 1.15
RATIO_GOAL = 1.3
VALIDATION_GOAL_S = 1.0


def peak_memory_mb(pid: int) -> float | None:
    """VmHWM: the process's own resident high-water mark (Linux), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def validation_seconds(rows: int = 10_000) -> float:
    """Time to validate a stores file of `rows` rows, every token variable set."""
    from bc_scopes.checker.stores_file import parse_stores

    environ = {f"STORE_{n:05d}_TOKEN": f"benchtoken{n:05d}" + "0" * 16 for n in range(rows)}
    text = "name,store_hash,token_env\n" + "".join(
        f"Store {n},bench{n:05d},STORE_{n:05d}_TOKEN\n" for n in range(rows))
    started = time.perf_counter()
    parse_stores(text, "stores.csv", environ)
    return time.perf_counter() - started


def bc_scopes_command() -> list[str]:
    script = Path(sys.executable).with_name("bc-scopes")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bc_scopes.checker.cli"]


def one_run(store: FakeStore, folder: Path, stores: int, max_in_flight: int,
            concurrency: int) -> dict[str, Any]:
    csv_path, report_path = folder / "stores.csv", folder / f"report-{stores}.json"
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
    process = subprocess.Popen(
        [*bc_scopes_command(), "check-many", str(csv_path), "--json", str(report_path),
         "--max-in-flight", str(max_in_flight), "--concurrency", str(concurrency)],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, peak_memory_mb(process.pid) or 0.0)
        time.sleep(0.05)
    wall = time.perf_counter() - started
    report = json.loads(report_path.read_text())
    per_store = [entry["report"]["requests_sent"] for entry in report["stores"]
                 if entry["report"] is not None]
    return {
        "exit": process.returncode,
        "requests": report["summary"]["requests_sent"],
        "wall": wall,
        "codes": report["summary"]["exit_codes"],
        "peak_mb": peak,
        "slowest_store_requests": max(per_store, default=0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, nargs="+", default=[200, 1000, 2000])
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--max-in-flight", type=int, default=32)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    seconds = validation_seconds()
    print(f"validating a stores file of 10,000 rows: {seconds:.2f} s "
          f"(goal <= {VALIDATION_GOAL_S:g} s)")
    print(f"check-many: fake stores on one loopback API URL, {args.latency * 1000:.0f} ms per "
          f"request, --max-in-flight {args.max_in_flight}, --concurrency {args.concurrency}; "
          "the checker as its own process.")
    print(f"{'stores':>7}{'requests':>10}{'wall s':>9}{'bound s':>9}{'ratio':>7}"
          f"{'peak MB (VmHWM)':>17}")
    ok = seconds <= VALIDATION_GOAL_S
    peaks = []
    # One server for every store (one API URL, as on BigCommerce); requests are not
    # recorded, since the records would only cost memory.
    many_stores = FakeStore(store_hash="benchmark0", quota=10_000_000, keep_records=False)
    with many_stores as store, tempfile.TemporaryDirectory() as folder:
        store.add_fault(Fault(FaultKind.LATENCY, delay=args.latency))
        for stores in args.stores:
            run = one_run(store, Path(folder), stores, args.max_in_flight, args.concurrency)
            # The slowest store on its own: the preflight, then its probes, `concurrency`
            # at a time.
            floor = (1 + math.ceil((run["slowest_store_requests"] - 1) / args.concurrency)
                     ) * args.latency
            bound = max(run["requests"] / args.max_in_flight * args.latency, floor)
            ratio = run["wall"] / bound
            peaks.append(run["peak_mb"])
            print(f"{stores:>7}{run['requests']:>10}{run['wall']:>9.2f}{bound:>9.2f}"
                  f"{ratio:>7.2f}{run['peak_mb']:>17.1f}")
            if run["exit"] != 0 or run["codes"] != {"0": stores}:
                print(f"  unexpected result: exit {run['exit']}, stores by exit code "
                      f"{run['codes']}")
                ok = False
            ok = ok and run["peak_mb"] <= MEMORY_GOAL_MB
    growth = max(peaks) / min(peaks) if peaks and min(peaks) else math.inf
    print(f"peak memory, largest run / smallest run: {growth:.2f} "
          f"(goal <= {MEMORY_GROWTH_GOAL}); goals: ratio <= {RATIO_GOAL}, "
          f"peak <= {MEMORY_GOAL_MB} MB")
    return 0 if ok and growth <= MEMORY_GROWTH_GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
