#!/usr/bin/env bash
# kit.sh: the grading kit, the part of the instructor's checkout that grades a
# submission: the Makefile, grader/ (no mutants, no tests), ref/, the tangle
# front end, and the grader's own objects compiled once, here, outside any
# sandbox.
#
#   ci/roster/kit.sh KIT
#
# Environment: CUDA_ARCH (required: the architectures the submissions are
# compiled for, e.g. "90"; the kit's objects are rebuilt when it changes),
# WB_COMMIT (the instructor's commit, written into every report), MAKE.
# Both are kept in KIT/.arch and KIT/.commit, which grade-one.sh reads.
#
# The sandbox (ci/roster/sandbox.sh --kit) mounts these read-only where the
# Makefile expects them, so a submission brings nothing but its lessons: no
# lesson of the instructor, no tangled solution and no mutant is in the kit.
# Files keep their times (cp -p), so make rebuilds only what changed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$(dirname "$here")")
kit=${1:?usage: ci/roster/kit.sh KIT}
: "${CUDA_ARCH:?kit.sh: CUDA_ARCH must name the architectures, e.g. 90}"
MAKE=${MAKE:-make}

mkdir -p "$kit"
if [ "$(cat "$kit/.arch" 2>/dev/null)" != "$CUDA_ARCH" ]; then
    rm -rf "$kit/build"
    printf '%s\n' "$CUDA_ARCH" >"$kit/.arch"
fi
rm -rf "$kit/Makefile" "$kit/grader" "$kit/ref" "$kit/book"
cp -p "$repo/Makefile" "$kit/"
cp -pr "$repo/ref" "$kit/"
mkdir -p "$kit/grader" "$kit/book"
for f in "$repo"/grader/*; do
    [ -f "$f" ] && cp -p "$f" "$kit/grader/"
done
cp -p "$repo/book/tangle.sh" "$repo/book/cuda-markup" "$kit/book/"
mkdir -p "$kit/build/obj"

"$MAKE" -C "$kit" --no-print-directory CUDA_ARCH="$CUDA_ARCH" WB_COMMIT="${WB_COMMIT:-unknown}" roster-kit-objects
# the sandbox mounts build/obj read-only: nothing may be left for make to do there
if ! "$MAKE" -C "$kit" -q CUDA_ARCH="$CUDA_ARCH" roster-kit-objects; then
    echo "kit.sh: $kit/build/obj is not up to date after building it" >&2
    exit 1
fi
# what grade-one.sh builds each submission with
printf '%s\n' "${WB_COMMIT:-unknown}" >"$kit/.commit"
echo "kit: $kit (CUDA_ARCH=$CUDA_ARCH)"
