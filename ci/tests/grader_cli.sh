#!/usr/bin/env bash
# The grader's command line: bad input gets a clear message naming the fix
# and exit status 2; without a GPU it says "skipped: no CUDA device", still
# writes its reports, and exits 2.
set -uo pipefail
cd "$(dirname "$0")/../.."
grade=${1:-build/week0/grade}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

check() { # NAME WANT-RC PATTERN COMMAND...
    local name=$1 want=$2 pattern=$3
    shift 3
    local out rc
    out=$("$@" 2>&1)
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: rc=$rc (wanted $want), wanted /$pattern/ in:"
        echo "$out" | head -n 20 | sed 's/^/  /'
    fi
}

check help 0 "usage: .*grade" "$grade" --help
check list 0 "transpose_best +transpose +f32 f16 bf16" "$grade" --list
check no-guards-documented 0 "--no-guards +outputs without the guard zones" "$grade" --help
check no-guards-accepted 0 "transpose_best +transpose" "$grade" --no-guards --list
check bad-flag 2 "unknown option '--frobnicate' \(see --help\)" "$grade" --frobnicate
check unknown-variant 2 "unknown variant 'transpose_fast'; week0 has: copy transpose_naive" \
    "$grade" --variant transpose_fast
check unknown-dtype 2 "unknown dtype 'f64'; use f32, f16 or bf16" "$grade" --dtype f64
check bad-shape 2 "'12by4' is not a shape; write ROWSxCOLS" "$grade" --shape 12by4
check missing-value 2 "--variant needs a value" "$grade" --variant
check bad-seed 2 "GRADER_SEED='abc' is not a number" env GRADER_SEED=abc "$grade"
printf 'transpose 17x19\nnot-a-shape\n' >"$tmp/hidden"
check bad-hidden 2 "$tmp/hidden:2: 'not-a-shape' is not a shape" \
    env GRADER_HIDDEN="$tmp/hidden" "$grade" --variant transpose_naive
check no-hidden-file 2 "GRADER_HIDDEN names a file" env GRADER_HIDDEN="$tmp/none" "$grade"

if ! nvidia-smi -L >/dev/null 2>&1; then
    check no-gpu 2 "^skipped: no CUDA device" "$grade" --variant copy --dtype f32 \
        --report-dir "$tmp/reports"
    for f in week0.json week0.tap week0.junit.xml results.json; do
        if [ -s "$tmp/reports/$f" ]; then passed=$((passed + 1)); else
            failed=$((failed + 1)); echo "FAIL no-gpu run wrote no $f"; fi
    done
    # every week's score file parses, and its points are shown
    for g in build/week*/grade; do
        w=$(basename "$(dirname "$g")")
        [ -f "grader/$w.score" ] || continue
        check "score-$w" 2 "^score 0.00 / [0-9]+\.[0-9]+ " "$g" --score "grader/$w.score" \
            --shape 3x7 --report-dir "$tmp/reports-$w"
    done
    printf 'rule full_at 1.2\ncorrectness copy ten\n' >"$tmp/bad.score"
    check bad-score 2 "$tmp/bad.score:2: " "$grade" --score "$tmp/bad.score"
    # the same seed is printed and reused
    check seed-printed 2 "seed 4242 \(GRADER_SEED=4242 reproduces this run\)" \
        env GRADER_SEED=4242 "$grade" --variant copy --dtype f32 --report-dir "$tmp/reports"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
