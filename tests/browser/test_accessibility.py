"""axe finds no violations on any page, in the light or the dark scheme, and no page
logs an error or loads anything from another host. In the light, the same loaded page
then shows the feedback widget, whose "No" opens an issue (test_support_and_feedback).

The dark scheme changes colours only (Material's palette swaps CSS variables; the DOM is
the same), so in the dark every rule about colour runs and the rest run once, in the light.

The pages are every page the build writes (conftest.SITE_PATHS, checked against a real
build by test_site_pages.py), including those in subfolders and the 404 page."""

from __future__ import annotations

import pytest

from .conftest import NOT_FOUND_PAGE, PHONE
from .test_support_and_feedback import assert_feedback_no_opens_an_issue

pytestmark = pytest.mark.browser


# axe-core's rules that read colours: what a scheme can break.
COLOUR_RULES = {"runOnly": {"type": "rule", "values": [
    "color-contrast", "link-in-text-block"]},
    "resultTypes": ["violations"]}
ALL_RULES = {"resultTypes": ["violations"]}


def rules_for(color_scheme: str) -> dict:
    return ALL_RULES if color_scheme == "light" else COLOUR_RULES


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']}: {v['help']} -> {[node['target'] for node in v['nodes'][:3]]}"
        for v in violations
    )


def test_page_in_the_light_has_no_axe_violations_and_asks_for_feedback(
        reused_page, open_site_page, site_url, site_path: str) -> None:
    """Every axe rule; then, on the same loaded page, the feedback widget (one page load
    serves both checks: on two cores, page loads are most of the browser tests' time)."""
    from axe_playwright_python.sync_playwright import Axe

    page, record = reused_page()
    open_site_page(page, site_path)
    results = Axe().run(page, options=ALL_RULES)
    assert results.violations_count == 0, describe(results.response["violations"])
    assert record.console_errors == []
    assert [url for url in record.requests if not url.startswith(site_url)] == []
    if site_path != NOT_FOUND_PAGE:  # the 404 page is not a page of the guide
        assert_feedback_no_opens_an_issue(page, record, site_path)


def test_page_in_the_dark_has_no_colour_violations(reused_page, open_site_page, site_url,
                                                   site_path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, record = reused_page(color_scheme="dark")
    open_site_page(page, site_path)
    results = Axe().run(page, options=COLOUR_RULES)
    assert results.violations_count == 0, describe(results.response["violations"])
    assert record.console_errors == []
    assert [url for url in record.requests if not url.startswith(site_url)] == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_scope_cards_on_a_phone_have_no_axe_violations(new_page, site_url,
                                                       color_scheme: str) -> None:
    """The phone's card layout has colours of its own: the "Why" line, and the reason and
    its source link on the highlighted card that a row link opened (its reason unfolded)."""
    from axe_playwright_python.sync_playwright import Axe

    page, record = new_page(color_scheme=color_scheme, viewport=PHONE)
    page.goto(f"{site_url}scopes/#scope-orders")
    page.wait_for_load_state("load")
    page.locator('tr[data-row-id="orders"] .bc-source-link').wait_for(state="visible")
    page.locator('tr[data-row-id="orders"] td.bc-level').hover()  # Material's row hover tint
    results = Axe().run(page, options=rules_for(color_scheme))
    assert results.violations_count == 0, describe(results.response["violations"])
    assert record.console_errors == []
