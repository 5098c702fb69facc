#!/usr/bin/env bash
# mutants.sh: the grader must reject every broken kernel in grader/mutants/,
# for the right reason, and pass every kernel in grader/valid/.
#
#   ci/mutants.sh [NAME]     NAME: one kernel of either bank, e.g. week0_hang
#
# Each grader/mutants/weekN_WHAT.cu (a broken or cheating kernel) and each
# grader/valid/weekN_WHAT.cu (an unusual but right one) replaces that week's
# lesson object with one variant. Its header says what the grader must answer:
#   // expect: CATEGORY[|CATEGORY]   a wb_category_key() (wrong, unwritten, ...),
#                                    or pass (the valid bank)
#   // shapes: RxC[,RxC]            optional: the shapes to grade it on
#   // dtypes: f32                   optional
#   // flags: --time                 optional extra grade options
# `forbidden` means the symbol check must refuse to build it. A mutant is
# caught when its grade run fails and the first failing test's category is
# one of those expected; a valid kernel passes when the grader exits 0 with
# no failing test. A valid kernel that fails is a FAIL, as a mutant that
# passes is. Without a GPU (WB_NO_GPU=1) only the kernels that the symbol
# check must refuse are run, the others are skipped. Prints one TAP line a
# kernel, then "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
MAKE=${MAKE:-make}
only=${1:-}
# shellcheck source=ci/tests/tap.sh
. ci/tests/tap.sh

header() { sed -n "/^\/\/ $2:/{s|^// $2: *||p;q}" "$1"; }

for src in grader/mutants/*.cu grader/valid/*.cu; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .cu)
    bank=$(basename "$(dirname "$src")")
    [ -n "$only" ] && [ "$name" != "$only" ] && continue
    expect=$(header "$src" expect)
    shapes=$(header "$src" shapes)
    dtypes=$(header "$src" dtypes)
    flags=$(header "$src" flags)
    dir=build/$bank/$name
    mkdir -p "$dir"
    if [ "${WB_NO_GPU:-0}" = 1 ] && [ "$expect" != forbidden ]; then
        skip "$name" "no CUDA device"
        continue
    fi
    if [ -z "$expect" ]; then
        fail "$name" "no '// expect:' line in $src"
        continue
    fi
    if ! $MAKE --no-print-directory "$dir/grade" >"$dir/build.log" 2>&1; then
        if grep -q "^symbols: refused" "$dir/build.log" || grep -q "forbidden" "$dir/build.log"; then
            got=forbidden
            why=$(grep -m 1 -E "refus|forbidden" "$dir/build.log")
        else
            fail "$name: builds" "see $dir/build.log: $(tail -n 5 "$dir/build.log")"
            continue
        fi
    else
        week=${name%%_*}
        # graded as a learner is: what the week requires (dtypes, shapes) included
        args=(--quiet --report-dir "$dir/report")
        [ -f "grader/$week.score" ] && args+=(--score "grader/$week.score")
        [ -n "$shapes" ] && args+=(--shape "$shapes")
        [ -n "$dtypes" ] && args+=(--dtype "$dtypes")
        # shellcheck disable=SC2206
        [ -n "$flags" ] && args+=($flags)
        "$dir/grade" "${args[@]}" >"$dir/grade.log" 2>&1
        rc=$?
        line=$(grep -m 1 '^not ok' "$dir/report/$week.tap" 2>/dev/null)
        got=$(sed -E 's/^not ok [0-9]+ - [^#]*# ([a-z_]+):.*/\1/' <<<"$line")
        why=${line#*# }
        if [ $rc -eq 0 ] && [ -z "$line" ]; then
            got=pass
            why=$(grep -c '^ok' "$dir/report/$week.tap" 2>/dev/null)" tests passed"
        elif [ $rc -eq 2 ] || [ -z "$line" ]; then
            got=${got:-none}
            [ $rc -eq 2 ] && got="grader-error"
            why=$(tail -n 3 "$dir/grade.log" | tr '\n' ' ')
        fi
    fi
    verb=caught
    [ "$got" = pass ] && verb=passes
    if grep -qE "^($expect)\$" <<<"$got"; then
        pass "$name: $verb as $got (${why:0:150})"
    else
        fail "$name: got $got, expected $expect" "${why:0:300}"
    fi
done
finish
