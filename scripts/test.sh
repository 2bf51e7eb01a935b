#!/usr/bin/env bash
# Set everything up, then run every check: lint, the strict docs build and the whole test suite.
# Extra arguments go to pytest (for example: bash scripts/test.sh -k checker).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
# Let Python cache compiled modules (some machines set PYTHONDONTWRITEBYTECODE=1). Without
# the cache every test process, every mkdocs build and every pytester run compiles its
# modules again, and pytest rewrites the asserts of each plugin's whole package again
# (hypothesis's and this checker's included): most of the suite's time on two cores.
unset PYTHONDONTWRITEBYTECODE
.venv/bin/ruff check .
.venv/bin/mypy  # strict, over bc_scopes, macros, tools and tests/support (see pyproject.toml)
# The strict build CI runs. The tests read this same build (BC_BUILT_SITE, see
# tests/conftest.py) instead of building the guide a second time.
BC_BUILT_SITE="$(mktemp -d)/site"
export BC_BUILT_SITE
.venv/bin/mkdocs build --strict --site-dir "$BC_BUILT_SITE"
# Collect once in one process first: on a fresh clone it compiles the project's modules
# and writes pytest's rewritten copies of the plugins' and tests' modules (about 4 s),
# which the workers then read instead of each doing the same work at the same time.
.venv/bin/python -m pytest --collect-only -q -p no:xdist >/dev/null 2>&1 || true  # the run below reports
status=0
# Four workers on two cores: many tests wait on loopback I/O rather than compute.
.venv/bin/python -m pytest -n "${BC_TEST_WORKERS:-4}" --dist worksteal "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "test.sh: pytest collected no tests; that is a failure here" >&2
  exit 1
fi
exit "$status"
