"""Hostile input, generated: store hashes, API URLs and tokens are normalised or refused.

Hypothesis generates empty and whitespace-only strings, unicode, control characters,
path and header injection attempts, very long strings, `store-` prefixes, storefront
domains, `{}` placeholders, and valid values wrapped in whitespace or pasted API
paths. Each value must come out as exactly the expected bare value, or be refused
with a one-line message that does not repeat it.

The pure functions get many examples. The CLI gets fewer, each one a real
`bc-scopes check`: a refused value must exit 2 with the API URL pointing at a trap
listener that accepts no connection; an accepted value must reach the fake store
with exactly the normalised value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from support.canaries import leaked_pieces
from support.cli import CliResult, run_cli
from support.trap import Trap
from urllib3.util import parse_url

from bc_scopes.checker.inputs import InputError, clean_secret, is_loopback_host, normalise_api_url
from bc_scopes.checker.storehash import (
    MAX_STORE_HASH_LENGTH,
    PLACEHOLDER_HASHES,
    StoreHashError,
    normalise_store_hash,
)
from bc_scopes.fakestore.server import FakeStore

# No deadline and no "too slow" health check: both time the machine, and a busy machine
# would fail a test whose inputs are fine.
PURE = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
# The CLI tests prove the wiring (the pure functions above get the many examples): a few
# generated values each, plus the explicit @example cases.
CLI = settings(
    max_examples=6, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
BARE_HASH = re.compile(r"^[a-z0-9]{1,64}$")
TOKEN_CHARS = re.compile(r"^[A-Za-z0-9._~+/=-]{1,512}$")
PROP_STORE_HASH = "propstore0"
SAMPLE_HASH = "x4k9m2q7"  # a store hash the fake store does not know (403, not 401)

# strategies ------------------------------------------------------------------------------
# The guide's example hash is refused on purpose (storehash.PLACEHOLDER_HASHES).
hashes = st.from_regex(r"[a-z0-9]{1,16}", fullmatch=True).filter(
    lambda value: value not in PLACEHOLDER_HASHES
)
# Characters str.strip() removes: what a paste wraps a value in.
wrapping = st.text(alphabet=" \t\r\n\x0b\x0c\u00a0\u2003\u2028\x1c\x1f\x85", max_size=4)
PASTED_FORMS = (
    "{h}",
    "{H}",
    "store-{h}",
    "store-{H}",
    "https://api.bigcommerce.com/stores/{h}/v3/",
    "https://api.bigcommerce.com/stores/{h}/v2",
    "https://api.bigcommerce.com/stores/{h}/v3/catalog/products?limit=1",
    "api.bigcommerce.com/stores/{h}",
    "/stores/{h}/v3/",
    "stores/{H}",
    "store-{h}.mybigcommerce.com",
    "https://store-{h}.mybigcommerce.com/manage/dashboard",
    "http://store-{H}.mybigcommerce.com",
)
HOSTILE_PIECES = (
    "", " ", "\t", "\n", "\r\n", "\x00", "\x1b[2J", "\x7f", "é", "ß", "漢", "\u202e", "\ufeff",
    "/", "..", "../", "/../x", "%2e%2e", "%2f", "?", "?x=1", "#", "@", "\\", ";", "&",
    "{", "}", "{}", "{store_hash}", "{{store_hash}}", "store-", "stores/", "/stores/",
    ".mybigcommerce.com", "https://", "http://", "api.bigcommerce.com", "/v3/", ":", ":99999",
    "\r\nX-Injected: 1", "abc123", "ABC", "www.shop.example", "shop.com", "[", "]", "-",
)
hostile_text = st.one_of(
    st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(max_size=6), max_size=8).map("".join),
    st.text(),
    st.text(alphabet="abc123-.", min_size=60, max_size=5000),
    st.builds("{}{}".format, st.sampled_from(HOSTILE_PIECES), hashes),
    st.builds("{}{}".format, hashes, st.sampled_from(HOSTILE_PIECES)),
)
storefront_domains = st.from_regex(r"(www\.)?[a-z][a-z0-9]{2,12}\.(com|shop|store|co\.uk)",
                                   fullmatch=True)
INJECTIONS = ("abc/../x", "abc?x=1", "abc#", "%2e%2e", "abc\r\nX-Injected: 1", "abc%2f..",
              "../abc", "abc@evil.com", "abc\\x", "{}", "{store_hash}", "abc{}", "store-",
              "store-abc-def", "abc.evil.com", "store-abc.mybigcommerce.com.evil.com")


@st.composite
def pasted_hashes(draw: st.DrawFn) -> tuple[str, str]:
    """(what was pasted, the bare hash it must normalise to)."""
    bare = draw(hashes)
    form = draw(st.sampled_from(PASTED_FORMS))
    value = form.replace("{h}", bare).replace("{H}", bare.upper())
    return draw(wrapping) + value + draw(wrapping), bare


def store_hash_outcome(value: str) -> str | None:
    """The bare hash, or None when refused (the oracle for the CLI tests)."""
    try:
        return normalise_store_hash(value)
    except StoreHashError as error:
        assert "\n" not in str(error)
        return None


# store hash: the pure normaliser -----------------------------------------------------------
@PURE
@given(pasted_hashes())
def test_a_valid_hash_in_any_pasted_form_normalises_to_itself(pasted):
    value, bare = pasted
    assert normalise_store_hash(value) == bare


@PURE
@given(hostile_text | storefront_domains)
@example("")
@example("   \n")
@example("a.b[")
@example("https://[abc.com")
def test_any_text_is_a_bare_hash_or_refused_in_one_line(value):
    try:
        result = normalise_store_hash(value)
    except StoreHashError as error:
        message = str(error)
        assert message and "\n" not in message and "\r" not in message
        return
    assert BARE_HASH.match(result), result
    assert len(result) <= MAX_STORE_HASH_LENGTH


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_attempts_are_refused(value):
    with pytest.raises(StoreHashError):
        normalise_store_hash(value)


@PURE
@given(storefront_domains, wrapping)
def test_storefront_domains_are_refused_with_a_pointer_to_the_hash(domain, space):
    with pytest.raises(StoreHashError, match="/stores/"):
        normalise_store_hash(space + domain + space)


@PURE
@given(st.text(alphabet="abcdef0123456789", min_size=MAX_STORE_HASH_LENGTH + 1, max_size=5000))
def test_very_long_hashes_are_refused(value):
    with pytest.raises(StoreHashError, match="longer than"):
        normalise_store_hash(value)


@PURE
@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126)), st.sampled_from(
    ["{}", "{store_hash}", "{", "}"]))
def test_placeholders_are_refused_as_placeholders(text, brace):
    with pytest.raises(StoreHashError, match="placeholder"):
        normalise_store_hash(text + brace)


@PURE
@given(
    st.from_regex(r"[a-f0-9]{24,40}", fullmatch=True),
    st.sampled_from(["{c} x", "{{{c}}}", "{c}.example.com", "store-{c}-x", "https://{c}.com/x",
                     "{c}?q=1", "é{c}", "{c}\x07", "{c}/{c}", "[{c}"]),
)
def test_a_refused_hash_is_never_repeated(canary, form):
    """A token pasted into the wrong variable must not be printed back."""
    with pytest.raises(StoreHashError) as refused:
        normalise_store_hash(form.replace("{c}", canary))
    assert leaked_pieces(str(refused.value), canary) == []


# API URL: the pure normaliser -------------------------------------------------------------
SCHEMES = ("https", "http", "HTTPS", "Http", "ftp", "javascript", "")
USERINFO = ("", "user:pw@", "user@", ":@", "@", "cnrytoken0123456789abcdef@")
HOSTS = (
    "api.bigcommerce.com", "127.0.0.1", "127.5.5.5", "localhost", "LOCALHOST", "[::1]",
    "10.0.0.1", "example.com", "127.0.0.1.nip.io", "localhost.evil.com", "0x7f000001",
    "evil.example\\api.bigcommerce.com", "%61pi.bigcommerce.com", "api.bigcommerce.com.",
    "[::ffff:127.0.0.1]", "[fe80::1%25eth0]", "", "漢字.example", "api bigcommerce.com",
)
PORTS = ("", ":8080", ":443", ":99999", ":", ":-1", ":0x50")
PATHS = ("", "/", "//", "/stores/abc123/v3", "/x", "/..", "/%2e")
QUERIES = ("", "?a=1", "?", "#frag", "#")
LOOPBACK = {"127.0.0.1", "127.5.5.5", "localhost", "LOCALHOST", "[::1]"}
GOOD_HOSTS = LOOPBACK | {"api.bigcommerce.com", "10.0.0.1", "example.com", "127.0.0.1.nip.io",
                         "localhost.evil.com", "0x7f000001", "api.bigcommerce.com.",
                         "[::ffff:127.0.0.1]"}
# For the CLI only hosts that resolve to loopback (or nothing), so a wrong acceptance
# can only ever reach the trap, never the network.
CLI_HOSTS = ("127.0.0.1", "localhost", "127.5.5.5", "[::1]", "localhost\\127.0.0.1",
             "%6cocalhost", "127.0.0.1\\@localhost", "", "local host")
TRAP_PORT = "{trap}"


@st.composite
def urls(
    draw: st.DrawFn, hosts: tuple[str, ...] = HOSTS, ports: tuple[str, ...] = PORTS
) -> tuple[str, str | None]:
    """(a pasted API URL, the base it must normalise to or None when it must be refused)."""
    scheme = draw(st.sampled_from(SCHEMES))
    userinfo, host = draw(st.sampled_from(USERINFO)), draw(st.sampled_from(hosts))
    port, path = draw(st.sampled_from(ports)), draw(st.sampled_from(PATHS))
    query = draw(st.sampled_from(QUERIES))
    prefix = f"{scheme}://" if scheme else ""
    url = f"{prefix}{userinfo}{host}{port}{path}{query}"
    valid_port = port in ("", TRAP_PORT) or (port[1:].isdigit() and int(port[1:]) <= 65535)
    # An empty "?" or "#" leaves nothing behind, but only right after the host or one "/".
    path_ok = path in ("", "/") or (path == "//" and query == "")
    accepted = (
        scheme.lower() in ("https", "http")
        and userinfo == ""
        and host in GOOD_HOSTS
        and valid_port
        and path_ok
        and query in ("", "?", "#")
        and (scheme.lower() == "https" or host in LOOPBACK)
    )
    expected = f"{scheme.lower()}://{host}{port}" if accepted else None
    return draw(wrapping) + url + draw(wrapping), expected


@PURE
@given(urls())
@example(("https://evil.example\\api.bigcommerce.com", None))
@example(("https://@api.bigcommerce.com", None))
def test_api_urls_are_normalised_or_refused_as_specified(pasted):
    value, expected = pasted
    try:
        result = normalise_api_url(value)
    except InputError as error:
        assert "\n" not in str(error)
        assert expected is None, f"{value!r} should give {expected}"
        return
    assert result == expected, value


@PURE
@given(hostile_text | urls().map(lambda pair: pair[0]))
def test_an_accepted_api_url_means_the_same_host_to_every_parser(value):
    """The host the checker validated is the host urllib3 connects to."""
    try:
        result = normalise_api_url(value)
    except InputError as error:
        assert "\n" not in str(error)
        return
    checked = urlsplit(result)
    assert checked.scheme == "https" or (checked.scheme == "http"
                                         and is_loopback_host(checked.hostname or ""))
    assert not (checked.username or checked.password or checked.query or checked.fragment)
    assert checked.path == ""
    connected = parse_url(requests.Request("GET", result + "/stores/h/v2/time").prepare().url)
    assert (connected.host or "").strip("[]").lower() == (checked.hostname or "").lower()
    assert connected.port == checked.port


# token: the pure cleaner ------------------------------------------------------------------
tokens = st.from_regex(r"[A-Za-z0-9._~+/=-]{1,512}", fullmatch=True)
CONTROL = st.sampled_from(["\x00", "\r", "\n", "\r\n", "\x1b", "\x7f", "\x85", "\u2028", "\t",
                           " ", "\x0b", "\u200b", "\ufeff"])


@PURE
@given(tokens, wrapping)
def test_surrounding_whitespace_is_stripped_from_a_token(token, space):
    assert clean_secret(space + token + space[::-1], "access token").reveal() == token


@PURE
@given(tokens, CONTROL, tokens)
@example("cnrytoken", "\r\nX-Injected: 1\r\n", "x")
def test_a_token_with_a_control_character_inside_is_refused(head, control, tail):
    with pytest.raises(InputError) as refused:
        clean_secret(head + control + tail, "access token")
    assert "\n" not in str(refused.value)


@PURE
@given(hostile_text | tokens)
@example("")
@example(" \t\n")
@example("x" * 513)
@example("'quoted'")
def test_any_token_is_refused_or_a_clean_header_value(value):
    try:
        secret = clean_secret(value, "access token")
    except InputError as error:
        message = str(error)
        assert "\n" not in message
        if len(value.strip()) >= 12:
            assert leaked_pieces(message, value.strip(), window=12) == []
        return
    assert secret.reveal() == value.strip()
    assert TOKEN_CHARS.match(secret.reveal())
    requests.utils.check_header_validity(("X-Auth-Token", secret.header_value()))
    assert repr(secret.header_value()) == "Secret('***')"


# the CLI: refused before any request, or sent exactly as normalised -------------------------
@pytest.fixture(scope="module")
def prop_store() -> Iterator[FakeStore]:
    """A store whose hash no generated value matches: one request, then exit 3."""
    with FakeStore(store_hash=PROP_STORE_HASH) as store:
        yield store


def check(env: dict[str, str | None], args: tuple[str, ...] = ()) -> CliResult:
    return run_cli(["check", *args], env)


def base_env(api_url: str) -> dict[str, str | None]:
    return {
        "BIGCOMMERCE_STORE_HASH": SAMPLE_HASH,
        "BIGCOMMERCE_API_URL": api_url,
        "BIGCOMMERCE_ACCESS_TOKEN": "propertytoken0000000000000000001",
    }


def assert_refused_without_a_request(result: CliResult, trap: Trap, before: int) -> None:
    assert result.traceback == "", result.traceback
    assert result.code == 2, result.out + result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert trap.connections == before, "a refused value still opened a connection"


@CLI
@given(st.one_of(pasted_hashes().map(lambda pair: pair[0]), hostile_text, storefront_domains),
       st.booleans())
@example("abc\r\nX-Injected: 1", False)
@example("%2e%2e", True)
@example(" \n", True)
def test_cli_store_hash_is_refused_with_exit_2_or_sent_normalised(
    trap, prop_store, value, as_flag
):
    expected = store_hash_outcome(value) if value.strip() else None
    use_flag = as_flag or "\x00" in value
    prop_store.reset()
    env = base_env(trap.url if expected is None else prop_store.url)
    env["BIGCOMMERCE_STORE_HASH"] = None if use_flag else value
    args = (f"--store-hash={value}",) if use_flag else ()
    before = trap.connections
    result = check(env, args)
    if expected is None:
        assert_refused_without_a_request(result, trap, before)
        return
    code, out, err, _logs, escaped = result
    assert (code, escaped) == (3, ""), out + err + escaped
    assert [r.path for r in prop_store.requests] == [f"/stores/{expected}/v2/time"]
    assert trap.connections == before


@CLI
@given(urls(hosts=CLI_HOSTS, ports=(TRAP_PORT, ":99999", ":", ":-1")))
@example(("https://localhost\\127.0.0.1{trap}", None))
@example(("http://cnrytoken0123456789abcdef@127.0.0.1{trap}", None))
@example(("http://127.0.0.1{trap}/stores/abc123/v3", None))
def test_cli_api_url_that_must_be_refused_exits_2_without_a_connection(trap, pasted):
    value, expected = pasted
    assume(expected is None)
    value = value.replace(TRAP_PORT, f":{trap.port}")
    before = trap.connections
    result = check(base_env(value))
    assert_refused_without_a_request(result, trap, before)
    assert leaked_pieces(result.out + result.err, "cnrytoken0123456789abcdef") == []


@pytest.mark.parametrize(
    "form", ["http://127.0.0.1:{port}", " http://localhost:{port}/\n", "\thttp://127.0.0.1:{port}//"]
)
def test_cli_api_url_accepted_forms_reach_that_host(prop_store, form):
    prop_store.reset()
    url = form.format(port=urlsplit(prop_store.url).port)
    code, out, err, _logs, escaped = check(base_env(url))
    assert (code, escaped) == (3, ""), out + err
    assert [r.path for r in prop_store.requests] == [f"/stores/{SAMPLE_HASH}/v2/time"]


@CLI
@given(st.one_of(
    st.builds(lambda head, control, tail: head + control + tail, tokens, CONTROL, tokens),
    st.sampled_from(["", " ", "\t\n", "\r\n", "''", '"x"', "x" * 513, "tök", "\u202etoken"]),
    hostile_text,
))
def test_cli_bad_token_exits_2_without_a_connection(trap, tmp_path_factory, value):
    assume(not TOKEN_CHARS.match(value.strip()))
    env = base_env(trap.url)
    args: tuple[str, ...] = ()
    if "\x00" in value:  # the environment cannot hold NUL; a file can
        token_file = tmp_path_factory.mktemp("token") / "token.txt"
        token_file.write_bytes(value.encode("utf-8", "surrogatepass"))
        args, env["BIGCOMMERCE_ACCESS_TOKEN"] = ("--access-token-file", str(token_file)), None
    else:
        env["BIGCOMMERCE_ACCESS_TOKEN"] = value
    before = trap.connections
    assert_refused_without_a_request(check(env, args), trap, before)


@CLI
@given(tokens, wrapping)
def test_cli_token_wrapped_in_whitespace_is_sent_stripped(prop_store, token, space):
    assume(token.lower() != SAMPLE_HASH)
    prop_store.reset()
    prop_store.grant(token, set())  # known token, unknown store hash: 403, not 401
    env = base_env(prop_store.url)
    env["BIGCOMMERCE_ACCESS_TOKEN"] = space + token + space
    code, out, err, _logs, escaped = check(env)
    assert (code, escaped) == (3, ""), out + err
    assert [r.status for r in prop_store.requests] == [403], "the token arrived changed"
