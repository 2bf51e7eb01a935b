#!/usr/bin/env bash
# Set everything up, then serve the guide at http://127.0.0.1:8000/ with live reload.
set -euo pipefail
cd "$(dirname "$0")/.."
BC_SKIP_CHROMIUM_INSTALL=1 bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/mkdocs serve --strict -a "${BC_SERVE_ADDR:-127.0.0.1:8000}"
