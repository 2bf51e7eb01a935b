"""Shared plumbing for the benchmark scripts: figures, timed builds, project copies.

Each benchmark prints its figures for a human and, with `--json-out FILE`, writes
them as JSON for scripts/bench_all.py, which turns them into BENCHMARKS.md. Keeping
the figure format here means the file and the terminal can never disagree.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tools import project
from tools.project import REPO_ROOT

# What `mkdocs build` reads. bc_scopes is not copied: the build imports the installed package.
DOCS_INPUTS = project.DOCS_INPUTS
BUILD_TIMEOUT_S = 300


@dataclass
class Figure:
    """One measured number, the goal it is judged against, and the command that produced it."""

    name: str
    value: float | int | str
    unit: str = ""
    goal: str = ""
    met: bool | None = None


@dataclass
class BenchResult:
    benchmark: str
    command: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: float | int | str, unit: str = "", goal: str = "",
            met: bool | None = None) -> None:
        self.figures.append(Figure(name, value, unit, goal, met))

    def write(self, path: Path | None) -> None:
        if path is not None:
            path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


def argument_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--json-out", type=Path, default=None,
        help="also write the figures as JSON to this file (used by scripts/bench_all.py)",
    )
    return parser


def command_line() -> str:
    """How this script was invoked, relative to the repository, for 'which command produced it'."""
    script = Path(sys.argv[0]).resolve()
    try:
        script_text = str(script.relative_to(REPO_ROOT))
    except ValueError:
        script_text = str(script)
    args = []
    skip_next = False
    for arg in sys.argv[1:]:
        if skip_next:
            skip_next = False
            continue
        if arg == "--json-out":
            skip_next = True
            continue
        if arg.startswith("--json-out="):
            continue
        args.append(arg)
    return " ".join([".venv/bin/python", script_text, *args])


def mkdocs_environment() -> dict[str, str]:
    """mkdocs without the end-of-life banner, with bc_scopes importable from any copy."""
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["BC_GIT_DATES"] = "false"  # two builds are compared page by page; no build dates
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if part
    )
    return env


def copy_docs_project(destination: Path) -> Path:
    """Copy the docs inputs into `destination`, so a benchmark can change them freely."""
    return project.copy_docs_project(destination, REPO_ROOT)


class BuildFailed(RuntimeError):
    """A strict build did not pass; the message carries mkdocs' own last lines."""


@dataclass(frozen=True)
class BuildTiming:
    wall_s: float
    reported_s: float | None  # mkdocs' own "Documentation built in X seconds"


_REPORTED = re.compile(r"Documentation built in ([0-9.]+) seconds")


def timed_strict_build(
    project: Path, site_dir: Path, extra_env: dict[str, str] | None = None
) -> BuildTiming:
    """Time one real `mkdocs build --strict` (never -q or -v: they hide the warnings)."""
    env = {**mkdocs_environment(), **(extra_env or {})}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project, env=env, capture_output=True, text=True,
        timeout=BUILD_TIMEOUT_S, check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BuildFailed(
            f"mkdocs build --strict failed in {project} (rc {result.returncode}):\n{tail}"
        )
    reported = _REPORTED.search(result.stderr)
    return BuildTiming(elapsed, float(reported.group(1)) if reported else None)


def seconds(value: float) -> float:
    return round(value, 3)
