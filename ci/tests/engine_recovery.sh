#!/usr/bin/env bash
# engine_recovery.sh: on a GPU, the worker engine's promise with real CUDA
# failures. grader/tests/gpu/week0_engine_recovery.cu is a lesson of ten
# copies whose third dies of an illegal address and whose sixth hangs; graded
# as one batch (one worker) and again with three workers, exactly those two
# tests fail, as cuda_error and timeout, and the other eight pass. Without a
# GPU it says "skipped: no CUDA device".
set -euo pipefail
cd "$(dirname "$0")/../.."
. ci/tests/tap.sh
grade=build/gpu-tests/week0_engine_recovery/grade
for jobs in 1 3; do
    dir=build/gpu-tests/week0_engine_recovery/report-$jobs
    rc=0
    out=$("$grade" --quiet --shape 64x64 --dtype f32 --jobs "$jobs" --report-dir "$dir" 2>&1) || rc=$?
    if grep -q '^skipped: no CUDA device' <<<"$out"; then
        echo "skipped: no CUDA device"
        skip "jobs $jobs: the batch" "no CUDA device"
        continue
    fi
    same "jobs $jobs: exit status 1 (some failed)" 1 "$rc"
    verdicts=$(jq -r '.results[] | "\(.variant) \(.category)"' "$dir/week0.json")
    want=$(printf '%s\n' "copy_1 none" "copy_2 none" "illegal_address_3 cuda_error" "copy_4 none" \
        "copy_5 none" "hang_6 timeout" "copy_7 none" "copy_8 none" "copy_9 none" "copy_10 none")
    same "jobs $jobs: tests 3 and 6 fail as cuda_error and timeout, the rest pass" "$want" "$verdicts"
    has "jobs $jobs: the illegal address is named" 'illegal memory access' \
        "$(jq -r '.results[2].message' "$dir/week0.json")"
done
finish
