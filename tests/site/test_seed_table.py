"""The rendered table still says what the help-centre article said.

This is the one test that pins the table by hand: the 25 rows below are typed as the
seed article "BigCommerce - Get Your API Credentials" states them. A deliberate change
to a required level fails here (and only here, among the site tests); update this list
in the same change as scopes.yaml and its changelog entry.
"""

from __future__ import annotations

SEED_TABLE = [
    ("Content", "Modify"),
    ("Checkout content", "Modify"),
    ("Customers", "Read-only"),
    ("Customers login", "Login"),
    ("Information & Settings", "Read-only"),
    ("Marketing", "None"),
    ("Orders", "Modify"),
    ("Order transactions", "Modify"),
    ("Create payments", "None"),
    ("Get payment methods", "Read-only"),
    ("Stored payment instruments", "Read-only"),
    ("Products", "Read-only"),
    ("Themes", "None"),
    ("Carts", "Read-only"),
    ("Checkouts", "Read-only"),
    ("Sites & routes", "Read-only"),
    ("Channel Settings", "Read-only"),
    ("Channel Listings", "Read-only"),
    ("Store Logs", "Read-only"),
    ("Store Locations", "Read-only"),
    ("Store Inventory", "Modify"),
    ("Fulfillment Methods", "Read-only"),
    ("Order Fulfillment", "Modify"),
    ("Metafield Ownership", "None"),
    ("Metafields Access", "Standard"),
]


def test_rendered_table_matches_the_seed_article(read_page) -> None:
    table = read_page("/scopes/").select_one('table[data-bc-table="scopes"]')
    rendered = [
        (tr.select_one(".bc-row-name").get_text(), tr.select_one(".bc-level").get_text())
        for tr in table.select("tbody > tr")
    ]
    assert rendered == SEED_TABLE


def test_table_headers_name_resource_and_access_level(read_page) -> None:
    table = read_page("/scopes/").select_one('table[data-bc-table="scopes"]')
    headers = [th.get_text() for th in table.select("thead th")]
    assert headers[:2] == ["Resource", "Access level"]
