"""Hostile `scopes.yaml` through the checker: refused with exit 2, or reported safely.

A bad file must stop `bc-scopes check --scopes-file FILE` before any request,
with one line on stderr and exit code 2. A valid file whose names look like
HTML, Jinja or Markdown must come out of every report (terminal, JSON, JUnit,
GitHub step summary) as the same text, never as markup.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from support.canaries import CANARY_CLIENT_SECRET, CANARY_TOKEN, leaks_in
from support.cli import run_cli
from support.docs import REPO_ROOT
from support.store import STORE_HASH
from support.trap import Trap

from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeFileError, load_scope_table

from .cases import INVALID_FILES, RENDER_PAYLOADS, InvalidFile, hostile_render_document

RUN_TIMEOUT_S = 120
# Two refusals also go through a real process: what reaches the terminal there is what
# the interpreter prints, so a traceback or a second line could not hide.
IN_A_REAL_PROCESS = ("duplicate-id", "non-utf8-bytes")


def checker_command(*args: str) -> list[str]:
    """The installed console script, or the same entry point through the interpreter."""
    console_script = Path(sys.executable).parent / "bc-scopes"
    if console_script.exists():
        return [str(console_script), *args]
    return [sys.executable, "-m", "bc_scopes.checker.cli", *args]


def checker_environment(api_url: str, **extra: str) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith("BIGCOMMERCE_") and key != "GITHUB_STEP_SUMMARY"
    }
    env.update(
        BIGCOMMERCE_STORE_HASH=STORE_HASH,
        BIGCOMMERCE_ACCESS_TOKEN=CANARY_TOKEN,
        BIGCOMMERCE_CLIENT_SECRET=CANARY_CLIENT_SECRET,
        BIGCOMMERCE_API_URL=api_url,
        NO_COLOR="1",
        **extra,
    )
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env


def assert_no_canary(*outputs: str) -> None:
    assert leaks_in({f"output {number}": text for number, text in enumerate(outputs)}) == []


@pytest.mark.parametrize("case", INVALID_FILES, ids=lambda case: case.case_id)
def test_checker_refuses_bad_scopes_file_with_exit_2_and_no_request(
    case: InvalidFile, tmp_path: Path, trap: Trap
) -> None:
    bad_file = tmp_path / "scopes.yaml"
    bad_file.write_bytes(case.content())
    with pytest.raises(ScopeFileError) as refusal:
        load_scope_table(bad_file)
    problem = str(refusal.value).split(": ", 1)[1]
    connections_before = trap.connections

    if case.case_id in IN_A_REAL_PROCESS:
        process = subprocess.run(
            checker_command("check", "--scopes-file", str(bad_file)),
            env=checker_environment(trap.url), capture_output=True, text=True,
            timeout=RUN_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False,
        )
        code, out, err, escaped = process.returncode, process.stdout, process.stderr, ""
    else:
        result = run_cli(["check", "--scopes-file", str(bad_file)], {
            "BIGCOMMERCE_STORE_HASH": STORE_HASH, "BIGCOMMERCE_ACCESS_TOKEN": CANARY_TOKEN,
            "BIGCOMMERCE_CLIENT_SECRET": CANARY_CLIENT_SECRET, "BIGCOMMERCE_API_URL": trap.url,
        })
        code, out, err, escaped = result.code, result.out, result.err, result.traceback

    stderr_lines = err.strip().splitlines()
    assert code == 2, out + err + escaped
    assert len(stderr_lines) == 1, f"not one line:\n{err}"
    assert problem in stderr_lines[0]
    assert "Traceback" not in out + err + escaped
    assert_no_canary(out, err)
    assert trap.connections == connections_before, "a request was sent for a refused file"


def _exact_scopes(scopes_file: Path) -> set[str]:
    """The scope strings of a token set exactly as the file requires."""
    table = load_scope_table(scopes_file)
    return {row.required_scope_string for row in table.rows if row.required_scope_string}


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_checker_reports_hostile_names_as_text(tmp_path: Path) -> None:
    scopes_file = tmp_path / "scopes.yaml"
    scopes_file.write_text(hostile_render_document(), encoding="utf-8")
    json_report, junit_report = tmp_path / "report.json", tmp_path / "junit.xml"
    step_summary = tmp_path / "step-summary.md"

    with FakeStore(store_hash=STORE_HASH) as store:
        store.grant(CANARY_TOKEN, _exact_scopes(scopes_file))
        result = subprocess.run(
            checker_command("check", "-v", "--scopes-file", str(scopes_file), "--json",
                            str(json_report), "--junit-xml", str(junit_report)),
            env=checker_environment(store.url, GITHUB_STEP_SUMMARY=str(step_summary)),
            capture_output=True, text=True, timeout=RUN_TIMEOUT_S, stdin=subprocess.DEVNULL,
            check=False,
        )
        mutations = list(store.mutations)

    assert result.returncode == 0, result.stdout + result.stderr
    assert mutations == []
    report = json.loads(json_report.read_text(encoding="utf-8"))
    names = {row["id"]: row["name"] for row in report["scopes"]}
    junit_text = junit_report.read_text(encoding="utf-8")
    ElementTree.fromstring(junit_text)  # a name must not break the XML
    summary = step_summary.read_text(encoding="utf-8")
    assert_no_canary(result.stdout, result.stderr, json_report.read_text(), junit_text, summary)

    for payload in RENDER_PAYLOADS:
        if payload.section == "scopes" and payload.field == "name":
            assert names[payload.row_id] == payload.text, "the JSON must carry the name as is"
            assert payload.text in result.stdout, "the terminal must show the name as is"
    # GitHub renders the step summary as Markdown with HTML: markup in a name must be inert.
    for raw in ("<script", "<img", "<svg", "<!--", "](javascript:"):
        assert raw not in summary, f"{raw!r} reached the step summary unescaped"
    table = [line for line in summary.splitlines() if line.startswith("|")]
    assert table and {_unescaped_pipes(line) for line in table} == {_unescaped_pipes(table[0])}
