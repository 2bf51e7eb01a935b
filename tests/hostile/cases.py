"""The hostile scopes files, as data shared by the model, build and checker tests.

Two kinds:

* INVALID_FILES must be refused. Each carries the fragments its one-line error
  must contain, so a reader of the error can find the row and the field.
* RENDER_PAYLOADS are valid data that look like code (HTML, script, Jinja,
  Markdown). They must be shown as the literal text, never executed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from support.docs import SCOPES_FILE, mutated, real_document, row_index


@dataclass(frozen=True)
class InvalidFile:
    """A scopes file that must be refused, and what the refusal must say."""

    case_id: str
    content: Callable[[], bytes]
    must_mention: tuple[str, ...]


def _text(mutate: Callable[[dict[str, Any]], None]) -> Callable[[], bytes]:
    return lambda: mutated(mutate).encode("utf-8")


def _raw(transform: Callable[[str], str]) -> Callable[[], bytes]:
    """Edit the real file's text directly, for attacks a YAML dumper cannot write."""
    return lambda: transform(SCOPES_FILE.read_text(encoding="utf-8")).encode("utf-8")


def _set(row_id: str, field: str, value: Any, section: str = "scopes"):
    def mutate(document: dict[str, Any]) -> None:
        document[section][row_index(document, row_id, section)][field] = value

    return mutate


def _drop(row_id: str, field: str):
    def mutate(document: dict[str, Any]) -> None:
        del document["scopes"][row_index(document, row_id)][field]

    return mutate


def _set_probe(row_id: str, probe: int, field: str, value: Any):
    def mutate(document: dict[str, Any]) -> None:
        document["scopes"][row_index(document, row_id)]["probes"][probe][field] = value

    return mutate


def _set_guide(field: str, value: Any):
    def mutate(document: dict[str, Any]) -> None:
        document["guide"][field] = value

    return mutate


def _set_summary(value: str):
    def mutate(document: dict[str, Any]) -> None:
        document["changelog"][0]["summary"] = value

    return mutate


def _duplicate_id(document: dict[str, Any]) -> None:
    document["scopes"][1]["id"] = document["scopes"][0]["id"]


def _alias_steals_id(document: dict[str, Any]) -> None:
    document["scopes"][row_index(document, "orders")]["aliases"] = ["customers"]


def _replace_once(old: str, new: str) -> Callable[[str], str]:
    def transform(text: str) -> str:
        assert old in text, f"scopes.yaml no longer contains {old!r}; update the hostile case"
        return text.replace(old, new, 1)

    return transform


def _anchor_and_alias(text: str) -> str:
    """Row 1 defines `&lv`, row 2 reuses it with `*lv`: the classic YAML shortcut."""
    first = "levels: [none, read-only, modify]"
    assert text.count(first) >= 2
    head, tail = text.split(first, 1)
    return head + "levels: &lv [none, read-only, modify]" + tail.replace(first, "levels: *lv", 1)


def _billion_laughs(_: str) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _huge(text: str) -> str:
    """A valid file padded with a comment to just over 512 KiB."""
    return text + "#" + "x" * (512 * 1024) + "\n"


def _non_utf8() -> bytes:
    raw = SCOPES_FILE.read_bytes()
    marker = b"name: Orders"
    assert marker in raw
    return raw.replace(marker, b"name: Ord\xff\xfeers", 1)


def _latin1() -> bytes:
    """What a Windows editor saves when 'UTF-8' was not chosen: a lone 0xE9 for 'e'."""
    return mutated(_set("orders", "reason", "Orders are imported for caf\u00e9 fulfilment."))\
        .encode("latin-1")


INVALID_FILES: tuple[InvalidFile, ...] = (
    InvalidFile("duplicate-id", _text(_duplicate_id), ("row 2", "id", "content", "unique")),
    InvalidFile("alias-reuses-an-id", _text(_alias_steals_id), ("orders", "aliases", "customers")),
    InvalidFile(
        "unknown-required-level", _text(_set("orders", "required", "write")),
        ("row 7", "orders", "required"),
    ),
    InvalidFile(
        "unknown-level-in-levels",
        _text(_set("orders", "levels", ["none", "read-only", "superuser"])),
        ("orders", "levels", "superuser"),
    ),
    InvalidFile(
        "required-level-not-offered", _text(_set("customers-login", "required", "modify")),
        ("customers-login", "required", "modify"),
    ),
    InvalidFile(
        "unknown-level-leave-at-none",
        _text(_set("store-translations", "levels", ["none", "everything"], "leave_at_none")),
        ("store-translations", "levels"),
    ),
    InvalidFile("missing-reason", _text(_drop("orders", "reason")), ("orders", "reason")),
    InvalidFile("missing-name", _text(_drop("products", "name")), ("products", "name")),
    InvalidFile("missing-levels", _text(_drop("carts", "levels")), ("carts", "levels")),
    InvalidFile(
        "misspelt-field", _text(_set("orders", "reasons", "A typo of the field name.")),
        ("orders", "reasons"),
    ),
    InvalidFile("name-not-text", _text(_set("themes", "name", 42)), ("themes", "name")),
    InvalidFile("empty-name", _text(_set("themes", "name", "")), ("themes", "name")),
    InvalidFile(
        "anchor-and-alias", _raw(_anchor_and_alias), ("anchors and aliases", "line"),
    ),
    InvalidFile("billion-laughs", _raw(_billion_laughs), ("anchors and aliases", "line")),
    InvalidFile(
        "anchor-without-alias", _raw(_replace_once("name: Orders", "name: &n Orders")),
        ("anchors and aliases", "line"),
    ),
    InvalidFile("huge-file", _raw(_huge), ("512 KiB",)),
    InvalidFile("non-utf8-bytes", _non_utf8, ("UTF-8", "byte")),
    InvalidFile("latin-1-file", _latin1, ("UTF-8", "byte")),
    InvalidFile(
        "nul-byte-in-name", _raw(_replace_once("name: Orders", "name: Ord\x00ers")),
        ("line",),
    ),
    InvalidFile(
        "escaped-terminal-control-in-name",
        _raw(_replace_once("name: Orders", 'name: "Orders\\e[2J\\e[31m"')),
        ("orders", "name"),
    ),
    # Invisible format characters (Unicode category Cf) make a text read as something else:
    # "Themes\u202e enoN tes" shows as "Themes set None". Every free-text field refuses them.
    InvalidFile(
        "bidi-override-in-name",
        _text(_set("themes", "name", "Themes\u202e enoN tes")),
        ("themes", "'name'", "invisible format character U+202E. Remove it"),
    ),
    InvalidFile(
        "escaped-bidi-override-in-name",
        _raw(_replace_once("name: Orders", 'name: "Orders\\u202E"')),
        ("orders", "'name'", "invisible format character U+202E"),
    ),
    InvalidFile(
        "zero-width-space-in-reason",
        _text(_set("orders", "reason", "Orders are \u200bimported and written back.")),
        ("orders", "'reason'", "invisible format character U+200B"),
    ),
    InvalidFile(
        "byte-order-mark-in-confirm-by-eye",
        _text(_set("checkout-content", "confirm_by_eye", "Open the \ufeffAPI account and look.")),
        ("checkout-content", "'confirm_by_eye'", "invisible format character U+FEFF"),
    ),
    InvalidFile(
        "zero-width-joiner-in-leave-at-none-name",
        _text(_set("store-translations", "name", "Store\u200d Translations", "leave_at_none")),
        ("store-translations", "'name'", "invisible format character U+200D"),
    ),
    InvalidFile(
        "bidi-isolate-in-changelog-summary",
        _text(_set_summary("First table \u2066carried\u2069 over.")),
        ("changelog entry 1", "'summary'", "invisible format character U+2066"),
    ),
    InvalidFile(
        "bidi-override-in-probe-source",
        _text(_set_probe("orders", 0, "source", "orders.v2.oas2.yml: \u202eylno sredrO")),
        ("orders", "'probes.0.source'", "invisible format character U+202E"),
    ),
    InvalidFile(
        "terminal-control-in-probe-source",
        _text(_set_probe("orders", 0, "source", "orders.v2.oas2.yml \x1b[2J")),
        ("orders", "'probes.0.source'", "control character U+001B"),
    ),
    InvalidFile(
        "format-character-in-probe-body",
        _text(_set_probe("content", 1, "body", {"title": "A\u200bB"})),
        ("content", "'probes.1.body.title'", "invisible format character U+200B"),
    ),
    InvalidFile(
        "format-character-in-site-url",
        _text(_set_guide("site_url", "https://dropstream.github.io/bc-api\u200b-credentials/")),
        ("guide", "site_url", "invisible format character U+200B"),
    ),
    # Write probes must be proven to fail before anything is sent (bc_scopes/probe_safety.py).
    InvalidFile(
        "write-probe-that-could-succeed",
        _text(_set_probe("orders", 1, "body", {"status_id": 11})),
        ("orders", "'probes.1'", "PUT /v2/orders/999999999", "two independent ways"),
    ),
    InvalidFile(
        "write-probe-with-only-an-absent-id",
        _text(_set_probe("content", 1, "body", {})),
        ("content", "'probes.1'", "absent-id", "partial update"),
    ),
    InvalidFile(
        "write-probe-on-an-unknown-route",
        _text(_set_probe("orders", 1, "path", "/v3/orders/999999999/not-a-route")),
        ("orders", "/v3/orders/999999999/not-a-route", "not a route of BigCommerce's reference"),
    ),
    InvalidFile(
        "binary-value-in-probe-body",
        _raw(_replace_once("body: {settings: not-a-list}", "body: {settings: !!binary aGk=}")),
        ("settings", "binary data", "not a JSON value"),
    ),
    InvalidFile(
        "mixed-key-types-in-probe-body",
        _raw(_replace_once("body: {settings: not-a-list}", 'body: {1: a, "b": c}')),
        ("key 1", "not text"),
    ),
    InvalidFile(
        "graphql-probe-that-mutates",
        _raw(_replace_once("query: 'query BcScopesTranslationsProbe {",
                           "query: 'mutation BcScopesTranslationsProbe {")),
        ("store-translations", "GraphQL", "may only read"),
    ),
    InvalidFile(
        "graphql-probe-with-variables",
        _raw(_replace_once("first: 1) { edges { node { resourceId } } } } }'}",
                           "first: 1) { edges { node { resourceId } } } } }', variables: {}}")),
        ("store-translations", "GraphQL", "exactly {query"),
    ),
    InvalidFile("empty-file", lambda: b"", ("top level",)),
    InvalidFile("a-list-not-a-mapping", lambda: b"- id: orders\n", ("top level",)),
)


@dataclass(frozen=True)
class RenderPayload:
    """Valid data that looks like code. It must appear on the page as exactly this text."""

    case_id: str
    section: str
    row_id: str
    field: str
    text: str


# Each payload goes into a different row (or changelog entry), so one build checks them all.
# "xss" marks every payload that would run code, so the page scan can spot it.
# BLOCK_MARKER marks every payload that would open a Markdown block (a details box, an
# admonition, a tab, a heading...), so the page scan can find the block it would become.
BLOCK_MARKER = "INJECTEDBLOCK"
RENDER_PAYLOADS: tuple[RenderPayload, ...] = (
    RenderPayload(
        "script-in-name", "scopes", "orders", "name", '<script>window.xss="name"</script>Orders'
    ),
    RenderPayload(
        "img-onerror-in-reason", "scopes", "customers", "reason",
        'Break out "><img src=x onerror="window.xss=1"> of an attribute.',
    ),
    RenderPayload(
        "attribute-breakout-in-name", "scopes", "carts", "name", "Carts\"'><svg onload=xss()>",
    ),
    RenderPayload("jinja-expression-in-name", "scopes", "content", "name", "Content {{ 7*7 }}"),
    RenderPayload(
        "jinja-blocks-in-reason", "scopes", "checkout-content", "reason",
        "Opens {% raw %} and closes {% endraw %} and {# hides #} and {{ config }} text.",
    ),
    RenderPayload(
        "markdown-javascript-link-in-name", "scopes", "products", "name",
        "[Products](javascript:xss())",
    ),
    RenderPayload(
        "markdown-attr-list-in-reason", "scopes", "themes", "reason",
        "Themes *stay* off [here](#x){: onclick=xss() } and `code` too.",
    ),
    RenderPayload(
        "html-comment-opener-in-name", "scopes", "store-logs", "name", "Store Logs <!-- hides",
    ),
    RenderPayload(
        "table-pipe-in-name", "scopes", "checkouts", "name", "Checkouts | extra | cells",
    ),
    RenderPayload(
        "entity-in-reason", "scopes", "carts", "reason", "Carts &lt;b&gt; and &amp; stay literal.",
    ),
    RenderPayload(
        "svg-onload-in-leave-at-none-reason", "leave_at_none", "store-translations", "reason",
        'Translations <svg onload="xss()"></svg> play no part.',
    ),
    RenderPayload(
        "script-in-changelog-summary", "changelog", "", "summary",
        "First table <script>xss()</script> carried over.",
    ),
    RenderPayload(
        "details-block-in-confirm-by-eye", "scopes", "checkout-content", "confirm_by_eye",
        f'??? danger "{BLOCK_MARKER} details in a note"',
    ),
    *(
        RenderPayload(f"{case_id}-in-changelog-summary", "changelog", "", "summary", text)
        for case_id, text in (
            ("details-block", f'??? danger "{BLOCK_MARKER} details"'),
            ("open-details-block", f'???+ warning "{BLOCK_MARKER} open details"'),
            ("admonition", f'!!! danger "{BLOCK_MARKER} admonition"'),
            ("content-tab", f'=== "{BLOCK_MARKER} tab"'),
            ("colon-fence", f"::: note {BLOCK_MARKER} colon fence"),
            ("heading", f"# {BLOCK_MARKER} heading"),
            ("quote", f"> {BLOCK_MARKER} quote"),
            ("table", f"| {BLOCK_MARKER} | table |"),
            ("numbered-list", f"1. {BLOCK_MARKER} numbered list"),
            ("bullet-list", f"- {BLOCK_MARKER} bullet list"),
            ("star-list", f"* {BLOCK_MARKER} star list"),
            ("indented-code", f"    {BLOCK_MARKER} indented code"),
            ("tilde-fence", f"~~~ {BLOCK_MARKER} tilde fence"),
            ("backtick-fence", f"```{BLOCK_MARKER} backtick fence"),
            ("html-details", f"<details><summary>{BLOCK_MARKER} html</summary></details>"),
            ("thematic-break", "----------"),
            ("star-break", "* * * * * *"),
        )
    ),
)


def hostile_render_document() -> str:
    """The real scopes.yaml with every render payload injected into its own row."""
    document = real_document()
    first_change = dict(document["changelog"][0])
    changelog_payloads = 0
    for payload in RENDER_PAYLOADS:
        if payload.section == "changelog":
            # One entry per payload: the first replaces the real entry's text, each other
            # one is a copy of it, so every payload starts a line of the "What changed" page.
            if changelog_payloads:
                document["changelog"].append(dict(first_change))
            document["changelog"][changelog_payloads][payload.field] = payload.text
            changelog_payloads += 1
        else:
            index = row_index(document, payload.row_id, payload.section)
            document[payload.section][index][payload.field] = payload.text
    from support.docs import dump_document

    return dump_document(document)
