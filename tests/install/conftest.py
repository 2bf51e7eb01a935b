"""The checker as a user installs it: an sdist and a wheel built from a copy of the
sources, installed into a new virtual environment, run from outside the repository.

Built once per session. The venv is made by the GitHub Action's own install step
(read from action.yml) from the unpacked sdist, as a release would be installed;
the built wheel then replaces the checker it built. The runtime dependencies are
the hash-pinned subset of requirements.lock that step selects, downloaded once into
a wheelhouse kept between sessions and keyed by that subset's content, so later
runs install offline (`--no-index`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from support.docs import REPO_ROOT
from support.shared import made_once

# What the sdist is built from: the files a clone holds that the package needs.
SOURCE_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "scopes.yaml",
                "scopes.schema.json", "requirements.lock", "action.yml")
SOURCE_DIRS = ("bc_scopes",)
TIMEOUT = 240


def run(args: list[str | Path], cwd: Path, env: Mapping[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(arg) for arg in args], cwd=cwd, env=dict(env or clean_env()),
                          input=stdin, capture_output=True, text=True, timeout=TIMEOUT,
                          check=False)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no repository on sys.path, no checker settings."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("BIGCOMMERCE_", "PYTHON", "PIP_", "VIRTUAL_ENV", "PYTEST"))
           and key not in ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT")}
    env.update(extra)
    return env


def venv_python(venv: Path) -> Path:
    posix = venv / "bin" / "python"
    return posix if posix.exists() else venv / "Scripts" / "python.exe"


def venv_script(venv: Path, name: str) -> Path:
    posix = venv / "bin" / name
    return posix if posix.exists() else venv / "Scripts" / f"{name}.exe"


def action_step(step_id: str) -> str:
    """The `run:` script of one step of the repository's action.yml."""
    document = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
    [step] = [step for step in document["runs"]["steps"] if step.get("id") == step_id]
    script: str = step["run"]
    return script


def runtime_lock_filter() -> str:
    """The Python the action runs to cut the runtime dependencies out of requirements.lock."""
    match = re.search(r"<<'PY'\n(.*?)\nPY\n", action_step("install"), re.DOTALL)
    assert match, "action.yml's install step no longer holds its lock filter"
    return match.group(1)


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path
    sdist_tree: Path  # the unpacked sdist: what `pip install <sdist>` builds from
    runtime_lock: Path
    wheelhouse: Path


def _copy_sources(target: Path) -> None:
    target.mkdir(parents=True)
    for name in SOURCE_FILES:
        shutil.copy2(REPO_ROOT / name, target / name)
    for name in SOURCE_DIRS:
        shutil.copytree(REPO_ROOT / name, target / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data"))


def _pep517(hook: str, source: Path, out: Path) -> Path:
    """Call setuptools' PEP 517 hook directly (as `python -m build` would, offline)."""
    out.mkdir(parents=True, exist_ok=True)
    code = (f"import sys; from setuptools import build_meta; "
            f"print(build_meta.{hook}(sys.argv[1]))")
    result = run([sys.executable, "-c", code, out], cwd=source)
    assert result.returncode == 0, result.stdout + result.stderr
    return out / result.stdout.strip().splitlines()[-1]


def _wheelhouse(runtime_lock: Path) -> Path:
    """Wheels of the runtime dependencies, downloaded once per lock content."""
    digest = hashlib.sha256(runtime_lock.read_bytes()).hexdigest()[:16]
    house = Path(tempfile.gettempdir()) / "bc-scopes-wheelhouse" / digest
    if (house / ".complete").exists():
        return house
    # Download beside it and rename into place: xdist workers may race on a first run.
    partial = house.with_name(f"{digest}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    result = run([sys.executable, "-m", "pip", "download", "--quiet",
                  "--disable-pip-version-check", "--require-hashes", "--no-deps",
                  "--only-binary", ":all:", "-r", runtime_lock, "-d", partial],
                 cwd=partial, env=clean_env())
    assert result.returncode == 0, "pip download failed:\n" + result.stderr[-3000:]
    (partial / ".complete").write_text("ok\n")
    try:
        partial.rename(house)
    except OSError:  # another worker got there first, or an old incomplete copy is in the way
        if not (house / ".complete").exists():
            shutil.rmtree(house, ignore_errors=True)
            partial.rename(house)
        else:
            shutil.rmtree(partial, ignore_errors=True)
    return house


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sdist and the wheel, built once per session (shared by the xdist workers)."""

    def build(root: Path) -> None:
        source = root / "source"
        _copy_sources(source)
        sdist = _pep517("build_sdist", source, root / "dist")
        with tarfile.open(sdist) as archive:
            archive.extractall(root / "unpacked", filter="data")
        [sdist_tree] = list((root / "unpacked").iterdir())
        _pep517("build_wheel", sdist_tree, root / "dist")
        result = run([sys.executable, "-", REPO_ROOT / "requirements.lock",
                      REPO_ROOT / "pyproject.toml"], cwd=root, stdin=runtime_lock_filter())
        assert result.returncode == 0, result.stderr
        (root / "runtime.lock").write_text(result.stdout, encoding="utf-8")

    root = made_once(tmp_path_factory, "install-build", build)
    [sdist] = list((root / "dist").glob("*.tar.gz"))
    [wheel] = list((root / "dist").glob("*.whl"))
    [sdist_tree] = list((root / "unpacked").iterdir())
    lock = root / "runtime.lock"
    return Built(sdist, wheel, sdist_tree, lock, _wheelhouse(lock))


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    bc_scopes: Path  # the console script
    outside: Path  # a folder far from the repository to run it in
    github_env: dict[str, str]  # what the action's steps saw: RUNNER_TEMP, GITHUB_OUTPUT...


BASH = shutil.which("bash")


def run_action_step(step_id: str, cwd: Path, env: Mapping[str, str]
                    ) -> subprocess.CompletedProcess[str]:
    """One step of action.yml, run as GitHub runs a composite step's script."""
    assert BASH is not None
    script = cwd / f"action-{step_id}.sh"
    script.write_text(action_step(step_id), encoding="utf-8")
    return subprocess.run([BASH, "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=cwd, env=dict(env), capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)


def github_outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.fixture(scope="session")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """A new venv, made by the GitHub Action's own install step from the unpacked sdist
    (hash-checked dependencies, offline from the wheelhouse), with the built wheel then
    installed over the checker it built. One venv serves both, to keep the suite fast."""
    if BASH is None or sys.platform == "win32":
        pytest.skip("the action's install step is a bash script (POSIX here)")
    root = tmp_path_factory.mktemp("venv")
    github_env = clean_env(RUNNER_TEMP=str(root), GITHUB_OUTPUT=str(root / "github_output"),
                           GITHUB_STEP_SUMMARY=str(root / "summary.md"))
    result = run_action_step("install", root, {
        **github_env, "PYTHON": sys.executable, "ACTION_DIR": str(built.sdist_tree),
        "VENV": str(root / "venv"), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(built.wheelhouse),
        # No .pyc for every installed module: only what a run imports gets compiled.
        "PIP_NO_COMPILE": "1",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    python = Path(github_outputs(root / "github_output")["python"])
    assert python == venv_python(root / "venv")
    # The venv has no pip of its own (see action.yml): this pip installs into it.
    pip = [sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check"]
    result = run([*pip, "install", "--quiet", "--no-index", "--no-deps", "--force-reinstall",
                  built.wheel], cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run([*pip, "check"], cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    outside = root / "elsewhere"
    outside.mkdir()
    yield Installed(root / "venv", python, venv_script(root / "venv", "bc-scopes"), outside,
                    github_env)
