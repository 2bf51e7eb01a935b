"""BigCommerce API credentials guide and scope checker.

`scopes.yaml` is the only place where a scope row exists; `bc_scopes.model`
is the only code that reads it. Keep this package import light: `bc-scopes
--help` must start fast, so heavy modules are imported where they are used.
"""

__version__ = "0.1.0"
