"""axe finds no violations on any page, in the light or the dark scheme, and no page
logs an error or loads anything from another host."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
PAGES = sorted("" if md.stem == "index" else f"{md.stem}/" for md in DOCS.glob("*.md"))


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']}: {v['help']} -> {[node['target'] for node in v['nodes'][:3]]}"
        for v in violations
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "index")
def test_page_has_no_axe_violations(new_page, site_url, path: str, color_scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, record = new_page(color_scheme=color_scheme)
    page.goto(site_url + path)
    page.wait_for_load_state("load")
    results = Axe().run(page)
    assert results.violations_count == 0, describe(results.response["violations"])
    assert record.console_errors == []
    assert [url for url in record.requests if not url.startswith(site_url)] == []
