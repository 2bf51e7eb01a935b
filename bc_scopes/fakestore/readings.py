"""Stricter readings of BigCommerce's reference that the fake store can be switched to.

Where the published reference leaves a question open, the default fake store takes one
reading. A test switches on another to prove that no verdict, and no write, rests on the
default. Each reading is written from BigCommerce's own text (cited below), never from
`scopes.yaml`.
"""

from __future__ import annotations

from enum import StrEnum


class Reading(StrEnum):
    """One alternative reading of the reference; `FakeStore.readings` holds those in force."""

    # Every id in a write exists, and a PUT body is a partial update: no field is
    # required. Only a field the route refuses (read-only) or a wrong value stops a write.
    # bigcommerce/docs@24f580ca: v2 and v3 updates take partial bodies; v2 refuses
    # read-only fields ("cannot be written to", shipping.v2.yml:2073).
    EVERY_ID_EXISTS_PARTIAL_UPDATES = "every-id-exists-partial-updates"
    # "All endpoints and APIs that manage metafields" (api-accounts.mdx:221-222): the
    # Metafields Access scope, which every API account holds, opens every metafield route.
    METAFIELDS_ACCESS_OPENS_METAFIELD_ROUTES = "metafields-access-opens-metafield-routes"
    # GET /v2/time, in the same spec, needs no scope (recorded); /v2/store may be the same.
    V2_STORE_NEEDS_NO_SCOPE = "v2-store-needs-no-scope"
    # v2 documents refusing read-only fields ("cannot be written to", shipping.v2.yml:2073,
    # orders.v2.oas2.yml:999) but nowhere that it checks a value's type or enum: a lenient
    # v2 server could cast "not-a-status" or ignore it. Only read-only fields stop a v2 write.
    V2_VALUES_UNCHECKED = "v2-values-unchecked"


METAFIELDS_ACCESS_SCOPES = frozenset({"store_metafield_write", "store_metafield_write_all"})
