#!/usr/bin/env bash
# book/pdf.sh: the book as one PDF, through pandoc and pdflatex.
#
#   book/pdf.sh OUT.pdf LESSON.nw... [--results DIR]
#
# Runs book/build.sh into a scratch directory with BOOK_MARKDOWN_DIR set, so
# the PDF has exactly the HTML book's content (chapters, results tables and
# plots, appendices), then joins the pages' Markdown into one document:
# preface, chapters, shared chunk files, appendices. Links between pages
# become links inside the PDF (each page's anchors are prefixed with its name,
# since two chapters may both have a chunk called <<launchers>>); chunk uses
# inside code are shown as ⟨name⟩; plots (SVG) are converted by pandoc with
# rsvg-convert. Code is highlighted with book/cuda.xml. Needs the packages in
# book/PACKAGES (pandoc, texlive-latex-recommended, texlive-fonts-recommended,
# lmodern, librsvg2-bin). Set PDF_KEEP=DIR to keep the LaTeX and the log.
set -euo pipefail

BOOK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BOOK_TITLE=${BOOK_TITLE:-"CUDA C kernel workbook"}
die() { echo "pdf.sh: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: book/pdf.sh OUT.pdf LESSON.nw... [--results DIR]"
out=$1
shift
for tool in pandoc pdflatex rsvg-convert; do
    command -v "$tool" >/dev/null || die "$tool not found (install the packages in book/PACKAGES)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bookpdf.XXXXXX")
if [ -n "${PDF_KEEP:-}" ]; then
    mkdir -p "$PDF_KEEP"
    trap 'cp -r "$WORK"/. "$PDF_KEEP"/; rm -rf "$WORK"' EXIT
else
    trap 'rm -rf "$WORK"' EXIT
fi

BOOK_MARKDOWN_DIR=$WORK/md "$BOOK_DIR/build.sh" "$WORK/html" "$@" >"$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log" >&2; die "book/build.sh failed"; }
cp -n "$BOOK_DIR"/out/img/*.svg "$WORK/html/img/" 2>/dev/null || true # `make figures` drew the trace figures there

# one page's Markdown, ready to sit in the single document
page_md() { # page_md NAME
    local s=$1
    printf '\n[]{#%s}\n\n' "$s"
    # chunk uses in code: the name as text (the link is in the "Uses" list below the chunk)
    awk -v map="$WORK/md/$s.usemap" '
        BEGIN {
            while ((getline l < map) > 0) {
                t = index(l, "\t"); v = substr(l, t + 1)
                gsub(/<[^>]*>/, "", v)
                name[substr(l, 1, t - 1)] = v
            }
        }
        {
            out = ""; rest = $0
            while (match(rest, /NWUSE7Q[0-9]+Z/)) {
                key = substr(rest, RSTART, RLENGTH)
                out = out substr(rest, 1, RSTART - 1) ((key in name) ? name[key] : key)
                rest = substr(rest, RSTART + RLENGTH)
            }
            print out rest
        }' "$WORK/md/$s.md" |
        sed -E -e "s/\\{#([A-Za-z0-9_.:-]+)/{#$s-\\1/g" \
            -e "s/\\]\\(#([^)]+)\\)/](#$s-\\1)/g" \
            -e 's/\]\(([A-Za-z0-9_-]+)\.html#([^)]+)\)/](#\1-\2)/g' \
            -e 's/\]\(([A-Za-z0-9_-]+)\.html\)/](#\1)/g' \
            -e 's/\]\(img\//](html\/img\//g'
}

doc=$WORK/workbook.md
{
    printf -- '---\ntitle: "%s"\n---\n\n' "$BOOK_TITLE"
    if [ -f "$BOOK_DIR/preface.md" ]; then
        printf '# Preface {#preface-chapter}\n\n'
        # the preface's own level-2 title is the chapter heading above
        sed -e '/^## Preface/d' -e 's/^### /## /' "$BOOK_DIR/preface.md"
    fi
    for kind in chapter shared appendix; do
        while IFS=$'\t' read -r k s; do
            [ "$k" = "$kind" ] || continue
            page_md "$s"
        done <"$WORK/md/pages"
    done
} >"$doc"

# pdflatex knows Latin-1 and common punctuation; map the other characters
# the book uses, and make any left over visible instead of fatal
header=$WORK/header.tex
cp "$BOOK_DIR/pdf-header.tex" "$header"
LC_ALL=C.UTF-8 grep -oP '[^\x00-\x7F]' "$doc" | LC_ALL=C.UTF-8 sort -u >"$WORK/chars" || true
while IFS= read -r ch; do
    cp=$(printf '%s' "$ch" | iconv -f UTF-8 -t UTF-32BE | od -An -tx1 | tr -d ' \n' | sed 's/^0*//')
    cp=$(printf '%04X' "0x${cp:-0}")
    grep -q "DeclareUnicodeCharacter{$cp}" "$header" && continue
    case $cp in
        00[A-F][0-9A-F] | 201[34589CD] | 2026 | 2022) ;; # Latin-1 and punctuation: utf8.def has them
        *) printf '\\DeclareUnicodeCharacter{%s}{\\textbf{?}}%% %s\n' "$cp" "$ch" >>"$header"
           echo "pdf.sh: warning: no LaTeX for U+$cp ($ch); add it to book/pdf-header.tex" >&2 ;;
    esac
done <"$WORK/chars"

cd "$WORK"
if ! pandoc --from markdown --to latex --standalone \
    --pdf-engine=pdflatex --columns=1000 \
    --syntax-definition "$BOOK_DIR/cuda.xml" --highlight-style pygments \
    --top-level-division=chapter --toc --toc-depth=1 \
    -V documentclass=report -V classoption=oneside -V papersize=a4 \
    -V geometry:margin=2.2cm -V fontsize=10pt -V colorlinks=true -V linkcolor=blue \
    --include-in-header "$header" --resource-path "$WORK:$WORK/html" \
    -o "$WORK/workbook.tex" "$doc" 2>"$WORK/pandoc.log"; then
    cat "$WORK/pandoc.log" >&2
    die "pandoc could not write LaTeX"
fi
# pandoc writes the figures' PDFs next to the .tex when it runs the engine; do
# the same here: SVG -> PDF with rsvg-convert, then pdflatex twice (contents)
grep -o 'html/img/[^}]*\.svg' "$WORK/workbook.tex" | sort -u | while IFS= read -r svg; do
    rsvg-convert -f pdf -o "${svg%.svg}.pdf" "$svg"
done
sed -i 's/\(html\/img\/[^}]*\)\.svg/\1.pdf/g' "$WORK/workbook.tex"
for pass in 1 2; do
    if ! pdflatex -interaction=nonstopmode -halt-on-error workbook.tex >"$WORK/latex-$pass.log" 2>&1; then
        grep -A5 '^!' "$WORK/latex-$pass.log" | head -n 30 >&2
        die "pdflatex failed (pass $pass); PDF_KEEP=DIR keeps workbook.tex and the log"
    fi
done
cd - >/dev/null
mkdir -p "$(dirname "$out")"
cp "$WORK/workbook.pdf" "$out"
if command -v pdfinfo >/dev/null; then
    echo "book-pdf: wrote $out ($(pdfinfo "$out" | sed -n 's/^Pages: *//p') pages)"
else
    echo "book-pdf: wrote $out"
fi
