#!/usr/bin/env bash
# Malformed lessons must fail to tangle with FILE:LINE, and write nothing.
set -uo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

expect() { # NAME WANTED-PATTERN COMMAND...
    local name=$1 pattern=$2
    shift 2
    local out rc
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] && grep -qE "$pattern" <<<"$out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name (rc=$rc): wanted /$pattern/ in:"
        echo "$out" | sed 's/^/  /'
    fi
}

printf 'Prose.\n<<w.cu>>=\nint a;\n<<not written yet>>\n@\n' >"$tmp/undefined.nw"
expect undefined-chunk "undefined.nw:4: chunk <<not written yet>> is used but never defined" \
    book/tangle.sh "$tmp/undefined.nw" "$tmp/out-undefined"
[ ! -e "$tmp/out-undefined" ] && passed=$((passed + 1)) ||
    { failed=$((failed + 1)); echo "FAIL undefined chunk still wrote output"; }

printf '<<w.cu>>=\nint a;\n@\n<<orphan helper>>=\nint b;\n@\n' >"$tmp/unused.nw"
expect unused-chunk "unused.nw:4: chunk <<orphan helper>> is defined but never used" \
    book/tangle.sh "$tmp/unused.nw" "$tmp/out-unused"

expect missing-lesson "cannot read" book/tangle.sh "$tmp/nope.nw" "$tmp/out"

# a launch in a code chunk survives, and #line points at the lesson
printf 'Text.\n<<w.cu>>=\n__global__ void k() {}\nvoid f() { k<<<1, 32>>>(); }\n@\n' >"$tmp/launch.nw"
if book/tangle.sh "$tmp/launch.nw" "$tmp/out-launch" &&
    grep -qF 'k<<<1, 32>>>();' "$tmp/out-launch/w.cu" &&
    grep -qF "#line 3 \"$tmp/launch.nw\"" "$tmp/out-launch/w.cu"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL launch syntax or #line lost:"
    cat "$tmp/out-launch/w.cu" 2>&1 | sed 's/^/  /'
fi

# a stale tangled file is caught by --check
mkdir -p "$tmp/out-stale"
cp "$tmp/out-launch/w.cu" "$tmp/out-stale/w.cu"
echo "// edited by hand" >>"$tmp/out-stale/w.cu"
expect stale-check "stale against" book/tangle.sh --check "$tmp/launch.nw" "$tmp/out-stale"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
