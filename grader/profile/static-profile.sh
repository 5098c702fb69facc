#!/usr/bin/env bash
# static-profile.sh WEEK: what the compiler made of a week's kernels, no GPU needed.
#
#   grader/profile/static-profile.sh 0          (or week0; run `make week0` first)
#   grader/profile/static-profile.sh --if-stale 0   only when the JSON is missing or older
#                                       than lesson.o or the rules (the book and
#                                       the grade report call it this way)
#
# For every kernel in build/weekN/lesson.o: registers per thread, static
# shared memory per block, stack frame and local memory, spill bytes; then the
# instruction checks of grader/weekN.instructions (the shuffle reduction contains
# SHFL, the tiled transpose uses LDS/STS, the best copy LDG.E.128, no kernel
# spills). Writes build/weekN/static-profile.json and .md, prints the table,
# and exits 1 naming kernel and rule when a check fails.
#
# Sources, best first:
#   resources     build/weekN/resource-usage.txt (ptxas -v, saved by the build:
#                 registers, smem, stack, spill stores/loads), and
#                 `cuobjdump --dump-resource-usage` when cuobjdump exists
#   instructions  `cuobjdump -sass` (the machine code) when cuobjdump exists;
#                 otherwise the PTX of the same source (nvcc -ptx), with each
#                 SASS opcode of a rule mapped to its PTX counterpart (LDG.E.128
#                 -> ld.global*.v4.b32, SHFL -> shfl.sync, ...). The JSON says
#                 which one was read.
# Environment: CUDA_HOME, NVCC, CUOBJDUMP, CUXXFILT; STATIC_PROFILE_ARCH=sm_90
# picks the architecture when the object holds several (default: the newest);
# STATIC_PROFILE_ISA=ptx forces the PTX path; SASS_RULES=FILE other rules.
set -euo pipefail
cd "$(dirname "$0")/../.."
. grader/profile/lib.sh

die() { echo "static-profile: $*" >&2; exit 2; }
if_stale=0
[ "${1:-}" = --if-stale ] && { if_stale=1; shift; }
[ $# -eq 1 ] || die "usage: grader/profile/static-profile.sh [--if-stale] WEEK (0, 1, ... or week0, ...)"
w=week${1#week}
obj=build/$w/lesson.o
res=build/$w/resource-usage.txt
rules=${SASS_RULES:-grader/$w.instructions}
out=build/$w
[ -f "$obj" ] || die "$obj not found: build the week first (make $w)"
[ -f "$rules" ] || die "$rules not found: each week declares its instruction checks there"
if [ $if_stale = 1 ] && [ -f "$out/static-profile.json" ] &&
    ! [ "$obj" -nt "$out/static-profile.json" ] && ! [ "$rules" -nt "$out/static-profile.json" ]; then
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/static-profile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- resources -------------------------------------------------------------
: >"$tmp/ptxas.tsv"
[ -f "$res" ] && awk -f grader/profile/ptxas-res.awk "$res" >"$tmp/ptxas.tsv"
cuobjdump=$(find_cuda_tool cuobjdump || true)
: >"$tmp/cuobj.tsv"
if [ -n "$cuobjdump" ]; then
    "$cuobjdump" --dump-resource-usage "$obj" >"$out/cuobjdump-resource-usage.txt" 2>&1 \
        || die "$cuobjdump --dump-resource-usage $obj failed: $(tail -n 3 "$out/cuobjdump-resource-usage.txt")"
    awk -f grader/profile/cuobjdump-res.awk "$out/cuobjdump-resource-usage.txt" >"$tmp/cuobj.tsv"
fi
[ -s "$tmp/ptxas.tsv" ] || [ -s "$tmp/cuobj.tsv" ] ||
    die "no resource usage for $w: $res is missing or empty and there is no cuobjdump (rebuild: rm $obj && make $w)"

# the architecture: asked for, or the newest the object holds
arch=${STATIC_PROFILE_ARCH:-$(cut -f1 "$tmp/ptxas.tsv" "$tmp/cuobj.tsv" | grep '^sm_' | sort -t_ -k2,2n | tail -n 1)}
[ -n "$arch" ] || die "cannot tell the architecture from $res"
grep -q "^$arch	" "$tmp/ptxas.tsv" "$tmp/cuobj.tsv" ||
    die "$obj holds no code for $arch (it has: $(cut -f1 "$tmp/ptxas.tsv" "$tmp/cuobj.tsv" | sort -u | tr '\n' ' '))"

# ---- instructions ------------------------------------------------------------
isa=${STATIC_PROFILE_ISA:-}
[ -n "$isa" ] || isa=$([ -n "$cuobjdump" ] && echo sass || echo ptx)
if [ "$isa" = sass ]; then
    [ -n "$cuobjdump" ] || die "STATIC_PROFILE_ISA=sass needs cuobjdump (CUOBJDUMP=path)"
    "$cuobjdump" -sass "$obj" >"$out/lesson.sass" 2>&1 || die "$cuobjdump -sass $obj failed"
    awk -f grader/profile/sass-ops.awk -f grader/profile/op-count.awk "$out/lesson.sass" | awk -F'\t' -v a="$arch" '$1 == a' | cut -f2- >"$tmp/ops-mangled.tsv"
    instructions_from="SASS (cuobjdump -sass $obj, $arch)"
else
    nvcc=${NVCC:-$(command -v nvcc || echo "$CUDA_HOME/bin/nvcc")}
    [ -x "$nvcc" ] || die "no cuobjdump and no nvcc ($nvcc) to make PTX from"
    "$nvcc" -std=c++17 -O3 -arch="compute_${arch#sm_}" -ptx -Igrader -Iref/cpu -Iref/gpu \
        -I"$CUDA_HOME/include" -I"tangled/$w" "tangled/$w/$w.cu" -o "$out/lesson.ptx" 2>"$tmp/ptx.err" ||
        die "nvcc -ptx tangled/$w/$w.cu failed: $(tail -n 5 "$tmp/ptx.err")"
    awk -f grader/profile/ptx-ops.awk -f grader/profile/op-count.awk "$out/lesson.ptx" | cut -f2- >"$tmp/ops-mangled.tsv"
    instructions_from="PTX (nvcc -ptx -arch=compute_${arch#sm_}; no cuobjdump here, so SASS opcodes are matched through their PTX counterparts)"
fi

# ---- names -------------------------------------------------------------------
{ cut -f2 "$tmp/ptxas.tsv"; cut -f2 "$tmp/cuobj.tsv"; cut -f1 "$tmp/ops-mangled.tsv"; } |
    awk 'NF && !seen[$0]++' | demangle | awk -f grader/profile/demangled.awk -f grader/profile/names.awk >"$tmp/names.tsv"

# kernels.tsv: name short base mangled regs smem stack local spill_st spill_ld barriers
awk -F'\t' -v OFS='\t' -v a="$arch" -v names="$tmp/names.tsv" -v cuobj="$tmp/cuobj.tsv" '
    BEGIN {
        while ((getline l < names) > 0) { split(l, f, "\t"); nm[f[1]] = f[2]; sh[f[1]] = f[3]; bs[f[1]] = f[4] }
        while ((getline l < cuobj) > 0) {
            split(l, f, "\t"); if (f[1] != a) continue
            creg[f[2]] = f[3]; cshr[f[2]] = f[4]; cstk[f[2]] = f[5]; cloc[f[2]] = f[6]
            if (!(f[2] in order_seen)) { order_seen[f[2]] = 1; corder[++nc] = f[2] }
        }
    }
    $1 == a {
        m = $2; seen[m] = 1
        print nm[m], sh[m], bs[m], m, $3, $4, $5, (m in cloc ? cloc[m] : ""), $6, $7, $8
    }
    END {   # kernels only cuobjdump saw (no ptxas output for them)
        for (i = 1; i <= nc; i++) {
            m = corder[i]; if (m in seen) continue
            print nm[m], sh[m], bs[m], m, creg[m], cshr[m], cstk[m], cloc[m], "", "", ""
        }
    }' "$tmp/ptxas.tsv" | sort -t'	' -k3,3 -k2,2 >"$tmp/kernels.tsv"
awk -f grader/profile/rekey.awk -v map="$tmp/names.tsv" "$tmp/ops-mangled.tsv" >"$tmp/ops.tsv"

resources="ptxas -v ($res)"
[ -s "$tmp/ptxas.tsv" ] || resources="cuobjdump --dump-resource-usage (no ptxas -v output: spills read as local memory)"
[ -s "$tmp/ptxas.tsv" ] && [ -s "$tmp/cuobj.tsv" ] && resources="$resources and cuobjdump --dump-resource-usage"

rc=0
awk -f grader/profile/rules.awk -v kernels="$tmp/kernels.tsv" -v ops="$tmp/ops.tsv" -v rules="$rules" \
    -v isa="$isa" -v arch="$arch" -v week="$w" -v json="$out/static-profile.json" \
    -v md="$out/static-profile.md" -v resources="$resources" \
    -v instructions_from="$instructions_from" /dev/null >"$tmp/result.txt" || rc=$?
if [ "${STATIC_PROFILE_QUIET:-}" != 1 ]; then
    cat "$out/static-profile.md"
    echo
fi
cat "$tmp/result.txt"
echo "static-profile: wrote $out/static-profile.json and $out/static-profile.md"
exit "$rc"
