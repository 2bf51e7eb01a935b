"""Write the Markdown body of the `scope-regression` issue from a `bc-scopes check --json` report.

    python scripts/scope_regression_issue.py reports/scopes.json --run-url URL > issue.md

Used by .github/workflows/live-check.yml when the scheduled check exits 1. The issue is for
maintainers who did not watch the run, so it lists only the rows that no longer match the
guide, each with its required and detected level and a link to the row in the guide.

Any BIGCOMMERCE_* value present in the environment is scrubbed from the text: the issue is
public even when the secrets are not. Exit codes: 0 written; 2 the report cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bc_scopes.levels import LEVEL_LABELS

REGRESSION_VERDICTS = ("missing", "excess")
SECRET_ENV_VARS = (
    "BIGCOMMERCE_STORE_HASH",
    "BIGCOMMERCE_ACCESS_TOKEN",
    "BIGCOMMERCE_CLIENT_ID",
    "BIGCOMMERCE_CLIENT_SECRET",
)
ISSUE_MARKER = "<!-- bc-scopes:scope-regression -->"


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = LEVEL_LABELS.get(text, text)
    return text.replace("|", "\\|").replace("\n", " ").strip() or "?"


def regression_rows(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The rows whose detected level differs from the guide's (missing or excess)."""
    rows = report.get("scopes")
    if not isinstance(rows, list):
        raise ValueError("the report has no 'scopes' list; is it from `bc-scopes check --json`?")
    return [row for row in rows if isinstance(row, Mapping) and row.get("verdict") in
            REGRESSION_VERDICTS]


def issue_body(report: Mapping[str, Any], run_url: str) -> str:
    """The issue text: what failed, where to read about each row, what to do next."""
    rows = regression_rows(report)
    lines = [
        "The scheduled live check (`bc-scopes check`) found rows where the store's API "
        "account no longer holds the level the guide requires.",
        "",
        "| Row | Required | Detected | Verdict | Guide |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        name = f"{_cell(row.get('name'))} (`{_cell(row.get('id'))}`)"
        url = row.get("docs_url")
        guide = f"[row in the guide]({url})" if isinstance(url, str) and url else ""
        lines.append(
            f"| {name} | {_cell(row.get('required'))} | {_cell(row.get('detected'))} "
            f"| {_cell(row.get('verdict'))} | {guide} |"
        )
    if not rows:
        lines.append("| (no row reported as missing or excess; see the run) | | | | |")
    lines += [
        "",
        f"Run: {run_url}" if run_url else "Run: (not given)",
        "",
        "What to do:",
        "- If the store's API account lost a scope, create a new API account with the levels "
        "in the guide (BigCommerce does not let you edit the scopes of an existing account) "
        "and update the repository secrets.",
        "- If BigCommerce changed the form, update `scopes.yaml`, run "
        "`python scripts/update_snapshot.py` and add a changelog entry naming each row.",
        "",
        "This issue is updated by each failing run and can be closed once the check passes.",
        ISSUE_MARKER,
    ]
    return "\n".join(lines) + "\n"


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret value in the text, longest first so no fragment is left."""
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="the JSON report of `bc-scopes check --json`")
    parser.add_argument("--run-url", default="", help="link to the workflow run")
    args = parser.parse_args(argv)
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
        if not isinstance(report, Mapping):
            raise ValueError("the report is not a JSON object")
        body = issue_body(report, args.run_url)
    except OSError as error:
        print(f"scope_regression_issue: cannot read {args.report}: {error.strerror}",
              file=sys.stderr)
        return 2
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        print(f"scope_regression_issue: {args.report}: {error}", file=sys.stderr)
        return 2
    secrets = [os.environ.get(name, "").strip() for name in SECRET_ENV_VARS]
    sys.stdout.write(scrub(body, secrets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
