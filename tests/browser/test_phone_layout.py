"""At 390 px (a phone) no page scrolls sideways, and the 3PL message template wraps
instead of scrolling inside its box.

One phone-sized page per worker is reused for every page of the site, so the check
costs one page load per page and still reports each page on its own."""

from __future__ import annotations

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_page_is_no_wider_than_a_390px_phone(reused_page, open_site_page,
                                              site_path: str) -> None:
    phone, record = reused_page(viewport=PHONE)
    open_site_page(phone, site_path)
    width, inner = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"/{site_path} is {width} px wide on a {inner} px phone"
    assert record.console_errors == []


def test_message_template_wraps_on_a_phone(reused_page, open_site_page) -> None:
    phone, _ = reused_page(viewport=PHONE)
    open_site_page(phone, "fulfilment-providers/")
    code = phone.locator(".bc-message pre > code")
    assert code.count() == 1
    width, client = code.evaluate("c => [c.scrollWidth, c.clientWidth]")
    assert width <= client, f"the message scrolls sideways: {width} px in {client} px"
    assert "https://dropstream.github.io/bc-api-credentials/scopes/" in code.inner_text()
