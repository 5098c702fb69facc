#!/usr/bin/env python3
"""torch_softmax.py: time PyTorch's softmax on Week 2's benchmark shapes.

    python3 bench/torch_softmax.py OUT.json [--reps N] [--seed S]

The peer of `make bench WEEK=2`: run on the same GPU in the same session, it
gives the book's side-by-side table of the lesson's variants and
`torch.softmax(x, -1)`. It runs only where PyTorch with CUDA exists; otherwise
it prints "skipped: no torch" (or "skipped: no CUDA device") and exits 0
without writing anything.

Timing follows the grader's rules (ARCHITECTURE.md, "What a timing means"):
CUDA events around the call only, warm-up first, the L2 flushed (a write of
twice its size) before every repetition, the median of the repetitions, and
bytes counted as the minimum traffic (read x once, write y once). The copy
ceiling is measured in the same run, as a device-to-device copy of a buffer
far larger than the L2, bytes read plus bytes written.

Output: the workbook-results/1 schema of ci/CONVENTIONS.md, variant
"torch.softmax", op "softmax". PyTorch is not timed against the ref/gpu
baseline here, so "baseline" is "none" and baseline_ms / vs_baseline are 0;
the book compares the two files' ms directly.
"""
import datetime
import json
import os
import statistics
import subprocess
import sys

SHAPES = [(8192, 1024), (8192, 4096), (8192, 8192), (4096, 32768), (1024, 131072), (65536, 1024)]
DTYPES = ["f32", "f16", "bf16"]
WARMUP = 5


def parse_args(argv):
    if len(argv) < 2 or argv[1].startswith("-"):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        sys.exit(2)
    out, reps, seed = argv[1], 50, 2024
    i = 2
    while i < len(argv):
        if argv[i] == "--reps" and i + 1 < len(argv):
            reps = int(argv[i + 1])
            i += 2
        elif argv[i] == "--seed" and i + 1 < len(argv):
            seed = int(argv[i + 1])
            i += 2
        else:
            sys.stderr.write("torch_softmax.py: unknown argument %r\n" % argv[i])
            sys.exit(2)
    return out, reps, seed


def command_output(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def main(argv):
    out_path, reps, seed = parse_args(argv)
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
    l2_bytes = int(getattr(props, "L2_cache_size", 0)) or 64 << 20
    flush = torch.empty(2 * l2_bytes, dtype=torch.uint8, device=dev)
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)

    def time_ms(fn):
        for _ in range(WARMUP):
            fn()
        torch.cuda.synchronize()
        times = []
        for _ in range(reps):
            flush.zero_()
            start.record()
            fn()
            stop.record()
            stop.synchronize()
            times.append(start.elapsed_time(stop))
        return statistics.median(times)

    # the copy ceiling: 1 GiB each way, far beyond the L2
    src = torch.empty(1 << 30, dtype=torch.uint8, device=dev)
    dst = torch.empty_like(src)
    src.fill_(1)
    copy_ms = time_ms(lambda: dst.copy_(src))
    ceiling = 2.0 * src.numel() / (copy_ms * 1e-3) / 1e9
    del src, dst

    torch_dtypes = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}
    gen = torch.Generator(device=dev)
    gen.manual_seed(seed)
    results = []
    for rows, cols in SHAPES:
        for name in DTYPES:
            dt = torch_dtypes[name]
            scale = 1.0 + 3.0 * torch.rand((rows, 1), generator=gen, device=dev)
            x = (torch.randn((rows, cols), generator=gen, device=dev) * scale).to(dt)
            y = torch.softmax(x, -1)
            # checked against float64 on the same (rounded) input
            want = torch.softmax(x.double(), -1)
            max_error = (y.double() - want).abs().max().item()
            tol = {"f32": 1e-5, "f16": 2e-3, "bf16": 1.6e-2}[name]
            passed = bool(max_error <= tol and torch.isfinite(y).all().item())
            del want, y
            ms = time_ms(lambda: torch.softmax(x, -1))
            nbytes = 2.0 * rows * cols * x.element_size()
            gbps = nbytes / (ms * 1e-3) / 1e9
            results.append({
                "variant": "torch.softmax", "op": "softmax", "dtype": name,
                "rows": rows, "cols": cols, "passed": passed,
                "category": "none" if passed else "wrong",
                "message": "" if passed else "max error %.3g above %.3g" % (max_error, tol),
                "ms": ms, "gbps": gbps, "pct_ceiling": 100.0 * gbps / ceiling,
                "baseline": "none", "baseline_ms": 0.0, "vs_baseline": 0.0,
                "reps": reps, "max_error": max_error,
            })
            print("torch.softmax %-5s %6dx%-6d %9.4f ms %8.1f GB/s %5.1f%%" %
                  (name, rows, cols, ms, gbps, 100.0 * gbps / ceiling))
            del x
            torch.cuda.empty_cache()

    driver = command_output(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"])
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    commit = os.environ.get("WB_COMMIT") or command_output(
        ["git", "-C", repo, "rev-parse", "--short=12", "HEAD"]) or "unknown"
    doc = {
        "schema": "workbook-results/1",
        "week": "week2",
        "env": {
            "gpu": props.name,
            "cc": "%d.%d" % (props.major, props.minor),
            "sms": props.multi_processor_count,
            "l2_bytes": l2_bytes,
            "driver": driver.splitlines()[0] if driver else "unknown",
            "cuda_runtime": torch.version.cuda or "unknown",
            "commit": commit,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "seed": seed,
            "copy_ceiling_gbps": ceiling,
            "torch": torch.__version__,
        },
        "results": results,
    }
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %s (copy ceiling %.1f GB/s)" % (out_path, ceiling))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
