"""The upstream watch: notice when BigCommerce changes its published scope facts.

Reads a `bigcommerce/docs` checkout (`docs/start/authentication/api-accounts.mdx` and
`reference/*.yml`), compares it with `scopes.yaml`, the fake store's route table and the
kept corrections (`upstream/corrections.yaml`), and reports each difference as high or
low impact. Repository-only tooling: not shipped in the wheel.

- `accounts`: the control panel's scope tables (api-accounts.mdx);
- `reference`: the specs' routes and OAuth tables, with the kept corrections applied;
- `corrections`: the corrections file;
- `compare`: the comparison (pure);
- `baseline`: the facts last compared, for changes the project's files cannot show;
- `report`: text, Markdown and JSON;
- `watch`: the whole run as one call, and the command line.
"""

from .errors import UpstreamError
from .watch import WatchInputs, main, watch

__all__ = ["UpstreamError", "WatchInputs", "main", "watch"]
