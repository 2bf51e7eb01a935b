"""Start-up time of `bc-scopes --help`, next to a bare `python -c pass` in the same run.

Why: the checker is a command people run by hand and in CI; if `--help` is slow,
every run is slow, and the usual cause is a heavy import at module level. The goal
is 0.3 s. The two commands are timed alternately so that disk cache and CPU
frequency affect both alike, and `-X importtime` names the modules that cost most.

Usage: .venv/bin/python scripts/bench_startup.py [--runs 20] [--json-out FILE]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import REPO_ROOT, BenchResult, argument_parser, command_line, seconds

GOAL_SECONDS = 0.3
TOP_IMPORTS = 12


def help_command() -> tuple[list[str], str]:
    """The installed console script if there is one, else the module; and how to show it."""
    console_script = Path(sys.executable).parent / "bc-scopes"
    if console_script.exists():
        return [str(console_script), "--help"], ".venv/bin/bc-scopes --help"
    module_command = [sys.executable, "-m", "bc_scopes.checker.cli", "--help"]
    return module_command, ".venv/bin/python -m bc_scopes.checker.cli --help"


def environment() -> dict[str, str]:
    """The user's environment, except that bytecode caching is on, as on a normal install.

    With PYTHONDONTWRITEBYTECODE set (some CI images set it), every run would compile
    bc_scopes from source again, which measures the image, not the command.
    """
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def time_once(command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=REPO_ROOT, env=environment(), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {result.returncode}: "
            f"{result.stderr.decode(errors='replace').strip()[-500:]}"
        )
    return elapsed


def _importtime_rows(code: str) -> list[tuple[int, int, str, int]]:
    """(cumulative µs, self µs, module, depth) per import `python -X importtime -c code` reports."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=REPO_ROOT, env=environment(), capture_output=True, text=True, check=False,
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        rows.append((int(cumulative_us), int(self_us), name.strip(), depth))
    return rows


def import_offenders(module: str) -> tuple[int, list[tuple[int, int, str]]]:
    """Total µs that `import module` adds to a bare start, and its slowest imports.

    Modules the interpreter loads anyway (site, encodings...) are subtracted by
    name, so what remains is exactly what importing the CLI pulls in.
    """
    already_loaded = {row[2] for row in _importtime_rows("pass")}
    rows = [row for row in _importtime_rows(f"import {module}") if row[2] not in already_loaded]
    total = sum(cumulative for cumulative, _, _, depth in rows if depth == 0)
    slowest = sorted(rows, reverse=True)[:TOP_IMPORTS]
    return total, [(cumulative, own, name) for cumulative, own, name, _ in slowest]


def main() -> int:
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each command")
    args = parser.parse_args()

    result = BenchResult("startup", command_line())
    command, shown = help_command()
    baseline = [sys.executable, "-c", "pass"]
    try:
        time_once(command)  # warm the disk cache and any .pyc writes; not counted
    except (RuntimeError, OSError) as error:
        print(f"start-up: cannot run {shown}: {error}")
        result.add("bc-scopes --help", "not run: " + str(error).splitlines()[0][:120])
        result.write(args.json_out)
        return 1
    time_once(baseline)

    help_times, baseline_times = [], []
    for _ in range(args.runs):
        help_times.append(time_once(command))
        baseline_times.append(time_once(baseline))

    help_median = statistics.median(help_times)
    baseline_median = statistics.median(baseline_times)
    met = help_median <= GOAL_SECONDS
    print(f"start-up, {args.runs} alternating runs each ({shown} vs python -c pass)")
    print(f"  {shown:<45} median {help_median:.3f} s  min {min(help_times):.3f} s")
    print(
        f"  {'python -c pass':<45} median {baseline_median:.3f} s  "
        f"min {min(baseline_times):.3f} s"
    )
    print(f"  cost above bare Python: {help_median - baseline_median:.3f} s")
    print(f"  goal <= {GOAL_SECONDS} s: {'met' if met else 'NOT met'}")

    goal = f"<= {GOAL_SECONDS} s"
    result.add(f"`{shown}` median of {args.runs}", seconds(help_median), "s", goal, met)
    result.add(f"`{shown}` min of {args.runs}", seconds(min(help_times)), "s")
    result.add("`python -c pass` median (baseline)", seconds(baseline_median), "s")
    result.add("cost above bare Python (median)", seconds(help_median - baseline_median), "s")

    total_us, offenders = import_offenders("bc_scopes.checker.cli")
    print(f"  import bc_scopes.checker.cli adds {total_us / 1000:.1f} ms; slowest imports "
          "(python -X importtime; cumulative ms, self ms):")
    for cumulative, own, name in offenders:
        print(f"    {cumulative / 1000:8.1f} {own / 1000:8.1f}  {name}")
    result.add(
        "`import bc_scopes.checker.cli` (python -X importtime)", round(total_us / 1000, 1), "ms"
    )
    result.notes.append(
        "Slowest imports under bc_scopes.checker.cli (`.venv/bin/python -X importtime -c "
        "'import bc_scopes.checker.cli'`, cumulative ms / self ms): "
        + "; ".join(f"{name} {cum / 1000:.1f}/{own / 1000:.1f}" for cum, own, name in offenders[:8])
    )
    result.write(args.json_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
