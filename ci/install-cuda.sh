#!/usr/bin/env bash
# install-cuda.sh: the CUDA compiler, headers and libraries the workbook builds
# with, on a bare Debian 12 CI container (the hosted, no-GPU jobs), from
# NVIDIA's apt repository. Does nothing where nvcc already is (on PATH or in
# CUDA_HOME, default /usr/local/cuda), as on a GPU runner or a learner's machine.
#
#   ci/install-cuda.sh            CUDA_VERSION=13-0 by default (apt's spelling)
#
# Needs root and the network; ci/setup.sh then installs the Debian packages.
set -euo pipefail
cuda_home=${CUDA_HOME:-/usr/local/cuda}
if command -v nvcc >/dev/null 2>&1; then
    echo "install-cuda: nvcc present on PATH ($(command -v nvcc))"
    exit 0
elif [ -x "$cuda_home/bin/nvcc" ]; then
    echo "install-cuda: nvcc present in $cuda_home"
    exit 0
fi

version=${CUDA_VERSION:-13-0}
# shellcheck source=/dev/null
. /etc/os-release
if [ "${ID:-}" != debian ] || [ "${VERSION_ID:-}" != 12 ]; then
    echo "install-cuda: no nvcc, and this is ${PRETTY_NAME:-an unknown system}, not Debian 12;" >&2
    echo "  install the CUDA toolkit (https://developer.nvidia.com/cuda-downloads) and set CUDA_HOME" >&2
    exit 1
fi
[ "$(id -u)" -eq 0 ] || { echo "install-cuda: no nvcc; run this as root to install CUDA $version" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
repo=https://developer.download.nvidia.com/compute/cuda/repos/debian12/x86_64
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends ca-certificates curl >/dev/null
curl -fsSL -o "$tmp/cuda-keyring.deb" "$repo/cuda-keyring_1.1-1_all.deb"
dpkg -i "$tmp/cuda-keyring.deb" >/dev/null
apt-get update -qq
# nvcc and ptxas; the runtime, CUB and the driver API headers and stubs; CUPTI
# (the grader's run-time guard); cuobjdump and cu++filt (the static profile)
apt-get install -y -qq --no-install-recommends \
    "cuda-nvcc-$version" "cuda-cudart-dev-$version" "cuda-cccl-$version" "cuda-driver-dev-$version" \
    "cuda-cupti-dev-$version" "cuda-cuobjdump-$version" "cuda-cuxxfilt-$version" >/dev/null
# the packages install into /usr/local/cuda-X.Y; the Makefile looks in /usr/local/cuda
[ -e /usr/local/cuda ] || ln -s "/usr/local/cuda-${version/-/.}" /usr/local/cuda
echo "install-cuda: $(/usr/local/cuda/bin/nvcc --version | tail -n 1)"
