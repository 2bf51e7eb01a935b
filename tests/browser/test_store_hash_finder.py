"""The store-hash finder, driven like a merchant would: type or paste, read the answer."""

from __future__ import annotations

import pytest

from bc_scopes.checker.storehash import StoreHashError, normalise_store_hash

pytestmark = pytest.mark.browser

GOOD_INPUTS = [
    ("https://api.bigcommerce.com/stores/k7x2m9/v3/", "k7x2m9"),
    ("  https://api.bigcommerce.com/stores/k7x2m9/v3/\n", "k7x2m9"),
    ("api.bigcommerce.com/stores/x9y8z7/v2/orders", "x9y8z7"),
    ("store-k7x2m9.mybigcommerce.com", "k7x2m9"),
    ("https://store-k7x2m9.mybigcommerce.com/manage/dashboard", "k7x2m9"),
    ("k7x2m9", "k7x2m9"),
    ("store-k7x2m9", "k7x2m9"),
    ("K7X2M9", "k7x2m9"),
]

BAD_INPUTS = [
    ("https://api.bigcommerce.com/stores/{store_hash}/v3/", "placeholder in curly braces"),
    ("https://api.bigcommerce.com/stores//v3/", "is empty"),
    ("https://api.bigcommerce.com/v3/", "no /stores/ part"),
    ("www.myshop.com", "shop's own domain"),
    ("https://myshop.mybigcommerce.com/", "no store- part"),
    ('"k7x2m9"', "characters a Store Hash never has"),
    ("abc 123", "spaces or line breaks"),
    ("abc_123!", "characters a Store Hash never has"),
    ("a" * 70, "looks like a Client ID or Access Token, not a Store Hash"),
    ("https://api.bigcommerce.com/stores/ab%2Fcd/v3/", "characters a Store Hash never has"),
]


LABEL = "API path, store address or Store Hash"


@pytest.fixture(scope="module")
def finder_page(reused_page, site_url):
    """One store-hash page for the whole module: each test types over the last input.

    Every request the page makes is recorded, so each test can check that what it
    typed never left the page.
    """
    page, record = reused_page()
    page.goto(f"{site_url}store-hash/")
    page.wait_for_load_state("load")
    return page, record


@pytest.fixture
def finder(finder_page, site_url):
    page, record = finder_page
    page.get_by_label(LABEL).fill("")
    seen = len(record.requests)
    yield page
    page.wait_for_timeout(50)  # let anything sent after the last keystroke show up
    sent = record.requests[seen:]
    assert [url for url in sent if not url.startswith(site_url)] == []
    typed = page.locator("#bc-finder-input").input_value().strip()
    if len(typed) >= 3:
        assert not [url for url in sent if typed in url], "the input was sent somewhere"
    assert record.console_errors == []


def finder_answer(page):
    return {
        "hash": page.locator("[data-bc-hash]").text_content(),
        "answer_visible": page.locator("[data-bc-answer]").is_visible(),
        "message": page.locator("[data-bc-message]").text_content(),
        "invalid": page.locator("#bc-finder-input").get_attribute("aria-invalid"),
    }


@pytest.mark.parametrize("text, expected_hash", GOOD_INPUTS)
def test_good_input_shows_the_hash(finder, text: str, expected_hash: str) -> None:
    finder.get_by_label(LABEL).fill(text)
    answer = finder_answer(finder)
    assert answer["hash"] == expected_hash
    assert answer["answer_visible"]
    assert answer["invalid"] == "false"


@pytest.mark.parametrize("text, expected_message", BAD_INPUTS)
def test_bad_input_says_what_is_wrong(finder, text: str, expected_message: str) -> None:
    finder.get_by_label(LABEL).fill(text)
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
    finder.get_by_label(LABEL).fill("store-k7x2m9")
    assert "store- prefix" in finder_answer(finder)["message"]


def test_copy_button_puts_the_hash_on_the_clipboard(finder, site_url) -> None:
    finder.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    finder.get_by_label(LABEL).fill(
        "https://api.bigcommerce.com/stores/k7x2m9/v3/")
    copy = finder.get_by_role("button", name="Copy")
    copy.click()
    finder.wait_for_function("document.querySelector('[data-bc-copy]').textContent === 'Copied'")
    assert finder.evaluate("navigator.clipboard.readText()") == "k7x2m9"


def test_finder_stores_nothing(finder) -> None:
    finder.get_by_label(LABEL).fill("k7x2m9")
    stored = finder.evaluate(
        "[localStorage.length, sessionStorage.length, document.cookie, "
        "Object.keys(localStorage).join(',')]")
    # Material keeps its own settings (palette, consent) under its own keys; the finder adds none.
    assert "k7x2m9" not in str(stored)
    assert not any("bc" in key.split(".")[-1] for key in stored[3].split(",") if key)


# What a merchant pastes by mistake: the Client ID or the Access Token from the same
# credentials file (about 30 lowercase letters and digits), alone or inside an API path.
# Made-up values of the real shape; the checker refuses anything longer than 16 characters.
ACCESS_TOKEN = "k3j9x0q2m7w5t1z8r4v6b2n0c9d3f7h"
CLIENT_ID = "q8w2e6r1t5y9u3i7o0p4a8s2d6f1g5h"
CREDENTIAL_INPUTS = [
    ACCESS_TOKEN,
    CLIENT_ID,
    f"  {ACCESS_TOKEN.upper()}  ",
    f"store-{CLIENT_ID}",
    f"https://api.bigcommerce.com/stores/{ACCESS_TOKEN}/v3/",
    "a" * 17,
]


@pytest.mark.parametrize("text", CREDENTIAL_INPUTS, ids=["token", "client-id", "upper", "prefix",
                                                          "api-path", "17-characters"])
def test_a_pasted_credential_is_named_and_never_shown(finder, text: str) -> None:
    """A 31-character Access Token is not "Your Store Hash is k3j9...": say what it looks like."""
    finder.get_by_label(LABEL).fill(text)
    answer = finder_answer(finder)
    assert "looks like a Client ID or Access Token, not a Store Hash" in answer["message"]
    assert "between /stores/ and /v3/" in answer["message"], "say where the hash is instead"
    assert not answer["answer_visible"]
    assert answer["hash"] == ""
    assert answer["invalid"] == "true"
    pasted = text.strip().lower().removeprefix("store-")
    pasted = pasted.split("/stores/")[-1].split("/")[0]
    page_text = finder.evaluate("document.body.innerText").lower()
    assert pasted not in page_text, "the pasted value is echoed on the page"


def test_the_longest_store_hash_the_checker_accepts_is_still_shown(finder) -> None:
    finder.get_by_label(LABEL).fill("a" * 16)
    answer = finder_answer(finder)
    assert answer["hash"] == "a" * 16
    assert answer["answer_visible"]


AGREEMENT_INPUTS = [text for text, _ in GOOD_INPUTS + BAD_INPUTS] + CREDENTIAL_INPUTS + [
    "a" * 16, "store-" + "a" * 16, "store-" + "a" * 17,
    "", "   ", "store-", "STORE-k7x2m9", "abc\u00e9", "abc\x01def", "abc/123", "abc.123",
    "https://api.bigcommerce.com/stores/k7x2m9", "stores/k7x2m9/v3", "a" * 64, "a" * 65,
    "https://store-ABC123.mybigcommerce.com", "https://api.bigcommerce.com/stores/store-abc/v3/",
    "https://example.com/stores/k7x2m9/v3/", "http://localhost:8080/stores/k7x2m9/v3/",
    "tab\tinside", "%E0%A4%A", "https://api.bigcommerce.com/stores/ab%E0/v3/",
]


def python_verdict(text: str) -> tuple[bool, str]:
    try:
        return True, normalise_store_hash(text)
    except StoreHashError:
        return False, ""


def test_finder_and_checker_agree_on_every_input(finder) -> None:
    """The finder in the guide and the checker accept the same inputs and find the same hash."""
    js_results = finder.evaluate(
        "inputs => inputs.map(text => { const r = window.bcFindStoreHash(text); "
        "return [r.ok, r.hash]; })",
        AGREEMENT_INPUTS,
    )
    disagreements = [
        (text, tuple(js), python_verdict(text))
        for text, js in zip(AGREEMENT_INPUTS, js_results, strict=True)
        if tuple(js) != python_verdict(text)
    ]
    assert disagreements == []


def test_the_guides_example_hash_is_refused_like_the_checker_does(finder) -> None:
    result = finder.evaluate("text => window.bcFindStoreHash(text)",
                             "https://api.bigcommerce.com/stores/abc123/v3/")
    assert result["ok"] is False and "example Store Hash" in result["message"]
    assert python_verdict("abc123") == (False, "")
