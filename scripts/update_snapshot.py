"""Regenerate scopes.snapshot.txt from scopes.yaml and say, in words, what changed.

    .venv/bin/python scripts/update_snapshot.py          # rewrite it, print the changes in words
    .venv/bin/python scripts/update_snapshot.py --check  # change nothing; exit 1 if it is stale

Exit codes: 0 the snapshot matches scopes.yaml and the newest changelog entry explains the latest
change; 1 it is stale (--check) or a changelog entry is still missing (the snapshot is written
anyway, so the tests point at the changelog next); 2 scopes.yaml or the snapshot cannot be read.

Why the snapshot is written even without a changelog entry: the reviewer then sees the change in
the diff straight away, and the remaining failure says exactly which entry to add.
"""

from __future__ import annotations

import sys

try:
    from tools.snapshot_cli import main
except ImportError as error:  # pragma: no cover - depends on the interpreter used
    print(
        f"update_snapshot: cannot import the project ({error}); run `bash scripts/setup.sh` "
        "and use .venv/bin/python scripts/update_snapshot.py",
        file=sys.stderr,
    )
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(main())
