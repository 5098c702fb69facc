#!/usr/bin/env bash
# torch_peer.sh: bench/torch_softmax.py, the PyTorch peer of Week 2, where
# no GPU is needed: without PyTorch (or without a GPU) it says so, exits 0
# and writes nothing; its timer, driven by a stand-in torch module that logs
# each call, spins the GPU before the L2 flush and starts the events right
# after the flush, as the grader's timer does (book/appendix-grader.md, "What
# a timing means"). TAP, through ci/tests/tap.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
. ci/tests/tap.sh
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

out=$(python3 bench/torch_softmax.py "$WORK/peer.json" 2>&1); rc=$?
same "no torch or no GPU: exit 0" 0 "$rc"
has "no torch or no GPU: says which" '^skipped: no (torch|CUDA device)' "$out"
same "no torch or no GPU: writes nothing" "" "$(ls "$WORK")"

# a stand-in torch: the calls the timer makes, logged in order
mkdir -p "$WORK/stub/torch"
cat >"$WORK/stub/torch/__init__.py" <<'PY'
import types
log = []
int32, uint8 = "int32", "uint8"
class _Buffer:
    def view(self, dtype): return self
    def zero_(self): log.append("flush")
class _Event:
    def __init__(self, enable_timing=False): pass
    def record(self): log.append("record")
    def synchronize(self): pass
    def elapsed_time(self, other): return 1.0
def empty(*shape, dtype=None, device=None): return _Buffer()
cuda = types.SimpleNamespace(
    get_device_properties=lambda dev: types.SimpleNamespace(L2_cache_size=1 << 20, clock_rate=1000),
    Event=_Event, synchronize=lambda: None, _sleep=lambda cycles: log.append("spin"))
PY
timer_log() { # timer_log REPS: the logged calls of one median_ms, from the first timed repetition
    PYTHONPATH="$WORK/stub:bench" python3 -c '
import sys, torch, torch_softmax as ts
t = ts.Timer(torch, "cuda", int(sys.argv[1]))
torch.log.clear()
t.median_ms(lambda: torch.log.append("call"))
print(" ".join(torch.log[ts.WARMUP:]))' "$1" 2>&1
}
got=$(timer_log 2)
same "timer: each repetition spins, flushes, then times the call alone" \
    "spin flush record call record spin flush record call record" "$got"
lacks "timer: nothing between the flush and the start event" 'flush spin|flush call' "$got"
same "timer: one repetition, one flush" 1 "$(timer_log 1 | grep -o flush | wc -l)"
finish
