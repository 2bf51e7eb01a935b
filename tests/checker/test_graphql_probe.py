"""The Store translations row, read through one fixed GraphQL Admin query.

The query is a POST answered 200, so the rules that make it safe are tested here
through each interface: the model refuses any document that is not a read-only query,
the client refuses to send one, a 200 to the query is no safety stop, and the answer
is read conservatively (a clear denial or data; anything else proves nothing).
"""

from __future__ import annotations

import pytest
from support.cli import FAST_POLICY
from support.store import STORE_HASH, required_scopes, with_level

from bc_scopes.checker.check import check
from bc_scopes.checker.client import BigCommerceClient
from bc_scopes.checker.graphql_probe import read_graphql_answer
from bc_scopes.checker.inputs import CheckInputs
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.secrets import Secret
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeFileError, parse_scope_table
from bc_scopes.probe_safety import graphql_query_problem

TOKEN = "graphqlprobetoken0000000000000001"
SCOPE_TITLE = "You don't have a required scope to access the endpoint"
DATA = {"data": {"store": {"translations": {"edges": [], "pageInfo": {}}}}}


@pytest.mark.parametrize(("status", "payload", "outcome"), [
    (200, DATA, "granted"),
    (403, {"status": 403, "title": SCOPE_TITLE}, "denied"),
    (200, {"data": None, "errors": [{"message": SCOPE_TITLE}]}, "denied"),
    (200, {"data": None, "errors": [{"message": "Field 'translations' doesn't exist"}]}, "failed"),
    (200, {"data": {"store": {"translations": None}}}, "failed"),
    (200, {"data": {"store": None}, "errors": [{"message": SCOPE_TITLE},
                                               {"message": "Locale not found"}]}, "failed"),
    (403, {"status": 403, "title": "Forbidden"}, "failed"),
    (422, {"errors": [{"message": "Invalid value for resourceType"}]}, "failed"),
])
def test_only_data_or_a_clear_denial_is_evidence(status, payload, outcome):
    assert read_graphql_answer(status, payload)[0] == outcome


@pytest.mark.parametrize("document", [
    "mutation { translation { deleteTranslations(input: {}) { errors } } }",
    "  Mutation X { a }",
    "subscription { a }",
    "query { store { a } } mutation { b }",
    'query { store(note: "mutation") { a } }',
    "fragment F on Store { a }",
    "",
])
def test_a_document_that_is_not_a_plain_query_is_refused(document):
    assert graphql_query_problem(document) is not None


def test_the_model_refuses_a_mutation_in_the_probe(table):
    text = open(table.source, encoding="utf-8").read()
    bad = text.replace("query: 'query BcScopesTranslationsProbe {",
                       "query: 'mutation BcScopesTranslationsProbe {", 1)
    assert bad != text
    with pytest.raises(ScopeFileError, match="store-translations.*may only read"):
        parse_scope_table(bad)


def test_the_client_refuses_to_send_a_mutation_and_sends_nothing():
    with FakeStore(store_hash=STORE_HASH) as store:
        client = BigCommerceClient(f"{store.url}/stores/{STORE_HASH}", Secret(TOKEN),
                                   FAST_POLICY)
        with pytest.raises(ValueError, match="may only read"):
            client.send("POST", "/graphql", {"query": "mutation { a }"})
        with pytest.raises(ValueError):
            client.send("PUT", "/graphql", {"query": "query { a }"})
        with pytest.raises(ValueError):
            client.send("POST", "/graphql", {"query": "query { a }", "variables": {}})
        assert store.requests == []


def run(table, scopes):
    with FakeStore(store_hash=STORE_HASH) as store:
        store.grant(TOKEN, scopes)
        report = check(table, CheckInputs(STORE_HASH, store.url, Secret(TOKEN)),
                       CheckOptions(policy=FAST_POLICY))
        sent = [r for r in store.requests if r.api_path == "/graphql"]
        assert store.mutations == []
    return report, sent


def test_a_correct_token_shows_store_translations_ok(table):
    report, sent = run(table, required_scopes(table))
    [result] = [r for r in report.rows if r.row.id == "store-translations"]
    assert result.verdict.value == "ok" and result.highest == "none"
    assert [r.method for r in sent] == ["POST"] and b"mutation" not in sent[0].body


@pytest.mark.parametrize("level", ["read-only", "modify"])
def test_a_token_holding_translations_is_excess_and_no_safety_stop(table, level):
    scopes = with_level(table, required_scopes(table), "store-translations", level)
    report, sent = run(table, scopes)
    assert report.safety_stop is None and len(sent) == 1
    [result] = [r for r in report.rows if r.row.id == "store-translations"]
    assert result.verdict.value == "excess"
