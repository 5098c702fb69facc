#!/usr/bin/env bash
# sweep_cli.sh: the command line the bench sweeps share (bench/sweep_common.h),
# on both programs: --help, each bad argument named with the fix, and on a
# machine without a GPU the plain "skipped: no CUDA device" (on a GPU that
# check runs a one-shape sweep instead and only asks for its table). TAP,
# through ci/tests/tap.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
. ci/tests/tap.sh
for name in row_team_sweep softmax_sweep; do
    bin=build/bench/$name
    [ -x "$bin" ] || { fail "$name: built (make bench-tools)"; continue; }
    out=$("$bin" --help 2>&1); rc=$?
    same "$name --help: exit 0" 0 "$rc"
    has "$name --help: usage" "^usage: $name \[--reps N\]" "$out"
    out=$("$bin" --shape 12by4 2>&1); rc=$?
    same "$name bad shape: exit 2" 2 "$rc"
    has "$name bad shape: named" "^$name: --shape wants ROWSxCOLS, got 12by4$" "$out"
    out=$("$bin" --shape 1x3000000000 2>&1); rc=$?
    same "$name shape past INT_MAX: exit 2" 2 "$rc"
    out=$("$bin" --dtype f64 2>&1); rc=$?
    has "$name bad dtype: named, exit 2" "^$name: --dtype wants f32, f16 or bf16, got f64$" "$out"
    same "$name bad dtype: exit 2" 2 "$rc"
    out=$("$bin" --reps 0 2>&1); rc=$?
    has "$name --reps 0: refused" "^$name: --reps wants a positive count$" "$out"
    out=$("$bin" --frobnicate 2>&1); rc=$?
    same "$name unknown option: exit 2" 2 "$rc"
    has "$name unknown option: usage on stderr" "^usage: $name" "$out"
    out=$("$bin" --shape 8x64 --dtype f32 --reps 1 2>&1); rc=$?
    if grep -q '^skipped: no CUDA device' <<<"$out"; then
        same "$name without a GPU: skipped, exit 0" 0 "$rc"
    else
        same "$name on a GPU: one shape, exit 0" 0 "$rc"
        has "$name on a GPU: provenance" '^# gpu	' "$out"
    fi
done
finish
