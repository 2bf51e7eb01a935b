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
import socket
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.docs import REPO_ROOT

from bc_scopes.model import ScopeFileError, load_scope_table

from .cases import INVALID_FILES, RENDER_PAYLOADS, InvalidFile, hostile_render_document

pytest.importorskip("bc_scopes.checker.cli")

CANARY_TOKEN = "hostilecanary0token0a1b2c3d4e5f6"
CANARY_CLIENT_SECRET = "hostilecanary0secret0f6e5d4c3b2a1"
STORE_HASH = "abc123"
RUN_TIMEOUT_S = 120


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
    """No canary secret, whole or as an 8-character prefix, in any output."""
    for output in outputs:
        for canary in (CANARY_TOKEN, CANARY_CLIENT_SECRET):
            assert canary[:8] not in output, "a secret (or its prefix) leaked into the output"


@pytest.fixture
def trap_listener() -> Iterator[tuple[str, socket.socket]]:
    """A loopback port that accepts connections but never answers: any connection is a request."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.setblocking(False)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", listener
    finally:
        listener.close()


def connections_made(listener: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


@pytest.mark.parametrize("case", INVALID_FILES, ids=lambda case: case.case_id)
def test_checker_refuses_bad_scopes_file_with_exit_2_and_no_request(
    case: InvalidFile, tmp_path: Path, trap_listener: tuple[str, socket.socket]
) -> None:
    api_url, listener = trap_listener
    bad_file = tmp_path / "scopes.yaml"
    bad_file.write_bytes(case.content())
    with pytest.raises(ScopeFileError) as refusal:
        load_scope_table(bad_file)
    problem = str(refusal.value).split(": ", 1)[1]

    result = subprocess.run(
        checker_command("check", "--scopes-file", str(bad_file)),
        env=checker_environment(api_url), capture_output=True, text=True,
        timeout=RUN_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False,
    )

    stderr_lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(stderr_lines) == 1, f"not one line:\n{result.stderr}"
    assert problem in stderr_lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert_no_canary(result.stdout, result.stderr)
    assert connections_made(listener) == 0, "a request was sent for a file that was refused"


def _exact_scopes(scopes_file: Path) -> set[str]:
    """The scope strings of a token set exactly as the file requires."""
    table = load_scope_table(scopes_file)
    return {row.required_scope_string for row in table.rows if row.required_scope_string}


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_checker_reports_hostile_names_as_text(tmp_path: Path) -> None:
    from bc_scopes.fakestore.server import FakeStore

    scopes_file = tmp_path / "scopes.yaml"
    scopes_file.write_text(hostile_render_document(), encoding="utf-8")
    json_report, junit_report = tmp_path / "report.json", tmp_path / "junit.xml"
    step_summary = tmp_path / "step-summary.md"

    with FakeStore(store_hash=STORE_HASH) as store:
        store.grant(CANARY_TOKEN, _exact_scopes(scopes_file))
        result = subprocess.run(
            checker_command("check", "--scopes-file", str(scopes_file), "--json",
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
