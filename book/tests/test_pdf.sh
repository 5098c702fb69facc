#!/usr/bin/env bash
# book/tests/test_pdf.sh [OUTDIR]: book/pdf.sh writes the sample book
# (book/tests/sample.nw, fixture results) as a PDF with the same content as
# the HTML book: chunk names, code with chunk uses as names, tables, plots,
# exercises, references, appendices; a title page with the commit, date and
# GPU, contents down to sections, and no table wider than the page and no
# broken internal link (book/tests/pdfcheck.sh on the LaTeX and its log).
# Skipped without pdflatex, rsvg-convert or pdftotext. TAP, through
# ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=book/tests/scratch.sh
. book/tests/scratch.sh
OUT=${1:-book/out/test}
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
has "the PDF holds the results tables, pivoted" '4006' "$text"
has "the PDF holds the comparison with two peers" 'Speedup vs a peer = that peer' "$text"
has "the PDF holds the appendices" 'Index of identifiers' "$text"
has "the PDF holds the instructors' pages" 'Continuous integration for a course' "$text"
check "the plots became PDF figures" bash -c "ls '$WORK'/keep/img/*.pdf >/dev/null"
tex=$(cat "$WORK/keep/workbook.tex" 2>/dev/null)
has "ids carry their page's name" 'hypertarget\{sample-nw-naive-transpose-kernel\}' "$tex"
has "links between pages stay inside the document" 'hyperlink\{sample-ix-transpose-naive\}' "$tex"
has "the preface is the first chapter" 'chapter\{Preface\}' "$tex"
front=$(pdftotext -l 3 "$OUT/sample.pdf" - 2>/dev/null)
has "the title page names the commit and date the book was built from" \
    "Built from commit $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown), [0-9]{4}-[0-9]{2}-[0-9]{2}" "$front"
has "the title page names the GPU, driver and commit of each results file" \
    'NVIDIA H200 \(compute capability 9\.0\), driver 580\.159\.04, CUDA runtime' "$front"
has "the contents go down to sections" 'Why a naive transpose is slow( \.)+' "$front"
lacks "no title line (% Week ...) printed as text" '^% ?Week' "$text"
check "no table wider than the page, every internal link has one target (pdfcheck)" \
    book/tests/pdfcheck.sh "$OUT/sample.tex" "$OUT/sample.log"
has "a table too wide for a portrait page turns the page" 'begin\{landscape\}' "$tex"
has "a wide table gets wrapped columns" 'p\{\(\\columnwidth' "$tex"
sed 's/\\hyperlink{sample-ix-transpose-naive}/\\hyperlink{sample-ix-nowhere}/' "$OUT/sample.tex" >"$WORK/broken.tex"
refuse "pdfcheck finds a link without a target" book/tests/pdfcheck.sh "$WORK/broken.tex" "$OUT/sample.log"
printf 'Overfull \\hbox (12.0pt too wide) in alignment at lines 1--2\n' >"$WORK/overfull.log"
refuse "pdfcheck finds a table wider than the page" book/tests/pdfcheck.sh "$OUT/sample.tex" "$WORK/overfull.log"
lacks "no solution markup in the PDF" 'SOLUTION (BEGIN|END)|^[[:space:]]*//:' "$text"
has "an exercise is a framed, labelled code block" 'You write this: the row and column' "$text"
has "its frame" 'fvset\{frame=single' "$tex"
has "citations are resolved" 'Milakov and Gimelshein 2018' "$text"
has "options in prose stay as typed (no en dash)" 'with --clock-control none or make --no-print-directory' "$text"
has "the references appendix" 'Appendix D: References' "$text"
if command -v pdftoppm >/dev/null; then
    check "a page of the PDF renders to PNG" bash -c \
        "pdftoppm -r 40 -png -f 1 -l 1 '$OUT/sample.pdf' '$WORK/page' && ls '$WORK'/page-*1.png >/dev/null"
fi
finish
