"""The repository's own tools: never shipped, never imported by bc_scopes.

The upstream watch, the calibration kit and its recordings, the snapshot of
scopes.yaml, the published-anchors registry, the probe audit, the static server and
the docs-project helpers serve the people and the CI that keep this repository, not
the merchants who install `bc-scopes`. They live beside the package, not inside it,
so the wheel cannot carry them by accident and `bc_scopes` cannot come to depend on
them (tests/unit/test_import_layers.py checks both directions).

They import `bc_scopes`; `scripts/*.py` are their thin entry points. In the
development venv, `scripts/setup.sh` puts the repository root on `sys.path` with a
`.pth` file, so `import tools` works from any folder without `sys.path` edits.
"""
