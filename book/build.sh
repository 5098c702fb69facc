#!/usr/bin/env bash
# book/build.sh: weave the lessons into an HTML book.
#
#   book/build.sh [--results DIR] [--pdf NAME] OUTDIR LESSON.nw... [RESULTS_DIR]
#
# Writes OUTDIR/index.html (the title, book/preface.md and the contents), one
# OUTDIR/<stem>.html per lesson (lessons/week0-copy-transpose.nw ->
# week0.html), the appendices and the instructors' pages (book/*.md),
# OUTDIR/book.css and OUTDIR/img/*.svg. With --pdf NAME the contents link to
# the PDF edition OUTDIR/NAME (book/pdf.sh writes it; `make book` does both).
#
# Measured results come from RESULTS_DIR/<week>.json. RESULTS_DIR is, in order:
# --results DIR, a trailing directory argument, $RESULTS_DIR, or
# bench/results/$GPU with GPU=h200 by default. A directory that holds GPU
# subdirectories (bench/results) is narrowed to its $GPU subdirectory.
#
# Pipeline (book/README.md): book/pages.sh weaves each lesson with noweb and
# book/nwback.c into Markdown and an index file; pandoc turns each page into
# HTML through the Lua filters in book/filters/ (results, versus, profile,
# appendix, chunks, nav), which read their data through the jq modules in
# book/jq/. Errors in a lesson's chunk structure are printed as
# FILE:LINE: error: ... and make the build exit 1 after every lesson has been
# checked.
set -euo pipefail

# shellcheck source=book/pages.sh
. "$(dirname "${BASH_SOURCE[0]}")/pages.sh"

case ${1:-} in -h | --help) sed -n '2,23p' "${BASH_SOURCE[0]}"; exit 0 ;; esac
book_args "$@"
OUTDIR=$book_out

WORK=$(mktemp -d "${TMPDIR:-/tmp}/book.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
book_weave "$WORK"
mkdir -p "$OUTDIR"
book_env "$WORK" "$OUTDIR/img"

book_static_profiles "$WORK"

html_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }
mapfile -t filters < <(book_filter_args)
pandoc_html() { # pandoc_html PAGE OUT.html INPUT.md [PANDOC OPTIONS...]
    local page=$1 out=$2 in=$3
    shift 3
    BOOK_PAGE=$page BOOK_INDEX=$WORK/$page.index BOOK_REGIONS=$WORK/$page.regions pandoc --from markdown --to html5 --standalone \
        --wrap=none --columns=400 --mathml --template "$BOOK_DIR/template.html" \
        --syntax-definition "$BOOK_DIR/cuda.xml" "${filters[@]}" \
        -V booktitle="$(printf '%s' "$BOOK_TITLE" | html_escape)" "$@" -o "$out" "$in"
}

while IFS=$'\t' read -r _ stem md _ source; do
    src=()
    [ -z "$source" ] || src=(-V source="$(printf '%s' "$source" | html_escape)")
    pandoc_html "$stem" "$OUTDIR/$stem.html" "$md" --toc --toc-depth=2 "${src[@]}" ||
        die "pandoc failed on ${source:-$md}"
done <"$WORK/pages.tsv"

preface=$BOOK_DIR/preface.md
[ -f "$preface" ] || preface=/dev/null
pandoc_html index "$OUTDIR/index.html" "$preface" --lua-filter "$BOOK_DIR/filters/contents.lua" \
    --metadata pagetitle="$BOOK_TITLE" -V isindex=1 || die "pandoc failed on the contents page"

cp "$BOOK_DIR/book.css" "$OUTDIR/book.css"
echo "book: wrote $OUTDIR/index.html and $(grep -cE '^(chapter|shared)' "$WORK/pages.tsv") chapter page(s) (results from $(book_show_path "$RESULTS"))"
