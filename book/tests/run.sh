#!/usr/bin/env bash
# book/tests/run.sh [OUTDIR]: tests of the book pipeline (no GPU needed).
#
# Builds a sample book from book/tests/sample.nw against the fixture results
# in book/tests/fixtures/h200, then checks chunk names, internal links, CUDA
# launch syntax through tangle and weave, results tables and plots, a shared
# chunk file, and that broken lessons fail with FILE:LINE. If chromium is
# installed, it also takes screenshots (OUTDIR/screenshots/) at 1280 and 390
# px and fails on console errors. Prints "N passed, N failed"; exit 1 on any
# failure. OUTDIR defaults to book/out/test (ignored by git).
set -uo pipefail

TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BOOK=$(dirname "$TESTS")
REPO=$(dirname "$BOOK")
OUT=${1:-$BOOK/out/test}
cd "$REPO" || exit 1

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/     /'; }
check() { # check NAME COMMAND...: passes when COMMAND succeeds
    local name=$1; shift
    local log
    if log=$("$@" 2>&1); then pass "$name"; else fail "$name" "$log"; fi
}

rm -rf "$OUT"
mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/booktest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---- the front end ---------------------------------------------------------

check "cuda-markup is executable" test -x book/cuda-markup

tangle=$WORK/sample.cu
if notangle -markup book/cuda-markup -L -R'sample.cu' book/tests/sample.nw >"$tangle" 2>"$WORK/tangle.err"; then
    pass "notangle -markup book/cuda-markup exits 0"
else
    fail "notangle -markup book/cuda-markup exits 0" "$(cat "$WORK/tangle.err")"
fi
check "tangle keeps the launch <<<grid, block>>>" \
    grep -qF 'transpose_naive<<<grid, block>>>(in, out, rows, cols);' "$tangle"
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
    grep -qF '<<<grid, block>>>(in, out, rows, cols);' "$weave"
check "cuda-markup rejoins a launch inside [[quoted code]]" bash -c \
    'book/cuda-markup book/tests/sample.nw | grep -qxF "@text transpose_naive<<<grid, block>>>(in, out, rows, cols)"'
check "cuda-markup fails when markup fails" bash -c '! book/cuda-markup /nonexistent/lesson.nw >/dev/null 2>&1'

# ---- the sample book ----------------------------------------------------------

# BOOK_MARKDOWN_DIR keeps the page's Markdown: generated tables are checked line by line there
if BOOK_MARKDOWN_DIR="$WORK/sample-md" \
    book/build.sh --results book/tests/fixtures/h200 "$OUT" book/tests/sample.nw >"$WORK/build.log" 2>&1; then
    pass "build.sh builds the sample book"
else
    fail "build.sh builds the sample book" "$(cat "$WORK/build.log")"
fi
check "index.html and sample.html exist" test -s "$OUT/index.html" -a -s "$OUT/sample.html"
check "book.css is copied next to the pages" test -s "$OUT/book.css"
check "pandoc converted every formula" bash -c "! grep -q 'Could not convert TeX math' '$WORK/build.log'"

html=$OUT/sample.html
# every chunk name of the lesson appears in the page as ⟨name⟩
missing=""
while IFS= read -r name; do
    grep -qF "⟨$name⟩" "$html" || missing="$missing ⟨$name⟩"
done < <(sed -n 's/^<<\(.*\)>>=[[:space:]]*$/\1/p' book/tests/sample.nw | sort -u)
if [ -z "$missing" ]; then pass "every chunk name appears in the HTML"; else fail "every chunk name appears in the HTML" "missing:$missing"; fi

check "every internal link resolves" book/tests/linkcheck.sh "$OUT"
# the link checker itself must notice a broken link
mkdir -p "$WORK/broken"
cp "$OUT"/*.html "$OUT/book.css" "$WORK/broken/"
printf '<p><a href="#no-such-anchor">x</a><a href="sample.html#nope">y</a></p>\n' >>"$WORK/broken/index.html"
check "the link checker finds broken links" bash -c "! book/tests/linkcheck.sh '$WORK/broken' >/dev/null 2>&1"

# text of the page with tags removed, to look for code as the reader sees it
sed -e 's/<[^>]*>//g' "$html" >"$WORK/sample.txt"
check "weave: launch shown in code" grep -qF 'transpose_naive&lt;&lt;&lt;grid, block&gt;&gt;&gt;(in, out, rows, cols);' "$WORK/sample.txt"
check "weave: launch shown in quoted prose code" grep -qF '<code>transpose_naive&lt;&lt;&lt;grid, block&gt;&gt;&gt;(in, out, rows, cols)</code>' "$html"
check "code chunks have anchors" grep -qF 'id="nw-naive-transpose-kernel"' "$html"
check "a continued chunk links to its continuation" grep -qF 'href="#nw-naive-transpose-kernel--2"' "$html"
check "a chunk says where it is used" grep -qE 'Used in <a href="#nw-sample-cu">' "$html"
check "a use inside code is a link to the chunk" grep -qF '<a class="chunk-use" href="#nw-compute-this-thread-s-row-and-column">' "$html"
check "a root chunk shows its tangled path" grep -qF 'tangled/sample/sample.cu' "$html"
check "%def identifiers are indexed" grep -qF 'id="ix-transpose-naive"' "$html"
check "the index links an identifier to its defining chunk" \
    grep -qE 'id="ix-launch-transpose-naive".*defined in <a href="#nw-launch-the-naive-transpose">' "$html"
check "CUDA keywords are highlighted" grep -qF '<span class="at">__global__</span>' "$html"
check "CUDA built-ins are highlighted" grep -qF '<span class="bu">threadIdx</span>' "$html"
check "pandoc Markdown tables in prose render" grep -qF '<th style="text-align: right;">sectors per warp</th>' "$html"
check "math renders without scripts (MathML)" grep -qF '<msup><mi>x</mi><mn>2</mn></msup>' "$html"
# MathML's namespace is a name, not a resource the browser fetches
check "no scripts and no external resources" bash -c "! grep -ohiE '<script|https?://[^\"]*' '$OUT'/*.html | grep -vxF 'http://www.w3.org/1998/Math/MathML' | grep -q ."
check "results table from the fixture" grep -qF '<td style="text-align: right;">4006.1</td>' "$html"
check "results caption names GPU, driver, runtime, commit, date" \
    grep -qE 'NVIDIA H200.*driver 580\.159\.04, CUDA runtime 13\.0, commit abc1234, 2026-11-29T05:00:00Z' "$html"
check "a failed result is shown as failed" grep -qF '<strong>wrong</strong>' "$html"
check "the fenced-div results marker works" grep -qF '<td style="text-align: left;">copy_vec4</td>' "$html"
check "plot SVG written" grep -q '<svg' "$OUT/img/week9-transpose.svg"
check "plot embedded in the page" grep -qF 'src="img/week9-transpose.svg"' "$html"
check "missing results give a visible note" grep -qiF 'no measured results committed yet for this GPU' "$html"
# @@VERSUS week7 softmax torch@@: fixtures week7.json (lesson) and week7-torch.json
# (PyTorch). At f32 8192x1024 softmax_single_read is faster but failed and
# softmax_backward_fused is faster but another op, so softmax_online (0.2 ms)
# is the best; speedup 0.324 / 0.2.
md=$WORK/sample-md/sample.md
check "versus: the fastest passed variant and PyTorch ms / lesson ms" \
    grep -qxF '| 8192×1024 | f32 | 0.324 | softmax\_online | 0.2 | 1.62× | 8.4 |' "$md"
check "versus: the best variant differs per dtype and shape" \
    grep -qxF '| 8192×1024 | f16 | 0.1 | softmax\_single\_read | 0.05 | 2.00× | 16.8 |' "$md"
check "versus: a shape where no lesson variant passed" \
    grep -qxF '| 65536×1024 | f32 | 1 | *none passed* | – | – | – |' "$md"
check "versus: a failed PyTorch result is shown as failed, with no speedup" \
    grep -qxF '| 1024×131072 | f16 | **wrong** | softmax\_online | 0.7 | – | 19.2 |' "$md"
check "versus: one line per dtype and shape PyTorch measured (not the lesson's 1×1)" \
    test "$(grep -cE '^\| [0-9]+×[0-9]+ \| (f32|f16|bf16) \|' "$md")" -eq 6
check "versus: the caption names GPU, driver, both commits and both files" bash -c "
    grep -F 'Fixture GPU (book tests, not a measurement), driver 000.00.00-fixture' '$md' |
    grep -F 'commit f1xture-lesson' | grep -F 'commit f1xture-torch' |
    grep -F '\`book/tests/fixtures/h200/week7.json\`' | grep -qF '\`book/tests/fixtures/h200/week7-torch.json\`'"
check "versus: plot SVG with a line per dtype for each side and the ceiling" bash -c "
    f='$OUT/img/week7-softmax-vs-torch.svg'
    grep -qF 'f32 lesson' \"\$f\" && grep -qF 'f16 PyTorch' \"\$f\" && grep -qF 'copy ceiling 4000 GB/s' \"\$f\""
check "versus: plot embedded in the page" grep -qF 'src="img/week7-softmax-vs-torch.svg"' "$html"
check "versus: a missing PyTorch file gives the note naming it" bash -c "
    grep -F 'No measured results committed yet for this GPU.' '$md' |
    grep -F 'comparison of week9 transpose with PyTorch' |
    grep -qF 'missing: \`book/tests/fixtures/h200/week9-torch.json\`.'"
printf '# Week 6\n\n@@VERSUS week7 softmax@@\n' >"$WORK/week6-versus.nw"
check "versus: a marker without a peer stops the build" bash -c "
    ! book/build.sh --results book/tests/fixtures/h200 '$WORK/book-versus' '$WORK/week6-versus.nw' 2>'$WORK/versus.err' &&
    grep -qF 'name exactly one peer' '$WORK/versus.err'"
check "index.html has the preface" grep -qF 'make week0 &amp;&amp; make grade' "$OUT/index.html"
check "index.html links the chapter" grep -qF 'href="sample.html"' "$OUT/index.html"

# a missing results directory never fails the build
check "build without any results file succeeds" \
    book/build.sh --results "$WORK/no-results" "$WORK/book-nores" book/tests/sample.nw

# ---- shared chunks (lessons/common.nw style) --------------------------------

if book/build.sh "$WORK/book-shared" book/tests/shared/week1-uses-common.nw book/tests/shared/common.nw \
    >"$WORK/shared.log" 2>&1; then
    pass "a chapter using a shared chunk file builds"
else
    fail "a chapter using a shared chunk file builds" "$(cat "$WORK/shared.log")"
fi
check "a use of a shared chunk links to the shared page" \
    grep -qF 'href="common.html#nw-check-a-cuda-call"' "$WORK/book-shared/week1.html"
check "links across pages resolve" book/tests/linkcheck.sh "$WORK/book-shared"

# ---- errors name FILE:LINE ---------------------------------------------------

expect_failure() { # expect_failure NAME LESSON PATTERN
    local name=$1 lesson=$2 pattern=$3 log rc
    log=$(book/build.sh "$WORK/bad-$(basename "$lesson" .nw)" "$lesson" 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ]; then
        fail "$name" "build.sh exited 0; output: $log"
    elif ! grep -qE "$pattern" <<<"$log"; then
        fail "$name" "exit $rc but no message matching '$pattern'; output: $log"
    else
        pass "$name"
    fi
}
expect_failure "an undefined chunk fails with FILE:LINE" book/tests/bad/undefined.nw \
    '^book/tests/bad/undefined\.nw:6: .*a chunk nobody wrote.*never defined'
expect_failure "an unused chunk fails with FILE:LINE" book/tests/bad/unused.nw \
    '^book/tests/bad/unused\.nw:9: .*forgotten helper.*never used'
expect_failure "an unescaped << in prose fails with FILE:LINE" book/tests/bad/prose.nw \
    '^book/tests/bad/prose\.nw:3: unescaped <<'

# ---- appendices of the sample book ----------------------------------------------

check "index.html lists the appendices" bash -c "grep -qF 'href=\"appendix-grader.html\"' '$OUT/index.html' &&
    grep -qF 'href=\"appendix-results.html\"' '$OUT/index.html' && grep -qF 'href=\"appendix-index.html\"' '$OUT/index.html'"
check "the grader appendix gives the tolerance formula" grep -qF 'wb_sum_bound' "$OUT/appendix-grader.html"
check "the results appendix renders every results file with its provenance" bash -c \
    "grep -qF '<td style=\"text-align: left;\">copy_vec4</td>' '$OUT/appendix-results.html' &&
     grep -qF 'Driver 580.159.04, CUDA runtime 13.0' '$OUT/appendix-results.html' &&
     grep -qF '<code>abc1234</code>' '$OUT/appendix-results.html'"
check "the identifier index files a kernel under kernels" bash -c \
    "sed -n '/id=\"index-kernel\"/,/<h2/p' '$OUT/appendix-index.html' | grep -qF 'href=\"sample.html#ix-transpose-naive\"'"
check "the identifier index links to the defining chunk" \
    grep -qF 'href="sample.html#nw-launch-the-naive-transpose"' "$OUT/appendix-index.html"

# ---- the PDF (book/pdf.sh) ------------------------------------------------------

if command -v pdflatex >/dev/null && command -v rsvg-convert >/dev/null && command -v pdftoppm >/dev/null; then
    if book/pdf.sh "$OUT/sample.pdf" book/tests/sample.nw --results book/tests/fixtures/h200 >"$WORK/pdf.log" 2>&1; then
        pass "book/pdf.sh writes the sample book as a PDF"
        pdftotext "$OUT/sample.pdf" "$WORK/sample-pdf.txt" 2>/dev/null
        check "the PDF holds the chunk names and the appendices" bash -c \
            "grep -qF '⟨launch the naive transpose⟩' '$WORK/sample-pdf.txt' && grep -qF 'Index of identifiers' '$WORK/sample-pdf.txt'"
        check "a page of the PDF renders to PNG" bash -c \
            "pdftoppm -r 40 -png -f 1 -l 1 '$OUT/sample.pdf' '$WORK/pdfpage' && test -s '$WORK/pdfpage-01.png' -o -s '$WORK/pdfpage-1.png'"
    else
        fail "book/pdf.sh writes the sample book as a PDF" "$(tail -n 20 "$WORK/pdf.log")"
    fi
else
    echo "skip PDF: pdflatex, rsvg-convert or pdftoppm missing (book/PACKAGES)"
fi

# ---- screenshots ---------------------------------------------------------------

console_errors=""
# shoot DIR PAGE SHOTDIR: PAGE of DIR at 1280 and 390 px into SHOTDIR/PAGE-WIDTH.png
shoot() {
    local dir=$1 page=$2 shots=$3 width shot profile errs
    mkdir -p "$shots"
    for width in 1280 390; do
        shot=$shots/$page-$width.png
        rm -f "$shot"
        profile=$(mktemp -d "$WORK/chromium.XXXXXX")
        timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
            --disable-background-networking --disable-component-update --disable-sync \
            --no-first-run --hide-scrollbars --user-data-dir="$profile" \
            --enable-logging=stderr --v=0 \
            --screenshot="$shot" --window-size="$width,2000" \
            "file://$(cd "$dir" && pwd)/$page.html" >"$WORK/chromium.log" 2>&1
        if [ -s "$shot" ]; then
            pass "screenshot $page.html at $width px"
        else
            fail "screenshot $page.html at $width px" "$(tail -5 "$WORK/chromium.log")"
        fi
        errs=$(grep -E 'Uncaught|ERROR:CONSOLE|CONSOLE.*(Error|Failed)' "$WORK/chromium.log" || true)
        [ -z "$errs" ] || console_errors="$console_errors$page@$width: $errs"$'\n'
    done
}
if [ -x /usr/bin/chromium ]; then
    for page in index sample; do shoot "$OUT" "$page" "$OUT/screenshots"; done
else
    echo "skip screenshots: /usr/bin/chromium not installed"
fi

# ---- the real book (book/out, as `make book` writes it) ----------------------------

REAL=${REAL_BOOK:-$BOOK/out}
if [ ! -s "$REAL/index.html" ]; then
    book/build.sh "$REAL" lessons/*.nw >"$WORK/real.log" 2>&1 || fail "the lessons' book builds" "$(tail -20 "$WORK/real.log")"
fi
# every chunk of every lesson appears in its page, by name
missing=""
for l in lessons/*.nw; do
    stem=$(basename "$l" .nw); stem=${stem%%-*}
    page=$REAL/$stem.html
    [ -f "$page" ] || { missing="$missing $stem.html(no page)"; continue; }
    sed -e 's/<[^>]*>//g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" \
        -e "s/’/'/g" -e 's/&amp;/\&/g' "$page" >"$WORK/real-$stem.txt"
    while IFS= read -r name; do
        grep -qF "⟨$name⟩" "$WORK/real-$stem.txt" || missing="$missing $stem:⟨$name⟩"
    done < <(sed -n 's/^<<\(.*\)>>=[[:space:]]*$/\1/p' "$l" | sort -u)
done
if [ -z "$missing" ]; then pass "every chunk of every lesson appears in the book"; else fail "every chunk of every lesson appears in the book" "missing:$missing"; fi
check "no broken internal link anywhere in $(basename "$(dirname "$REAL")")/$(basename "$REAL")" book/tests/linkcheck.sh "$REAL"
check "the book's index lists the appendices" grep -qF 'href="appendix-index.html"' "$REAL/index.html"
if [ -x /usr/bin/chromium ]; then
    # kept for CI artifacts: the index and the first chapter, desktop and phone
    first=$(ls lessons/week*-*.nw 2>/dev/null | sort -V | head -n 1)
    first=$(basename "${first:-index}" .nw); first=${first%%-*}
    shoot "$REAL" index "$REAL/screenshots"
    [ "$first" = index ] || shoot "$REAL" "$first" "$REAL/screenshots"
fi
if [ -x /usr/bin/chromium ]; then
    if [ -z "$console_errors" ]; then pass "no browser console errors"; else fail "no browser console errors" "$console_errors"; fi
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
