#!/usr/bin/env bash
# book/tests/test_book_variants.sh: the book pipeline on books other than
# the plain sample (test_sample_book.sh): a book with no results file, a
# chapter that uses a shared chunk file, lessons that must fail with
# FILE:LINE, and the student edition's book with its TODO boxes. TAP,
# through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=book/tests/scratch.sh
. book/tests/scratch.sh
FIX=book/tests/fixtures
# the sample's first exercise region: BEGIN END STUB-LINES STUDENT-LINE WHAT
read -r _ _ _ region_todo _ < <(ci/student-edition.sh regions book/tests/sample.nw)

check "build without any results file succeeds" \
    book/build.sh --results "$WORK/no-results" "$WORK/book-nores" book/tests/sample.nw
check "a chapter using a shared chunk file builds" \
    book/build.sh "$WORK/book-shared" book/tests/shared/week1-uses-common.nw book/tests/shared/common.nw
check "a use of a shared chunk links to the shared page" \
    grep -qF 'href="common.html#nw-check-a-cuda-call"' "$WORK/book-shared/week1.html"
check "links across pages resolve" book/tests/linkcheck.sh "$WORK/book-shared"

expect_failure() { # expect_failure NAME LESSON PATTERN
    local log
    if log=$(book/build.sh "$WORK/bad-$(basename "$2" .nw)" "$2" 2>&1); then
        fail "$1" "build.sh exited 0; output: $log"
    else
        has "$1" "$3" "$log"
    fi
}
expect_failure "an undefined chunk fails with FILE:LINE" book/tests/bad/undefined.nw \
    '^book/tests/bad/undefined\.nw:6: .*a chunk nobody wrote.*never defined'
expect_failure "an unused chunk fails with FILE:LINE" book/tests/bad/unused.nw \
    '^book/tests/bad/unused\.nw:9: .*forgotten helper.*never used'
expect_failure "an unescaped << in prose fails with FILE:LINE" book/tests/bad/prose.nw \
    '^book/tests/bad/prose\.nw:3: unescaped <<'
expect_failure "a citation the bibliography lacks fails with FILE:LINE" book/tests/bad/citation.nw \
    '^book/tests/bad/citation\.nw:4: citation @nobody2099 is not in book/references\.bib'

# the student edition's book: the same lesson stubbed; each TODO and its stub in the box
mkdir -p "$WORK/full/lessons" "$WORK/student/lessons"
cp book/tests/sample.nw "$WORK/full/lessons/week9-sample.nw"
ci/student-edition.sh stub "$WORK/full/lessons/week9-sample.nw" "$WORK/student/lessons/week9-sample.nw"
if BOOK_STUDENT_OF=$WORK/full STATIC_PROFILE_DIR=$FIX/static book/build.sh --results $FIX/h200 "$WORK/student-book" \
    "$WORK/student/lessons/week9-sample.nw" >"$WORK/student.log" 2>&1; then
    pass "the student edition's book builds"
else
    fail "the student edition's book builds" "$(cat "$WORK/student.log")"
fi
spage=$(cat "$WORK/student-book/week9.html" 2>/dev/null)
stext=$(sed -e 's/<[^>]*>//g' <<<"$spage")
lacks "no solution markup in the student's book" 'SOLUTION (BEGIN|END)|^[[:space:]]*//:' "$stext"
lacks "no solution in the student's book" 'blockIdx\.x \* blockDim\.x \+ threadIdx\.x' "$stext"
has "the student's box holds the TODO and its stub" \
    '^<p><strong>You write this:</strong> the row and column of this thread.s element</p>' \
    "$(grep -A1 '<div class="you-write">' "$WORK/student-book/week9.html")"
has "the TODO line is in the box, numbered as in the stubbed lesson" \
    "id=\"cb[0-9]+-$region_todo\"><a href=\"#cb[0-9]+-$region_todo\"></a>"'<span class="co">// </span><span class="al">TODO</span><span class="co">: the row and column' "$spage"
has "the student deletes the guard" '<strong>Guard:</strong> delete this guard once' "$spage"
has "the guard's stub is shown to the student" 'WB_NOT_IMPLEMENTED' "$stext"

finish
