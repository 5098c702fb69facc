#!/usr/bin/env bash
# book/tests/test_real_book.sh: the lessons' book as `make book` writes it
# (book/out, or REAL_BOOK=DIR; built here when missing), as a reader gets it:
#   - every chunk of every lesson appears in its page by name, no internal
#     link is broken, the contents list the appendices and the PDF edition;
#   - with chromium, the contents and every chapter at 1280 and 390 px, light
#     and dark (book/tests/screenshot.sh): screenshots kept in
#     book/out/screenshots/ for CI artifacts, and the layout probe's checks
#     (no overlapping line numbers, no sideways scrolling, legible text, the
#     prose measure, every image shown);
#   - every variant of a lesson's table (tangled/weekN/weekN.cu) has a figure
#     of its own (img/weekN-VARIANT-*.svg) that the browser shows;
#   - no solution markup in the instructor's book, a "you write this" box per
#     solution region; the student edition's book (the lessons stubbed as
#     `make student` stubs them) shows no markup and no solution line, and a
#     box with its TODO per region;
#   - the PDF edition (when `make book` wrote it): no table wider than the
#     page and no broken internal link (book/tests/pdfcheck.sh on its LaTeX
#     and log), a title page with the commit, date and GPU, no title line
#     printed as text.
# TAP, through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=book/tests/scratch.sh
. book/tests/scratch.sh
. book/tests/screenshot.sh
REAL=${REAL_BOOK:-book/out}

if [ ! -s "$REAL/index.html" ]; then
    check "the lessons' book builds" book/build.sh "$REAL" lessons/*.nw
fi
# text PAGE.html: the page as a reader reads it (tags removed, entities decoded)
text() {
    sed -e 's/<[^>]*>//g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" \
        -e "s/’/'/g" -e 's/&amp;/\&/g' "$1"
}
missing=""
for l in lessons/*.nw; do
    stem=$(basename "$l" .nw)
    stem=${stem%%-*}
    page=$REAL/$stem.html
    [ -f "$page" ] || { missing="$missing $stem.html(no page)"; continue; }
    text "$page" >"$WORK/$stem.txt"
    while IFS= read -r name; do
        grep -qF "⟨$name⟩" "$WORK/$stem.txt" || missing="$missing $stem:⟨$name⟩"
    done < <(sed -n 's/^<<\(.*\)>>=[[:space:]]*$/\1/p' "$l" | sort -u)
done
same "every chunk of every lesson appears in the book" "" "$missing"
check "no broken internal link anywhere in $REAL" book/tests/linkcheck.sh "$REAL"
check "the book's contents list the appendices" grep -qF 'href="appendix-index.html"' "$REAL/index.html"

# ---- exercises: boxes, never markup, in both editions ---------------------------
# boxes LESSON PAGE.html: "regions boxes" of one chapter
boxes() {
    printf '%s %s\n' "$(ci/student-edition.sh regions "$1" | grep -c .)" "$(grep -c 'class="you-write' "$2")"
}
markup='SOLUTION (BEGIN|END)|^[[:space:]]*//:'
for l in lessons/week*-*.nw; do
    stem=$(basename "$l" .nw)
    stem=${stem%%-*}
    lacks "$stem: no solution markup in the instructor's book" "$markup" "$(cat "$WORK/$stem.txt")"
    read -r regions shown < <(boxes "$l" "$REAL/$stem.html")
    same "$stem: a 'you write this' box per solution region in the instructor's book" "$regions" "$shown"
done
mkdir -p "$WORK/student/lessons"
for l in lessons/*.nw; do
    ci/student-edition.sh stub "$l" "$WORK/student/lessons/$(basename "$l")" || fail "$l: stubbed"
done
if BOOK_STUDENT_OF=$PWD book/build.sh "$WORK/student-book" "$WORK"/student/lessons/*.nw >"$WORK/student.log" 2>&1; then
    pass "the student edition's book builds from the stubbed lessons"
else
    fail "the student edition's book builds from the stubbed lessons" "$(tail -n 20 "$WORK/student.log")"
fi
for l in lessons/week*-*.nw; do
    stem=$(basename "$l" .nw)
    stem=${stem%%-*}
    stext=$(text "$WORK/student-book/$stem.html" 2>/dev/null)
    lacks "$stem: no solution markup in the student's book" "$markup" "$stext"
    read -r regions shown < <(boxes "$l" "$WORK/student-book/$stem.html")
    same "$stem: a box per TODO in the student's book" "$regions" "$shown"
    same "$stem: every box of the student's book holds its TODO" "$regions" \
        "$(grep -A2 'class="you-write' "$WORK/student-book/$stem.html" | sed 's/<[^>]*>//g' | grep -c '// TODO: ')"
done
check "no solution line anywhere in the student's book (ci/student-edition.sh leaks)" \
    ci/student-edition.sh leaks "$WORK/student-book"

# ---- the PDF edition ------------------------------------------------------------
if [ -s "$REAL/workbook.pdf" ]; then
    check "the contents link the PDF edition" grep -qF 'href="workbook.pdf"' "$REAL/index.html"
    check "the PDF: no table wider than the page, every internal link has one target" \
        book/tests/pdfcheck.sh "$REAL/workbook.tex" "$REAL/workbook.log"
    pdftext=$(pdftotext "$REAL/workbook.pdf" - 2>/dev/null)
    lacks "the PDF prints no title line (% Week ...)" '^% ?Week' "$pdftext"
    lacks "no solution markup in the PDF" "$markup" "$pdftext"
    gpu=unknown
    for f in bench/results/"${GPU:-h200}"/week*.json; do
        case $f in *-profile.json) ;; *) gpu=$(jq -r '.env.gpu // "unknown"' "$f"); break ;; esac
    done
    title=$(pdftotext -l 1 "$REAL/workbook.pdf" - 2>/dev/null)
    has "the title page names the commit and the date" "Built from commit [0-9a-f]{7,}, [0-9]{4}-[0-9]{2}-[0-9]{2}" "$title"
    has "the title page names the GPU the results were measured on" "$gpu" "$title"
else
    skip "the PDF edition" "no $REAL/workbook.pdf (make book writes it where pdflatex is installed)"
fi

# ---- in a browser: layout, and a figure per variant -------------------------------
if [ -x /usr/bin/chromium ]; then
    shoot "$REAL" index "$REAL/screenshots"
    for l in lessons/week*-*.nw; do
        stem=$(basename "$l" .nw)
        stem=${stem%%-*}
        shoot "$REAL" "$stem" "$REAL/screenshots"
        shown=$(sed -n 's/^image //p' "$REAL/screenshots/$stem-1280-light.layout")
        none=""
        while IFS= read -r v; do
            grep -qE "^img/$stem-$v-[a-z0-9_]+\.svg$" <<<"$shown" || none="$none $v"
        done < <(sed -nE 's/^[[:space:]]*\{"([A-Za-z0-9_]+)", *"[A-Za-z0-9_]+", *launch_.*/\1/p' "tangled/$stem/$stem.cu")
        same "$stem: every variant has a figure of its own that the browser shows" "" "$none"
    done
    same "no browser console errors" "" "$console_errors"
else
    skip "screenshots" "/usr/bin/chromium not installed"
fi
finish
