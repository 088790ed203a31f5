# Sourced by run.sh and test.sh: make `uv` available and sync the locked environment.
# Works on a fresh Debian with only Python 3.11 and apt: uv goes into a private
# venv (.tools/), so the system Python stays untouched (PEP 668).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
UV_VERSION=0.13.9
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if [ ! -x .tools/bin/uv ]; then
  if ! python3 -m venv .tools >/dev/null 2>&1; then
    # Debian ships venv support separately
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    rm -rf .tools
    python3 -m venv .tools
  fi
  .tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==${UV_VERSION}"
fi
UV=.tools/bin/uv
# Bytecode compiled at install, as pip does by default and uv does not: every `jixiao` command,
# dashboard server and test process would otherwise compile ~10k modules from source when
# PYTHONDONTWRITEBYTECODE is set (as on this project's machines): about 2.5 s of CPU each.
$UV sync --frozen --quiet --compile-bytecode "$@"
.venv/bin/python -m compileall -q -j 0 etl dashboard >/dev/null
