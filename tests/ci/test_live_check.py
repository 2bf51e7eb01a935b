"""The scheduled live check, run step by step here against the loopback fake store.

The shell of each step is taken from .github/workflows/live-check.yml itself and run with
bash the way Actions runs it (`bash -eo pipefail`), with GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY pointing at temporary files and a stand-in `gh` on PATH that records
its arguments. So these tests exercise the workflow's own scripts: the skip without
secrets, the real `bc-scopes check` with its reports, the issue text written in the check
job, and the one `scope-regression` issue opened from it by the separate `issue` job (which
is run here without any BIGCOMMERCE_* value in its environment, as in the workflow).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.docs import REPO_ROOT

from bc_scopes.model import ScopeRow, load_scope_table

from .workflow_files import WORKFLOW_DIR, load_workflow

ISSUE_SCRIPT = REPO_ROOT / "scripts" / "scope_regression_issue.py"
CANARY_TOKEN = "canary0token0must0never0appear0000001"
STORE_HASH = "ci4live"

FAKE_GH = """#!/usr/bin/env bash
# Stand-in for the GitHub CLI: records each call, answers `issue list` from the environment.
printf '%s\\n' "$*" >> "$FAKE_GH_LOG"
for arg in "$@"; do
  if [ "$arg" = "--body-file" ]; then body_next=1; continue; fi
  if [ "${body_next:-0}" = 1 ]; then cp "$arg" "$FAKE_GH_LOG.body"; body_next=0; fi
done
if [ "$1 $2" = "issue list" ]; then printf '%s\\n' "${FAKE_OPEN_ISSUE:-}"; fi
"""


def _step(job: str, *, id: str | None = None, name: str | None = None) -> dict[str, Any]:
    steps = load_workflow(WORKFLOW_DIR / "live-check.yml")["jobs"][job]["steps"]
    for step in steps:
        if (id and step.get("id") == id) or (name and step.get("name") == name):
            return step
    raise AssertionError(f"no step {id or name} in job {job}")


class StepRunner:
    """Runs a workflow step's shell in a scratch checkout that links to the real project."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.workspace = root / "workspace"
        self.workspace.mkdir()
        for name in (".venv", "scripts"):
            (self.workspace / name).symlink_to(REPO_ROOT / name)
        bin_dir = root / "bin"
        bin_dir.mkdir()
        gh = bin_dir / "gh"
        gh.write_text(FAKE_GH, encoding="utf-8")
        gh.chmod(0o755)
        self.output = root / "github_output"
        self.summary = root / "step_summary"
        self.gh_log = root / "gh.log"
        self.base_env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(root),
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "FAKE_GH_LOG": str(self.gh_log),
        }

    def run(self, step: dict[str, Any], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        script = self.root / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace, env={**self.base_env, **env}, capture_output=True, text=True,
            timeout=180,
        )

    def outputs(self) -> dict[str, str]:
        if not self.output.exists():
            return {}
        pairs = (line.split("=", 1) for line in self.output.read_text().splitlines() if "=" in line)
        return dict(pairs)


@pytest.fixture
def runner(tmp_path: Path) -> StepRunner:
    return StepRunner(tmp_path)


# --- Without secrets: a notice, not a failure --------------------------------------------


def test_missing_secrets_skip_the_check_with_a_notice(runner: StepRunner) -> None:
    result = runner.run(_step("credentials", id="look"),
                        {"HAS_STORE_HASH": "false", "HAS_ACCESS_TOKEN": "false"})
    assert result.returncode == 0
    assert runner.outputs() == {"present": "false"}
    assert result.stdout.startswith("::notice title=Live check skipped::")
    assert "Live check skipped" in runner.summary.read_text()


def test_one_missing_secret_is_enough_to_skip(runner: StepRunner) -> None:
    result = runner.run(_step("credentials", id="look"),
                        {"HAS_STORE_HASH": "true", "HAS_ACCESS_TOKEN": "false"})
    assert result.returncode == 0 and runner.outputs() == {"present": "false"}


def test_present_secrets_let_the_check_run(runner: StepRunner) -> None:
    result = runner.run(_step("credentials", id="look"),
                        {"HAS_STORE_HASH": "true", "HAS_ACCESS_TOKEN": "true"})
    assert result.returncode == 0 and runner.outputs() == {"present": "true"}
    assert "::notice" not in result.stdout


# --- With secrets: the real check against the fake store, then the issue ----------------


def _verifiable_row(rows: tuple[ScopeRow, ...]) -> ScopeRow:
    """A row the checker can prove missing: it has probes and requires more than its lowest."""
    for row in rows:
        if row.probes and row.required != row.levels[0] and not row.confirm_by_eye:
            return row
    pytest.skip("no verifiable row in scopes.yaml yet (probes are the checker's work)")


def _token_scopes_without(dropped: ScopeRow) -> set[str]:
    """The scopes a guide-following token holds, with one row left at its lowest level."""
    return {
        row.scope_strings[row.required]
        for row in load_scope_table().rows
        if row.id != dropped.id and row.required in row.scope_strings
    }


def _run_live_check(runner: StepRunner, granted: set[str]) -> subprocess.CompletedProcess[str]:
    from bc_scopes.fakestore.server import FakeStore

    with FakeStore(store_hash=STORE_HASH) as store:
        store.grant(CANARY_TOKEN, granted)
        return runner.run(_step("check", id="check"), {
            "BIGCOMMERCE_STORE_HASH": STORE_HASH,
            "BIGCOMMERCE_ACCESS_TOKEN": CANARY_TOKEN,
            "BIGCOMMERCE_CLIENT_ID": "",
            "BIGCOMMERCE_CLIENT_SECRET": "",
            "BIGCOMMERCE_API_URL": store.url,
        })


RUN_URL = "https://github.com/o/r/actions/runs/1"
ISSUE_STEP = "Open or update the scope-regression issue"


def _write_issue_text(runner: StepRunner) -> subprocess.CompletedProcess[str]:
    """The check job's step that renders reports/issue.md (it sees the store hash)."""
    return runner.run(_step("check", id="issue-text"),
                      {"RUN_URL": RUN_URL, "BIGCOMMERCE_STORE_HASH": STORE_HASH})


def _open_issue(runner: StepRunner, **extra: str) -> subprocess.CompletedProcess[str]:
    """The issue job's step: only GitHub's token and names, no BIGCOMMERCE_* value."""
    env = {"RUN_URL": RUN_URL, "GH_REPO": "o/r", "GH_TOKEN": "not-used", **extra}
    assert not any(key.startswith("BIGCOMMERCE_") for key in {**runner.base_env, **env})
    return runner.run(_step("issue", name=ISSUE_STEP), env)


def test_a_missing_scope_fails_the_check_and_opens_one_issue(runner: StepRunner) -> None:
    row = _verifiable_row(load_scope_table().rows)
    check = _run_live_check(runner, _token_scopes_without(row))
    assert check.returncode == 1, check.stdout[-3000:] + check.stderr[-3000:]
    assert runner.outputs()["exit-code"] == "1"
    reports = runner.workspace / "reports"
    report = json.loads((reports / "scopes.json").read_text())
    assert {entry["id"]: entry["verdict"] for entry in report["scopes"]}[row.id] == "missing"
    assert (reports / "junit.xml").read_text().lstrip().startswith("<?xml")
    assert row.name in runner.summary.read_text()  # bc-scopes appended its summary
    for text in (check.stdout, check.stderr, runner.summary.read_text(),
                 *(path.read_text() for path in reports.iterdir())):
        assert CANARY_TOKEN not in text

    text = _write_issue_text(runner)
    assert text.returncode == 0, text.stderr
    issue = _open_issue(runner)
    assert issue.returncode == 0, issue.stderr
    calls = runner.gh_log.read_text().splitlines()
    assert calls[0].startswith("label create scope-regression")
    assert calls[1].startswith("issue list --label scope-regression --state open")
    assert calls[2].startswith("issue create --label scope-regression --body-file reports/issue.md")
    assert len(calls) == 3
    body = Path(f"{runner.gh_log}.body").read_text()
    assert f"| {row.name} (`{row.id}`) |" in body and "| missing |" in body
    assert STORE_HASH not in body and CANARY_TOKEN not in body


def test_an_open_regression_issue_is_updated_not_duplicated(runner: StepRunner) -> None:
    reports = runner.workspace / "reports"
    reports.mkdir()
    (reports / "scopes.json").write_text(json.dumps(_sample_report()), encoding="utf-8")
    assert _write_issue_text(runner).returncode == 0
    issue = _open_issue(runner, FAKE_OPEN_ISSUE="42")
    assert issue.returncode == 0, issue.stderr
    calls = runner.gh_log.read_text().splitlines()
    assert calls[2] == "issue edit 42 --body-file reports/issue.md"
    assert calls[3].startswith("issue comment 42 --body The live check failed again: https://")
    assert not any(call.startswith("issue create") for call in calls)


def test_the_uploaded_reports_never_hold_the_store_hash_in_clear(runner: StepRunner) -> None:
    result = _run_live_check(runner, set())
    reports = runner.workspace / "reports"
    assert any(STORE_HASH in path.read_text() for path in reports.iterdir()), result.stdout
    steps = [step.get("name") for step in
             load_workflow(WORKFLOW_DIR / "live-check.yml")["jobs"]["check"]["steps"]]
    mask = "Mask the store hash in the reports"
    assert steps.index(mask) < steps.index("Upload the reports")
    masked = runner.run(_step("check", name=mask), {"BIGCOMMERCE_STORE_HASH": STORE_HASH})
    assert masked.returncode == 0, masked.stderr
    for path in reports.iterdir():
        assert STORE_HASH not in path.read_text(), path.name


def test_a_token_that_matches_the_guide_passes_the_check(runner: StepRunner) -> None:
    table = load_scope_table()
    granted = {row.scope_strings[row.required] for row in table.rows
               if row.required in row.scope_strings}
    if not any(row.probes for row in table.rows):
        pytest.skip("no probes in scopes.yaml yet (the checker's work)")
    check = _run_live_check(runner, granted)
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-3000:]
    assert runner.outputs()["exit-code"] == "0"


# --- The issue text ------------------------------------------------------------------------


def _sample_report() -> dict[str, Any]:
    return {
        "store_hash": STORE_HASH,
        "scopes": [
            {"id": "orders", "name": "Orders", "required": "modify", "detected": "read-only",
             "verdict": "missing", "docs_url": "https://example.org/scopes/#scope-orders"},
            {"id": "themes", "name": "Themes | look", "required": "none", "detected": "modify",
             "verdict": "excess", "docs_url": "https://example.org/scopes/#scope-themes",
             "reason": f"GET /stores/{STORE_HASH}/v3/themes answered 200"},
            {"id": "carts", "name": "Carts", "required": "read-only", "detected": "read-only",
             "verdict": "ok", "docs_url": "https://example.org/scopes/#scope-carts"},
            {"id": "customers-login", "name": "Customers login", "required": "login",
             "detected": None, "verdict": "unverifiable", "docs_url": "https://example.org/x"},
        ],
        "exit_code": 1,
    }


def _issue_script(report_path: Path, env: dict[str, str] | None = None
                  ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ISSUE_SCRIPT), str(report_path), "--run-url", "https://run/1"],
        capture_output=True, text=True, timeout=60,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("BIGCOMMERCE_")},
             **(env or {})},
    )


def test_issue_lists_only_rows_that_differ_with_levels_in_words(tmp_path: Path) -> None:
    report = tmp_path / "scopes.json"
    report.write_text(json.dumps(_sample_report()), encoding="utf-8")
    result = _issue_script(report)
    assert result.returncode == 0, result.stderr
    table_rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][2:]
    assert table_rows == [
        "| Orders (`orders`) | Modify | Read-only | missing "
        "| [row in the guide](https://example.org/scopes/#scope-orders) |",
        "| Themes \\| look (`themes`) | None | Modify | excess "
        "| [row in the guide](https://example.org/scopes/#scope-themes) |",
    ]
    assert "Run: https://run/1" in result.stdout


def test_issue_text_is_scrubbed_of_every_credential_in_the_environment(tmp_path: Path) -> None:
    sample = _sample_report()
    sample["scopes"][0]["name"] = f"Orders {CANARY_TOKEN} {STORE_HASH}"
    report = tmp_path / "scopes.json"
    report.write_text(json.dumps(sample), encoding="utf-8")
    result = _issue_script(report, {"BIGCOMMERCE_ACCESS_TOKEN": CANARY_TOKEN,
                                    "BIGCOMMERCE_STORE_HASH": STORE_HASH})
    assert result.returncode == 0
    assert CANARY_TOKEN not in result.stdout and STORE_HASH not in result.stdout
    assert "[redacted]" in result.stdout


@pytest.mark.parametrize("content", ["not json", "[]", '{"no_scopes": 1}'])
def test_a_report_that_is_not_a_checker_report_is_refused_in_one_line(
    tmp_path: Path, content: str
) -> None:
    report = tmp_path / "scopes.json"
    report.write_text(content, encoding="utf-8")
    result = _issue_script(report)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
