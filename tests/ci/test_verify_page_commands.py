"""The "Verify your credentials" page shows only commands that work.

Its shell commands are read from docs/verify.md. The install tests
(tests/install/test_installed.py) run every one of them from a wheel installed
in a new venv, outside the repository; this file holds the page to that: one
install line of this repository, commands that the real argument parser accepts,
subcommands the install test runs, action inputs that action.yml declares, and
nothing zsh or Windows cannot run.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from typing import Any

import pytest
import yaml
from support.docs import DOCS_DIR, REPO_ROOT

from bc_scopes.checker.cli import build_parser
from tools.project import fenced_blocks

VERIFY_PAGE = DOCS_DIR / "verify.md"
INSTALL_TEST = REPO_ROOT / "tests" / "install" / "test_installed.py"
TABS = ("macOS and Linux", "Windows PowerShell", "GitHub Actions", "Many stores (3PLs)")


def page_text() -> str:
    return VERIFY_PAGE.read_text(encoding="utf-8")


def commands(languages: set[str]) -> list[str]:
    return [line.split(" # ")[0].strip() for lang, lines in fenced_blocks(page_text())
            if lang in languages for line in lines
            if line.strip() and not line.strip().startswith("#")]


SHELL_COMMANDS = commands({"sh", "powershell"})


def repository() -> str:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    source: str = pyproject["project"]["urls"]["Source"]
    return source


def test_the_page_leads_with_a_one_line_install_of_this_repository() -> None:
    first = SHELL_COMMANDS[0]
    assert first == f"pipx install git+{repository()}"
    uvx = [command for command in SHELL_COMMANDS if command.startswith("uvx")]
    assert uvx and all(command.startswith(f"uvx --from git+{repository()} bc-scopes ")
                       for command in uvx)
    assert repository() == "https://github.com/dropstream/bc-api-credentials"


def _bc_scopes_words(command: str) -> list[str] | None:
    words = shlex.split(command)
    if words[:1] == ["uvx"]:
        words = words[words.index("bc-scopes"):]
    return words[1:] if words[:1] == ["bc-scopes"] else None


@pytest.mark.parametrize("command", [c for c in SHELL_COMMANDS if _bc_scopes_words(c) is not None])
def test_every_bc_scopes_command_on_the_page_parses(command: str) -> None:
    words = _bc_scopes_words(command)
    assert words is not None
    build_parser().parse_args(words)  # exits 2 (fails the test) on an unknown flag


def test_every_other_line_sets_an_environment_variable_or_installs() -> None:
    for command in SHELL_COMMANDS:
        if _bc_scopes_words(command) is not None or command.startswith("pipx install "):
            continue
        assert re.match(r"^(export [A-Z_]+=|\$env:[A-Z_]+ = )", command), command


def test_the_install_test_runs_the_page_s_commands() -> None:
    """The install test reads this same page and runs each subcommand the page shows."""
    source = INSTALL_TEST.read_text(encoding="utf-8")
    assert 'VERIFY_PAGE = DOCS_DIR / "verify.md"' in source
    assert "for command in page_commands():" in source
    subcommands = {words[0] for command in SHELL_COMMANDS
                   if (words := _bc_scopes_words(command))}
    ran = re.search(r"assert set\(ran\) == (\{[^}]*\})", source)
    assert ran, "the install test no longer checks which subcommands it ran"
    assert subcommands == eval(ran.group(1))  # noqa: S307 - a set literal from our own test


def test_nothing_zsh_or_windows_cannot_run_and_no_developer_setup() -> None:
    text = page_text()
    assert "read -" not in text, "`read -p` fails in zsh; let bc-scopes prompt for the token"
    for developer_only in ("scripts/setup.sh", "git clone", ".venv/bin/", "sudo "):
        assert developer_only not in text, developer_only
    for tab in TABS:
        assert f'=== "{tab}"' in text, tab


def _action_inputs() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    inputs: dict[str, Any] = action["inputs"]
    return inputs


def test_the_page_s_action_steps_use_inputs_the_action_declares() -> None:
    steps: list[dict[str, Any]] = []
    for lang, lines in fenced_blocks(page_text()):
        if lang != "yaml":
            continue
        document = yaml.safe_load("\n".join(lines))
        if isinstance(document, list):
            steps += document
        else:
            steps += [step for job in document["jobs"].values() for step in job["steps"]]
    ours = [step for step in steps if step.get("uses", "").startswith("dropstream/")]
    assert len(ours) >= 2
    for step in ours:
        assert step["uses"] == "dropstream/bc-api-credentials@v1"
        assert set(step["with"]) <= set(_action_inputs()), step["with"]
        assert {"store-hash", "access-token"} <= set(step["with"])
        for value in step["with"].values():
            assert str(value).startswith("${{ secrets.") or value in ("true", "false"), value


def test_the_sample_csv_is_one_check_many_accepts() -> None:
    from bc_scopes.checker.stores_file import parse_stores

    [csv_lines] = [lines for lang, lines in fenced_blocks(page_text()) if lang == "csv"]
    # The page's example hash abc123 is refused as a placeholder (storehash.py); the reader
    # puts their own store's hash in its place, as the page says.
    text = ("\n".join(csv_lines) + "\n").replace("abc123", "k3m8p2x9")
    entries = parse_stores(text, "stores.csv", {})
    assert len(entries) >= 2
    exported = {match for command in SHELL_COMMANDS
                for match in re.findall(r"^export ([A-Z_]+)=", command)}
    assert {entry.token_env for entry in entries} <= exported
