#!/usr/bin/env bash
# cu2cpp.sh: tests of the trace tool's source rewriter (book/trace/cu2cpp.c),
# which turns a tangled .cu into C++ the CPU runs: the launch and
# __shared__ rewrites, lines kept, errors at FILE:LINE. No GPU needed. TAP,
# through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 2
# shellcheck source=ci/tests/tap.sh
. ci/tests/tap.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cu2cpp-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! make -s --no-print-directory build/trace/cu2cpp >"$tmp/make.log" 2>&1; then
    fail "make builds cu2cpp" "$(tail -n 25 "$tmp/make.log")"
    finish
    exit 1
fi

# ---- cu2cpp: the two rewrites, lines kept, errors at FILE:LINE ------------------------
cu2cpp=build/trace/cu2cpp
cat >"$tmp/in.cu" <<'EOF'
/* k<<<1, 1>>>(in_a_comment) stays */
template <typename T> __global__ void k(T *a, int n)
{
    __shared__ T tile[32][32 + 1];
    tile[0][0] = a[n];
}
void run(float *a, cudaStream_t s)
{
    k<float>
        <<<dim3(2, 3), 64, 0, s>>>(a,
                                   7);
}
EOF
if "$cu2cpp" "$tmp/in.cu" "$tmp/out.cpp"; then
    out=$(cat "$tmp/out.cpp")
    same "cu2cpp keeps the lines, after a #line naming its input" \
        "$(printf '#line 1 "%s"\n' "$tmp/in.cu"; wc -l <"$tmp/in.cu")" \
        "$(head -n 1 "$tmp/out.cpp"; tail -n +2 "$tmp/out.cpp" | wc -l)"
    has "cu2cpp turns a launch into a call per thread" \
        'wbt_launch_lambda\(wbt_cfg\(dim3\(2, 3\), 64, 0, s\), \[&\]\(\) \{ wbt_kernel_entry\(\); k<float>\(a,' "$out"
    has "cu2cpp turns __shared__ into the block's copy" \
        'static char wbt_key_tile; \[\[maybe_unused\]\] auto &tile = \*wbt_shared_var< T \[32\]\[32 \+ 1\]>\(&wbt_key_tile\);' "$out"
    has "cu2cpp leaves comments alone" '^/\* k<<<1, 1>>>\(in_a_comment\) stays \*/$' "$out"
else
    fail "cu2cpp rewrites a lesson"
fi
printf 'void f()\n{\n    extern __shared__ __align__(16) float dynamic[];\n}\n' >"$tmp/dyn.cu"
if "$cu2cpp" "$tmp/dyn.cu" "$tmp/dyn.cpp" 2>"$tmp/dyn.err"; then
    has "cu2cpp gives dynamic shared memory the launch's bytes" \
        '\[\[maybe_unused\]\] +float \*dynamic = \( *float \*\)wbt_dynamic_shared\(\);$' "$(cat "$tmp/dyn.cpp")"
else
    fail "cu2cpp rewrites extern __shared__" "$(cat "$tmp/dyn.err")"
fi
printf 'void f()\n{\n    extern __shared__ float dynamic;\n}\n' >"$tmp/bad1.cu"
out=$("$cu2cpp" "$tmp/bad1.cu" "$tmp/bad1.cpp" 2>&1)
has "cu2cpp names the line it cannot rewrite" "^$tmp/bad1.cu:3: cu2cpp: an extern __shared__ declaration must be TYPE NAME\[\];" "$out"
printf 'void f()\n{\n    k<<<1, 1>>>;\n}\n' >"$tmp/bad2.cu"
out=$("$cu2cpp" "$tmp/bad2.cu" "$tmp/bad2.cpp" 2>&1)
has "cu2cpp wants a launch's arguments" "^$tmp/bad2.cu:3: cu2cpp: a kernel launch needs its arguments" "$out"
finish
