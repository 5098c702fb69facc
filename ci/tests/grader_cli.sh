#!/usr/bin/env bash
# The grader's command line: bad input gets a clear message naming the fix
# and exit status 2; without a GPU it says "skipped: no CUDA device", still
# writes its reports, and exits 2. TAP, through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
grade=${1:-build/week0/grade}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. ci/tests/tap.sh

expect() { # NAME WANT-RC PATTERN COMMAND...: COMMAND exits WANT-RC, its output matching PATTERN
    local name=$1 want=$2 pattern=$3 out rc
    shift 3
    out=$("$@" 2>&1)
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
        pass "$name"
    else
        fail "$name" "$(printf 'rc=%s (wanted %s), wanted /%s/ in:\n%s' "$rc" "$want" "$pattern" "$out")"
    fi
}

expect help 0 "usage: .*grade" "$grade" --help
expect list 0 "transpose_best +transpose +f32 f16 bf16" "$grade" --list
expect list-names-inputs 0 "op transpose: x = p->in\[0\]; y = p->y" "$grade" --list
if [ -x build/week2/grade ]; then
    expect list-names-two-inputs 0 "op softmax_backward: dy = p->in\[0\], y = p->in\[1\]; dx = p->y" \
        build/week2/grade --list
fi
expect no-guards-documented 0 "--no-guards +outputs without the guard zones" "$grade" --help
expect no-guards-accepted 0 "transpose_best +transpose" "$grade" --no-guards --list
expect bad-flag 2 "unknown option '--frobnicate' \(see --help\)" "$grade" --frobnicate
expect unknown-variant 2 "unknown variant 'transpose_fast'; week0 has: copy transpose_naive" \
    "$grade" --variant transpose_fast
expect unknown-dtype 2 "unknown dtype 'f64'; use f32, f16 or bf16" "$grade" --dtype f64
expect bad-shape 2 "'12by4' is not a shape; write ROWSxCOLS" "$grade" --shape 12by4
expect missing-value 2 "--variant needs a value" "$grade" --variant
expect bad-seed 2 "GRADER_SEED='abc' is not a number" env GRADER_SEED=abc "$grade"
printf 'transpose 17x19\nnot-a-shape\n' >"$tmp/hidden"
expect bad-hidden 2 "$tmp/hidden:2: 'not-a-shape' is not a shape" \
    env GRADER_HIDDEN="$tmp/hidden" "$grade" --variant transpose_naive
expect no-hidden-file 2 "GRADER_HIDDEN names a file" env GRADER_HIDDEN="$tmp/none" "$grade"

if ! nvidia-smi -L >/dev/null 2>&1; then
    expect no-gpu 2 "^skipped: no CUDA device" "$grade" --variant copy --dtype f32 \
        --report-dir "$tmp/reports"
    out=$("$grade" --variant copy --dtype f32 --report-dir "$tmp/reports" 2>&1)
    same "a no-GPU grade prints one line" 1 "$(grep -c . <<<"$out")"
    for f in week0.json week0.tap week0.junit.xml results.json; do
        check "no-gpu run wrote $f" test -s "$tmp/reports/$f"
    done
    # every week's score file parses, and its points are shown
    for g in build/week*/grade; do
        w=$(basename "$(dirname "$g")")
        [ -f "grader/$w.score" ] || continue
        expect "score-$w" 2 "score 0.00 / [0-9]+\.[0-9]+" "$g" --score "grader/$w.score" \
            --shape 3x7 --report-dir "$tmp/reports-$w"
    done
    printf 'rule full_at 1.2\ncorrectness copy ten\n' >"$tmp/bad.score"
    expect bad-score 2 "$tmp/bad.score:2: " "$grade" --score "$tmp/bad.score"
    # the same seed is printed and reused
    expect seed-printed 2 "seed 4242" \
        env GRADER_SEED=4242 "$grade" --variant copy --dtype f32 --report-dir "$tmp/reports"
fi

finish
