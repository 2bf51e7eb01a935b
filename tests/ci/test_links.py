"""Every internal link, asset and #anchor of the built guide resolves (over HTTP, on loopback).

One checker, site_crawler.py. Three used to cover the same site: LinkChecker with its
AnchorCheck plugin (about 17 s on the guide), an earlier version of this crawler (about
1 s) and a row-anchor test in tests/site. The crawler was extended until it found every
kind of breakage any of the three found; BREAKAGES below is that list, each with the
checkers that caught it before, and each is a test of its own. Links to other hosts are
ignored: tests touch only loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bc_scopes.model import ScopeTable

from .conftest import serve_directory
from .site_crawler import CrawlResult, crawl

ROW_ANCHOR_PREFIX = "scope-"


def built_page_urls(site_dir: Path, base_url: str) -> set[str]:
    urls = set()
    for index in site_dir.rglob("index.html"):
        relative = index.parent.relative_to(site_dir).as_posix()
        urls.add(base_url if relative == "." else f"{base_url}{relative}/")
    return urls


def row_links_elsewhere(result: CrawlResult, scopes_page_url: str) -> list[str]:
    """Links to a row anchor (#scope-...) that do not lead to the scope table's page.

    An id may exist on another page too (a copied snippet), so "the anchor resolves" is not
    enough: a row link support sends must open the table.
    """
    return sorted(f"{link.source_page}: {link.href}" for link in result.links
                  if link.fragment.startswith(ROW_ANCHOR_PREFIX)
                  and link.target != scopes_page_url)


# --- the guide --------------------------------------------------------------------------
def test_every_internal_link_asset_and_fragment_of_the_guide_resolves(
    built_site: Path, site_url: str, table: ScopeTable
) -> None:
    result = crawl(site_url)
    assert result.broken == [], "broken internal links:\n" + "\n".join(result.broken)
    assert result.pages == built_page_urls(built_site, site_url)
    scopes_page = site_url + table.guide.scopes_page
    assert row_links_elsewhere(result, scopes_page) == []
    # Each row's link icon points at its own anchor; all of them were resolved.
    rows = (*table.rows, *table.leave_at_none)
    missing = {f"{scopes_page}#{row.anchor}" for row in rows} - result.checked_urls
    assert not missing, f"row anchors no link points at: {sorted(missing)}"


# --- a small site, broken one way at a time --------------------------------------------
PAGE = ("<!doctype html><html><head><title>t</title>"
        '<link rel="stylesheet" href="{root}assets/site.css">{head}</head>'
        "<body>{body}</body></html>")
CLEAN_SITE = {
    "index.html": PAGE.format(root="", head="", body=(
        '<a href="scopes/#scope-kept">row</a> <img src="assets/ok.png" alt="">'
        ' <a href="other/">other</a>')),
    "scopes/index.html": PAGE.format(root="../", head="", body=(
        '<h2 id="scope-kept">Row</h2> <a href="#scope-kept">self</a> <a href="../">home</a>')),
    "other/index.html": PAGE.format(root="../", head="", body="<p>Other</p>"),
    "assets/site.css": "body { background: url(ok.png); }\n",
    "assets/ok.png": "png",
}
LC, CRAWLER, ROW_TEST = "LinkChecker", "the earlier crawler", "the row-anchor test"
# kind -> (caught before by, where the breakage goes, what it adds there, what is reported)
BREAKAGES: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "missing page": ((LC, CRAWLER), "index.html", '<a href="gone/">x</a>',
                     "{url}: gone/ -> HTTP 404"),
    "broken cross-page anchor": ((LC, CRAWLER, ROW_TEST), "index.html",
                                 '<a href="scopes/#scope-gone">x</a>',
                                 "{url}: scopes/#scope-gone -> no element with id 'scope-gone'"),
    "broken same-page anchor": ((CRAWLER,), "scopes/index.html", '<a href="#scope-gone">x</a>',
                                "{url}scopes/: #scope-gone -> no element with id 'scope-gone'"),
    "row link to a page without the table": (
        (ROW_TEST,), "other/index.html",
        '<span id="scope-kept"></span><a href="#scope-kept">x</a>',
        "row link {url}other/: #scope-kept"),
    "missing image": ((LC, CRAWLER), "index.html", '<img src="assets/gone.png" alt="">',
                      "{url}: assets/gone.png -> HTTP 404"),
    "missing image in a srcset": ((LC,), "index.html",
                                  '<img src="assets/ok.png" srcset="assets/gone-2x.png 2x" alt="">',
                                  "{url}: assets/gone-2x.png -> HTTP 404"),
    "missing script": ((LC, CRAWLER), "index.html", '<script src="assets/gone.js"></script>',
                       "{url}: assets/gone.js -> HTTP 404"),
    "missing stylesheet": ((LC, CRAWLER), "index.html",
                           '<link rel="stylesheet" href="assets/gone.css">',
                           "{url}: assets/gone.css -> HTTP 404"),
    "missing icon": ((LC, CRAWLER), "index.html", '<link rel="icon" href="assets/gone.svg">',
                     "{url}: assets/gone.svg -> HTTP 404"),
    "missing download": ((LC, CRAWLER), "index.html", '<a href="gone.json">x</a>',
                         "{url}: gone.json -> HTTP 404"),
    "missing frame": ((LC,), "index.html", '<iframe src="gone.html"></iframe>',
                      "{url}: gone.html -> HTTP 404"),
    "missing image in a style attribute": (
        (LC,), "index.html", '<div style="background: url(assets/gone-inline.png)"></div>',
        "{url}: assets/gone-inline.png -> HTTP 404"),
    "missing image in a stylesheet": ((LC,), "assets/site.css", "p { background: url(gone.png) }",
                                      "{url}assets/site.css: gone.png -> HTTP 404"),
    "missing stylesheet @import": ((LC,), "assets/site.css", '@import "gone.css";',
                                   "{url}assets/site.css: gone.css -> HTTP 404"),
    "redirect page to a missing page": (
        (LC,), "other/index.html", '<meta http-equiv="refresh" content="0; url=../moved/">',
        "{url}other/: ../moved/ -> HTTP 404"),
}


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for name, text in CLEAN_SITE.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    return site


@pytest.fixture
def served(small_site: Path) -> Iterator[str]:
    with serve_directory(small_site) as url:
        yield url


def problems(url: str) -> list[str]:
    """What the kept checker, with the row-link rule, reports for the site at `url`."""
    result = crawl(url)
    return result.broken + [f"row link {line}"
                            for line in row_links_elsewhere(result, f"{url}scopes/")]


def test_the_clean_small_site_has_no_problem(served: str) -> None:
    assert problems(served) == []


@pytest.mark.parametrize("kind", sorted(BREAKAGES))
def test_the_kept_checker_finds_each_kind_of_breakage(
    kind: str, small_site: Path, served: str
) -> None:
    caught_before, file_name, addition, expected = BREAKAGES[kind]
    assert caught_before, "only kinds another checker caught belong here"
    target = small_site / file_name
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("</body>", addition + "</body>", 1) if "</body>" in text
                      else text + addition, encoding="utf-8")
    assert problems(served) == [expected.format(url=served)]
