"""Every internal link and #anchor of the built guide resolves, checked over HTTP on loopback.

Two independent checks of the served site:
* LinkChecker crawls from the home page with its AnchorCheck plugin: a missing page is an
  error, a missing cross-page #fragment a warning; either one fails. It skips links that are
  only a fragment, so
* a small requests + BeautifulSoup crawler (site_crawler.py) resolves every internal href,
  same-page fragments included: the row link icons support copies.
Links to other hosts are ignored: tests touch only loopback. The last test breaks a
small site on purpose, so both checks are known to be able to fail.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bc_scopes.model import load_scope_table

from .conftest import make_tree_world_readable, serve_directory, world_readable_tempdir
from .site_crawler import crawl

LINKCHECKER = Path(sys.executable).with_name("linkchecker")

# Everything not on the loopback server is ignored outright (no DNS, no syntax-only pass).
LINKCHECKER_CONFIG = """\
[checking]
maxrequestspersecond=1000
[filtering]
ignore=
  ^(?!http://127\\.0\\.0\\.1:)
[AnchorCheck]
"""


@dataclass(frozen=True)
class CheckedLink:
    url: str
    parent: str
    result: str
    warning: str
    valid: bool


@dataclass(frozen=True)
class LinkReport:
    returncode: int
    links: list[CheckedLink]
    log: str

    @property
    def problems(self) -> list[CheckedLink]:
        return [link for link in self.links if not link.valid or link.warning]

    def describe_problems(self) -> str:
        return "\n".join(
            f"  {link.url} (linked from {link.parent}): {link.result} {link.warning}".rstrip()
            for link in self.problems
        )


def run_linkchecker(start_url: str, workdir: Path) -> LinkReport:
    """Crawl from start_url with LinkChecker; return every checked URL and its verdict."""
    if not LINKCHECKER.exists():
        pytest.fail(f"{LINKCHECKER} is missing; run `bash scripts/setup.sh` (it is in the lock)")
    config = workdir / "linkcheckerrc"
    config.write_text(LINKCHECKER_CONFIG, encoding="utf-8")
    config.chmod(0o644)
    result = subprocess.run(
        [str(LINKCHECKER), "--config", str(config), "--no-status", "--verbose", "--output", "csv",
         start_url],
        capture_output=True, text=True, timeout=300, cwd=workdir,
    )
    rows = csv.DictReader(
        io.StringIO("".join(line + "\n" for line in result.stdout.splitlines()
                            if line and not line.startswith("#"))),
        delimiter=";",
    )
    links = [
        CheckedLink(
            url=row["url"], parent=row["parentname"], result=row["result"],
            warning=row["warningstring"], valid=row["valid"] == "True",
        )
        for row in rows
    ]
    return LinkReport(result.returncode, links, result.stderr)


def _built_page_urls(site_dir: Path, base_url: str) -> set[str]:
    urls = set()
    for index in site_dir.rglob("index.html"):
        relative = index.parent.relative_to(site_dir).as_posix()
        urls.add(base_url if relative == "." else f"{base_url}{relative}/")
    return urls


def _row_anchor_urls(base_url: str) -> set[str]:
    table = load_scope_table()
    rows = (*table.rows, *table.leave_at_none)
    return {f"{base_url}{table.guide.scopes_page}#{row.anchor}" for row in rows}


def test_linkchecker_finds_no_broken_link_or_anchor_in_the_built_guide(
    readable_site: Path, site_url: str
) -> None:
    workdir = world_readable_tempdir("bc-linkcheck-")
    try:
        report = run_linkchecker(site_url, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    assert report.returncode == 0 and not report.problems, (
        f"broken links or anchors in the built guide:\n{report.describe_problems()}\n"
        f"{report.log[-2000:]}"
    )
    checked = {link.url for link in report.links}
    pages = _built_page_urls(readable_site, site_url)
    assert pages <= checked, f"pages LinkChecker never reached: {sorted(pages - checked)}"


def test_every_internal_link_and_fragment_resolves_same_page_ones_included(
    readable_site: Path, site_url: str
) -> None:
    result = crawl(site_url)
    assert not result.broken, "broken internal links:\n" + "\n".join(result.broken)
    assert result.pages == _built_page_urls(readable_site, site_url)
    # Each row's link icon points at its own anchor; all of them were resolved.
    missing = _row_anchor_urls(site_url) - result.checked_urls
    assert not missing, f"row anchors no link points at: {sorted(missing)}"


SMALL_SITE = {
    "index.html": '<a href="scopes/#row-kept">kept</a> <a href="scopes/#scope-gone-cross">x</a>'
                  ' <a href="no-such-page/">y</a>',
    "scopes/index.html": '<h2 id="row-kept">Row</h2> <a href="#row-kept">self</a>'
                         ' <a href="#scope-gone-same">z</a> <a href="../">home</a>',
}


def test_broken_anchors_and_a_missing_page_are_reported_by_both_checks() -> None:
    """Both checks, with the configuration above, on a two-page site broken on purpose.

    A small site rather than a broken copy of the guide: the full crawl above already
    proves the guide's size is handled, and crawling it twice cost ~18 s of suite time.
    """
    root = world_readable_tempdir("bc-linkcheck-broken-")
    try:
        site = root / "site"
        for name, body in SMALL_SITE.items():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_text(
                f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>",
                encoding="utf-8")
        make_tree_world_readable(root)
        with serve_directory(site) as url:
            report = run_linkchecker(url, root)
            crawled = crawl(url)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    assert report.returncode == 1
    problems = {link.url: link for link in report.problems}
    assert set(problems) == {f"{url}scopes/#scope-gone-cross", f"{url}no-such-page/"}
    assert "scope-gone-cross" in problems[f"{url}scopes/#scope-gone-cross"].warning
    assert "404" in problems[f"{url}no-such-page/"].result
    assert f"{url}scopes/#row-kept" in {link.url for link in report.links}

    assert crawled.broken == sorted([
        f"{url}: scopes/#scope-gone-cross -> no element with id 'scope-gone-cross'",
        f"{url}: no-such-page/ -> HTTP 404",
        f"{url}scopes/: #scope-gone-same -> no element with id 'scope-gone-same'",
    ])
