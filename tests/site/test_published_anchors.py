"""The published-anchors registry (tests/published-anchors.txt) only grows.

Every entry is an address support may have sent to a merchant, or the checker may
print: a page relative to site_url, with or without a fragment. Each must still lead
somewhere in the built site, through a mkdocs-redirects stub if the page moved.
Every current public anchor must be registered, so the next change cannot drop one
unnoticed. Parsing and redirect-following come from tools.anchors_registry, the
same code the CI guards use.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.docs import REPO_ROOT

from bc_scopes.troubleshooting import PROBLEMS
from tools.anchors_registry import anchors_on_page, read_registry, split_entry

REGISTRY = REPO_ROOT / "tests" / "published-anchors.txt"
ENTRIES = read_registry(REGISTRY.read_text(encoding="utf-8"))
ADD_THESE = "add these lines to tests/published-anchors.txt:\n"
CHANGELOG_HEADING = re.compile(r"change-\d{4}-\d{2}-\d{2}(-\d+)?")


def entry_for(url_path: str, fragment: str = "") -> str:
    """Registry spelling of a site URL path ('/scopes/') and fragment: 'scopes/#x'."""
    page = url_path.lstrip("/")
    return f"{page}#{fragment}" if fragment else page


def test_registry_entries_are_well_formed_and_unique() -> None:
    assert len(ENTRIES) == len(set(ENTRIES)), "an entry is listed twice"
    for entry in ENTRIES:
        assert re.fullmatch(r"([a-z0-9-]+/)*(#[A-Za-z0-9_-]+)?", entry), f"bad entry {entry!r}"


@pytest.mark.parametrize("entry", ENTRIES)
def test_published_address_still_exists(built_site: Path, entry: str) -> None:
    page, fragment = split_entry(entry)
    anchors = anchors_on_page(built_site, page)
    assert anchors is not None, f"{entry}: the page {page or 'home'} is gone; add a redirect"
    if fragment:
        assert fragment in anchors, (
            f"{entry} is published but the page has no id {fragment!r}. Keep the old id as an "
            "alias in scopes.yaml, or give the heading back its { #id }."
        )


def _unregistered(expected: list[str]) -> list[str]:
    registered = set(ENTRIES)
    return [entry for entry in expected if entry not in registered]


def test_every_row_anchor_is_registered(table) -> None:
    expected = [
        f"{table.guide.scopes_page}#{anchor}"
        for row in (*table.rows, *table.leave_at_none)
        for anchor in (row.anchor, *row.alias_anchors)
    ]
    missing = _unregistered(expected)
    assert not missing, ADD_THESE + "\n".join(missing)


def test_every_troubleshooting_anchor_is_registered(table) -> None:
    page = table.guide.troubleshooting_page
    missing = _unregistered([f"{page}#{entry.anchor}" for entry in PROBLEMS])
    assert not missing, ADD_THESE + "\n".join(missing)


def test_every_page_and_heading_is_registered(read_page, page_paths) -> None:
    """Headings written in the pages must be registered. The dated headings that the
    changelog generates are exempt, so adding a changelog entry needs no registry edit."""
    expected = []
    for path in page_paths:
        if path != "/":  # the home page is the site address itself
            expected.append(entry_for(path))
        article = read_page(path).select_one("article")
        headings = article.find_all(["h1", "h2", "h3"], id=True)
        expected += [
            entry_for(path, heading["id"])
            for heading in headings
            if not CHANGELOG_HEADING.fullmatch(heading["id"])
        ]
    missing = _unregistered(expected)
    assert not missing, ADD_THESE + "\n".join(missing)
