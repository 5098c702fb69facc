#!/usr/bin/env bash
# torch_peer.sh: bench/torch_softmax.py, the PyTorch peer of Week 2, where
# no GPU is needed: without PyTorch (or without a GPU) it says so, exits 0
# and writes nothing; its timer, driven by a stand-in torch module that logs
# each call, spins the GPU before the L2 flush and starts the events right
# after the flush, as the grader's timer does (book/appendix-grader.md, "What
# a timing means"); the flush is the grader's own wb_l2_flush, loaded from a
# shared library (a stand-in built here with gcc), and a missing library is
# an error that names the fix. TAP, through ci/tests/tap.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=ci/tests/tap.sh
. ci/tests/tap.sh
export PYTHONDONTWRITEBYTECODE=1 # leave no bench/__pycache__ behind
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
    def data_ptr(self): return 4096
    def numel(self): return 2 << 20
class _Event:
    def __init__(self, enable_timing=False): pass
    def record(self): log.append("record")
    def synchronize(self): pass
    def elapsed_time(self, other): return 1.0
def empty(*shape, dtype=None, device=None): return _Buffer()
cuda = types.SimpleNamespace(
    get_device_properties=lambda dev: types.SimpleNamespace(L2_cache_size=1 << 20, clock_rate=1000),
    Event=_Event, synchronize=lambda: None, _sleep=lambda cycles: log.append("spin"),
    current_stream=lambda: types.SimpleNamespace(cuda_stream=7))
PY
# a stand-in for build/bench/libwb_l2_flush.so: counts its calls, keeps the last arguments
cat >"$WORK/flush.c" <<'C'
#include <stddef.h>
int calls;
size_t last_bytes;
long last_stream;
int wb_l2_flush(void *buf, size_t bytes, void *stream)
{
    (void)buf;
    calls++;
    last_bytes = bytes;
    last_stream = (long)stream;
    return 0;
}
C
gcc -shared -fPIC -o "$WORK/libflush.so" "$WORK/flush.c"
timer_log() { # timer_log REPS: the logged calls of one median_ms, from the first timed repetition
    PYTHONPATH="$WORK/stub:bench" python3 -c '
import sys, torch, torch_softmax as ts
def flush(buf, nbytes, stream):
    torch.log.append("flush")
    return 0
t = ts.Timer(torch, "cuda", int(sys.argv[1]), flush)
torch.log.clear()
t.median_ms(lambda: torch.log.append("call"))
print(" ".join(torch.log[ts.WARMUP:]))' "$1" 2>&1
}
got=$(timer_log 2)
same "timer: each repetition spins, flushes, then times the call alone" \
    "spin flush record call record spin flush record call record" "$got"
lacks "timer: nothing between the flush and the start event" 'flush spin|flush call' "$got"
same "timer: one repetition, one flush" 1 "$(timer_log 1 | grep -o flush | wc -l)"

# the flush the timer calls is the library's, with the buffer's size and the current stream
got=$(PYTHONPATH="$WORK/stub:bench" python3 -c '
import ctypes, sys, torch, torch_softmax as ts
flush = ts.load_flush(sys.argv[1])
ts.Timer(torch, "cuda", 3, flush).median_ms(lambda: None)
lib = ctypes.CDLL(sys.argv[1])
print(ctypes.c_int.in_dll(lib, "calls").value, ctypes.c_size_t.in_dll(lib, "last_bytes").value,
      ctypes.c_long.in_dll(lib, "last_stream").value)' "$WORK/libflush.so" 2>&1)
same "flush library: called once a repetition, warm-up aside, over the buffer, on the stream" \
    "3 $((2 << 20)) 7" "$got"
out=$(PYTHONPATH="$WORK/stub:bench" python3 -c '
import torch_softmax as ts
ts.load_flush("'"$WORK"'/no-such-lib.so")' 2>&1); rc=$?
same "no flush library: exit 2" 2 "$rc"
has "no flush library: names it and the fix" 'no-such-lib.so.*make bench-tools' "$out"
finish
