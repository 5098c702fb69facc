#!/usr/bin/env bash
# schedule.sh: grade every submission of a roster's plan with one worker per
# GPU; each worker takes the next submission as soon as it is free.
#
#   ci/roster/schedule.sh [--jobs auto|N] OUT
#
# Reads OUT/plan.tsv (ci/roster/plan.sh) and runs, for each line,
#   $ROSTER_GRADE_ONE OUT STUDENT SOURCE     (default ci/roster/grade-one.sh)
# A worker owns one GPU: its commands run with CUDA_VISIBLE_DEVICES set to that
# GPU's nvidia-smi index and CUDA_DEVICE_ORDER=PCI_BUS_ID (so that CUDA counts
# GPUs as nvidia-smi does), ROSTER_GPU_UUID and ROSTER_GPU_NAME naming it and
# ROSTER_SLOT numbering the worker. A submission is graded by one worker from
# its first week to its last, so all its timings come from one GPU, and no two
# submissions share a GPU at a time.
#
# GPUs are those `nvidia-smi --query-gpu=index,uuid,name` lists; when
# CUDA_VISIBLE_DEVICES is already set, only those it names (by index or
# UUID). --jobs auto (the default) runs one worker per GPU, one when there is
# no GPU; --jobs N runs N workers, at most one per GPU when there are GPUs, any
# number without (the builds then run side by side).
#
# Output: one line per graded week, prefixed with the worker's GPU; each
# submission's lines also go to OUT/students/STUDENT/grade-one.log. A
# submission whose command fails is reported and the others go on; exit 1
# then, else 0.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/roster/lib.sh
. "$here/lib.sh"

jobs=auto
while [ $# -gt 0 ]; do
    case $1 in
    --jobs) jobs=${2:?--jobs needs auto or a number}; shift 2 ;;
    -*) roster_die "schedule.sh: unknown option $1" ;;
    *) break ;;
    esac
done
out=${1:?usage: ci/roster/schedule.sh [--jobs auto|N] OUT}
grade_one=${ROSTER_GRADE_ONE:-$here/grade-one.sh}
[ -s "$out/plan.tsv" ] || roster_die "$out/plan.tsv: no plan (ci/roster/plan.sh writes it)"
mapfile -t plan <"$out/plan.tsv"

# ---- the GPUs: "index<TAB>uuid<TAB>name" ------------------------------------
gpus=()
if command -v nvidia-smi >/dev/null 2>&1 &&
    listed=$(nvidia-smi --query-gpu=index,uuid,name --format=csv,noheader 2>/dev/null); then
    while IFS= read -r line; do
        [[ $line =~ ^[[:space:]]*([0-9]+),[[:space:]]*([^,]+),[[:space:]]*(.*)$ ]] || continue
        gpus+=("${BASH_REMATCH[1]}"$'\t'"${BASH_REMATCH[2]}"$'\t'"${BASH_REMATCH[3]}")
    done <<<"$listed"
fi
if [ ${#gpus[@]} -gt 0 ] && [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
    chosen=()
    for want in ${CUDA_VISIBLE_DEVICES//,/ }; do
        match=''
        for g in "${gpus[@]}"; do
            IFS=$'\t' read -r index uuid _ <<<"$g"
            if [ "$want" = "$index" ] || [ "$want" = "$uuid" ]; then
                match=$g
            fi
        done
        [ -n "$match" ] || roster_die "CUDA_VISIBLE_DEVICES names '$want', which nvidia-smi does not list"
        chosen+=("$match")
    done
    gpus=("${chosen[@]}")
fi

if [ "$jobs" = auto ]; then
    workers=$((${#gpus[@]} > 0 ? ${#gpus[@]} : 1))
elif [[ $jobs =~ ^[1-9][0-9]*$ ]]; then
    workers=$jobs
    if [ ${#gpus[@]} -gt 0 ] && [ "$workers" -gt ${#gpus[@]} ]; then
        roster_die "JOBS=$jobs but ${#gpus[@]} GPU(s): two submissions would share a GPU and disturb each other's timings; use JOBS=auto"
    fi
else
    roster_die "JOBS=$jobs: write auto or a number of workers"
fi
[ "$workers" -le ${#plan[@]} ] || workers=${#plan[@]}

# ---- the queue: a counter under a lock --------------------------------------
queue=$out/.queue
echo 0 >"$queue"
take_next() {
    (
        flock 9
        local i
        i=$(cat "$queue")
        echo $((i + 1)) >"$queue"
        echo "$i"
    ) 9>"$queue.lock"
}

# worker SLOT [INDEX UUID NAME]: grade submissions until the queue is empty
worker() {
    local slot=$1 index=${2:-} uuid=${3:-} name=${4:-} label i student source child=''
    label=$([ -n "$index" ] && echo "gpu $index" || echo "worker $slot")
    trap '[ -z "$child" ] || kill -TERM -- "-$child" 2>/dev/null; exit 143' TERM INT
    local failed=0
    while :; do
        i=$(take_next)
        [ "$i" -lt ${#plan[@]} ] || break
        IFS=$'\t' read -r student source <<<"${plan[$i]}"
        mkdir -p "$out/students/$student"
        # a process group of its own, so that stopping the roster stops it all
        if [ -n "$index" ]; then
            CUDA_VISIBLE_DEVICES=$index CUDA_DEVICE_ORDER=PCI_BUS_ID ROSTER_GPU_UUID=$uuid \
                ROSTER_GPU_NAME=$name ROSTER_SLOT=$slot \
                setsid "$grade_one" "$out" "$student" "$source" \
                >"$out/students/$student/grade-one.log" 2>&1 &
        else
            ROSTER_SLOT=$slot setsid "$grade_one" "$out" "$student" "$source" \
                >"$out/students/$student/grade-one.log" 2>&1 &
        fi
        child=$!
        if wait "$child"; then
            sed "s/^/[$label] /" "$out/students/$student/grade-one.log"
        else
            echo "[$label] $student: grading stopped with status $? (see $out/students/$student/grade-one.log):"
            tail -n 3 "$out/students/$student/grade-one.log" | sed "s/^/[$label]     /"
            failed=1
        fi
        child=''
    done
    return "$failed"
}

if [ ${#gpus[@]} -gt 0 ]; then
    echo "roster: ${#plan[@]} submission(s), $workers worker(s):"
    for ((k = 0; k < workers; k++)); do
        IFS=$'\t' read -r index uuid name <<<"${gpus[$k]}"
        echo "  gpu $index  $uuid  $name"
    done
else
    echo "roster: ${#plan[@]} submission(s), $workers worker(s), no GPU"
fi

pids=()
# shellcheck disable=SC2317 # called by the trap
stop() {
    trap - TERM INT
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait
    exit 130
}
trap stop TERM INT
for ((k = 0; k < workers; k++)); do
    if [ ${#gpus[@]} -gt 0 ]; then
        IFS=$'\t' read -r index uuid name <<<"${gpus[$k]}"
        worker "$k" "$index" "$uuid" "$name" &
    else
        worker "$k" &
    fi
    pids+=($!)
done
status=0
for p in "${pids[@]}"; do
    wait "$p" || status=1
done
exit "$status"
