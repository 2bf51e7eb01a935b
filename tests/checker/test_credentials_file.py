"""`bc-scopes check --credentials-file F`: the .txt file BigCommerce downloads, read as it is.

The fixtures (tests/checker/credentials/) are the two public layouts: the draft's order
in capitals with LF, and another order in title case with CRLF, holding both CLIENT NAME
and NAME and an unknown label. They hold placeholders; each test fills them with the
session's canary credentials, so a leak of any value is found in every output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.canaries import CANARY_CLIENT_ID, CANARY_CLIENT_SECRET, CANARY_TOKEN, leaks_in
from support.store import STORE_HASH, required_scopes

from bc_scopes.checker.credentials_file import (
    CredentialsFileError,
    parse_credentials_text,
    read_credentials_file,
)
from bc_scopes.checker.inputs import InputError, resolve_inputs

FIXTURES = Path(__file__).parent / "credentials"
LAYOUTS = ("draft-order.txt", "other-order-crlf.txt")


def filled(name: str, folder: Path, **values: str) -> Path:
    """The fixture with the canary credentials in place of its placeholders (bytes kept,
    so CRLF stays CRLF)."""
    raw = (FIXTURES / name).read_bytes()
    values = {"token": CANARY_TOKEN, "client_id": CANARY_CLIENT_ID,
              "client_secret": CANARY_CLIENT_SECRET, "store_hash": STORE_HASH, **values}
    for key, value in values.items():
        raw = raw.replace(b"{" + key.encode() + b"}", value.encode())
    path = folder / name
    path.write_bytes(raw)
    return path


def test_the_fixtures_are_the_two_layouts():
    draft = (FIXTURES / "draft-order.txt").read_bytes()
    other = (FIXTURES / "other-order-crlf.txt").read_bytes()
    assert draft.startswith(b"ACCESS TOKEN:") and b"\r\n" not in draft
    assert other.startswith(b"Client ID:") and other.count(b"\r\n") == other.count(b"\n")
    assert b"\r\nName:" in other and b"\r\nClient Name:" in other


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_value_is_read_in_either_layout(layout, tmp_path):
    found = read_credentials_file(str(filled(layout, tmp_path)))
    assert found.access_token.reveal() == CANARY_TOKEN
    assert found.client_id is not None and found.client_id.reveal() == CANARY_CLIENT_ID
    assert found.client_secret is not None
    assert found.client_secret.reveal() == CANARY_CLIENT_SECRET
    inputs = resolve_inputs({}, credentials_file=str(filled(layout, tmp_path)))
    assert inputs.store_hash == STORE_HASH and inputs.access_token.reveal() == CANARY_TOKEN
    assert CANARY_TOKEN not in repr(found) + repr(inputs)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_same_verdicts_as_the_environment_form_and_no_value_in_any_output(
    layout, tmp_path, check_cli, store, table
):
    store.grant(CANARY_TOKEN, required_scopes(table))
    by_env = check_cli(env={"BIGCOMMERCE_ACCESS_TOKEN": CANARY_TOKEN,
                            "BIGCOMMERCE_CLIENT_ID": CANARY_CLIENT_ID,
                            "BIGCOMMERCE_CLIENT_SECRET": CANARY_CLIENT_SECRET})
    path = filled(layout, tmp_path)
    by_file = check_cli("--credentials-file", str(path), env={
        "BIGCOMMERCE_STORE_HASH": None, "BIGCOMMERCE_ACCESS_TOKEN": None,
    })
    assert by_file.code == by_env.code == 0
    assert by_file.verdicts() == by_env.verdicts()
    assert by_file.report is not None and by_file.report["store_hash"] == STORE_HASH
    assert leaks_in({"file run": by_file.everything(), "env run": by_env.everything()}) == []


@pytest.mark.parametrize(("text", "said"), [
    ("CLIENT ID: x1\nCLIENT SECRET: y2\nAPI PATH: https://api.bigcommerce.com/stores/s1/v3/\n",
     "no ACCESS TOKEN line"),
    ("", "no ACCESS TOKEN line"),
    ("ACCESS TOKEN: first0000secret\naccess token: second000secret\n",
     "two different ACCESS TOKEN values"),
    ("NAME: namealpha\nCLIENT NAME: namebeta\nACCESS TOKEN: t0000\n",
     "two different CLIENT NAME values"),
])
def test_a_file_without_one_token_is_refused_naming_labels_only(text, said):
    with pytest.raises(CredentialsFileError, match=said) as refusal:
        parse_credentials_text(text, "the credentials file F")
    for value in ("first0000secret", "second000secret", "x1", "y2", "namealpha", "namebeta"):
        assert value not in str(refusal.value)


def test_a_missing_token_is_exit_2_and_nothing_is_sent(tmp_path, check_cli, store):
    path = tmp_path / "creds.txt"
    path.write_text(f"CLIENT ID: {CANARY_CLIENT_ID}\nCLIENT SECRET: {CANARY_CLIENT_SECRET}\n")
    run = check_cli("--credentials-file", str(path), env={"BIGCOMMERCE_ACCESS_TOKEN": None})
    assert run.code == 2 and "no ACCESS TOKEN line" in run.err
    assert store.requests == []
    assert leaks_in({"refusal": run.everything()}) == []


def test_a_file_past_the_cap_is_refused_before_it_is_read_whole(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"ACCESS TOKEN: " + b"a" * 10_000 + b"\n")
    with pytest.raises(InputError, match="larger than"):
        resolve_inputs({}, credentials_file=str(path))


def test_a_bad_token_in_the_file_is_named_by_the_file_not_a_variable(tmp_path):
    path = tmp_path / "creds.txt"
    path.write_text("ACCESS TOKEN: 'quoted0000token'\nAPI PATH: /stores/s1/v3/\n")
    with pytest.raises(InputError, match="from .*creds.txt.*quotes") as refusal:
        resolve_inputs({}, credentials_file=str(path))
    assert "quoted0000token" not in str(refusal.value)


def test_no_local_of_the_parser_shows_a_value_in_a_traceback():
    """A crash report or `pytest -l` prints each frame's locals: none may hold a value."""
    text = f"ACCESS TOKEN: {CANARY_TOKEN}\nCLIENT SECRET: {CANARY_CLIENT_SECRET}\n" \
           f"access token: {CANARY_TOKEN}x\n"
    with pytest.raises(CredentialsFileError) as refusal:
        parse_credentials_text(text, "F")
    shown = []
    traceback = refusal.tb
    while traceback is not None:
        frame = traceback.tb_frame
        if Path(frame.f_code.co_filename).name == "credentials_file.py":  # the module only
            shown += [repr(value) for value in frame.f_locals.values()]
        traceback = traceback.tb_next
    assert shown and leaks_in({"locals": "\n".join(shown)}) == []
