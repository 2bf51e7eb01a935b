"""A batch's `checker` that runs the real check with one store changed.

A fault at one store (a server that never answers, a 429 storm) needs a short timeout or
deadline at that store only: the healthy stores' results must never depend on how fast
a busy machine serves them. This runs the real `check()` for every store and changes
only what a test names, by store hash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from bc_scopes.checker.check import check
from bc_scopes.checker.hooks import CheckHooks
from bc_scopes.checker.inputs import CheckInputs
from bc_scopes.checker.options import CheckOptions
from bc_scopes.checker.report import Report
from bc_scopes.model import ScopeTable


def checker_with_changes(
    api_urls: Mapping[str, str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[ScopeTable, CheckInputs, CheckOptions, CheckHooks], Report]:
    """`check`, except that a store hash in `api_urls` is sent to that server and one in
    `options` runs with those option fields replaced (for example {"timeout": 0.2})."""
    urls = dict(api_urls or {})
    changes = {store: dict(fields) for store, fields in (options or {}).items()}

    def checker(table: ScopeTable, inputs: CheckInputs, base: CheckOptions,
                hooks: CheckHooks) -> Report:
        store = inputs.store_hash
        return check(table, replace(inputs, api_url=urls.get(store, inputs.api_url)),
                     replace(base, **changes.get(store, {})), hooks)

    return checker
