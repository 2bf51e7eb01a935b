"""scripts/zensical_report.py: what the Zensical readiness job writes to its summary.

Zensical is not installed in the project venv (the job installs it in its own venv), so
these tests give the report two small built sites that differ in known ways, plus the
real MkDocs build compared with itself, and check the words that come out.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support.docs import REPO_ROOT

REPORT_SCRIPT = REPO_ROOT / "scripts" / "zensical_report.py"

PAGE = """<!doctype html><html><head><title>{title}</title>{head}</head>
<body><h1 id="top">{title}</h1>{body}</body></html>"""


def _write_site(root: Path, pages: dict[str, tuple[str, str, str]]) -> Path:
    for relative, (title, head, body) in pages.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PAGE.format(title=title, head=head, body=body), encoding="utf-8")
    return root


def _report(mkdocs: Path, zensical: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPORT_SCRIPT), "--mkdocs-site", str(mkdocs),
         "--zensical-site", str(zensical), "--zensical-version", "zensical 0.0.73", *extra],
        capture_output=True, text=True, timeout=60,
    )


def test_report_names_lost_pages_anchors_assets_and_external_loads(tmp_path: Path) -> None:
    css = '<link rel="stylesheet" href="assets/stylesheets/guide.css">'
    rows = '<span id="scope-orders"></span><span id="scope-carts"></span>'
    mkdocs = _write_site(tmp_path / "mkdocs", {
        "index.html": ("Guide", css, ""),
        "scopes/index.html": ("Scopes", css, rows),
        "verify/index.html": ("Verify", css, ""),
    })
    zensical = _write_site(tmp_path / "zensical", {
        "index.html": ("Overview - Guide", '<link rel="stylesheet" '
                       'href="https://fonts.example.com/css">', ""),
        "scopes/index.html": ("Scopes", css, '<span id="scope-orders"></span>'),
    })
    result = _report(mkdocs, zensical)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "| pages only in the MkDocs build | `verify/index.html` |" in out
    assert "| scope-row anchors kept | 1 of 2; lost: `scopes/index.html#scope-carts` |" in out
    assert "| resources loaded from other hosts | `https://fonts.example.com/css` |" in out
    assert "- `index.html`: MkDocs “Guide”, Zensical “Overview - Guide”" in out


def test_the_real_guide_compared_with_itself_has_no_differences(built_site: Path) -> None:
    result = _report(built_site, built_site)
    assert result.returncode == 0, result.stderr
    assert "| pages only in the MkDocs build | none |" in result.stdout
    assert "| pages with other anchors lost | 0 |" in result.stdout
    kept = [line for line in result.stdout.splitlines() if "scope-row anchors kept" in line][0]
    count = kept.split("|")[2].split(" of ")
    assert count[0].strip() == count[1].strip() and int(count[1]) > 0


def test_a_failed_zensical_build_is_reported_with_its_last_error(tmp_path: Path) -> None:
    mkdocs = _write_site(tmp_path / "mkdocs", {"index.html": ("Guide", "", "")})
    log = tmp_path / "zensical.log"
    log.write_text("Build started\nTraceback (most recent call last):\n  File x\n"
                   "\x1b[31mRuntimeError: Python error: AttributeError: 'Page' object has no "
                   "attribute 'file'\x1b[0m\n", encoding="utf-8")
    result = _report(mkdocs, tmp_path / "missing", "--zensical-log", str(log),
                     "--zensical-exit-code", "1")
    assert result.returncode == 0
    assert "**The Zensical build failed** (exit code 1)" in result.stdout
    assert ("RuntimeError: Python error: AttributeError: 'Page' object has no attribute 'file'"
            in result.stdout)
    assert "\x1b[" not in result.stdout


def test_a_missing_mkdocs_site_is_refused(tmp_path: Path) -> None:
    result = _report(tmp_path / "nothing", tmp_path / "nothing")
    assert result.returncode == 2 and "build with mkdocs first" in result.stderr
