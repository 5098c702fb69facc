#!/usr/bin/env bash
# setup.sh: install what the workbook needs that this machine lacks.
#
# Debian packages from ci/packages.txt and book/PACKAGES: installed with
# apt-get when run as root, otherwise the exact command is printed and the
# script stops. The CUDA toolkit is not a Debian main package: nvcc is looked
# for on PATH and in CUDA_HOME (default /usr/local/cuda). The tools that check
# the CI files (ci/package.json) are installed with npm into ci/node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(cat ci/packages.txt $(ls book/PACKAGES 2>/dev/null) | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=()
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "setup: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "setup: missing Debian packages; install them with:" >&2
        echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
else
    echo "setup: Debian packages present"
fi

cuda_home=${CUDA_HOME:-/usr/local/cuda}
if command -v nvcc >/dev/null 2>&1; then
    echo "setup: nvcc $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/\1/p') on PATH"
elif [ -x "$cuda_home/bin/nvcc" ]; then
    echo "setup: nvcc $("$cuda_home/bin/nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p') in $cuda_home"
else
    echo "setup: nvcc not found on PATH nor in $cuda_home/bin." >&2
    echo "  Install the CUDA toolkit (https://developer.nvidia.com/cuda-downloads, or Debian's" >&2
    echo "  non-free nvidia-cuda-toolkit) and set CUDA_HOME if it is not in /usr/local/cuda." >&2
    exit 1
fi

# The CI files' checkers (make test's ci-files stage): ci/package-lock.json's
# exact versions, installed again only when the lock file changed. They need
# Node.js 20 or newer, which Debian 12 lacks (its nodejs is 18): without it a
# learner's make test skips those checks, and CI (CI=true) stops here.
node_major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')
if [ "${node_major:-0}" -lt 20 ] || ! command -v npm >/dev/null 2>&1; then
    echo "setup: Node.js 20 or newer with npm not found (${node_major:+node $node_major}${node_major:-no node});" >&2
    echo "  the CI-file checks of make test need it: node:20-bookworm, NodeSource's nodejs or Debian 13 have it" >&2
    [ "${CI:-}" != true ] || exit 1
elif cmp -s ci/package-lock.json ci/node_modules/.installed-lock; then
    echo "setup: CI-file checkers present (ci/node_modules)"
else
    echo "setup: installing the CI-file checkers into ci/node_modules (npm ci)"
    npm ci --prefix ci --no-audit --no-fund --loglevel=error
    cp ci/package-lock.json ci/node_modules/.installed-lock
fi
