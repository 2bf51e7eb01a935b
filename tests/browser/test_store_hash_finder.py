"""The store-hash finder, driven like a merchant would: type or paste, read the answer."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

GOOD_INPUTS = [
    ("https://api.bigcommerce.com/stores/abc123/v3/", "abc123"),
    ("  https://api.bigcommerce.com/stores/abc123/v3/\n", "abc123"),
    ("api.bigcommerce.com/stores/x9y8z7/v2/orders", "x9y8z7"),
    ("store-abc123.mybigcommerce.com", "abc123"),
    ("https://store-abc123.mybigcommerce.com/manage/dashboard", "abc123"),
    ("abc123", "abc123"),
    ("store-abc123", "abc123"),
    ('"abc123"', "abc123"),
]

BAD_INPUTS = [
    ("https://api.bigcommerce.com/stores/{store_hash}/v3/", "placeholder in curly braces"),
    ("https://api.bigcommerce.com/stores//v3/", "is empty"),
    ("https://api.bigcommerce.com/v3/", "no /stores/ part"),
    ("www.myshop.com", "shop's own domain"),
    ("https://myshop.mybigcommerce.com/", "no store- part"),
    ("ABC123", "capital letters"),
    ("abc 123", "spaces or line breaks"),
    ("abc_123!", "characters a Store Hash never has"),
    ("a" * 40, "40 characters long"),
    ("https://api.bigcommerce.com/stores/ab%2Fcd/v3/", "characters a Store Hash never has"),
]


def finder_answer(page):
    return {
        "hash": page.locator("[data-bc-hash]").text_content(),
        "answer_visible": page.locator("[data-bc-answer]").is_visible(),
        "message": page.locator("[data-bc-message]").text_content(),
        "invalid": page.locator("#bc-finder-input").get_attribute("aria-invalid"),
    }


@pytest.fixture
def finder(new_page, site_url):
    page, record = new_page()
    page.goto(f"{site_url}store-hash/")
    page.wait_for_load_state("load")
    yield page
    page.wait_for_timeout(100)  # let anything sent after the last keystroke show up
    assert [url for url in record.requests if not url.startswith(site_url)] == []
    typed = page.locator("#bc-finder-input").input_value().strip()
    if len(typed) >= 3:
        assert not [url for url in record.requests if typed in url], "the input was sent"
    assert record.console_errors == []


@pytest.mark.parametrize("text, expected_hash", GOOD_INPUTS)
def test_good_input_shows_the_hash(finder, text: str, expected_hash: str) -> None:
    finder.get_by_label("API path, store address or Store Hash").fill(text)
    answer = finder_answer(finder)
    assert answer["hash"] == expected_hash
    assert answer["answer_visible"]
    assert answer["invalid"] == "false"


@pytest.mark.parametrize("text, expected_message", BAD_INPUTS)
def test_bad_input_says_what_is_wrong(finder, text: str, expected_message: str) -> None:
    finder.get_by_label("API path, store address or Store Hash").fill(text)
    answer = finder_answer(finder)
    assert expected_message in answer["message"]
    assert not answer["answer_visible"]
    assert answer["invalid"] == "true"


def test_submitting_nothing_asks_for_input(finder) -> None:
    finder.get_by_role("button", name="Find the hash").click()
    assert "Paste your API path" in finder_answer(finder)["message"]


def test_result_is_announced_politely(finder) -> None:
    region = finder.locator("[data-bc-result]")
    assert region.get_attribute("role") == "status"
    assert region.get_attribute("aria-live") == "polite"


def test_prefix_is_dropped_with_a_note(finder) -> None:
    finder.get_by_label("API path, store address or Store Hash").fill("store-abc123")
    assert "store- prefix" in finder_answer(finder)["message"]


def test_copy_button_puts_the_hash_on_the_clipboard(finder, site_url) -> None:
    finder.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    finder.get_by_label("API path, store address or Store Hash").fill(
        "https://api.bigcommerce.com/stores/abc123/v3/")
    copy = finder.get_by_role("button", name="Copy")
    copy.click()
    finder.wait_for_function("document.querySelector('[data-bc-copy]').textContent === 'Copied'")
    assert finder.evaluate("navigator.clipboard.readText()") == "abc123"


def test_finder_stores_nothing(finder) -> None:
    finder.get_by_label("API path, store address or Store Hash").fill("abc123")
    stored = finder.evaluate(
        "[localStorage.length, sessionStorage.length, document.cookie, "
        "Object.keys(localStorage).join(',')]")
    # Material keeps its own settings (palette, consent) under its own keys; the finder adds none.
    assert "abc123" not in str(stored)
    assert not any("bc" in key.split(".")[-1] for key in stored[3].split(",") if key)
