"""axe finds no violations on any page, in the light or the dark scheme, and no page
logs an error or loads anything from another host. The same loaded page then shows the
feedback widget, whose "No" opens an issue (test_support_and_feedback).

The dark scheme changes colours only (Material's palette swaps CSS variables; the DOM is
the same), so in the dark every rule about colour runs and the rest run once, in the light.
The dark scan runs on the page already loaded in the light, switched with the header's
"Switch to dark mode" toggle, as a reader would; a page that opens in the dark because
the phone asks for it is scanned by the scope-cards test below.

The pages are every page the build writes (conftest.SITE_PATHS, checked against a real
build by test_site_pages.py), including those in subfolders and the 404 page."""

from __future__ import annotations

import pytest

from .conftest import NOT_FOUND_PAGE, PHONE
from .test_support_and_feedback import assert_feedback_no_opens_an_issue

pytestmark = pytest.mark.browser


# Before each run, axe reads every stylesheet's rules into its own CSSOM copy and loads
# the page's media ("preload"): about a quarter of a run's time on these pages. Only two
# rules use that: css-orientation-lock, which is experimental and so off by default, and
# no-autoplay-audio, which has no element to check here (the guide has no <audio> or
# <video>; test_built_site checks that). With the preload off, the same rules run.
WITHOUT_PRELOAD = {"preload": False}
# axe-core's rules that read colours: what a scheme can break.
COLOUR_RULES = {"runOnly": {"type": "rule", "values": [
    "color-contrast", "link-in-text-block"]},
    "resultTypes": ["violations"], **WITHOUT_PRELOAD}
ALL_RULES = {"resultTypes": ["violations"], **WITHOUT_PRELOAD}


def rules_for(color_scheme: str) -> dict:
    return ALL_RULES if color_scheme == "light" else COLOUR_RULES


# axe builds a CSS selector, an ancestry and an XPath for every node it reports: about a
# quarter of its time on these pages. The first pass skips them (the rules run the same),
# and the HTML snippet it keeps of every node it checks (axe.configure's noHtml: about 5%
# more, measured over four pages); only when it finds something does axe run again with
# them, to name the elements.
WITHOUT_NODE_PATHS = {"selectors": False, "ancestry": False, "xpath": False,
                      "absolutePaths": False}


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']}: {v['help']} -> {[node['target'] for node in v['nodes'][:3]]}"
        for v in violations
    )


def axe_violations(page, options: dict, *, html: bool = True) -> list[dict]:
    """axe-core's violations on the page as loaded now. axe-core (the copy that
    axe-playwright-python ships) is injected once per page load: the dark scan of a page
    reuses the light scan's copy instead of compiling its half-megabyte script again."""
    from axe_playwright_python.sync_playwright import Axe

    if not page.evaluate("typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(Axe().axe_script)
    violations: list[dict] = page.evaluate(
        """([options, noHtml]) => {
            axe.configure({noHtml});
            return axe.run(options).then(results => results.violations);
        }""", [options, not html])
    return violations


def assert_no_axe_violations(page, options: dict) -> None:
    if not axe_violations(page, {**options, **WITHOUT_NODE_PATHS}, html=False):
        return
    raise AssertionError(describe(axe_violations(page, options))
                         or "axe found violations on its first pass only")


def switch_to_dark(page) -> None:
    """Click the header's palette toggle, as a reader would, and wait for Material's dark
    palette (slate) to apply."""
    page.locator('label[title="Switch to dark mode"]').first.click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")


def test_page_has_no_axe_violations_in_the_light_or_the_dark_and_asks_for_feedback(
        reused_page, open_site_page, site_url, site_path: str) -> None:
    """Every axe rule in the light; the colour rules after switching to the dark; then,
    on the same loaded page, the feedback widget (one page load serves all three: on two
    cores, page loads are most of the browser tests' time)."""
    page, record = reused_page()
    open_site_page(page, site_path)
    try:
        assert_no_axe_violations(page, ALL_RULES)
        switch_to_dark(page)
        assert_no_axe_violations(page, COLOUR_RULES)
    finally:
        page.evaluate("localStorage.clear()")  # the reused page's next load starts light
    assert record.console_errors == []
    assert [url for url in record.requests if not url.startswith(site_url)] == []
    if site_path != NOT_FOUND_PAGE:  # the 404 page is not a page of the guide
        assert_feedback_no_opens_an_issue(page, record, site_path)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_scope_cards_on_a_phone_have_no_axe_violations(new_page, site_url,
                                                       color_scheme: str) -> None:
    """The phone's card layout has colours of its own: the "Why" line, and the reason and
    its source link on the highlighted card that a row link opened (its reason unfolded).
    A first visit opens in the scheme the phone asks for (partials/palette.html), and the
    browser's own colours (the color-scheme meta tag) follow it."""
    page, record = new_page(color_scheme=color_scheme, viewport=PHONE)
    page.goto(f"{site_url}scopes/#scope-orders")
    page.wait_for_load_state("load")
    assert page.evaluate("[document.body.dataset.mdColorScheme, "
                         "document.querySelector('meta[name=color-scheme]').content]") == (
        ["slate", "dark"] if color_scheme == "dark" else ["default", "light"])
    page.locator('tr[data-row-id="orders"] .bc-source-link').wait_for(state="visible")
    page.locator('tr[data-row-id="orders"] td.bc-level').hover()  # Material's row hover tint
    assert_no_axe_violations(page, rules_for(color_scheme))
    assert record.console_errors == []
