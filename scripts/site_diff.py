"""Diff two builds of the guide, ignoring only the `generator` meta tag; print Markdown.

    .venv/bin/python scripts/site_diff.py build/mkdocs build/properdocs \
        --names MkDocs ProperDocs >> "$GITHUB_STEP_SUMMARY"

The comparison lives in tools/site_diff.py. Exit codes: 0 identical; 1 they differ;
2 a site folder is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.site_diff import compare_sites, render_markdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path, help="the reference site folder (MkDocs)")
    parser.add_argument("second", type=Path, help="the site folder to compare (ProperDocs)")
    parser.add_argument("--names", nargs=2, default=("MkDocs", "ProperDocs"),
                        metavar=("FIRST", "SECOND"), help="how the report names the two builds")
    args = parser.parse_args(argv)
    for site in (args.first, args.second):
        if not (site / "index.html").is_file():
            print(f"site_diff: {site} holds no built site (no index.html)", file=sys.stderr)
            return 2
    diff = compare_sites(args.first, args.second)
    sys.stdout.write(render_markdown(diff, *args.names))
    return 0 if diff.identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
