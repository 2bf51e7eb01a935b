"""The GitHub Action (action.yml): its check step, run for real against the fake store.

GitHub runs a composite step as `bash --noprofile --norc -eo pipefail <script>`
with the step's `env:`; so does this test, with $GITHUB_OUTPUT and
$GITHUB_STEP_SUMMARY pointing at temporary files and the checker of this
environment standing in for the venv the install step builds. (The install step
itself runs in tests/install, from a built sdist, offline.)
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from support.docs import REPO_ROOT
from support.store import EXACT_TOKEN, FULL_TOKEN, STORE_HASH

ACTION = REPO_ROOT / "action.yml"
BASH = shutil.which("bash")
# On Windows, `bash` may be WSL's; the action's own workflow runs it on a Windows runner.
needs_bash = pytest.mark.skipif(BASH is None or sys.platform == "win32",
                                reason="GitHub runs composite steps with bash (POSIX here)")


def action() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return document


def step(step_id: str) -> dict[str, Any]:
    [found] = [s for s in action()["runs"]["steps"] if s.get("id") == step_id]
    return found


def run_check_step(tmp_path: Path, **inputs: str) -> tuple[int, dict[str, str], str]:
    """Run the check step's script as GitHub would; return (exit, outputs, summary)."""
    script = tmp_path / "check.sh"
    script.write_text(step("check")["run"], encoding="utf-8")
    output, summary = tmp_path / "github_output", tmp_path / "summary.md"
    values = {name: spec.get("default", "") for name, spec in action()["inputs"].items()}
    values.update(inputs)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "VENV_PYTHON": sys.executable,
        "BIGCOMMERCE_STORE_HASH": values["store-hash"],
        "BIGCOMMERCE_ACCESS_TOKEN": values["access-token"],
        "BC_API_URL": values["api-url"],
        "BC_STRICT": values["strict"],
        "BC_STORES_FILE": values["stores-file"],
        "BC_FAKE_STORE": values["fake-store"],
        "BC_REPORT_DIR": values["report-dir"],
    }
    assert set(step("check")["env"]) == set(env) - {"PATH", "HOME", "GITHUB_OUTPUT",
                                                     "GITHUB_STEP_SUMMARY"}
    result = subprocess.run([str(BASH), "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    written = output.read_text() if output.exists() else ""
    outputs = dict(line.split("=", 1) for line in written.splitlines())
    return result.returncode, outputs, summary.read_text() if summary.exists() else ""


@needs_bash
def test_the_fake_store_self_test_passes_and_sets_the_outputs(tmp_path: Path) -> None:
    code, outputs, summary = run_check_step(tmp_path, **{"fake-store": "true"})
    assert code == 0
    assert outputs["exit-code"] == "0"
    report = json.loads((tmp_path / outputs["json-path"]).read_text())
    assert report["exit_code"] == 0 and report["table_version"]
    assert (tmp_path / outputs["junit-path"]).read_text().startswith("<?xml")
    assert "## BigCommerce scope check" in summary


@needs_bash
def test_a_real_check_passes_the_secrets_through_the_environment_only(
    tmp_path: Path, store: Any,
) -> None:
    code, outputs, summary = run_check_step(tmp_path, **{
        "store-hash": STORE_HASH, "access-token": EXACT_TOKEN, "api-url": store.url})
    assert code == 0 and outputs["exit-code"] == "0"
    assert EXACT_TOKEN not in summary + (tmp_path / outputs["json-path"]).read_text()


@needs_bash
def test_strict_fails_the_step_and_the_exit_code_output_says_why(
    tmp_path: Path, store: Any,
) -> None:
    code, outputs, _ = run_check_step(tmp_path, **{
        "store-hash": STORE_HASH, "access-token": FULL_TOKEN, "api-url": store.url,
        "strict": "true"})
    assert code == 1 and outputs["exit-code"] == "1"


@needs_bash
def test_a_stores_file_runs_check_many(tmp_path: Path, store: Any) -> None:
    (tmp_path / "stores.csv").write_text(
        f"name,store_hash,token_env\nOne,{STORE_HASH},BIGCOMMERCE_ACCESS_TOKEN\n")
    code, outputs, summary = run_check_step(tmp_path, **{
        "stores-file": "stores.csv", "access-token": EXACT_TOKEN, "api-url": store.url})
    assert code == 0, outputs
    report = json.loads((tmp_path / outputs["json-path"]).read_text())
    assert [entry["name"] for entry in report["stores"]] == ["One"]
    assert "| One |" in summary


@needs_bash
@pytest.mark.parametrize("inputs", [
    {"fake-store": "true", "report-dir": "reports\ninjected=1"},
    {"stores-file": "--help"},
    {"stores-file": "stores.csv\rjson-path=/etc/passwd"},
])
def test_line_breaks_and_options_posing_as_paths_are_refused(
    tmp_path: Path, inputs: dict[str, str],
) -> None:
    code, outputs, _ = run_check_step(tmp_path, **inputs)
    assert code == 2 and outputs == {}, outputs


def test_no_input_is_expanded_inside_a_script() -> None:
    """Inputs (secrets among them) reach scripts only through `env:`, never as text of a
    command line that a log, `ps` or an injected quote could expose."""
    for entry in action()["runs"]["steps"]:
        assert "${{" not in entry.get("run", ""), entry.get("name")


def test_the_checker_is_installed_from_the_action_s_own_files() -> None:
    install = step("install")
    assert install["env"]["ACTION_DIR"] == "${{ github.action_path }}"
    script = install["run"]
    assert '--require-hashes --no-deps -r "$RUNNER_TEMP/bc-scopes-runtime.lock"' in script
    assert '--no-index --no-deps --no-build-isolation "$ACTION_DIR"' in script
    assert "github.workspace" not in yaml.safe_dump(action())
    python = step("python")
    assert python["with"]["update-environment"] is False


def test_the_outputs_map_to_the_check_step() -> None:
    outputs = action()["outputs"]
    assert set(outputs) >= {"exit-code", "json-path"}
    for name, spec in outputs.items():
        assert spec["value"] == f"${{{{ steps.check.outputs.{name} }}}}"


def _closure(distribution: str) -> set[str]:
    found: set[str] = set()
    todo = [distribution]
    while todo:
        for text in importlib.metadata.requires(todo.pop()) or []:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            name = re.sub(r"[-_.]+", "-", requirement.name).lower()
            if name not in found:
                found.add(name)
                todo.append(name)
    return found


def test_the_lock_filter_installs_exactly_the_runtime_dependencies(tmp_path: Path) -> None:
    code = re.search(r"<<'PY'\n(.*?)\nPY\n", step("install")["run"], re.DOTALL)
    assert code
    result = subprocess.run(
        [sys.executable, "-", str(REPO_ROOT / "requirements.lock"),
         str(REPO_ROOT / "pyproject.toml")],
        input=code.group(1), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    pinned = {line.split("==")[0] for line in result.stdout.splitlines()
              if line and not line.startswith(" ")}
    assert pinned == _closure("bc-scopes") | {"setuptools"}
    assert all(line.strip().startswith("--hash=sha256:") for line in result.stdout.splitlines()
               if line.startswith(" "))


SHELLCHECK = shutil.which("shellcheck")


@pytest.mark.skipif(SHELLCHECK is None, reason="shellcheck is not installed (.ci/run installs it)")
@pytest.mark.parametrize("step_id", ["install", "check"])
def test_the_action_s_scripts_pass_shellcheck(tmp_path: Path, step_id: str) -> None:
    """actionlint checks workflows' scripts, not an action's: shellcheck them here."""
    script = tmp_path / f"{step_id}.sh"
    script.write_text("#!/usr/bin/env bash\n" + step(step_id)["run"], encoding="utf-8")
    result = subprocess.run([str(SHELLCHECK), "--shell=bash", str(script)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout
