"""The API path figure renders, has an accessible name, and marks the hash itself."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_figure_renders_with_an_accessible_name(page, site_url) -> None:
    page.goto(f"{site_url}store-hash/")
    figure = page.get_by_role("img", name="The API path with the Store Hash marked")
    assert figure.is_visible()
    box = figure.bounding_box()
    assert box["width"] > 300 and box["height"] > 50


def test_highlight_sits_over_the_hash_only(page, site_url) -> None:
    page.goto(f"{site_url}store-hash/")
    mark = page.locator("svg.bc-api-path rect.bc-fig-mark").bounding_box()
    hash_text = page.locator("svg.bc-api-path text.bc-fig-hash").bounding_box()
    stores = page.locator("svg.bc-api-path text.bc-fig-strong").first.bounding_box()
    assert page.locator("svg.bc-api-path text.bc-fig-hash").text_content() == "abcde"
    assert mark["x"] <= hash_text["x"] and hash_text["x"] + hash_text["width"] <= (
        mark["x"] + mark["width"])
    assert stores["x"] + stores["width"] <= mark["x"] + 1, "the mark must not cover /stores/"
