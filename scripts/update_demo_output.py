"""Rewrite docs/snippets/demo-output.txt from a real `bc-scopes demo` run.

    .venv/bin/python scripts/update_demo_output.py          # write the snippet
    .venv/bin/python scripts/update_demo_output.py --check  # exit 1 if it is stale

The guide's "Verify your credentials" page includes the snippet; the checker's
tests fail when it no longer matches a fresh run. The output holds no timings and
no port numbers, so it only changes when the checker or scopes.yaml does.
"""

from __future__ import annotations

import sys

from tools.demo_output import SNIPPET, capture_demo_output
from tools.project import REPO_ROOT


def main(argv: list[str]) -> int:
    fresh = capture_demo_output()
    if "--check" in argv:
        current = SNIPPET.read_text(encoding="utf-8") if SNIPPET.exists() else ""
        if current != fresh:
            print(f"{SNIPPET.name} is stale: run scripts/update_demo_output.py", file=sys.stderr)
            return 1
        return 0
    SNIPPET.parent.mkdir(parents=True, exist_ok=True)
    SNIPPET.write_text(fresh, encoding="utf-8")
    print(f"wrote {SNIPPET.relative_to(REPO_ROOT)} ({len(fresh.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
