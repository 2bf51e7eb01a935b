"""Notice when BigCommerce changes its published scope facts, before a merchant does.

    .venv/bin/python scripts/upstream_watch.py --docs DIR [--json FILE] [--markdown FILE]

DIR is a checkout of bigcommerce/docs (docs/start/authentication/api-accounts.mdx and
reference/ are enough). The command compares it with scopes.yaml, the fake store's route
table (bc_scopes/fakestore/routes.json) and the kept corrections (upstream/corrections.yaml).

Exit codes: 0 no difference that matters; 1 at least one high-impact difference; 2 the
docs checkout (or one of the project's files) cannot be read or parsed.
`--update-baseline` rewrites upstream/baseline.json from DIR. See
docs/maintainers/upstream-watch.md.
"""

from __future__ import annotations

from tools.upstream.watch import main

if __name__ == "__main__":
    raise SystemExit(main())
