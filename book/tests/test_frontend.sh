#!/usr/bin/env bash
# book/tests/test_frontend.sh: the noweb front end (book/cuda-markup) keeps
# CUDA launches intact through tangle and weave, and #line directives point at
# the lesson's lines (no GPU needed). TAP, through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=book/tests/scratch.sh
. book/tests/scratch.sh

check "cuda-markup is executable" test -x book/cuda-markup

tangle=$WORK/sample.cu
if notangle -markup book/cuda-markup -L -R'sample.cu' book/tests/sample.nw >"$tangle" 2>"$WORK/tangle.err"; then
    pass "notangle -markup book/cuda-markup exits 0"
else
    fail "notangle -markup book/cuda-markup exits 0" "$(cat "$WORK/tangle.err")"
fi
check "tangle keeps the launch <<<grid, block>>>" \
    grep -qF 'transpose_naive<<<grid, block>>>((const float *)p->in[0], (float *)p->y, rows, cols);' "$tangle"
check "tangle writes #line directives into the lesson" \
    grep -qE '^#line [0-9]+ "book/tests/sample.nw"$' "$tangle"
# the #line before the launch line names the launch's own line of the .nw
launch_line=$(grep -n '^ *transpose_naive<<<grid.*;' book/tests/sample.nw | head -1 | cut -d: -f1)
check "#line directives point at the right lesson lines" awk -v want="$launch_line" '
    /^#line / { line = $2; next }
    /transpose_naive<<<grid/ { found = (line == want); exit }
    { line++ }
    END { exit found ? 0 : 1 }' "$tangle"
check "without the front end noweb breaks the launch (the pitfall is real)" \
    bash -c '! notangle -R"sample.cu" book/tests/sample.nw 2>/dev/null | grep -qF "<<<grid, block>>>"'

weave=$WORK/sample.tex
noweave -markup book/cuda-markup -n -index book/tests/sample.nw >"$weave" 2>"$WORK/weave.err"
check "noweave -markup book/cuda-markup keeps the launch" \
    grep -qF '<<<grid, block>>>((const float *)p->in[0], (float *)p->y, rows, cols);' "$weave"
check "cuda-markup rejoins a launch inside [[quoted code]]" bash -c \
    'book/cuda-markup book/tests/sample.nw | grep -qxF "@text transpose_naive<<<grid, block>>>(in, out, rows, cols)"'
check "cuda-markup fails when markup fails" bash -c '! book/cuda-markup /nonexistent/lesson.nw >/dev/null 2>&1'

finish
