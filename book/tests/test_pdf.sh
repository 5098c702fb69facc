#!/usr/bin/env bash
# book/tests/test_pdf.sh [OUTDIR]: book/pdf.sh writes the sample book
# (book/tests/sample.nw, fixture results) as a PDF with the same content as
# the HTML book: chunk names, code with chunk uses as names, tables, plots,
# appendices. Skipped without pdflatex, rsvg-convert or pdftotext. TAP,
# through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. ci/tests/tap.sh
OUT=${1:-book/out/test}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/booktest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

if ! command -v pdflatex >/dev/null || ! command -v rsvg-convert >/dev/null || ! command -v pdftotext >/dev/null; then
    skip "the sample book as a PDF" "pdflatex, rsvg-convert or pdftotext missing (book/PACKAGES)"
    finish
    exit
fi
if PDF_KEEP=$WORK/keep STATIC_PROFILE_DIR=book/tests/fixtures/static \
    book/pdf.sh "$OUT/sample.pdf" book/tests/sample.nw --results book/tests/fixtures/h200 >"$WORK/pdf.log" 2>&1; then
    pass "book/pdf.sh writes the sample book as a PDF"
else
    fail "book/pdf.sh writes the sample book as a PDF" "$(tail -n 20 "$WORK/pdf.log")"
fi
pdftotext "$OUT/sample.pdf" "$WORK/sample.txt" 2>/dev/null
text=$(cat "$WORK/sample.txt" 2>/dev/null)
has "the PDF holds the chunk names" '⟨launch the naive transpose⟩' "$text"
has "a chunk use in code is its name" "⟨compute this thread's row and column⟩" "$text"
lacks "no placeholder is left in the code" 'NWUSE7Q' "$text"
has "the PDF holds the results tables" '4006\.1' "$text"
has "the PDF holds the comparison with two peers" 'Speedup vs a peer = that peer' "$text"
has "the PDF holds the appendices" 'Index of identifiers' "$text"
has "the PDF holds the instructors' pages" 'Continuous integration for a course' "$text"
check "the plots became PDF figures" bash -c "ls '$WORK'/keep/img/*.pdf >/dev/null"
tex=$(cat "$WORK/keep/workbook.tex" 2>/dev/null)
has "ids carry their page's name" 'hypertarget\{sample-nw-naive-transpose-kernel\}' "$tex"
has "links between pages stay inside the document" 'hyperlink\{sample-ix-transpose-naive\}' "$tex"
has "the preface is the first chapter" 'chapter\{Preface\}' "$tex"
if command -v pdftoppm >/dev/null; then
    check "a page of the PDF renders to PNG" bash -c \
        "pdftoppm -r 40 -png -f 1 -l 1 '$OUT/sample.pdf' '$WORK/page' && ls '$WORK'/page-*1.png >/dev/null"
fi
finish
