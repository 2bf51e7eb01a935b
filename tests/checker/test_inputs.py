"""Store hash, API URL and credential input: what is accepted and what is refused."""

from __future__ import annotations

import pickle

import pytest

from bc_scopes.checker.inputs import InputError, normalise_api_url, resolve_inputs
from bc_scopes.checker.options import CheckOptions, RetryPolicy
from bc_scopes.checker.secrets import Secret, describe_client_credentials
from bc_scopes.checker.storehash import StoreHashError, normalise_store_hash

TOKEN = "abcdefghij0123456789abcdefghij0"


@pytest.mark.parametrize(
    "pasted",
    [
        "x4k9m2q7",
        " x4k9m2q7 \n",
        "X4K9M2Q7",
        "store-x4k9m2q7",
        "https://api.bigcommerce.com/stores/x4k9m2q7/v3/",
        "https://api.bigcommerce.com/stores/x4k9m2q7/v2",
        "api.bigcommerce.com/stores/x4k9m2q7",
        "/stores/x4k9m2q7/v3/",
        "store-x4k9m2q7.mybigcommerce.com",
        "https://store-x4k9m2q7.mybigcommerce.com/manage/",
    ],
)
def test_store_hash_forms_that_normalise_to_the_hash(pasted):
    assert normalise_store_hash(pasted) == "x4k9m2q7"


@pytest.mark.parametrize("pasted", [
    "abc123", "ABC123", " abc123\n", "store-abc123",
    "https://api.bigcommerce.com/stores/abc123/v3/", "store-abc123.mybigcommerce.com",
])
def test_the_guides_example_hash_is_refused_with_a_one_line_hint(pasted):
    """docs/verify.md shows abc123 in its commands; run unchanged, it reaches no store of
    the reader's, so it is refused before anything is sent."""
    with pytest.raises(StoreHashError) as refusal:
        normalise_store_hash(pasted)
    message = str(refusal.value)
    assert "\n" not in message and "example store hash" in message and "replace it" in message


def test_the_placeholder_is_exit_2_with_nothing_sent(check_cli, store):
    run = check_cli(env={"BIGCOMMERCE_STORE_HASH": "abc123"})
    assert run.code == 2 and "example store hash" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert store.requests == []


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("", "empty"),
        ("{store_hash}", "placeholder"),
        ("stores/{x4k9m2q7}/v3", "placeholder"),
        ("abc\n123", "control character"),
        ("abc 123", "space"),
        ("äbc123", "non-ASCII"),
        ("abc/123", "slash"),
        ("abc_123", "a-z"),
        ("shop.example.com", "storefront domain"),
        ("https://api.bigcommerce.com/v3/catalog", "no /stores/"),
        ("https://api.bigcommerce.com/stores//v3", "empty"),
        ("a" * 65, "longer than"),
        ("k2" * 15 + "x", "looks like a Client ID or Access Token, not a Store Hash"),
    ],
)
def test_store_hash_refusals_say_why(pasted, message):
    with pytest.raises(StoreHashError, match=message):
        normalise_store_hash(pasted)


def test_store_hash_errors_never_repeat_the_value():
    with pytest.raises(StoreHashError) as error:
        normalise_store_hash("sk_live_0123456789 with a space")
    assert "sk_live" not in str(error.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.bigcommerce.com", "https://api.bigcommerce.com"),
        ("https://api.bigcommerce.com/", "https://api.bigcommerce.com"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://127.5.5.5:1", "http://127.5.5.5:1"),
        ("http://localhost:9", "http://localhost:9"),
        ("http://[::1]:9", "http://[::1]:9"),
    ],
)
def test_api_urls_accepted(url, expected):
    assert normalise_api_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://api.bigcommerce.com", "plain http"),
        ("http://10.0.0.1", "plain http"),
        ("ftp://api.bigcommerce.com", "https://"),
        ("https://user:pw@api.bigcommerce.com", "user name"),
        ("https://api.bigcommerce.com/stores/abc123/v3", "host only"),
        ("https://api.bigcommerce.com?x=1", "must not contain"),
        ("", "empty"),
        ("https://api.bigcommerce.com:99999", "not a valid URL"),
    ],
)
def test_api_urls_refused(url, message):
    with pytest.raises(InputError, match=message):
        normalise_api_url(url)


def test_flags_win_over_the_environment():
    env = {"BIGCOMMERCE_STORE_HASH": "fromenv", "BIGCOMMERCE_ACCESS_TOKEN": TOKEN}
    inputs = resolve_inputs(env, store_hash="fromflag")
    assert inputs.store_hash == "fromflag"
    assert inputs.api_url == "https://api.bigcommerce.com"
    assert inputs.access_token.reveal() == TOKEN


def test_the_prompt_is_used_only_when_no_token_is_given():
    env = {"BIGCOMMERCE_STORE_HASH": "x4k9m2q7"}
    inputs = resolve_inputs(env, prompt=lambda: f"  {TOKEN}\n")
    assert inputs.access_token.reveal() == TOKEN
    with pytest.raises(InputError, match="no access token"):
        resolve_inputs(env)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BIGCOMMERCE_ACCESS_TOKEN": f'"{TOKEN}"'}, "quotes"),
        ({"BIGCOMMERCE_ACCESS_TOKEN": TOKEN, "BIGCOMMERCE_CLIENT_ID": TOKEN}, "same value"),
        (
            {"BIGCOMMERCE_ACCESS_TOKEN": TOKEN, "BIGCOMMERCE_STORE_HASH": TOKEN},
            "not a Store Hash",
        ),
        ({"BIGCOMMERCE_ACCESS_TOKEN": "tök"}, "characters"),
    ],
)
def test_credential_mistakes_are_refused_without_echoing_them(env, message):
    values = {"BIGCOMMERCE_STORE_HASH": "x4k9m2q7", **env}
    with pytest.raises(InputError, match=message) as error:
        resolve_inputs(values)
    assert TOKEN not in str(error.value) and TOKEN[:8] not in str(error.value)


def test_secret_file_problems(tmp_path):
    env = {"BIGCOMMERCE_STORE_HASH": "x4k9m2q7"}
    with pytest.raises(InputError, match="file not found"):
        resolve_inputs(env, access_token_file=str(tmp_path / "missing"))
    with pytest.raises(InputError, match="is a folder"):
        resolve_inputs(env, access_token_file=str(tmp_path))
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(InputError, match="empty"):
        resolve_inputs(env, access_token_file=str(empty))
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="UTF-8"):
        resolve_inputs(env, access_token_file=str(binary))


def test_secret_never_shows_itself():
    secret = Secret(TOKEN)
    shown = (repr(secret), str(secret), f"{secret}", f"{secret!r}", format(secret, ""))
    for text in (*shown, repr([secret]), repr({"token": secret})):
        assert TOKEN not in text and "***" in text
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    assert secret == Secret(TOKEN) and secret != Secret("other")


def test_client_credentials_are_described_not_verified():
    lines = describe_client_credentials(Secret("a" * 31), None)
    assert lines[0] == "Client ID: present, has a plausible shape."
    assert lines[1] == "Client Secret: not given."
    assert "documents no way to verify the Client ID and Client Secret" in lines[2]
    assert "unusual shape" in describe_client_credentials(Secret("x!"), None)[0]


def test_deadline_shortens_the_per_request_deadline_and_timeout_sets_the_read_timeout():
    """--deadline caps the time one answer may take; a long one leaves the policy's cap."""
    assert CheckOptions(deadline=3, timeout=7).effective_policy.request_deadline == 3
    assert CheckOptions(deadline=3, timeout=7).effective_policy.read_timeout == 7
    assert (CheckOptions(deadline=600).effective_policy.request_deadline
            == RetryPolicy().request_deadline)
