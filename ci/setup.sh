#!/usr/bin/env bash
# setup.sh: install what the workbook needs that this machine lacks.
#
# Debian packages from ci/packages.txt and book/PACKAGES: installed with
# apt-get when run as root, otherwise the exact command is printed and the
# script stops. The CUDA toolkit is not a Debian main package: nvcc is looked
# for on PATH and in CUDA_HOME (default /usr/local/cuda).
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
