#!/usr/bin/env bash
# Sets up a Debian machine for onyxrt and installs it into .venv inside the checkout:
#   - apt: a C++20 compiler, GoogleTest, ccache, Python's venv and headers (only what is missing);
#   - .venv: cmake, ninja, the build backend, the test dependencies, then `pip install .`,
#     which builds libonyxrt, the Python extension and the `onyxrt` CLI.
# Safe to run again: each step is skipped or incremental when already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$(pwd)"
# ccache keys on paths relative to the checkout, so every clone and build folder shares hits.
export CCACHE_BASEDIR="$REPO" CCACHE_NOHASHDIR=1

missing=()
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v ccache >/dev/null 2>&1 || missing+=(ccache)
command -v git >/dev/null 2>&1 || missing+=(git)
[ -f /usr/include/gtest/gtest.h ] || missing+=(libgtest-dev)
if ! command -v python3 >/dev/null 2>&1; then
  missing+=(python3 python3-venv python3-dev)
else
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
  python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    || missing+=(python3-dev)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
PY="$REPO/.venv/bin/python"
export PATH="$REPO/.venv/bin:$PATH"

# The build backend comes from pyproject's [build-system] so that the list lives in one place; it
# is installed into .venv and the build runs without isolation, which keeps build/ incremental and
# lets ccache hit on a rebuild.
mapfile -t build_requires < <("$PY" - <<'PYEOF'
import tomllib
with open("pyproject.toml", "rb") as f:
    print("\n".join(tomllib.load(f)["build-system"]["requires"]))
PYEOF
)
echo "setup: installing build and test dependencies into .venv"
"$PY" -m pip install -q --disable-pip-version-check cmake ninja "${build_requires[@]}"

echo "setup: building and installing onyxrt (pip install .)"
export CMAKE_BUILD_PARALLEL_LEVEL="${ONYXRT_JOBS:-$(nproc)}"
"$PY" -m pip install -q --disable-pip-version-check --no-build-isolation ".[test]"
echo "setup: done; onyxrt is installed in $REPO/.venv"
