#!/usr/bin/env bash
# wait_gpu_idle.sh: host tests of ci/wait-gpu-idle.sh, the wait GPU CI makes
# before timing, against a stand-in nvidia-smi
# (ci/tests/fixtures/ci/bin/nvidia-smi) first on PATH. No GPU needed. Covers:
# idle at once, busy then idle, still busy at the time limit, the older
# drivers' "No running processes found", which GPUs are asked about
# (CUDA_VISIBLE_DEVICES, --gpu), nvidia-smi failing or absent, bad options.
# Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. ci/tests/tap.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fake_bin=$PWD/ci/tests/fixtures/ci/bin

# wait_idle [VAR=VALUE...] -- [OPTIONS]: the script's output (stdout and stderr)
# with the stand-in first on PATH; its calls are counted afresh each time
wait_idle() {
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    rm -f "$tmp/calls"
    : >"$tmp/calls"
    env -u CUDA_VISIBLE_DEVICES PATH="$fake_bin:$PATH" FAKE_SMI_DIR="$tmp" "${envs[@]}" \
        ci/wait-gpu-idle.sh --interval 0.1 "$@" 2>&1
}
calls() { wc -l <"$tmp/calls" | tr -d ' '; }

out=$(wait_idle --); rc=$?
same "idle: exit 0" 0 "$rc"
has "idle: says so" '^wait-gpu-idle: GPU \(all\) idle after 0 s$' "$out"
same "idle: asked once" 1 "$(calls)"
same "idle: asks for the compute processes, no header" \
    "--query-compute-apps=gpu_uuid,pid,process_name,used_memory --format=csv,noheader" "$(cat "$tmp/calls")"

out=$(wait_idle FAKE_SMI_BUSY=2 --); rc=$?
same "busy, then idle: exit 0" 0 "$rc"
same "busy, then idle: asked until idle" 3 "$(calls)"
has "busy, then idle: names what it waits for" '^  GPU-0f1x7ure, 4242, /usr/bin/python3, 1024 MiB$' "$out"
same "busy, then idle: says it once while nothing changes" 1 "$(grep -c '^wait-gpu-idle: waiting' <<<"$out")"

start=${EPOCHREALTIME//[.,]/}
out=$(wait_idle FAKE_SMI_BUSY=always -- --timeout 1); rc=$?
took=$(((${EPOCHREALTIME//[.,]/} - start) / 100000)) # tenths of a second
same "always busy: exit 1" 1 "$rc"
has "always busy: says so with the time limit" '^wait-gpu-idle: GPU \(all\) still busy after 1 s; its compute processes:$' "$out"
has "always busy: names the process" '^  GPU-0f1x7ure, 4242, /usr/bin/python3, 1024 MiB$' "$out"
if [ "$took" -ge 10 ] && [ "$took" -le 50 ]; then pass "always busy: gives up at the limit"; else fail "always busy: gave up after $took tenths of a second, not about 10"; fi

out=$(wait_idle FAKE_SMI_IDLE_TEXT="No running processes found" --); rc=$?
same "'No running processes found' is idle: exit 0" 0 "$rc"

wait_idle CUDA_VISIBLE_DEVICES=GPU-1234abcd -- >/dev/null
has "CUDA_VISIBLE_DEVICES names the GPUs asked about" '^--id=GPU-1234abcd ' "$(cat "$tmp/calls")"
wait_idle CUDA_VISIBLE_DEVICES=GPU-1234abcd -- --gpu 0,1 >/dev/null
has "--gpu overrides CUDA_VISIBLE_DEVICES" '^--id=0,1 ' "$(cat "$tmp/calls")"
out=$(wait_idle CUDA_VISIBLE_DEVICES=3 --)
has "the GPU asked about is named in the verdict" '^wait-gpu-idle: GPU 3 idle' "$out"

out=$(wait_idle FAKE_SMI_FAIL=1 --); rc=$?
same "nvidia-smi fails: exit 2" 2 "$rc"
has "nvidia-smi fails: its message passed on" "^wait-gpu-idle: nvidia-smi  failed: NVIDIA-SMI has failed because it couldn't communicate" "$out"

# a PATH with what the script needs and no nvidia-smi, even on a GPU machine
mkdir -p "$tmp/bin"
for tool in env bash sed grep sleep; do ln -s "$(command -v "$tool")" "$tmp/bin/$tool"; done
out=$(env -u CUDA_VISIBLE_DEVICES PATH="$tmp/bin" ci/wait-gpu-idle.sh 2>&1); rc=$?
same "no nvidia-smi: exit 2" 2 "$rc"
has "no nvidia-smi: says so" '^wait-gpu-idle: nvidia-smi not found on PATH' "$out"

out=$(wait_idle -- --timeout soon); rc=$?
same "a bad --timeout: exit 2" 2 "$rc"
has "a bad --timeout: says what it wants" "^wait-gpu-idle: --timeout wants whole seconds, got 'soon'$" "$out"
out=$(wait_idle -- --later); rc=$?
same "an unknown option: exit 2 with the usage" 2 "$rc"
has "an unknown option: the usage" '^usage: ci/wait-gpu-idle.sh' "$out"

finish
