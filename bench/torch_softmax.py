#!/usr/bin/env python3
"""torch_softmax.py: time PyTorch's softmax, eager and compiled, on Week 2's benchmark shapes.

    python3 bench/torch_softmax.py OUT.json [--compile-out FILE] [--modes eager,compile]
                                   [--reps N] [--seed S] [--shape RxC]... [--dtype D]...
                                   [--flush-lib build/bench/libwb_l2_flush.so]

The peers of `make bench WEEK=2`, which runs this script right after the
grader, beside its week2.json: on the same GPU in the same session,
they give the book's side-by-side tables of the lesson's variants and PyTorch.
Two files, one per peer, in the workbook-results/1 schema of ci/CONVENTIONS.md:

  OUT.json              eager PyTorch: torch.softmax(x, -1) (op "softmax") and
                        torch.ops.aten._softmax_backward_data(dy, y, -1, dtype)
                        (op "softmax_backward")
  OUT-compile.json      (or --compile-out) the same two functions through
                        torch.compile (TorchInductor, Triton kernels)

Each file's env says which mode ran: "torch_mode" ("eager" or "compile") and,
for the compiled peer, "compile" (backend, mode, fullgraph, dynamic, how each
shape was compiled and dynamo's recompile limits as set). Every shape, dtype
and op is compiled on its own: dynamo's caches are reset first, with
dynamic=False and fullgraph=True, so nothing is shared between shapes and no
recompile limit can send a shape back to eager. The backend counts the graphs
it compiles; a shape whose compilation raised, or that ran without a compiled
graph, is recorded as failed (category "compile_failed", the reason in
"message"), never timed as eager. Compilation and autotuning happen in the
warm-up calls, before any timing.

It runs only where PyTorch with CUDA exists; otherwise it prints "skipped: no
torch" (or "skipped: no CUDA device") and exits 0 without writing anything.

Timing follows the grader's rules (ARCHITECTURE.md, "What a timing means"):
CUDA events around the call only, warm-up first, the L2 flushed right before
every repetition by the grader's own flush (grader/l2_flush.cu, built as a
shared library by `make bench-tools` and loaded with ctypes: a flush of the
peer's own left the L2 in another state, and timed the same kernel a few per
cent faster), the GPU spin that hides the host's overhead before the flush,
never between it and the call, the median of the repetitions, and
bytes counted as the minimum traffic (forward: read x, write y; backward: read
dy and y, write dx). The copy ceiling is measured once per run, as a
device-to-device copy of a buffer far larger than the L2, bytes read plus
bytes written, and written into both files. PyTorch is not timed against the
ref/gpu baseline here, so "baseline" is "none" and baseline_ms / vs_baseline
are 0; the book compares the files' ms directly.
"""
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

SHAPES = [(8192, 1024), (8192, 4096), (8192, 8192), (4096, 32768), (1024, 131072), (65536, 1024)]
DTYPES = ["f32", "f16", "bf16"]
MODES = ["eager", "compile"]
WARMUP = 5
# how long the GPU spins before each timed call, so the host's dispatch
# overhead is over before the start event fires (see Timer.median_ms)
HOST_SLACK_US = 300
# the largest error allowed against float64 on the same rounded inputs,
# relative to the output's scale (1 forward; max |y| (|dy| + |d|) backward)
TOLERANCE = {"f32": 1e-5, "f16": 2e-3, "bf16": 1.6e-2}
# dynamo's recompile limits, raised: with a reset before every shape none is
# reached, and a shape that still needed one would fail (fullgraph), not fall back
RECOMPILE_LIMIT = 64
# the grader's L2 flush as a shared library (`make bench-tools`)
FLUSH_LIB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                         "build", "bench", "libwb_l2_flush.so")


def usage_error(message):
    sys.stderr.write("torch_softmax.py: %s\n" % message)
    sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
    sys.exit(2)


def parse_args(argv):
    if len(argv) < 2 or argv[1].startswith("-"):
        usage_error("the first argument is the eager peer's output file")
    opts = {"out": argv[1], "compile_out": None, "modes": list(MODES), "reps": 50,
            "seed": 2024, "shapes": [], "dtypes": [], "flush_lib": FLUSH_LIB}
    i = 2
    while i < len(argv):
        flag = argv[i]
        if i + 1 >= len(argv):
            usage_error("%s wants a value" % flag)
        value = argv[i + 1]
        i += 2
        if flag == "--compile-out":
            opts["compile_out"] = value
        elif flag == "--flush-lib":
            opts["flush_lib"] = value
        elif flag == "--modes":
            modes = value.split(",")
            if not modes or any(m not in MODES for m in modes):
                usage_error("--modes wants eager, compile or eager,compile, got %r" % value)
            opts["modes"] = modes
        elif flag in ("--reps", "--seed"):
            try:
                opts[flag[2:]] = int(value)
            except ValueError:
                usage_error("%s wants a whole number, got %r" % (flag, value))
            if flag == "--reps" and opts["reps"] < 1:
                usage_error("--reps wants a positive count")
        elif flag == "--shape":
            parts = value.split("x")
            if len(parts) != 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
                usage_error("--shape wants ROWSxCOLS, got %r" % value)
            opts["shapes"].append((int(parts[0]), int(parts[1])))
        elif flag == "--dtype":
            if value not in DTYPES:
                usage_error("--dtype wants f32, f16 or bf16, got %r" % value)
            opts["dtypes"].append(value)
        else:
            usage_error("unknown argument %r" % flag)
    if opts["compile_out"] is None:
        base = opts["out"][:-5] if opts["out"].endswith(".json") else opts["out"]
        opts["compile_out"] = base + "-compile.json"
    opts["shapes"] = opts["shapes"] or SHAPES
    opts["dtypes"] = opts["dtypes"] or DTYPES
    return opts


def command_output(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def set_recompile_limits(dynamo_config):
    """Raise every recompile limit this torch version has; return what was set."""
    done = {}
    for name in ("recompile_limit", "cache_size_limit", "accumulated_recompile_limit",
                 "accumulated_cache_size_limit"):
        if hasattr(dynamo_config, name):
            setattr(dynamo_config, name, max(getattr(dynamo_config, name), RECOMPILE_LIMIT))
            done[name] = getattr(dynamo_config, name)
    return done


def load_flush(path):
    """grader/l2_flush.h's wb_l2_flush from the shared library at path; exits
    with the fix where it is missing."""
    import ctypes
    try:
        lib = ctypes.CDLL(os.path.abspath(path))
    except OSError as e:
        sys.stderr.write("torch_softmax.py: cannot load the grader's L2 flush from %s (%s);"
                         " build it with `make bench-tools`\n" % (path, e))
        sys.exit(2)
    flush = lib.wb_l2_flush
    flush.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    flush.restype = ctypes.c_int
    return flush


class Timer:
    """CUDA events around one call, L2 flushed before each repetition, median."""

    def __init__(self, torch, dev, reps, l2_flush):
        self.torch, self.reps, self.l2_flush = torch, reps, l2_flush
        props = torch.cuda.get_device_properties(dev)
        self.l2_bytes = int(getattr(props, "L2_cache_size", 0)) or 64 << 20
        self.flush = torch.empty(2 * self.l2_bytes, dtype=torch.uint8, device=dev)
        self.start = torch.cuda.Event(enable_timing=True)
        self.stop = torch.cuda.Event(enable_timing=True)
        clock_khz = int(getattr(props, "clock_rate", 0)) or 1_500_000
        self.spin_cycles = int(HOST_SLACK_US * clock_khz / 1000) if hasattr(torch.cuda, "_sleep") else 0

    def flush_l2(self):
        """grader/l2_flush.h's flush, on the current stream"""
        stream = self.torch.cuda.current_stream().cuda_stream
        err = self.l2_flush(self.flush.data_ptr(), self.flush.numel(), stream)
        if err:
            raise RuntimeError("wb_l2_flush failed: CUDA error %d" % err)

    def median_ms(self, fn):
        for _ in range(WARMUP):
            fn()
        self.torch.cuda.synchronize()
        times = []
        for _ in range(self.reps):
            # a spin of about HOST_SLACK_US on the GPU, then the flush, keep
            # the stream busy while the host reaches the call, so the host's
            # own overhead (dispatch, dynamo's guards, about 70 us compiled)
            # stays outside the events: the events time the kernels alone.
            # The flush comes last, as in the grader: the call starts on an
            # L2 full of the flush's dirty lines. A spin between the flush
            # and the call gives the L2 time to write them back, and the call
            # ran about 1% faster for it (H200, the lesson's kernels at 1024
            # columns); a spin before the flush changes nothing.
            if self.spin_cycles:
                self.torch.cuda._sleep(self.spin_cycles)
            self.flush_l2()
            self.start.record()
            fn()
            self.stop.record()
            self.stop.synchronize()
            times.append(self.start.elapsed_time(self.stop))
        return statistics.median(times)


def inputs(torch, gen, dev, rows, cols, dt):
    """x (normal scores, a random scale per row), y = softmax(x), dy (normal)."""
    scale = 1.0 + 3.0 * torch.rand((rows, 1), generator=gen, device=dev)
    x = (torch.randn((rows, cols), generator=gen, device=dev) * scale).to(dt)
    y = torch.softmax(x, -1)
    dy = torch.randn((rows, cols), generator=gen, device=dev).to(dt)
    return x, y, dy


def forward(torch):
    def softmax(x):
        return torch.softmax(x, -1)
    return softmax


def backward(torch):
    def softmax_backward(dy, y):
        return torch.ops.aten._softmax_backward_data(dy, y, -1, y.dtype)
    return softmax_backward


def max_error(torch, op, args, got):
    """max |got - float64 reference| over the output's scale"""
    if op == "softmax":
        want = torch.softmax(args[0].double(), -1)
        scale = 1.0
    else:
        dy, y = args[0].double(), args[1].double()
        d = (dy * y).sum(-1, keepdim=True)
        want = y * (dy - d)
        scale = max((y.abs() * (dy.abs() + d.abs())).max().item(), 1e-30)
    err = (got.double() - want).abs().max().item()
    finite = bool(torch.isfinite(got).all().item())
    return (err / scale if finite else float("inf")), err


class Compiler:
    """torch.compile with TorchInductor, one compilation per shape, counted."""

    def __init__(self, torch):
        import torch._dynamo
        self.torch, self.dynamo = torch, torch._dynamo
        self.limits = set_recompile_limits(torch._dynamo.config)
        self.inductor = torch._dynamo.lookup_backend("inductor")
        self.graphs = 0

    def counted_inductor(self, gm, example_inputs):
        self.graphs += 1
        return self.inductor(gm, example_inputs)

    def compile(self, fn):
        self.dynamo.reset()  # nothing cached from another shape: no recompile, no limit
        self.graphs = 0
        return self.torch.compile(fn, backend=self.counted_inductor, fullgraph=True,
                                  dynamic=False)

    def describe(self):
        return {"backend": "inductor (TorchInductor, Triton kernels), through a counting wrapper",
                "mode": "default", "fullgraph": True, "dynamic": False,
                "per_shape": "torch._dynamo.reset() before each shape, dtype and op: one "
                             "compilation each, never a recompile",
                "recompile_limits": self.limits,
                "triton": triton_version()}


def triton_version():
    try:
        import triton
        return triton.__version__
    except ImportError:
        return "none"


def entry(variant, op, name, rows, cols, reps):
    return {"variant": variant, "op": op, "dtype": name, "rows": rows, "cols": cols,
            "passed": False, "category": "none", "message": "", "ms": 0.0, "gbps": 0.0,
            "pct_ceiling": 0.0, "baseline": "none", "baseline_ms": 0.0, "vs_baseline": 0.0,
            "reps": reps, "max_error": 0.0}


def measure(torch, timer, compiler, mode, op, fn, args, name, rows, cols, ceiling, reps):
    """One result entry: check once, then time (the compiled peer compiles first)."""
    label = {"softmax": "softmax", "softmax_backward": "_softmax_backward_data"}[op]
    variant = "torch.%s" % label if mode == "eager" else "torch.compile(%s)" % label
    r = entry(variant, op, name, rows, cols, reps)
    call = fn
    if mode == "compile":
        t0 = time.time()
        try:
            call = compiler.compile(fn)
            call(*args)
            torch.cuda.synchronize()
        except Exception as e:  # a failed compile is a result, never an eager run
            r["category"] = "compile_failed"
            r["message"] = ("%s: %s" % (type(e).__name__, e)).splitlines()[0][:300]
            return r
        if compiler.graphs < 1:
            r["category"] = "compile_failed"
            r["message"] = "no graph compiled: the call ran eager"
            return r
        r["compile_s"] = round(time.time() - t0, 2)
    got = call(*args)
    rel_err, err = max_error(torch, op, args, got)
    del got
    r["max_error"] = err
    r["passed"] = rel_err <= TOLERANCE[name]
    if not r["passed"]:
        r["category"] = "wrong"
        r["message"] = "max error %.3g of the output's scale, above %.3g" % (rel_err,
                                                                          TOLERANCE[name])
    ms = timer.median_ms(lambda: call(*args))
    if mode == "compile" and compiler.graphs != 1:
        r["passed"], r["category"] = False, "compile_failed"
        r["message"] = "%d graphs compiled for one shape: a recompile" % compiler.graphs
    bytes_moved = (2.0 if op == "softmax" else 3.0) * rows * cols * args[0].element_size()
    r["ms"] = ms
    r["gbps"] = bytes_moved / (ms * 1e-3) / 1e9
    r["pct_ceiling"] = 100.0 * r["gbps"] / ceiling
    return r


def main(argv):
    opts = parse_args(argv)
    try:
        import torch
    except ImportError:
        print("skipped: no torch")
        return 0
    if not torch.cuda.is_available():
        print("skipped: no CUDA device")
        return 0

    dev = torch.device("cuda")
    props = torch.cuda.get_device_properties(dev)
    timer = Timer(torch, dev, opts["reps"], load_flush(opts["flush_lib"]))
    compiler = Compiler(torch) if "compile" in opts["modes"] else None

    # the copy ceiling: 1 GiB each way, far beyond the L2
    src = torch.empty(1 << 30, dtype=torch.uint8, device=dev)
    dst = torch.empty_like(src)
    src.fill_(1)
    copy_ms = timer.median_ms(lambda: dst.copy_(src))
    ceiling = 2.0 * src.numel() / (copy_ms * 1e-3) / 1e9
    del src, dst
    print("copy ceiling %.1f GB/s" % ceiling)

    driver = command_output(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"])
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    commit = os.environ.get("WB_COMMIT") or command_output(
        ["git", "-C", repo, "rev-parse", "--short=12", "HEAD"]) or "unknown"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def write(results, final):
        """Each mode's file, rewritten after every shape so that a run stopped
        by a time limit keeps what it measured."""
        for mode in opts["modes"]:
            env = {
                "gpu": props.name,
                "cc": "%d.%d" % (props.major, props.minor),
                "sms": props.multi_processor_count,
                "l2_bytes": timer.l2_bytes,
                "flush": "grader/l2_flush.cu (evict_last then plain), twice the L2, right"
                         " before the call",
                "driver": driver.splitlines()[0] if driver else "unknown",
                "cuda_runtime": torch.version.cuda or "unknown",
                "commit": commit,
                "date": date,
                "seed": opts["seed"],
                "copy_ceiling_gbps": ceiling,
                "torch": torch.__version__,
                "torch_mode": mode,
                "host_slack_cycles": timer.spin_cycles,
                "complete": final,
            }
            if mode == "compile":
                env["compile"] = compiler.describe()
            path = opts["out"] if mode == "eager" else opts["compile_out"]
            with open(path + ".tmp", "w") as f:
                json.dump({"schema": "workbook-results/1", "week": "week2", "env": env,
                           "results": results[mode]}, f, indent=1)
                f.write("\n")
            os.replace(path + ".tmp", path)
            if final:
                failed = sum(1 for r in results[mode] if not r["passed"])
                print("wrote %s (%s, %d results, %d failed)" % (path, mode, len(results[mode]),
                                                               failed))

    torch_dtypes = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}
    gen = torch.Generator(device=dev)
    gen.manual_seed(opts["seed"])
    results = {m: [] for m in opts["modes"]}
    for rows, cols in opts["shapes"]:
        for name in opts["dtypes"]:
            x, y, dy = inputs(torch, gen, dev, rows, cols, torch_dtypes[name])
            for op, fn, args in (("softmax", forward(torch), (x,)),
                                 ("softmax_backward", backward(torch), (dy, y))):
                for mode in opts["modes"]:
                    r = measure(torch, timer, compiler, mode, op, fn, args, name, rows, cols,
                                ceiling, opts["reps"])
                    results[mode].append(r)
                    print("%-40s %-5s %6dx%-6d %s" % (
                        r["variant"], name, rows, cols,
                        "%9.4f ms %8.1f GB/s %5.1f%%%s" % (
                            r["ms"], r["gbps"], r["pct_ceiling"],
                            "" if r["passed"] else "  FAILED: " + r["message"])
                        if r["ms"] else "FAILED (%s): %s" % (r["category"], r["message"])))
                    torch.cuda.empty_cache()
            del x, y, dy
            torch.cuda.empty_cache()
        write(results, False)
    write(results, True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
