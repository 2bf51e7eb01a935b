"""Reading .github: the workflow files, their YAML with the `on:` key fixed, their `uses:`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from support.docs import REPO_ROOT

WORKFLOW_DIR = REPO_ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml"))
DEPENDABOT = REPO_ROOT / ".github" / "dependabot.yml"
# The repository's own GitHub Action (a composite action), at the root as GitHub requires.
ACTION = REPO_ROOT / "action.yml"


def load_workflow(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean True.
    if True in document:
        document["on"] = document.pop(True)
    return document


def steps_of(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def action_name(uses: str) -> str:
    """`actions/checkout@<sha>` -> `actions/checkout`."""
    return uses.split("@", 1)[0]


def is_remote_action(uses: str) -> bool:
    """A repository's action (`owner/repo@ref`), not a local path or a Docker image."""
    return not uses.startswith(("./", "docker://"))
