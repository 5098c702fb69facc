#!/usr/bin/env bash
# perf_smoke.sh: host tests of GPU CI's performance smoke check
# (ci/perf-smoke.sh) on a committed fixture benchmark
# (ci/tests/fixtures/ci/results/h200/weekT.json) and reports derived from it
# with jq. No GPU needed. Covers: the best variant of each op, dtype and shape
# is the fastest passed one; within and over the margin; --margin; a wrong,
# missing or untimed best variant; a GPU with no committed file, a report
# without a GPU, a committed file of another GPU; the folder name of a GPU;
# bad input. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. ci/tests/tap.sh
FIX=ci/tests/fixtures/ci/results
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# report NAME JQ: a report made from the committed fixture by the jq filter JQ
report() { jq "$2" "$FIX/h200/weekT.json" >"$tmp/$1.json"; }
# slower VARIANT DTYPE FACTOR: a jq filter multiplying that test's time
slower() { printf '.results |= map(if .variant == "%s" and .dtype == "%s" then .ms *= %s else . end)' "$1" "$2" "$3"; }
smoke() { ci/perf-smoke.sh --results "$FIX" "$@" 2>&1; }

# ---- the same times: one comparison per op, dtype and shape, of its best variant
report same '.'
out=$(smoke "$tmp/same.json"); rc=$?
same "same times: exit 0" 0 "$rc"
same "same times: one ok per op, dtype and shape" 3 "$(grep -c '^ok ' <<<"$out")"
has "same times: copy's best is copy" '^ok   weekT copy copy f32 4096x4096: 0\.04 ms, committed 0\.04 ms \(\+0%\)$' "$out"
has "same times: transpose f32's best is transpose_best, not the faster failed variant" \
    '^ok   weekT transpose_best transpose f32 4096x4096:' "$out"
has "same times: transpose f16's best is transpose_best" '^ok   weekT transpose_best transpose f16 4096x4096:' "$out"
lacks "same times: slower variants are not compared" 'copy_slow|transpose_naive|transpose_broken' "$out"
has "same times: the source line names the file, its commit and the margin" \
    "^weekT on the NVIDIA H200 against $FIX/h200/weekT.json \(commit f1x7ure00002, 2026-11-30T12:00:00Z\), margin 20%$" "$out"
has "same times: the tally" '^3 passed, 0 failed, 0 skipped$' "$out"

# ---- slower within and over the margin
report within "$(slower transpose_best f32 1.1)"
out=$(smoke "$tmp/within.json"); rc=$?
same "10% slower: exit 0" 0 "$rc"
has "10% slower: ok, with the difference" '^ok   weekT transpose_best transpose f32 4096x4096: 0\.055 ms, committed 0\.05 ms \(\+10%\)$' "$out"

report over "$(slower transpose_best f32 1.3) | $(slower copy_slow f32 3)"
out=$(smoke "$tmp/over.json"); rc=$?
same "30% slower: exit 1" 1 "$rc"
has "30% slower: FAIL naming the variant, the times and the margin" \
    '^FAIL weekT transpose_best transpose f32 4096x4096: 0\.065 ms, committed 0\.05 ms \(\+30%, over the 20% margin\)$' "$out"
has "30% slower: the others pass; a slower non-best variant is not looked at" '^2 passed, 1 failed, 0 skipped$' "$out"
out=$(smoke --margin 40 "$tmp/over.json"); rc=$?
same "30% slower with --margin 40: exit 0" 0 "$rc"
has "--margin 40: said in the source line" 'margin 40%$' "$out"

report faster "$(slower copy f32 0.5)"
out=$(smoke "$tmp/faster.json"); rc=$?
same "faster: exit 0" 0 "$rc"
has "faster: a negative difference" '^ok   weekT copy copy f32 4096x4096: 0\.02 ms, committed 0\.04 ms \(-50%\)$' "$out"

# ---- the best variant wrong, missing or untimed
report wrong '.results |= map(if .variant == "transpose_best" and .dtype == "f16"
    then .passed = false | .category = "unwritten" | .message = "y[3][5]: never written" else . end)'
out=$(smoke "$tmp/wrong.json"); rc=$?
same "wrong best variant: exit 1" 1 "$rc"
has "wrong best variant: FAIL with the category and message" \
    '^FAIL weekT transpose_best transpose f16 4096x4096: wrong result \(unwritten\): y\[3\]\[5\]: never written$' "$out"

report missing '.results |= map(select(.variant != "copy"))'
out=$(smoke "$tmp/missing.json"); rc=$?
same "missing best variant: exit 0" 0 "$rc"
has "missing best variant: skipped with the reason" '^skip weekT copy copy f32 4096x4096: not in this report$' "$out"
has "missing best variant: the tally" '^2 passed, 0 failed, 1 skipped$' "$out"

report untimed '.results |= map(if .variant == "copy" then .ms = null else . end)'
out=$(smoke "$tmp/untimed.json")
has "untimed best variant: skipped with the reason" '^skip weekT copy copy f32 4096x4096: not timed$' "$out"

# ---- which committed file, if any
report l4 '.env.gpu = "NVIDIA L4"'
out=$(smoke "$tmp/l4.json"); rc=$?
same "no committed file for the GPU: exit 0" 0 "$rc"
has "no committed file for the GPU: skipped, naming the file it looked for" \
    "^skip weekT: no committed benchmark for the NVIDIA L4 \($FIX/l4/weekT.json\); make bench WEEK=T on one writes it$" "$out"
has "no committed file: the tally" '^0 passed, 0 failed, 1 skipped$' "$out"

report nogpu '.env.have_device = false | .env.gpu = "" | .env.no_device_reason = "no CUDA device"'
out=$(smoke "$tmp/nogpu.json"); rc=$?
same "a report without a GPU: exit 0" 0 "$rc"
has "a report without a GPU: skipped with the grader's reason" "^skip weekT: $tmp/nogpu.json ran without a GPU \(no CUDA device\)$" "$out"

mkdir -p "$tmp/results/geforce-rtx-4090"
jq '.env.gpu = "NVIDIA GeForce RTX 4090"' "$FIX/h200/weekT.json" >"$tmp/results/geforce-rtx-4090/weekT.json"
report rtx '.env.gpu = "NVIDIA GeForce RTX 4090"'
out=$(ci/perf-smoke.sh --results "$tmp/results" "$tmp/rtx.json" 2>&1); rc=$?
same "a GPU name with spaces: its folder is the grader's (geforce-rtx-4090)" 0 "$rc"
has "a GPU name with spaces: compared" '^3 passed, 0 failed, 0 skipped$' "$out"

mkdir -p "$tmp/results/h200"
jq '.env.gpu = "NVIDIA H200 NVL"' "$FIX/h200/weekT.json" >"$tmp/results/h200/weekT.json"
out=$(ci/perf-smoke.sh --results "$tmp/results" "$tmp/same.json" 2>&1); rc=$?
same "a committed file of another GPU in the folder: exit 0" 0 "$rc"
has "a committed file of another GPU: skipped, naming both" \
    "^skip weekT: $tmp/results/h200/weekT.json is of the NVIDIA H200 NVL, this run of the NVIDIA H200$" "$out"

# ---- several reports, and bad input
out=$(smoke "$tmp/same.json" "$tmp/l4.json" "$tmp/over.json"); rc=$?
same "several reports: exit 1 when one fails" 1 "$rc"
has "several reports: one tally for all" '^5 passed, 1 failed, 1 skipped$' "$out"

echo '{"schema": "something-else/1"}' >"$tmp/other.json"
out=$(smoke "$tmp/other.json"); rc=$?
same "not a results report: exit 2" 2 "$rc"
has "not a results report: names the file" "^perf-smoke: $tmp/other.json: not a workbook-results/1 report$" "$out"
out=$(smoke "$tmp/absent.json"); rc=$?
same "a missing report: exit 2" 2 "$rc"
has "a missing report: names the file" "^perf-smoke: $tmp/absent.json: no such file$" "$out"
out=$(smoke --margin lots "$tmp/same.json"); rc=$?
same "a bad margin: exit 2" 2 "$rc"
has "a bad margin: says what it wants" "^perf-smoke: --margin wants a percentage, got 'lots'$" "$out"
out=$(smoke); rc=$?
same "no report: exit 2 with the usage" 2 "$rc"
has "no report: the usage" '^usage: ci/perf-smoke.sh' "$out"

finish
