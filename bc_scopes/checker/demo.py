"""`bc-scopes demo`: a real check against the built-in fake store, no credentials needed.

The demo token is the one a merchant gets by following the guide, with one
common slip: Products set to Modify instead of Read-only. So the report shows
every kind of row a real store shows: ok, excess and unverifiable. The scope
list is written out here on purpose, like a real token; when `scopes.yaml`
changes, the demo output changes and its snapshot test says so.
"""

from __future__ import annotations

from bc_scopes.checker.check import check
from bc_scopes.checker.hooks import CheckHooks
from bc_scopes.checker.inputs import CheckInputs
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.report import Report
from bc_scopes.checker.secrets import Secret
from bc_scopes.fakestore.server import FakeStore
from bc_scopes.model import ScopeTable

DEMO_STORE_HASH = "demo42"
# Sample values only: they open nothing anywhere but the fake store.
DEMO_ACCESS_TOKEN = "demo0access0token0sample000000"
DEMO_CLIENT_ID = "demo0client0id0sample000000000"
DEMO_CLIENT_SECRET = "demo0client0secret0sample000000000000000"
DEMO_TARGET = "the built-in demo store (a fake BigCommerce on 127.0.0.1; nothing real is contacted)"

DEMO_TOKEN_SCOPES = frozenset(
    {
        "store_v2_content",
        "store_content_checkout",
        "store_v2_customers_read_only",
        "store_v2_customers_login",
        "store_v2_information_read_only",
        "store_v2_orders",
        "store_v2_transactions",
        "store_payments_methods_read",
        "store_stored_payment_instruments_read_only",
        "store_v2_products",  # the slip: Modify where Read-only is required
        "store_cart_read_only",
        "store_checkout_read_only",
        "store_sites_read_only",
        "store_channel_settings_read_only",
        "store_channel_listings_read_only",
        "store_logs_read_only",
        "store_locations_read_only",
        "store_inventory",
        "store_fulfillment_methods_read_only",
        "store_order_fulfillment_manage",
        "store_metafield_write",
    }
)


def run_demo(
    table: ScopeTable, options: CheckOptions, hooks: CheckHooks | None = None
) -> Report:
    """Start the fake store, run the real check against it, stop the store."""
    with FakeStore(store_hash=DEMO_STORE_HASH) as store:
        store.grant(DEMO_ACCESS_TOKEN, DEMO_TOKEN_SCOPES)
        inputs = CheckInputs(
            store_hash=DEMO_STORE_HASH,
            api_url=store.url,
            access_token=Secret(DEMO_ACCESS_TOKEN),
            client_id=Secret(DEMO_CLIENT_ID),
            client_secret=Secret(DEMO_CLIENT_SECRET),
        )
        return check(table, inputs, options, hooks)
