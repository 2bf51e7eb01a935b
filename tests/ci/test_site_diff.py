"""scripts/site_diff.py: two builds of the guide are equal but for the generator meta tag.

The ProperDocs readiness job (.github/workflows/properdocs.yml) trusts this script's verdict,
so it is tested on small sites made here: every kind of difference is reported, and the
generator tag alone is not. The last test builds a tiny docs project with MkDocs and with
ProperDocs; ProperDocs is not in the main lock (it has its own, for the job), so that test
runs only where a `properdocs` command is found (BC_PROPERDOCS names one).
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.docs import REPO_ROOT, build_environment

SCRIPT = REPO_ROOT / "scripts" / "site_diff.py"
PAGE = """<!doctype html><html><head>
<meta name="generator" content="{generator}">
<title>Scopes</title></head><body><h2 id="scope-orders">Orders</h2>{extra}</body></html>
"""


def make_site(root: Path, generator: str, extra: str = "", sitemap_mtime: float = 0) -> Path:
    (root / "scopes").mkdir(parents=True)
    (root / "index.html").write_text(PAGE.format(generator=generator, extra=""), "utf-8")
    (root / "scopes" / "index.html").write_text(PAGE.format(generator=generator, extra=extra),
                                                "utf-8")
    (root / "sitemap.xml.gz").write_bytes(gzip.compress(b"<urlset/>", mtime=sitemap_mtime))
    return root


def site_diff(first: Path, second: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), str(first), str(second)],
                          capture_output=True, text=True, timeout=60, check=False)


def test_builds_that_differ_only_by_generator_are_identical(tmp_path: Path) -> None:
    mkdocs = make_site(tmp_path / "a", "mkdocs-1.6.1, mkdocs-material-9.8.2", sitemap_mtime=1)
    properdocs = make_site(tmp_path / "b", "mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.2",
                           sitemap_mtime=2)
    result = site_diff(mkdocs, properdocs)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "**Identical**: 3 files compared" in result.stdout


def test_any_other_difference_is_reported_by_file_and_line(tmp_path: Path) -> None:
    mkdocs = make_site(tmp_path / "a", "mkdocs-1.6.1", extra='<a href="#scope-orders">x</a>')
    properdocs = make_site(tmp_path / "b", "ProperDocs 1.6.7", extra='<a href="#orders">x</a>')
    (properdocs / "search.json").write_text("{}", "utf-8")
    (mkdocs / "404.html").write_text("<p>gone</p>", "utf-8")
    result = site_diff(mkdocs, properdocs)
    assert result.returncode == 1
    assert "**Different**: 1 of 3 shared files differ" in result.stdout
    assert '`scopes/index.html`: `-<title>Scopes</title></head><body><h2 id="scope-orders">' \
           'Orders</h2><a href="#scope-orders">x</a></body></html>`' in result.stdout
    assert "Only in the MkDocs build\n\n- `404.html`" in result.stdout
    assert "Only in the ProperDocs build\n\n- `search.json`" in result.stdout


def test_a_changed_generator_tag_with_other_changes_on_its_line_still_differs(
    tmp_path: Path
) -> None:
    mkdocs = make_site(tmp_path / "a", "mkdocs-1.6.1")
    properdocs = make_site(tmp_path / "b", "ProperDocs 1.6.7")
    page = properdocs / "index.html"
    page.write_text(page.read_text("utf-8").replace('">\n<title>', '"><link rel="x">\n<title>'),
                    "utf-8")
    assert site_diff(mkdocs, properdocs).returncode == 1


def test_a_missing_site_is_exit_code_2(tmp_path: Path) -> None:
    result = site_diff(make_site(tmp_path / "a", "x"), tmp_path / "never-built")
    assert result.returncode == 2 and "never-built" in result.stderr


TINY_PROJECT = {
    # ProperDocs ships no built-in theme (MkDocs's "mkdocs" theme is a separate package):
    # the guide's theme, Material, is named, as in the guide.
    "mkdocs.yml": "site_name: Tiny\ntheme: {name: material, font: false}\n"
                  "validation: {anchors: warn}\nnav:\n  - index.md\n  - other.md\n",
    "docs/index.md": "# Home\n\nSee [the other page](other.md#part-two).\n",
    "docs/other.md": "# Other\n\n## Part two\n\nText.\n",
}


def _properdocs() -> str:
    found = os.environ.get("BC_PROPERDOCS") or shutil.which("properdocs",
                                                          path=str(Path(sys.executable).parent))
    if not found:
        pytest.skip("ProperDocs is not installed here (its own lock: .github/properdocs/); "
                    "set BC_PROPERDOCS to a properdocs command to run this test")
    return found


def test_a_tiny_project_built_by_mkdocs_and_properdocs_differs_only_by_generator(
    tmp_path: Path
) -> None:
    properdocs = _properdocs()
    project = tmp_path / "project"
    for name, text in TINY_PROJECT.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, "utf-8")
    builds = {"mkdocs": [sys.executable, "-m", "mkdocs"], "properdocs": [properdocs]}
    for name, command in builds.items():
        result = subprocess.run([*command, "build", "--strict", "-f", "mkdocs.yml",
                                 "--site-dir", str(tmp_path / name)],
                                cwd=project, env=build_environment(), capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 0, f"{name}: {result.stderr[-2000:]}"
    first = (tmp_path / "mkdocs" / "index.html").read_text("utf-8")
    second = (tmp_path / "properdocs" / "index.html").read_text("utf-8")
    assert first != second, "the generator tags should differ; is BC_PROPERDOCS really ProperDocs?"
    result = site_diff(tmp_path / "mkdocs", tmp_path / "properdocs")
    assert result.returncode == 0, result.stdout
