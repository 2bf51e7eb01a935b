"""BigCommerce API credentials guide and scope checker.

`scopes.yaml` is the only place where a scope row exists; `bc_scopes.model`
is the only code that reads it.

The public API is one import::

    from bc_scopes import check, load_scope_table, resolve_inputs, CheckOptions

    report = check(load_scope_table(), resolve_inputs(), CheckOptions(strict=True))

Each name is loaded on first use (PEP 562 `__getattr__`), not when the package is
imported: `bc-scopes --help` imports this package and must not pay for requests,
jsonschema or YAML. Type checkers read the `TYPE_CHECKING` block instead.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> the module that defines it. When a module moves, only this map changes.
_PUBLIC: dict[str, str] = {
    "BadInput": "bc_scopes.errors",
    "check": "bc_scopes.checker.check",
    "CheckHooks": "bc_scopes.checker.hooks",
    "CheckInputs": "bc_scopes.checker.inputs",
    "CheckOptions": "bc_scopes.checker.options",
    "InputError": "bc_scopes.checker.inputs",
    "Report": "bc_scopes.checker.report",
    "resolve_inputs": "bc_scopes.checker.inputs",
    "RetryPolicy": "bc_scopes.checker.options",
    "load_scope_table": "bc_scopes.model",
    "ScopeFileError": "bc_scopes.model",
    "ScopeTable": "bc_scopes.model",
}

# Written out (not derived from _PUBLIC) so linters and type checkers can read it; a test
# keeps the two equal.
__all__ = [
    "BadInput",
    "CheckHooks",
    "CheckInputs",
    "CheckOptions",
    "InputError",
    "Report",
    "RetryPolicy",
    "ScopeFileError",
    "ScopeTable",
    "__version__",
    "check",
    "load_scope_table",
    "resolve_inputs",
]

if TYPE_CHECKING:
    from bc_scopes.checker.check import check
    from bc_scopes.checker.hooks import CheckHooks
    from bc_scopes.checker.inputs import CheckInputs, InputError, resolve_inputs
    from bc_scopes.checker.options import CheckOptions, RetryPolicy
    from bc_scopes.checker.report import Report
    from bc_scopes.errors import BadInput
    from bc_scopes.model import ScopeFileError, ScopeTable, load_scope_table


def __getattr__(name: str) -> Any:
    """Import the module behind a public name on first use, and keep the value."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'bc_scopes' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
