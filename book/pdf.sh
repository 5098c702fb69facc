#!/usr/bin/env bash
# book/pdf.sh: the book as one PDF, through pandoc and pdflatex.
#
#   book/pdf.sh OUT.pdf LESSON.nw... [--results DIR]
#
# The same pages as the HTML book (book/pages.sh weaves them) through the
# same filters, so both have the same content: each page becomes pandoc JSON
# with book/filters/pdf-page.lua (ids prefixed by the page's name, links
# between pages made internal, plots converted to PDF) and pdf-tables.lua
# (every table fits the page) last, then book/filters/pdf-book.lua joins the
# title page, the preface and the pages in contents order into one LaTeX
# document with its contents down to sections, which pdflatex typesets twice.
# Code is highlighted with book/cuda.xml. The LaTeX and the log of its last
# pass are kept beside the PDF (OUT.tex, OUT.log: the tests read them).
# Needs the packages in book/PACKAGES (pandoc, texlive-latex-recommended,
# texlive-fonts-recommended, lmodern, librsvg2-bin). Set PDF_KEEP=DIR to keep
# the LaTeX and the logs.
set -euo pipefail

# shellcheck source=book/pages.sh
. "$(dirname "${BASH_SOURCE[0]}")/pages.sh"

book_args "$@"
out=$book_out
for tool in pdflatex rsvg-convert; do
    command -v "$tool" >/dev/null || die "$tool not found (install the packages in book/PACKAGES)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bookpdf.XXXXXX")
if [ -n "${PDF_KEEP:-}" ]; then
    mkdir -p "$PDF_KEEP"
    trap 'cp -r "$WORK"/. "$PDF_KEEP"/; rm -rf "$WORK"' EXIT
else
    trap 'rm -rf "$WORK"' EXIT
fi

book_weave "$WORK/md"
book_env "$WORK/md" "$WORK/img"
# figures drawn outside the book build (`make figures` puts them in book/out/img)
cp -n "$BOOK_DIR"/out/img/*.svg "$WORK/img/" 2>/dev/null || true
book_static_profiles "$WORK/md"
mapfile -t filters < <(book_filter_args)
parts=""
while IFS=$'\t' read -r _ stem md _ source; do
    BOOK_PAGE=$stem BOOK_INDEX=$WORK/md/$stem.index BOOK_REGIONS=$WORK/md/$stem.regions pandoc --from markdown --to json --columns=1000 \
        "${filters[@]}" --lua-filter "$BOOK_DIR/filters/pdf-page.lua" --lua-filter "$BOOK_DIR/filters/pdf-tables.lua" \
        -o "$WORK/md/$stem.json" "$md" ||
        die "pandoc failed on ${source:-$md}"
    parts+=$WORK/md/$stem.json$'\n'
done <"$WORK/md/pages.tsv"

preface=$BOOK_DIR/preface.md
[ -f "$preface" ] || preface=/dev/null
cd "$WORK"
if ! BOOK_PARTS=$parts pandoc --from markdown --to latex --standalone --columns=1000 \
    --lua-filter "$BOOK_DIR/filters/pdf-book.lua" \
    --syntax-definition "$BOOK_DIR/cuda.xml" --highlight-style pygments \
    --top-level-division=chapter --toc --toc-depth=2 \
    -V documentclass=report -V classoption=oneside -V papersize=a4 \
    -V geometry:margin=2.2cm -V fontsize=10pt -V colorlinks=true -V linkcolor=blue \
    -o "$WORK/workbook.tex" "$preface" 2>"$WORK/pandoc.log"; then
    cat "$WORK/pandoc.log" >&2
    die "pandoc could not write LaTeX"
fi
grep -F 'warning' "$WORK/pandoc.log" >&2 || true
for pass in 1 2; do
    if ! pdflatex -interaction=nonstopmode -halt-on-error workbook.tex >"$WORK/latex-$pass.log" 2>&1; then
        grep -A5 '^!' "$WORK/latex-$pass.log" | head -n 30 >&2
        die "pdflatex failed (pass $pass); PDF_KEEP=DIR keeps workbook.tex and the log"
    fi
done
cd - >/dev/null
mkdir -p "$(dirname "$out")"
cp "$WORK/workbook.pdf" "$out"
cp "$WORK/latex-2.log" "${out%.pdf}.log"
cp "$WORK/workbook.tex" "${out%.pdf}.tex"
if command -v pdfinfo >/dev/null; then
    echo "book-pdf: wrote $out ($(pdfinfo "$out" | sed -n 's/^Pages: *//p') pages)"
else
    echo "book-pdf: wrote $out"
fi
