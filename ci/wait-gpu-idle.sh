#!/usr/bin/env bash
# wait-gpu-idle.sh: wait until no compute process runs on the GPU this job is
# about to time, so that nobody else's kernels share the timing window. GPU CI
# runs it before `make grade` and the benches.
#
#   ci/wait-gpu-idle.sh [--timeout SECONDS] [--interval SECONDS] [--gpu ID[,ID]]
#
# Polls `nvidia-smi --query-compute-apps` for the GPUs named by --gpu, else by
# CUDA_VISIBLE_DEVICES when it is set (indices in nvidia-smi's order, or UUIDs),
# else for every GPU nvidia-smi sees. Defaults: 900 s, every 10 s.
# Exit status: 0 idle; 1 still busy at the time limit (the processes are
# listed); 2 nvidia-smi is missing or fails, or a bad option.
set -euo pipefail

timeout=900 interval=10 gpu=${CUDA_VISIBLE_DEVICES:-}
usage() { echo "usage: ci/wait-gpu-idle.sh [--timeout SECONDS] [--interval SECONDS] [--gpu ID[,ID]]" >&2; exit 2; }
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case $1 in
        --timeout) timeout=$2 ;;
        --interval) interval=$2 ;;
        --gpu) gpu=$2 ;;
        *) usage ;;
    esac
    shift 2
done
[[ $timeout =~ ^[0-9]+$ ]] || { echo "wait-gpu-idle: --timeout wants whole seconds, got '$timeout'" >&2; exit 2; }
[[ $interval =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "wait-gpu-idle: --interval wants seconds, got '$interval'" >&2; exit 2; }

command -v nvidia-smi >/dev/null 2>&1 || { echo "wait-gpu-idle: nvidia-smi not found on PATH (no NVIDIA driver here)" >&2; exit 2; }
select=()
[ -n "$gpu" ] && select=(--id="$gpu")

# the compute processes on the selected GPUs, one per line; nothing when idle
busy_list() {
    local out
    if ! out=$(nvidia-smi "${select[@]}" --query-compute-apps=gpu_uuid,pid,process_name,used_memory \
        --format=csv,noheader 2>&1); then
        echo "wait-gpu-idle: nvidia-smi ${select[*]} failed: $out" >&2
        return 2
    fi
    # older drivers print this line instead of nothing
    grep -v -e '^[[:space:]]*$' -e 'No running processes found' <<<"$out" || true
}

indent() { sed "s/^/  /"; }
# microseconds since the epoch (the locale may write EPOCHREALTIME with a comma)
now_us() { echo "${EPOCHREALTIME//[.,]/}"; }

start=$(now_us)
said=""
while :; do
    busy=$(busy_list) || exit 2
    waited=$((($(now_us) - start) / 1000000))
    if [ -z "$busy" ]; then
        echo "wait-gpu-idle: GPU ${gpu:-(all)} idle after $waited s"
        exit 0
    fi
    if [ "$waited" -ge "$timeout" ]; then
        echo "wait-gpu-idle: GPU ${gpu:-(all)} still busy after $timeout s; its compute processes:" >&2
        indent <<<"$busy" >&2
        exit 1
    fi
    if [ "$busy" != "$said" ]; then
        echo "wait-gpu-idle: waiting (at most $timeout s) for:"
        indent <<<"$busy"
        said=$busy
    fi
    sleep "$interval"
done
