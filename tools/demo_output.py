"""The guide's sample checker output, captured from a real `bc-scopes demo` run.

The guide shows this text (docs/snippets/demo-output.txt) and a test checks that the
committed copy still equals a fresh run, so it is never typed by hand. It lives here,
not in `bc_scopes.checker.demo`, because only the repository needs it: the installed
command runs the demo, it never captures it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tools.project import REPO_ROOT

SNIPPET = REPO_ROOT / "docs" / "snippets" / "demo-output.txt"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def capture_demo_output() -> str:
    """What `bc-scopes demo` prints, from a real run in a fresh process, without colour.

    A fresh process with a scrubbed environment, so neither the caller's credentials
    nor its terminal width or colour settings can change the text.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("BIGCOMMERCE_")}
    env.pop("GITHUB_STEP_SUMMARY", None)
    env.update(NO_COLOR="1", COLUMNS="80")
    result = subprocess.run(
        [sys.executable, "-m", "bc_scopes.checker.cli", "demo"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bc-scopes demo exited {result.returncode}: {result.stderr.strip()}")
    return _ANSI.sub("", result.stdout)
