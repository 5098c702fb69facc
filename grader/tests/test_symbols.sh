#!/usr/bin/env bash
# test_symbols.sh: grader/check_symbols.sh refuses shortcuts and passes clean
# objects (no GPU needed; nvcc cases run when nvcc is installed).
#
#   bash grader/tests/test_symbols.sh
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
check="$here/../check_symbols.sh"
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
NVCC=${NVCC:-$(command -v nvcc || echo "$CUDA_HOME/bin/nvcc")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=ci/tests/tap.sh
. "$here/../../ci/tests/tap.sh"

# expect NAME STATUS PATTERN OBJECT...: check_symbols exits STATUS and its
# output matches PATTERN (grep -E).
expect() {
    local name=$1 want=$2 pattern=$3
    shift 3
    local out rc
    out=$("$check" "$@" 2>&1)
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "$name: exit $rc, wanted $want; output:"
        printf '%s\n' "$out" | sed 's/^/    /'
    elif ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
        fail "$name: output does not match /$pattern/:"
        printf '%s\n' "$out" | sed 's/^/    /'
    else
        pass "$name"
    fi
}

cc_c() { # NAME: compile $work/NAME.c (read from stdin) to $work/NAME.o
    cat >"$work/$1.c"
    gcc -std=c11 -c "$work/$1.c" -o "$work/$1.o"
}

# ---- host objects (gcc, g++) ----
cc_c clean <<'C'
#include <stddef.h>
int cudaMemsetAsync(void *p, int value, size_t n, void *stream);
int cudaGetLastError(void);
int ref_count; /* the learner's own name: defining ref_* is fine, calling one is not */
int launch_clear(void *y, size_t n) { ref_count++; cudaMemsetAsync(y, 0, n, 0); return cudaGetLastError(); }
C
cc_c memcpy_shortcut <<'C'
#include <stddef.h>
int cudaMemcpy(void *dst, const void *src, size_t n, int kind);
int launch_copy(void *y, const void *x, size_t n) { return cudaMemcpy(y, x, n, 3); }
C
cc_c memcpy2d_shortcut <<'C'
#include <stddef.h>
int cudaMemcpy2DAsync(void *d, size_t dp, const void *s, size_t sp, size_t w, size_t h, int k, void *st);
int launch_copy(void *y, const void *x, size_t n) { return cudaMemcpy2DAsync(y, n, x, n, n, 1, 3, 0); }
C
cc_c calls_reference <<'C'
void ref_transpose(const double *x, double *y, long rows, long cols);
void launch_transpose(const double *x, double *y) { ref_transpose(x, y, 1, 1); }
C
cc_c calls_report <<'C'
int wb_report_json(void *f, const char *w, const void *e, const void *r, int n, const void *s);
int wb_score_compute(void);
int forge(void) { return wb_report_json(0, 0, 0, 0, 0, 0) + wb_score_compute(); }
C
cc_c dlsym_lookup <<'C'
void *dlsym(void *handle, const char *name);
void *find(void) { return dlsym((void *)0, "ref_transpose"); }
C
cc_c cublas_call <<'C'
int cublasSgeam(void);
int launch_transpose(void) { return cublasSgeam(); }
C
cat >"$work/cub_like.cpp" <<'CPP'
namespace cub { namespace detail { template <class T> T sum(T a) { return a + a; } } }
namespace thrust { int reduce(const int *first, const int *last); }
int launch_sum(const int *x) { return cub::detail::sum<int>(x[0]) + thrust::reduce(x, x + 1); }
CPP
g++ -c "$work/cub_like.cpp" -o "$work/cub_like.o"

expect "a clean object passes" 0 '^symbols: ok \(1 objects\)$' "$work/clean.o"
expect "cudaMemcpy is refused" 1 "memcpy_shortcut\.o: references cudaMemcpy: .*shortcut" \
    "$work/memcpy_shortcut.o"
expect "cudaMemcpy2DAsync is refused" 1 "memcpy2d_shortcut\.o: references cudaMemcpy2DAsync" \
    "$work/memcpy2d_shortcut.o"
expect "a reference call is refused" 1 "calls_reference\.o: references ref_transpose: .*reference" \
    "$work/calls_reference.o"
expect "the grader's report writer is refused" 1 "calls_report\.o: references wb_report_json" \
    "$work/calls_report.o"
expect "the grader's scoring is refused" 1 "calls_report\.o: references wb_score_compute" \
    "$work/calls_report.o"
expect "dlsym is refused" 1 "dlsym_lookup\.o: references dlsym" "$work/dlsym_lookup.o"
expect "cuBLAS is refused" 1 "cublas_call\.o: references cublasSgeam" "$work/cublas_call.o"
expect "CUB templates inside the object are refused" 1 \
    "cub_like\.o: contains int cub::detail::sum<int>\(int\): uses CUB" "$work/cub_like.o"
expect "Thrust is refused" 1 "cub_like\.o: references thrust::reduce" "$work/cub_like.o"
expect "one line per offence, and a summary" 1 \
    "refused: 2 forbidden reference\(s\)" "$work/clean.o" "$work/calls_report.o"
expect "a clean object among bad ones is not blamed" 1 "memcpy_shortcut" \
    "$work/clean.o" "$work/memcpy_shortcut.o"
out=$("$check" "$work/clean.o" "$work/memcpy_shortcut.o" 2>&1)
if printf '%s\n' "$out" | grep -q "clean\.o"; then
    fail "the clean object is named in an offence"
else
    pass "only offending objects are named"
fi

ar rcs "$work/lesson.a" "$work/clean.o" "$work/calls_reference.o"
expect "an archive member is named" 1 "lesson\.a\(calls_reference\.o\): references ref_transpose" \
    "$work/lesson.a"
expect "several clean objects pass" 0 '^symbols: ok \(2 objects\)$' "$work/clean.o" "$work/clean.o"

# ---- the launcher contract: streams, synchronisation, threads, interposition ----
cc_c contract_breaches <<'C'
#include <stddef.h>
int cudaStreamCreate(void **s);
int cudaDeviceSynchronize(void);
int cudaLaunchHostFunc(void *s, void (*f)(void *), void *data);
int pthread_create(void *t, const void *a, void *(*f)(void *), void *arg);
static void host_side(void *d) { (void)d; }
static void *thread_body(void *d) { return d; }
int launch_breach(void)
{
    void *s;
    cudaStreamCreate(&s);
    cudaLaunchHostFunc(s, host_side, 0);
    pthread_create(0, 0, thread_body, 0);
    return cudaDeviceSynchronize();
}
C
cc_c interposes <<'C'
#include <stddef.h>
/* a lesson's own cudaMemcpy would replace the runtime's for the whole grader */
int cudaMemcpy(void *dst, const void *src, size_t n, int kind) { (void)dst; (void)src; return (int)n + kind; }
C
cat >"$work/template_ok.cpp" <<'CPP'
// a lesson that instantiates a header template named like an API call
// defines it (weakly), with a mangled name: that is no interposition
template <typename T> int cudaOccupancyMaxActiveBlocksPerMultiprocessor(int *n, T f) { *n = sizeof f; return 0; }
static void kernel_stub() {}
int occupancy(int *n) { return cudaOccupancyMaxActiveBlocksPerMultiprocessor(n, kernel_stub); }
CPP
g++ -c "$work/template_ok.cpp" -o "$work/template_ok.o"
expect "creating a stream is refused" 1 "contract_breaches\.o: references cudaStreamCreate: creates a stream" \
    "$work/contract_breaches.o"
expect "synchronising the device is refused" 1 "references cudaDeviceSynchronize: synchronises" \
    "$work/contract_breaches.o"
expect "a host function in the stream is refused" 1 "references cudaLaunchHostFunc" \
    "$work/contract_breaches.o"
expect "starting a thread is refused" 1 "references pthread_create: starts a thread" \
    "$work/contract_breaches.o"
expect "defining a CUDA API function is refused" 1 "interposes\.o: contains cudaMemcpy: defines a CUDA API" \
    "$work/interposes.o"
expect "a header template named like an API call passes" 0 '^symbols: ok' "$work/template_ok.o"

# ---- the check itself failing is not the learner's fault: exit 2 ----
expect "a missing object stops the check" 2 "no such file" "$work/nonexistent.o"
printf 'everywhere ^x$ a typo in the scope\n' >"$work/bad-rules.txt"
expect "a bad rules file is reported with its line" 2 "bad-rules\.txt:1: scope must be" \
    -f "$work/bad-rules.txt" "$work/clean.o"
printf '# custom rules\nundefined ^cudaMemsetAsync$ not this week\n' >"$work/rules.txt"
expect "a rules file can be given" 1 "references cudaMemsetAsync: not this week" \
    -f "$work/rules.txt" "$work/clean.o"
expect "no objects is a usage error" 2 "usage"

# ---- device objects (nvcc), as the lesson build makes them ----
if [ -x "$NVCC" ]; then
    cat >"$work/lesson_memcpy.cu" <<'CU'
#include <cuda_runtime.h>
extern "C" int launch_copy(void *y, const void *x, size_t n, cudaStream_t s)
{
    return cudaMemcpyAsync(y, x, n, cudaMemcpyDeviceToDevice, s);
}
CU
    cat >"$work/lesson_kernel.cu" <<'CU'
#include <cuda_runtime.h>
__global__ void copy_kernel(float *y, const float *x, long n)
{
    long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
    if (i < n)
        y[i] = x[i];
}
extern "C" int launch_copy(float *y, const float *x, long n, cudaStream_t s)
{
    cudaMemsetAsync(y, 0, 0, s); /* weeks 1 and 2 clear accumulators like this */
    copy_kernel<<<(unsigned)((n + 255) / 256), 256, 0, s>>>(y, x, n);
    return cudaGetLastError();
}
CU
    cat >"$work/lesson_cub.cu" <<'CU'
#include <cub/cub.cuh>
extern "C" int launch_sum(const float *x, float *y, int n, void *tmp, size_t bytes, cudaStream_t s)
{
    return cub::DeviceReduce::Sum(tmp, bytes, x, y, n, s);
}
CU
    ok=1
    for f in lesson_memcpy lesson_kernel lesson_cub; do
        "$NVCC" -std=c++17 -arch=sm_90 -c "$work/$f.cu" -o "$work/$f.o" || ok=0
    done
    if [ $ok = 1 ]; then
        expect "nvcc: a kernel with cudaMemsetAsync passes" 0 '^symbols: ok' "$work/lesson_kernel.o"
        expect "nvcc: cudaMemcpyAsync in a launcher is refused" 1 \
            "lesson_memcpy\.o: references cudaMemcpyAsync" "$work/lesson_memcpy.o"
        expect "nvcc: CUB is refused" 1 "lesson_cub\.o: .*cub::.*uses CUB" "$work/lesson_cub.o"
    else
        fail "nvcc could not compile the test lessons"
    fi
else
    echo "# nvcc not found: device-object cases skipped"
fi

finish
