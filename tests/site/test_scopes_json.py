"""scopes.json: the table as data, written by the real strict build next to the pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from support.docs import DOCS_DIR

from bc_scopes.guide.scopes_json import FILE_NAME, SCHEMA_FILE_NAME, table_document
from bc_scopes.model import ScopeTable


@pytest.fixture(scope="module")
def published(built_site: Path) -> dict[str, Any]:
    path = built_site / FILE_NAME
    assert path.is_file(), "the build wrote no scopes.json next to the pages"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def schema(built_site: Path) -> dict[str, Any]:
    path = built_site / SCHEMA_FILE_NAME
    assert path.is_file(), "the build did not publish the schema of scopes.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(document)
    return document


def _errors(schema: dict[str, Any], document: Any) -> list[str]:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_scopes_json_validates_against_its_published_schema(published, schema) -> None:
    assert _errors(schema, published) == []


def test_the_schema_catches_a_broken_document(published, schema) -> None:
    broken = json.loads(json.dumps(published))
    broken["rows"][0]["id"] = "Not An Id"
    del broken["version"]
    assert len(_errors(schema, broken)) >= 2


def test_scopes_json_is_generated_from_scopes_yaml(published, table: ScopeTable) -> None:
    assert published == table_document(table)
    assert published["version"] == table.version
    assert [row["id"] for row in published["rows"]] == [row.id for row in table.rows]
    assert [row["id"] for row in published["leave_at_none"]] == [
        row.id for row in table.leave_at_none]
    for entry, row in zip(published["rows"], table.rows, strict=True):
        assert entry["name"] == row.name and entry["required"] == row.required
        assert entry["scope_strings"] == row.scope_strings
        assert entry["required_scope"] == row.required_scope_string


def test_every_row_url_leads_to_its_row_in_the_built_table(published, read_page) -> None:
    scopes_page = read_page("/scopes/")
    ids = {tag["id"] for tag in scopes_page.find_all(id=True)}
    for entry in [*published["rows"], *published["leave_at_none"]]:
        page, _, fragment = entry["url"].partition("#")
        assert page == published["guide"]["scopes_page"]
        assert fragment == entry["anchor"] and fragment in ids, entry["id"]


def test_the_schema_is_a_static_file_and_the_data_is_not() -> None:
    assert (DOCS_DIR / SCHEMA_FILE_NAME).is_file()
    assert not (DOCS_DIR / FILE_NAME).exists(), "scopes.json is generated; never commit one"


def test_the_integrators_page_links_both_files(read_page) -> None:
    page = read_page("/integrators/")
    hrefs = {link["href"] for link in page.select("article a[href]")}
    assert {f"../{FILE_NAME}", f"../{SCHEMA_FILE_NAME}"} <= hrefs
