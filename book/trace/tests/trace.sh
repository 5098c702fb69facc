#!/usr/bin/env bash
# trace.sh: tests of the trace tool (book/trace/: `make trace`, `make figures`),
# no GPU needed. Checks that the kernels run on the CPU compute what ref/cpu
# computes, the transposes' sectors per request, that the bank conflicts
# equal what Nsight Compute reported in the committed profile, clear errors
# for malformed requests, and a figure for every variant of every week. The
# source rewriter has its own tests (cu2cpp.sh). Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 2
# shellcheck source=ci/tests/tap.sh
. ci/tests/tap.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/trace-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! make -s --no-print-directory figures >"$tmp/make.log" 2>&1; then
    fail "make figures builds the trace tools and draws the figures" "$(tail -n 25 "$tmp/make.log")"
    finish
    exit 1
fi
weeks=$(for l in lessons/week*-*.nw; do basename "$l" | cut -d- -f1; done | sort -uV)

# ---- the kernels, run on the CPU, compute what ref/cpu computes ---------------------
# Every block of every launch runs (barriers, shuffles, clusters included) and
# the output is compared as the grader compares it.
shapes_of() { # OP -> shapes that exercise it
    case $1 in
        array_sum) echo "1x100003" ;;
        softmax) echo "3x5000 2x40000" ;; # 2x40000: a cluster of blocks per row
        row_*) echo "7x1000 3x20000" ;;
        *) echo "33x65 64x130" ;;
    esac
}
for w in $weeks; do
    while IFS=$'\t' read -r v op; do
        for s in $(shapes_of "$op"); do
            for d in f32 bf16; do
                out=$(build/"$w"/trace --variant "$v" --dtype "$d" --shape "$s" --check 2>&1)
                has "$w $v $d $s on the CPU matches ref/cpu" "^PASS " "$out"
            done
        done
    done < <(build/"$w"/trace --list)
done

# ---- sectors per request of the transposes ------------------------------------------
# TSV columns: launch kernel blocks_in_grid blocks_traced line space kind remote
#              requests lanes sectors wavefronts ideal_wavefronts (totals over the traced blocks)
tsv() { build/week0/trace --variant "$1" --dtype "$2" --shape 8192x8192 --tsv; }
per_request() { # TSV SPACE KIND COLUMN: the column's total per request
    awk -F'\t' -v s="$2" -v k="$3" -v c="$4" \
        'NR > 1 && $6 == s && $7 == k { n += $9; v += $c } END { if (n) printf "%g", v / n }' <<<"$1"
}
# a warp of 32 lanes moving 4 (or 2) bytes each, in 32-byte sectors
for d in f32:4 f16:2; do
    dtype=${d%:*} bytes=${d#*:}
    coalesced=$((32 * bytes / 32))
    t=$(tsv transpose_naive "$dtype")
    same "transpose_naive $dtype: a load touches $coalesced sectors" "$coalesced" "$(per_request "$t" global load 11)"
    same "transpose_naive $dtype: its strided store touches 32 sectors, one a lane" 32 "$(per_request "$t" global store 11)"
    t=$(tsv transpose_tiled32 "$dtype")
    same "transpose_tiled32 $dtype: a load touches $coalesced sectors" "$coalesced" "$(per_request "$t" global load 11)"
    same "transpose_tiled32 $dtype: a store touches $coalesced sectors" "$coalesced" "$(per_request "$t" global store 11)"
done

# ---- bank conflicts against Nsight Compute's ---------------------------------------
# bench/results/h200/week0-profile.json holds, per variant at 8192x8192 f32,
# l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_{ld,st}.sum and the
# wavefronts, summed by ncu over every warp of every block of the launch. The
# trace runs one block: at 8192x8192 every tile is whole, so every block's
# warps make the same shared requests at the same shared offsets (only their
# global addresses differ), and the grid's count is the block's times the
# blocks in the grid, which must be the grid the profile names.
# A conflict is a wavefront beyond the fewest a request needs. ncu's counter
# also counts wavefronts the access pattern does not cause (the conflict-free
# stores of every tiled variant show some) and is printed to six digits, so
# the test asks: ncu's count is at least the trace's, and less than one
# wavefront per request above it. A pattern one way worse would add a whole
# wavefront to every request.
profile=bench/results/h200/week0-profile.json
for v in copy transpose_naive transpose_tiled16 transpose_tiled32 transpose_padded32 transpose_best; do
    t=$(tsv "$v" f32)
    grid=$(awk -F'\t' 'NR == 2 { print $3 }' <<<"$t")
    traced=$(awk -F'\t' 'NR == 2 { print $4 }' <<<"$t")
    ncu_grid=$(jq -r --arg v "$v" '.variants[] | select(.variant == $v and .dtype == "f32"
        and .rows == 8192 and .cols == 8192) | .grid' "$profile" | tr -dc '0-9,\n' |
        awk -F, '{ print $1 * $2 * $3 }')
    same "$v: the trace's grid is the one the profile measured" "$ncu_grid" "$grid"
    for k in ld:load st:store; do
        key=${k%:*} kind=${k#*:}
        read -r requests conflicts < <(awk -F'\t' -v k="$kind" -v g="$grid" -v t="$traced" '
            NR > 1 && $6 == "shared" && $7 == k && $8 == 0 { r += $9; c += $12 - $13 }
            END { printf "%.0f %.0f\n", r * g / t, c * g / t }' <<<"$t")
        ncu=$(jq -r --arg v "$v" --arg m "smem_bank_conflicts_$key" '.variants[] |
            select(.variant == $v and .dtype == "f32" and .rows == 8192 and .cols == 8192) |
            .metrics[$m]' "$profile")
        verdict=$(awk -v n="$ncu" -v c="$conflicts" -v r="$requests" 'BEGIN {
            if (r == 0) print (n == 0 ? "ok" : "no shared requests, yet ncu counts conflicts")
            else if (n < c) print "ncu counts fewer conflicts than the access pattern makes"
            else if (n - c >= r) print "more than a wavefront per request apart"
            else printf "ok"
        }')
        same "$v: shared-$kind bank conflicts, trace $conflicts in $requests requests, ncu $ncu" ok "$verdict"
    done
done

# ---- a kernel that writes past the end of its output ----------------------------------
# grader/mutants/week0_write_past_end.cu launches one block too many; its
# block 1024 writes the first element after y, where an inaccessible page is
mutant=week0_write_past_end
if make -s --no-print-directory "build/trace/mutants/$mutant/trace" >"$tmp/mutant.log" 2>&1; then
    out=$("build/trace/mutants/$mutant/trace" --variant copy_overrun --shape 1024x256 --block 1024 2>&1)
    has "a write past the end is named at its line, with the block and thread" \
        "^grader/mutants/$mutant.cu:[0-9]+: the kernel touched 0x[0-9a-f]+, outside every buffer .*block \(1024, 0, 0\), thread \(0, 0, 0\)" \
        "$out"
else
    fail "make builds a mutant's trace" "$(tail -n 25 "$tmp/mutant.log")"
fi

# ---- make trace: per lesson line, and malformed requests ------------------------------
lesson=lessons/week0-copy-transpose.nw
line=$(grep -nF '= tile[threadIdx.x][threadIdx.y + k];' "$lesson" | head -n 1 | cut -d: -f1)
out=$(make -s --no-print-directory trace WEEK=0 VARIANT=transpose_tiled32 2>&1)
has "make trace shows the column read at its lesson line, 32 wavefronts a request" \
    "$lesson:$line +shared load +[0-9]+ +32\.0 +32\.00 " "$out"
has "make trace scales the conflicts to the grid" "whole grid, .*: [0-9]+ shared-load" "$out"
expect_error() { # NAME PATTERN MAKE-ARGS...
    local name=$1 pattern=$2 out rc
    shift 2
    out=$(make -s --no-print-directory trace "$@" 2>&1)
    rc=$?
    if [ "$rc" -ne 0 ] && grep -qE -- "$pattern" <<<"$out"; then pass "$name"; else fail "$name" "rc=$rc: $out"; fi
}
expect_error "an unknown week names the weeks there are" \
    "^trace: no lesson for week9 .*the weeks are week0.*make trace WEEK=0 VARIANT=" WEEK=9 VARIANT=copy
expect_error "an unknown variant names the week's variants" \
    "^trace: week0 has no variant 'transpose_fast'; week0's variants are copy, transpose_naive, .*VARIANT=" \
    WEEK=0 VARIANT=transpose_fast
expect_error "a malformed shape shows how to write one" \
    "^trace: SHAPE='8192' is not ROWSxCOLS; e.g. SHAPE=8192x8192" WEEK=0 VARIANT=copy SHAPE=8192
expect_error "an unknown element type names the three" \
    "^trace: no element type 'f64'; use DTYPE=f32, f16 or bf16" WEEK=0 VARIANT=copy DTYPE=f64
expect_error "a shape the variant refuses says so" \
    "^trace: softmax_single_read, f32, 1x200000: the launcher says WB_UNSUPPORTED.*SHAPE=" \
    WEEK=2 VARIANT=softmax_single_read SHAPE=1x200000
expect_error "an op graded on single rows takes one row" \
    "^trace: array_sum takes one row of n values; e.g. SHAPE=1x7000" WEEK=1 VARIANT=array_sum_best SHAPE=7x1000
expect_error "no variant: the list to choose from" "^trace: no variant given; week1's variants are row_sum_naive" WEEK=1

# ---- figures: one or more for every variant of every week, shown by its lesson -----------
plan=book/trace/figures.txt
for w in $weeks; do
    l=$(ls lessons/"$w"-*.nw)
    while IFS=$'\t' read -r v _; do
        names=$(awk -v v="$v" '$1 !~ /^#/ && $2 == v { print $1 }' "$plan")
        if [ -z "$names" ]; then
            fail "$w $v has a figure in $plan"
            continue
        fi
        for n in $names; do
            svg=$(cat "book/out/img/$n.svg" 2>/dev/null)
            has "$w $v: book/out/img/$n.svg is drawn" '^<svg .*</svg>$' "$(tr -d '\n' <<<"$svg")"
            if grep -qF "](img/$n.svg)" "$l"; then
                pass "$w $v: $l shows $n"
            else
                fail "$w $v: $l shows $n" "no ![caption](img/$n.svg) in $l: add one near the variant"
            fi
        done
    done < <(build/"$w"/trace --list)
done
for l in lessons/week*-*.nw; do
    while read -r n; do
        has "$l: img/$n.svg is a figure of $plan" "^$n " "$(cat "$plan")"
    done < <(grep -oE '\]\(img/[^)]+\.svg\)' "$l" | sed -E 's/^\]\(img\/(.*)\.svg\)$/\1/')
done
printf 'week0-bad   no_such_variant f32 8x8 sectors\nweek0-odd copy f32 8x8 polka\n' >"$tmp/plan"
out=$(build/week0/trace --figures "$tmp/plan" "$tmp" 2>&1)
has "a plan line with an unknown variant is named with its line" "^$tmp/plan:1: want NAME VARIANT" "$out"
has "a plan line with an unknown figure kind names the kinds" "^$tmp/plan:2: no figure kind 'polka' \(sectors, banks" "$out"
printf 'week2-too-long softmax_single_read f32 1x200000 timeline\n' >"$tmp/plan2"
out=$(build/week2/trace --figures "$tmp/plan2" "$tmp" 2>&1)
has "a plan line whose shape the variant refuses fails, named" \
    "^$tmp/plan2:1: week2-too-long: the launcher says WB_UNSUPPORTED" "$out"
same "and leaves no figure behind" "" "$(ls "$tmp"/week2-too-long.svg 2>/dev/null)"

finish
