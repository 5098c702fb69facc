#!/usr/bin/env bash
# book/tests/test_new_week.sh: adding a week touches no file of the pipeline.
# A fixture week the pipeline has never seen (book/tests/fixtures/week4: a
# lesson and its results file) is built into a temporary book: it becomes a
# chapter with its tables, plot and figures, is listed in the contents, the identifier
# index and the results appendix; and no file of the pipeline names a week
# outside its comments. TAP, through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=book/tests/scratch.sh
. book/tests/scratch.sh
FIX=book/tests/fixtures/week4

named=$(grep -nE 'week[0-9]' book/build.sh book/pdf.sh book/pages.sh book/filters/*.lua book/jq/*.jq |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(#|--)' || true)
same "no file of the pipeline names a week outside its comments" "" "$named"

if book/build.sh --results "$FIX/h200" "$WORK/book" "$FIX/week4-scale.nw" >"$WORK/build.log" 2>&1; then
    pass "the fixture week builds"
else
    fail "the fixture week builds" "$(cat "$WORK/build.log")"
fi
page=$(cat "$WORK/book/week4.html" 2>/dev/null)
has "the lesson is the page week4.html" '<h1 id="week4">Week 4: Scale</h1>' "$page"
has "its results table" '<td style="text-align: left;">scale_vec4</td>' "$page"
has "its progression" '1\.07×' "$page"
check "its plot" grep -q '<svg' "$WORK/book/img/week4-scale.svg"
has "its figures, from its results file (the week is the page's)" \
    'reaches 95\.9% of the copy ceiling \(4000 GB/s in this run, below the 4\.8 TB/s of the datasheet\), 1\.07 times' \
    "$(sed -e 's/<[^>]*>//g' "$WORK/book/week4.html" | tr '\n' ' ')"
check "its prose types no measurement" bash -c ". book/pages.sh && lessons=($FIX/week4-scale.nw) && book_check_prose '$WORK/check'"
has "the contents list it" 'href="week4.html">Week 4: Scale</a>' "$(cat "$WORK/book/index.html")"
has "the identifier index files its kernel" 'href="week4.html#ix-scale-naive"' \
    "$(sed -n '/id="index-kernel"/,/<h2/p' "$WORK/book/appendix-index.html")"
has "the results appendix shows its file" 'id="results-h200-week4"' "$(cat "$WORK/book/appendix-results.html")"
check "its links resolve" book/tests/linkcheck.sh "$WORK/book"
finish
