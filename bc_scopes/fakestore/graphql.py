"""The fake store's GraphQL Admin endpoint (`POST /stores/{hash}/graphql`), translations only.

Modelled on docs/store-operations/translations/index.mdx (bigcommerce/docs@24f580ca):
the Translations Admin GraphQL API takes the Store Translations scope, read-only for
queries (:55) and modify for changes (:56). How BigCommerce shows a missing scope on
this endpoint is not documented; the fake answers 403 with the REST scope title, the
shape every recorded REST denial has (an open calibration question). A query answers
an empty translations page; a mutation, which the checker never sends, is answered like
an accepted write so that a test would see it as a change.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bc_scopes.fakestore import responses

READ_SCOPES = frozenset({"store_translations_read_only", "store_translations"})
WRITE_SCOPES = frozenset({"store_translations"})
_WRITE = re.compile(r"^\s*(mutation|subscription)\b", re.IGNORECASE)


def answer(raw_body: bytes, scopes: frozenset[str]) -> tuple[int, Any, bool]:
    """(status, payload, changes data) for one GraphQL request."""
    try:
        body = json.loads(raw_body or b"null")
    except ValueError:
        return 400, {"errors": [{"message": "Invalid JSON"}]}, False
    query = body.get("query") if isinstance(body, dict) else None
    if not isinstance(query, str):
        return 400, {"errors": [{"message": "Must provide query string."}]}, False
    writes = bool(_WRITE.match(query))
    if not scopes & (WRITE_SCOPES if writes else READ_SCOPES):
        return 403, responses.missing_scope(), False
    if writes:
        return 200, {"data": {"translation": {"updateTranslations": {"errors": []}}}}, True
    page = {"edges": [], "pageInfo": {"hasNextPage": False, "hasPreviousPage": False,
                                      "startCursor": None, "endCursor": None}}
    return 200, {"data": {"store": {"translations": page}}}, False
