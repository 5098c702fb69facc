#!/usr/bin/env bash
# book/tests/test_real_book.sh: the lessons' book as `make book` writes it
# (book/out, or REAL_BOOK=DIR; built here when missing): every chunk of every
# lesson appears in its page by name, no internal link is broken, and, with
# chromium, screenshots of the contents and the first chapter at desktop and
# phone widths are kept in book/out/screenshots/ for CI artifacts. TAP,
# through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. ci/tests/tap.sh
. book/tests/screenshot.sh
REAL=${REAL_BOOK:-book/out}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/booktest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [ ! -s "$REAL/index.html" ]; then
    check "the lessons' book builds" book/build.sh "$REAL" lessons/*.nw
fi
missing=""
for l in lessons/*.nw; do
    stem=$(basename "$l" .nw)
    stem=${stem%%-*}
    page=$REAL/$stem.html
    [ -f "$page" ] || { missing="$missing $stem.html(no page)"; continue; }
    sed -e 's/<[^>]*>//g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" \
        -e "s/’/'/g" -e 's/&amp;/\&/g' "$page" >"$WORK/$stem.txt"
    while IFS= read -r name; do
        grep -qF "⟨$name⟩" "$WORK/$stem.txt" || missing="$missing $stem:⟨$name⟩"
    done < <(sed -n 's/^<<\(.*\)>>=[[:space:]]*$/\1/p' "$l" | sort -u)
done
same "every chunk of every lesson appears in the book" "" "$missing"
check "no broken internal link anywhere in $REAL" book/tests/linkcheck.sh "$REAL"
check "the book's contents list the appendices" grep -qF 'href="appendix-index.html"' "$REAL/index.html"
if [ -x /usr/bin/chromium ]; then
    first=$(ls lessons/week*-*.nw 2>/dev/null | sort -V | head -n 1)
    first=$(basename "${first:-index}" .nw)
    shoot "$REAL" index "$REAL/screenshots"
    [ "$first" = index ] || shoot "$REAL" "${first%%-*}" "$REAL/screenshots"
    same "no browser console errors" "" "$console_errors"
else
    skip "screenshots" "/usr/bin/chromium not installed"
fi
finish
