#!/usr/bin/env bash
# Set up everything the guide and the tests need, on a fresh machine or an old one.
# Idempotent: a second run only checks. Used by scripts/serve.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)

# pip quietly, without its noisy "... is ignored" lines, but judged by pip's own exit status:
# a failed hash check stops the setup here, and no stamp is written, so the next run retries.
pip_install() {
  local what=$1 status=0
  shift
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" 2>&1 \
    | grep -v "is ignored" >&2 || status=${PIPESTATUS[0]}
  if [ "$status" -ne 0 ]; then
    echo "setup: FAILED: pip install $what exited $status (see pip's message above); nothing was stamped" >&2
    exit 1
  fi
}

# The repository's own tools (tools/) are not part of the package, so the editable install
# does not reach them: a .pth file puts the repository root on the venv's sys.path, and
# `import tools` then works from any folder, for scripts/*.py and the tests alike, with no
# sys.path edits. The wheel and the sdist still carry no repository tool.
.venv/bin/python - "$PWD" <<'PY'
import pathlib, sys, sysconfig
pth = pathlib.Path(sysconfig.get_paths()["purelib"]) / "bc_scopes_repository.pth"
if not pth.exists() or pth.read_text(encoding="utf-8") != sys.argv[1] + "\n":
    pth.write_text(sys.argv[1] + "\n", encoding="utf-8")
PY

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  rm -f "$stamp"
  # Hash-checked install of the exact pins, then the project itself without dependencies.
  pip_install "--require-hashes -r requirements.lock" --require-hashes -r requirements.lock
  pip_install "-e ." --no-deps --no-build-isolation -e .
  # Fail here, not later, if the install broke.
  if ! (cd .venv && bin/python -c "import bc_scopes, tools, mkdocs, playwright, xdist"); then
    echo "setup: FAILED: the installed packages do not import; nothing was stamped" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi

# Browser tests drive Debian's chromium (Playwright's own browser download is not used).
if [ ! -x /usr/bin/chromium ] && [ "${BC_SKIP_CHROMIUM_INSTALL:-0}" != "1" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: /usr/bin/chromium is missing; install Debian's chromium package for the browser tests" >&2
  fi
fi
