"""The calibration kit: record how a real sandbox store answers every probe and open question.

For maintainers, the day a sandbox store is at hand (docs/maintainers/calibrate.md).
Given several tokens with known scope sets, it sends every probe of scopes.yaml and
every open-question request once per token, through the checker's own client (so the
same safety rules hold: writes built to fail, sent once, DELETE never), and writes a
dated recording under calibration/. The test suite replays every committed recording.

A recording keeps no secret, no store hash, no id and no personal data: the method
and path (our own, with ids that cannot exist), the status, the error title (cleaned of
secrets, numbers and e-mail addresses), and the rate-limit headers.
"""

from __future__ import annotations

import base64
import datetime
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bc_scopes.checker.client import (
    RATE_HEADERS,
    Answer,
    BigCommerceClient,
    Cancelled,
    SafetyStop,
)
from bc_scopes.checker.evidence import Outcome
from bc_scopes.checker.options import RetryPolicy
from bc_scopes.checker.probes import classify, unique_probes
from bc_scopes.checker.redact import Redactor
from bc_scopes.checker.secrets import Secret
from bc_scopes.model import ScopeTable
from bc_scopes.probe_safety import GRAPHQL_PATH


@dataclass(frozen=True)
class Question:
    """A request whose answer settles a disagreement between BigCommerce's sources.

    Ranked (docs/maintainers/calibrate.md, "Open questions") first by whether the other
    reading would fail a token made as the guide says, then by how many rows' verdicts
    the answer could change.
    """

    name: str
    method: str
    path: str
    body: Any
    settles: str
    verdicts_at_stake: int = 1
    fails_a_correct_token: bool = False


def ranked(questions: tuple[Question, ...]) -> tuple[Question, ...]:
    """Highest stakes first; the order of the calibration page's numbered list."""
    return tuple(sorted(
        questions, key=lambda q: (not q.fails_a_correct_token, -q.verdicts_at_stake)
    ))


# Issue 17's questions, then the earlier ones; ranked() gives the page's numbering.
_QUESTIONS: tuple[Question, ...] = (
    Question(
        "payment-token-get-methods", "POST", "/v3/payments/access_tokens", {},
        "Does Get payment methods open POST /v3/payments/access_tokens? "
        "access-tokens_payments.v3.yml:378-379 lists it beside Create payments; "
        "api-accounts.mdx:190 and :229 give each scope its own API, and the row looks like a "
        "leftover of the 2023 split of one payments spec (bigcommerce/docs ba4e7294). Ask it "
        "with a token holding Get payment methods alone: 403 settles it. If it opens, every "
        "correct token shows Create payments as excess and fails.",
        verdicts_at_stake=1, fails_a_correct_token=True,
    ),
    Question(
        "settings-read-scope", "GET", "/v3/settings/inventory/notifications", None,
        "Does the Information & Settings probe need that scope? settings.v3.yml:2489-2490 "
        "says so for the file; GET /v2/time, listed for the same scope (api-accounts.mdx:"
        "216-217), needs none. Ask it with the none token: 403 settles it.",
    ),
    Question(
        "store-information-scope", "GET", "/v2/store", None,
        "Does GET /v2/store need Information & Settings? store_information.v2.yml's table "
        "says so; /v2/time in the same file needs no scope (recorded). The answer decides "
        "whether /v2/store could be a probe again.",
        verdicts_at_stake=0,
    ),
    Question(
        "stored-instruments-own-scope", "GET", "/v3/customers/999999999/stored-instruments",
        None,
        "Does Stored payment instruments alone open the stored instruments read, and does "
        "Customers? In 2021 the operation required the Stored Payment Instruments scope "
        "(bigcommerce/docs ba530982, customers.v3.yml:1628), dropped a month later "
        "(f24644cd); the file table (customers.v3.yml:3191-3194) lists both. Ask it with a "
        "token per row: a 403 for Customers alone makes the row verifiable.",
    ),
    Question(
        "translations-graphql-denial", "POST", "/graphql",
        {"query": "query BcScopesTranslationsProbe { store { translations(filters: "
                  "{resourceType: ORDER_STATUSES, channelId: \"bc/store/channel/1\", "
                  "localeId: \"bc/store/locale/en\"}, first: 1) { edges { node { "
                  "resourceId } } } } }"},
        "How does the GraphQL Admin endpoint show a missing Store translations scope? "
        "Undocumented (docs/store-operations/translations/index.mdx:49-56 names the scope "
        "only). Ask the probe's query with the none token: unless the answer is a clear "
        "scope denial, every correct token's Store translations row stays unknown.",
    ),
    Question(
        "metafields-access-opens-metafields", "GET",
        "/v3/catalog/products/999999999/metafields?limit=1", None,
        "Does Metafields Access alone (every account's default, api-accounts.mdx:221-222) "
        "open a resource's metafield routes? Ask it with a token holding no other scope. "
        "The Products and Store Locations probes no longer use metafield routes, so no "
        "verdict rests on it.",
        verdicts_at_stake=0,
    ),
    Question(
        "pickup-options-search", "POST", "/v3/pickup/options", {},
        "Does Fulfillment Methods at Read-only pass the pickup options search? "
        "pickup_options.v3.yml:196-197 lists both levels; api-accounts.mdx:180 allows "
        "read-only scopes GET and HEAD only.",
    ),
    Question(
        "order-metafields-write", "PUT", "/v3/orders/999999999/metafields/999999999",
        {"permission_set": "not_a_permission_set", "key": ""},
        "Does Order transactions at Modify open order metafields? Only the whole-file table "
        "(orders.v3.yml:4051-4056) ties them to it.",
    ),
    Question(
        "customer-metafields-write", "PUT", "/v3/customers/999999999/metafields/999999999",
        {"permission_set": "not_a_permission_set", "key": ""},
        "Does Stored payment instruments at Modify open customer metafields? Only the "
        "whole-file table (customers.v3.yml:3191-3194) ties them to it.",
    ),
    Question(
        "customer-create", "POST", "/v3/customers", [{"email": 0}],
        "Does Stored payment instruments at Modify open customer creation? "
        "customers.v3.yml:3191-3194 says yes; api-accounts.mdx:238-239 names only "
        "Stored Instruments.",
    ),
    Question(
        "scripts-checkout-visibility", "POST", "/v3/content/scripts",
        {"visibility": "checkout", "kind": "not_a_kind"},
        "With Content but no Checkout content, is visibility=checkout refused for the scope "
        "(403) or for the body (422)? scripts.v3.yml:947.",
    ),
    Question(
        "channels-list", "GET", "/v3/channels?limit=1", None,
        "Which of Channel Settings, Channel Listings and Sites & routes open the channels "
        "list? channels.v3.yml:2408-2415 says all three; api-accounts.mdx:201-202 says "
        "Channel Settings.",
        verdicts_at_stake=3,
    ),
    Question(
        "channel-site", "GET", "/v3/channels/999999999/site", None,
        "Which rows open a channel's site? channels.v3.yml:2408-2415 says all three; "
        "api-accounts.mdx:232-233 says Sites & routes.",
        verdicts_at_stake=3,
    ),
    Question(
        "sites-list", "GET", "/v3/sites?limit=1", None,
        "Do Channel Settings or Channel Listings open Sites V3? sites.v3.yml:1295-1302 says "
        "yes; api-accounts.mdx:232-233 names only Sites & routes.",
        verdicts_at_stake=3,
    ),
)
OPEN_QUESTIONS: tuple[Question, ...] = ranked(_QUESTIONS)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_NUMBER = re.compile(r"\d{4,}")


@dataclass(frozen=True)
class CalibrationToken:
    """One token of the sandbox: its name, value and the scope set it was created with."""

    name: str
    value: Secret
    scopes: tuple[str, ...]


_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'|\u201c[^\u201d]*\u201d|\u2018[^\u2019]*\u2019")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_PHONE = re.compile(r"\+?\d[\d ().-]{6,}\d")
WITHHELD = "[withheld: the server's text held a secret or the store hash]"


def secret_forms(secret: str) -> set[str]:
    """A secret as it may appear in text: plain, reversed, hex, base64 (any flavour), URL-
    encoded, split by dashes, dots or spaces. All lower case, separators removed."""
    raw = secret.encode("utf-8")
    forms = {secret, secret[::-1], raw.hex(), base64.b64encode(raw).decode(),
             base64.urlsafe_b64encode(raw).decode(), urllib.parse.quote(secret, safe="")}
    return {_squeezed(form) for form in forms}


def _squeezed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def hides_a_secret(text: str, secrets: Iterable[str], piece: int = 8) -> bool:
    """True when any 8-character piece of any form of a secret is in `text`, however split."""
    squeezed = _squeezed(text)
    for secret in secrets:
        for form in secret_forms(secret):
            if len(form) < piece:
                if form and form in squeezed:
                    return True
                continue
            if any(form[i:i + piece] in squeezed for i in range(len(form) - piece + 1)):
                return True
    return False


def scrub(title: str, redactor: Redactor, secrets: Iterable[str] = (),
          store_hash: str = "") -> str:
    """A title fit to commit: no secret in any split or encoding, no store hash, no personal
    data (quoted values, e-mail and web addresses, phone numbers, ids; 999999999 is ours)."""
    if hides_a_secret(title, [*secrets, *([store_hash] if store_hash else [])]):
        return WITHHELD
    cleaned = redactor.clean(title)
    cleaned = _QUOTED.sub("<value>", cleaned)
    cleaned = _EMAIL.sub("<e-mail>", cleaned)
    cleaned = _URL.sub("<address>", cleaned)
    cleaned = _PHONE.sub(lambda m: m.group(0) if m.group(0) == "999999999" else "<number>",
                         cleaned)
    return _NUMBER.sub(lambda m: m.group(0) if m.group(0) == "999999999" else "<id>", cleaned)


def _requests(table: ScopeTable) -> list[tuple[str, str, Any, str]]:
    """(method, path, body, why) of every probe and every open question, reads first."""
    found = [
        (probe.method, probe.path, probe.body, "probe")
        for probe in unique_probes(table.all_rows).values()
    ]
    found += [(q.method, q.path, q.body, f"question: {q.name}") for q in OPEN_QUESTIONS]
    return sorted(found, key=lambda item: item[0] != "GET")


def _entry(token: str, answer: Answer, body: Any, why: str, redactor: Redactor,
           secrets: Iterable[str] = (), store_hash: str = "") -> dict[str, Any]:
    result = classify(answer, redactor)
    entry: dict[str, Any] = {
        "token": token, "method": answer.method, "path": answer.path, "why": why,
    }
    if body is not None:
        entry["body"] = body
    if answer.status is None:
        entry.update(status=0, proves=Outcome.FAILED.value, failure=answer.failure or "network")
        return entry
    entry["status"] = answer.status
    title = answer.payload.get("title") if isinstance(answer.payload, dict) else None
    if isinstance(title, str) and title:
        entry["title"] = scrub(title, redactor, secrets, store_hash)[:200]
    entry["proves"] = result.outcome.value
    payload = answer.payload if isinstance(answer.payload, dict) else {}
    graphql_body = "data" in payload or isinstance(payload.get("errors"), list)
    if answer.path == GRAPHQL_PATH and graphql_body:  # keep the shape, never the data
        entry["graphql"] = graphql_shape(answer.payload)
    if result.outcome is Outcome.DENIED:
        entry["scope_denied"] = True
    # Only the rate-limit headers: any other could carry the store's hash or an id.
    headers = {name: value for name, value in answer.headers.items()
               if name in RATE_HEADERS and not hides_a_secret(value, [store_hash, *secrets])}
    if headers:
        entry["headers"] = headers
    return entry


def graphql_shape(payload: Any) -> str:
    """"data", "scope-error" or "other-error": what a GraphQL answer held, not the data."""
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not errors:
        return "data" if isinstance(payload, dict) and payload.get("data") else "other-error"
    messages = [e.get("message", "") for e in errors if isinstance(e, dict)]
    scope = all(str(m).replace("\u2019", "'").lower().startswith("you don't have a required "
                                                                 "scope") for m in messages)
    return "scope-error" if messages and scope else "other-error"


def calibrate(
    table: ScopeTable, store_base_url: str, tokens: list[CalibrationToken],
    policy: RetryPolicy | None = None,
) -> tuple[dict[str, Any], str | None]:
    """Send everything once per token. Returns the recording and, after a safety stop, why."""
    redactor = Redactor([token.value for token in tokens])
    secrets = [token.value.reveal() for token in tokens]
    store_hash = store_base_url.rstrip("/").rsplit("/stores/", 1)[-1].split("/")[0]
    answers: list[dict[str, Any]] = []
    stopped: str | None = None
    for token in tokens:
        client = BigCommerceClient(store_base_url, token.value, policy or RetryPolicy(), 1)
        try:
            for method, path, body, why in _requests(table):
                answers.append(_entry(token.name, client.send(method, path, body), body, why,
                                      redactor, secrets, store_hash))
        except SafetyStop as stop:
            stopped = f"{stop.method} {stop.path} was answered {stop.status} for {token.name}"
        except Cancelled:
            stopped = stopped or "the run was stopped"
        finally:
            client.close()
        if stopped:
            break
    recording = {
        "format": 1,
        "recorded": datetime.date.today().isoformat(),
        "source": "bc-scopes calibration kit (scripts/calibrate.py)",
        "store": "a sandbox store; its hash, ids and data are not kept",
        "table_version": table.version,
        "questions": {q.name: q.settles for q in OPEN_QUESTIONS},
        "tokens": {token.name: {"scopes": list(token.scopes)} for token in tokens},
        "answers": answers,
    }
    return recording, stopped


def pass_criteria(recording: Mapping[str, Any], full: str, none: str) -> list[str]:
    """The calibration's pass criteria, as problems (empty: passed).

    A token with every scope gets no scope refusal; a token with every scope at None
    gets a scope refusal on every probe.
    """
    problems = []
    for answer in recording["answers"]:
        probe = answer["why"] == "probe"
        if answer["token"] == full and answer.get("scope_denied"):
            problems.append(f"full-scope token refused for a scope: {answer['method']} "
                            f"{answer['path']}")
        if answer["token"] == none and probe and not answer.get("scope_denied") and not (
            answer["path"] == "/v2/time"
        ):
            problems.append(f"no-scope token not refused: {answer['method']} {answer['path']}")
    return problems


def write_recording(recording: Mapping[str, Any], folder: Path, label: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{recording['recorded']}-{label}.yaml"
    header = ("# Recorded by scripts/calibrate.py. Replayed by tests/checker/test_recordings.py.\n"
              "# Holds no secret, store hash, id or personal data.\n")
    path.write_text(header + yaml.safe_dump(dict(recording), sort_keys=False, width=100),
                    encoding="utf-8")
    return path
