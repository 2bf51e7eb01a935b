"""At 390 px (a phone) no page scrolls sideways, and the 3PL message template wraps
instead of scrolling inside its box.

One phone-sized page per worker is reused for every page of the site, so the check
costs one page load per page and still reports each page on its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def phone(browser) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, color_scheme="light")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_page_is_no_wider_than_a_390px_phone(phone, open_site_page, site_path: str) -> None:
    phone.errors.clear()
    open_site_page(phone, site_path)
    width, inner = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"/{site_path} is {width} px wide on a {inner} px phone"
    assert phone.errors == []


def test_message_template_wraps_on_a_phone(phone, open_site_page) -> None:
    open_site_page(phone, "fulfilment-providers/")
    code = phone.locator(".bc-message pre > code")
    assert code.count() == 1
    width, client = code.evaluate("c => [c.scrollWidth, c.clientWidth]")
    assert width <= client, f"the message scrolls sideways: {width} px in {client} px"
    assert "https://dropstream.github.io/bc-api-credentials/scopes/" in code.inner_text()
