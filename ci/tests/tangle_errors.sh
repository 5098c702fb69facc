#!/usr/bin/env bash
# tangle_errors.sh: malformed lessons must fail to tangle with FILE:LINE, and
# write nothing; shifts and launches tangle as written. TAP, through
# ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. ci/tests/tap.sh

expect() { # NAME WANTED-PATTERN COMMAND...: COMMAND fails with output matching the pattern
    local name=$1 pattern=$2 out rc
    shift 2
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] && grep -qE "$pattern" <<<"$out"; then
        pass "$name"
    else
        fail "$name" "$(printf 'rc=%s, wanted /%s/ in:\n%s' "$rc" "$pattern" "$out")"
    fi
}

printf 'Prose.\n<<w.cu>>=\nint a;\n<<not written yet>>\n@\n' >"$tmp/undefined.nw"
expect undefined-chunk "undefined.nw:4: chunk <<not written yet>> is used but never defined" \
    book/tangle.sh "$tmp/undefined.nw" "$tmp/out-undefined"
check "undefined chunk: no output written" test ! -e "$tmp/out-undefined"

printf '<<w.cu>>=\nint a;\n@\n<<orphan helper>>=\nint b;\n@\n' >"$tmp/unused.nw"
expect unused-chunk "unused.nw:4: chunk <<orphan helper>> is defined but never used" \
    book/tangle.sh "$tmp/unused.nw" "$tmp/out-unused"

expect missing-lesson "cannot read" book/tangle.sh "$tmp/nope.nw" "$tmp/out"

# a launch in a code chunk survives, and #line points at the lesson
printf 'Text.\n<<w.cu>>=\n__global__ void k() {}\nvoid f() { k<<<1, 32>>>(); }\n@\n' >"$tmp/launch.nw"
if book/tangle.sh "$tmp/launch.nw" "$tmp/out-launch" &&
    grep -qF 'k<<<1, 32>>>();' "$tmp/out-launch/w.cu" &&
    grep -qF "#line 3 \"$tmp/launch.nw\"" "$tmp/out-launch/w.cu"; then
    pass "a launch and its #line survive tangling"
else
    fail "a launch and its #line survive tangling" "$(cat "$tmp/out-launch/w.cu" 2>&1)"
fi

# shifts: book/cuda-markup reads << followed by a space, a digit or ( as the
# operator when no chunk has that name, even with a >> later on the line
printf 'Text.\n<<w.cu>>=\nint m = (1u << 3) + (x >> 2);\nint n = (1u<<3) >> 1, o = a<<(b)>>c;\n<<8 rows a thread>>\n@\n<<8 rows a thread>>=\nint p;\n@\n' >"$tmp/shift.nw"
if book/tangle.sh "$tmp/shift.nw" "$tmp/out-shift" 2>"$tmp/shift.err" &&
    grep -qxF 'int m = (1u << 3) + (x >> 2);' "$tmp/out-shift/w.cu" &&
    grep -qxF 'int n = (1u<<3) >> 1, o = a<<(b)>>c;' "$tmp/out-shift/w.cu"; then
    pass "a shift with a >> later on its line tangles as written"
else
    fail "a shift with a >> later on its line tangles as written" "$(cat "$tmp/shift.err" "$tmp/out-shift/w.cu" 2>&1)"
fi
check "a defined chunk whose name starts with a digit is still a use" grep -qxF 'int p;' "$tmp/out-shift/w.cu"
# a << that is neither: the error says how to write it
printf 'Text.\n<<w.cu>>=\nint v = a<<b>>c;\n@\n' >"$tmp/shift-word.nw"
expect shift-hint 'shift-word.nw:3: if this is code, not a chunk: .*write @<< for its <<' \
    book/tangle.sh "$tmp/shift-word.nw" "$tmp/out-shift-word"
out=$(book/tangle.sh "$tmp/undefined.nw" "$tmp/out-undefined" 2>&1)
lacks "a chunk name that reads as a sentence gets no code hint" 'if this is code' "$out"
printf 'Text.\n<<w.cu>>=\nint v = a @<< b >> c;\n@\n' >"$tmp/escaped.nw"
if book/tangle.sh "$tmp/escaped.nw" "$tmp/out-escaped" && grep -qxF 'int v = a << b >> c;' "$tmp/out-escaped/w.cu"; then
    pass "@<< escapes a <<"
else
    fail "@<< escapes a <<" "$(cat "$tmp/out-escaped/w.cu" 2>&1)"
fi

# a stale tangled file is caught by --check
mkdir -p "$tmp/out-stale"
cp "$tmp/out-launch/w.cu" "$tmp/out-stale/w.cu"
echo "// edited by hand" >>"$tmp/out-stale/w.cu"
expect stale-check "stale against" book/tangle.sh --check "$tmp/launch.nw" "$tmp/out-stale"

# noweb unpacked elsewhere: cuda-markup runs the markup of the notangle on PATH
mkdir -p "$tmp/noweb/bin" "$tmp/noweb/lib"
sed "s|^LIB=.*|LIB=$tmp/noweb/lib|" "$(command -v notangle)" >"$tmp/noweb/bin/notangle"
printf '#!/bin/sh\necho "@text markup from %s"\n' "$tmp/noweb/lib" >"$tmp/noweb/lib/markup"
chmod +x "$tmp/noweb/bin/notangle" "$tmp/noweb/lib/markup"
out=$(PATH=$tmp/noweb/bin:$PATH book/cuda-markup "$tmp/launch.nw" 2>&1)
same "cuda-markup runs the markup of the noweb on PATH" "@text markup from $tmp/noweb/lib" "$out"
finish
