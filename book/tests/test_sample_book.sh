#!/usr/bin/env bash
# book/tests/test_sample_book.sh [OUTDIR]: the book pipeline on
# book/tests/sample.nw against the fixture results in book/tests/fixtures/h200
# (made-up numbers): chunk names and links, highlighting, results tables and
# plots, the comparison with one and with two peers, profile tables, notes for
# what is missing, appendices and exercises. With chromium, screenshots at
# 1280 and 390 px in OUTDIR/screenshots. Books built another way (no results,
# shared chunk files, the student edition, broken lessons) are in
# test_book_variants.sh.
# OUTDIR defaults to book/out/test (ignored by git). TAP, through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=book/tests/scratch.sh
. book/tests/scratch.sh
. book/tests/screenshot.sh
OUT=${1:-book/out/test}
FIX=book/tests/fixtures
rm -rf "$OUT"
mkdir -p "$OUT"

# rows FILE: the HTML tables of FILE as text, one line per row, cells joined by " | "
rows() {
    awk '/<tr/ { row = ""; n = 0; intr = 1 }
        intr && /<t[dh]/ { c = $0; gsub(/<[^>]*>/, "", c); row = row (n++ ? " | " : "") c }
        /<\/tr>/ { print row; intr = 0 }' "$1"
}

if STATIC_PROFILE_DIR=$FIX/static book/build.sh --results $FIX/h200 "$OUT" book/tests/sample.nw >"$WORK/build.log" 2>&1; then
    pass "build.sh builds the sample book"
else
    fail "build.sh builds the sample book" "$(cat "$WORK/build.log")"
fi
html=$OUT/sample.html
check "index.html and sample.html exist" test -s "$OUT/index.html" -a -s "$html"
check "book.css is copied next to the pages" test -s "$OUT/book.css"
check "pandoc converted every formula" bash -c "! grep -q 'Could not convert TeX math' '$WORK/build.log'"
missing=""
while IFS= read -r name; do
    grep -qF "⟨$name⟩" "$html" || missing="$missing ⟨$name⟩"
done < <(sed -n 's/^<<\(.*\)>>=[[:space:]]*$/\1/p' book/tests/sample.nw | sort -u)
same "every chunk name appears in the HTML" "" "$missing"
check "every internal link resolves" book/tests/linkcheck.sh "$OUT"
mkdir -p "$WORK/broken"
cp "$OUT"/*.html "$OUT/book.css" "$WORK/broken/"
printf '<p><a href="#no-such-anchor">x</a><a href="sample.html#nope">y</a></p>\n' >>"$WORK/broken/index.html"
refuse "the link checker finds broken links" book/tests/linkcheck.sh "$WORK/broken"

text=$(sed -e 's/<[^>]*>//g' "$html")
has "weave: launch shown in code" 'transpose_naive&lt;&lt;&lt;grid, block&gt;&gt;&gt;\(\(const float \*\)p-&gt;in\[0\]' "$text"
page=$(cat "$html")
has "weave: launch shown in quoted prose code" '<code>transpose_naive&lt;&lt;&lt;grid, block&gt;&gt;&gt;\(in, out, rows, cols\)</code>' "$page"
has "code chunks have anchors" 'id="nw-naive-transpose-kernel"' "$page"
has "a continued chunk links to its continuation" 'href="#nw-naive-transpose-kernel--2"' "$page"
has "a chunk says where it is used" 'Used in <a href="#nw-sample-cu">' "$page"
has "a use inside code is a link to the chunk" '<a class="chunk-use" href="#nw-compute-this-thread-s-row-and-column">' "$page"
lacks "no placeholder is left in the code" 'NWUSE7Q' "$page"
has "code blocks are numbered in order" 'id="cb1".*|id="cb2"' "$page"
has "a root chunk shows its tangled path" 'tangled/sample/sample\.cu' "$page"
has "%def identifiers are indexed" 'id="ix-transpose-naive"' "$page"
has "the index links an identifier to its defining chunk" 'id="ix-launch-transpose-naive".*defined in <a href="#nw-launch-the-naive-transpose">' "$page"
has "CUDA keywords are highlighted" '<span class="at">__global__</span>' "$page"
has "CUDA built-ins are highlighted" '<span class="bu">threadIdx</span>' "$page"
has "pandoc Markdown tables in prose render" '<th style="text-align: right;">sectors per warp</th>' "$page"
has "math renders without scripts (MathML)" '<msup><mi>x</mi><mn>2</mn></msup>' "$page"
check "no scripts and no external resources (links to other sites are fine)" bash -c "! grep -ohiE '<script|src=\"(https?:)?//|<link[^>]*href=\"(https?:)?//|url\\((https?:)?//' '$OUT'/*.html | grep -q ."

table=$(rows "$html")
has "results table: pivoted, the variants as columns in the file's order" '^Shape \| dtype \| transpose_naive \| transpose_tiled32 \| Baseline$' "$table"
has "results table: a row per shape and dtype, GB/s without decimals, the baseline's median" '^8192×8192 \| f32 \| 1278 \| 4006 \| 4308$' "$table"
has "results table: the fastest of a row in bold" '<td style="text-align: right;"><strong>4006</strong></td>' "$page"
has "results table: a variant without a result at a shape is a dash" '^1024×1024 \| f32 \| 699 \| – \| 2118$' "$table"
has "results caption names GPU, driver, runtime, commit, date" 'NVIDIA H200.*driver 580\.159\.04, CUDA runtime 13\.0, commit abc1234, 2026-11-29T05:00:00Z' "$page"
has "a failed result is shown as failed" '<em>wrong</em>' "$page"
has "the fenced-div results marker works: one variant's µs, GB/s, % and ratio" '^8192×8192 \| f32 \| 126\.0 \| 4261 \| 99\.1 \| 0\.99×$' "$table"
has "one variant's table names it in its caption" '<caption>copy_vec4: Measured on' "$page"
check "plot SVG written" grep -q '<svg' "$OUT/img/week9-transpose.svg"
has "plot embedded in the page" 'src="img/week9-transpose.svg"' "$page"
has "missing results give a visible note" 'No measured results committed yet for this GPU' "$page"
# @@VERSUS week7 softmax torch@@: at f32 8192x1024 softmax_single_read is
# faster but failed and softmax_backward_fused is faster but another op, so
# softmax_online (0.2 ms) is the best; speedup 0.324 / 0.2
has "versus: the fastest passed variant and PyTorch time / lesson time, times in µs with one decimal" '^8192×1024 \| f32 \| 324\.0 \| softmax_online \| 200\.0 \| 1\.62× \| 8\.4$' "$table"
has "versus: the best variant differs per dtype and shape" '^8192×1024 \| f16 \| 100\.0 \| softmax_single_read \| 50\.0 \| 2\.00× \| 16\.8$' "$table"
has "versus: a shape where no lesson variant passed" '^65536×1024 \| f32 \| 1000\.0 \| none passed \| – \| – \| –$' "$table"
has "versus: a failed PyTorch result is shown as failed, with no speedup" '^1024×131072 \| f16 \| wrong \| softmax_online \| 700\.0 \| – \| 19\.2$' "$table"
versus_rows=$(sed -n '/week7 softmax against PyTorch 0.0.0+fixture, measured/,/<\/table>/p' "$html" >"$WORK/versus.html"
    rows "$WORK/versus.html" | grep -cE '^[0-9]+×[0-9]+ \| (f32|f16|bf16) \|')
same "versus: one line per dtype and shape PyTorch measured (not the lesson's 1×1)" 6 "$versus_rows"
has "versus: the caption names GPU, driver, both commits and both files" \
    'Fixture GPU \(book tests, not a measurement\), driver 000\.00\.00-fixture.*commit f1xture-lesson.*<code>book/tests/fixtures/h200/week7\.json</code>.*commit f1xture-torch.*<code>book/tests/fixtures/h200/week7-torch\.json</code>' "$page"
svg=$(cat "$OUT/img/week7-softmax-vs-torch.svg")
has "versus: plot with a line per dtype for each side and the ceiling" 'f32 lesson' "$svg"
has "versus: the plot has the peer's line" 'f16 PyTorch' "$svg"
has "versus: the plot has the copy ceiling" 'copy ceiling 4000 GB/s' "$svg"
has "versus: plot embedded in the page" 'src="img/week7-softmax-vs-torch.svg"' "$page"
has "versus: a missing PyTorch file gives the note naming it" \
    'comparison of week9 transpose with PyTorch .*missing: <code>book/tests/fixtures/h200/week9-torch\.json</code>\.' "$page"
has "versus, two peers: one column each, named from the file (env.peer)" \
    '^8192×1024 \| f32 \| 324\.0 \| 250\.0 \| softmax_online \| 200\.0 \| 1\.62× \| 1\.25× \| 8\.4$' "$table"
has "versus, two peers: a shape only one peer measured" '^4096×32768 \| f32 \| – \| 900\.0 \| none passed \| – \| – \| – \| –$' "$table"
has "versus, two peers: the caption names both" 'against PyTorch 0\.0\.0\+fixture and torch\.compile 0\.0\.0\+fixture' "$page"
check "versus, two peers: one plot with both" grep -qF 'f32 torch.compile' "$OUT/img/week7-softmax-vs-torch-and-torch-compile.svg"
has "versus: a missing peer file is a note while the others are shown" \
    'comparison of week7 softmax with torch-inductor .*missing: <code>book/tests/fixtures/h200/week7-torch-inductor\.json</code>' "$page"
check "versus: the peer that is there is still plotted" test -s "$OUT/img/week7-softmax-vs-torch-compile.svg"
printf '# Week 6\n\n@@VERSUS week7 softmax@@\n' >"$WORK/week6-versus.nw"
refuse "versus: a marker without a peer stops the build" book/build.sh --results $FIX/h200 "$WORK/book-versus" "$WORK/week6-versus.nw"
has "profile: the static table, five columns" '^Kernel \| Registers / thread \| Shared memory / block \(B\) \| Spills \(B\) \| Checks$' "$table"
has "profile: a kernel's instantiations as ranges" '^transpose_tiled \| 28–30 \| 2048–4096 \| 12 \| –$' "$table"
has "profile: a failed instruction check is shown" '^transpose_naive \| 12 \| 0 \| 0 \| failed: transpose_naive contains LDG\.E\.128$' "$table"
has "profile: passed checks are counted" '^copy_vec16 \| 32 \| 0 \| 0 \| 1 passed$' "$table"
has "profile: what the checks look for, folded, without name patterns" \
    '<details class="more"><summary>Instantiations and what the checks look for</summary>' "$page"
has "profile: the details name a check's opcodes" '^copy_vec16 \| 1 \| lacks LDL, STL$' "$table"
has "profile: the Nsight Compute table, five columns" \
    '^Variant \| DRAM % of peak \| Achieved occupancy % \| Bank conflicts ld / st \| Top warp stall$' "$table"
has "profile: a variant's five figures" '^transpose_naive \| 11\.8 \| 74\.8 \| – / – \| drain 96\.2$' "$table"
has "profile: the rest folded: kernel, µs, L2 hit, stalls" '^copy \| copy_vec16 \| 125\.5 \| 3\.1 \| long scoreboard 12\.8, wait 2\.5$' "$table"
lacks "profile: no branch uniformity" '[Bb]ranch uniformity' "$page"
has "profile: an option in a caption stays as typed (no en dash)" '<code>--clock-control none</code>' "$page"
has "profile: its caption names the ncu version and commit" 'Version 2099\.1\.0\.0 \(fake\), commit f1x7ure00001' "$page"

index=$(cat "$OUT/index.html")
has "index.html has the preface" 'make week0 &amp;&amp; make grade' "$index"
has "index.html links the chapter and its sections" 'href="sample.html".*|href="sample.html#measured"' "$index"
has "index.html lists the appendices" 'href="appendix-grader.html".*|href="appendix-results.html"' "$index"
has "index.html lists the instructors' pages" 'href="instructors.html"' "$index"
check "the grader appendix gives the tolerance formula" grep -qF 'wb_sum_bound' "$OUT/appendix-grader.html"
results=$(cat "$OUT/appendix-results.html")
has "the results appendix renders every results file, a table per op" '<h3 id="results-h200-week9-copy">copy</h3>' "$results"
has "the results appendix pivots as the chapters do" '<th style="text-align: right;">transpose_<wbr>tiled32</th>' "$results"
has "the results appendix gives the provenance" 'Driver 580\.159\.04, CUDA runtime 13\.0.*|<code>abc1234</code>' "$results"
has "the results appendix names the directory" 'committed under <code>book/tests/fixtures/</code>' "$results"
has "the identifier index files a kernel under kernels" 'href="sample.html#ix-transpose-naive"' \
    "$(sed -n '/id="index-kernel"/,/<h2/p' "$OUT/appendix-index.html")"
check "the identifier index links to the defining chunk" \
    grep -qF 'href="sample.html#nw-launch-the-naive-transpose"' "$OUT/appendix-index.html"
has "the identifier index files a launcher (wb_problem, not static) under launchers" 'href="sample.html#ix-launch-transpose-naive"' \
    "$(sed -n '/id="index-launcher"/,/<h2/p' "$OUT/appendix-index.html")"
lacks "a static helper named launch_* is not a launcher" 'ix-launch-status' \
    "$(sed -n '/id="index-launcher"/,/<h2/p' "$OUT/appendix-index.html")"
has "it is filed with the other names" 'href="sample.html#ix-launch-status"' \
    "$(sed -n '/id="index-other"/,$p' "$OUT/appendix-index.html")"

# exercises: the instructor's book shows the solution in a labelled box, never the markup
# (the sample's first region: BEGIN END STUB-LINES STUDENT-LINE WHAT)
read -r region_begin _ region_stubs _ _ < <(ci/student-edition.sh regions book/tests/sample.nw)
solution_line=$((region_begin + region_stubs + 1))
lacks "no solution markup in the instructor's book" 'SOLUTION (BEGIN|END)|^[[:space:]]*//:' "$text"
has "a solution region is a labelled box" \
    '^<p><strong>You write this:</strong> the row and column of this thread.s element</p>' \
    "$(grep -A1 '<div class="you-write">' "$html")"
has "the box holds the solution, numbered by its lesson lines" \
    "id=\"cb[0-9]+-$solution_line\"><a href=\"#cb[0-9]+-$solution_line\"></a>"'<span class="dt">int</span> c <span class="op">=</span> <span class="bu">blockIdx' "$page"
has "a guard is a note in the instructor's book" \
    '^<p><strong>Student edition only, a guard:</strong> delete this guard' \
    "$(grep -A1 '<div class="you-write guard">' "$html")"
lacks "the guard's stub is not shown to the instructor" 'return WB_NOT_IMPLEMENTED' "$text"

# citations: resolved from book/references.bib, listed at the chapter's end and in the appendix
has "a citation links to its reference" '<a href="#ref-milakov2018online" role="doc-biblioref">Milakov and Gimelshein 2018</a>' "$page"
has "the chapter lists its references before its indexes" 'id="references".*|id="ref-harris2007reduction"' "$page"
check "the references come before the chunk index" awk '/id="references"/ { r = NR } /id="nw-chunk-index"/ { c = NR } END { exit !(r && c && r < c) }' "$html"
check "the references appendix lists every entry" grep -qF 'id="ref-dao2022flashattention"' "$OUT/appendix-references.html"
has "an option in prose is kept as typed, as code" '<code>--clock-control</code> none or <code>make --no-print-directory</code>' "$page"

if [ -x /usr/bin/chromium ]; then
    for p in index sample; do shoot "$OUT" "$p" "$OUT/screenshots"; done
    same "no browser console errors" "" "$console_errors"
    # the probe sees what it must: the stylesheet of old, whose blank code
    # lines took no height, with prose 100 characters wide and pale numbers
    mkdir -p "$WORK/old-css"
    cp -r "$OUT"/. "$WORK/old-css/"
    sed -i -e 's/min-width: 100%; min-height: 1\.45em; vertical-align: top;/min-width: 100%;/' \
        -e 's/--measure: 64ch/--measure: none/' -e 's/--lineno: #6f767e/--lineno: #c9ced3/' "$WORK/old-css/book.css"
    old=$(layout "$WORK/old-css" sample 1280 light)
    has "the probe finds line numbers piled up on blank lines" '^problem line number of .* overlaps the one above it' "$old"
    has "the probe finds line numbers without contrast" '^problem pre\.numberSource .* has a contrast of' "$old"
    has "the probe measures a long prose line" '^measure prose-chars-per-line (8[1-9]|9[0-9]|1[0-9][0-9])' "$old"
    printf '<p style="width: 2000px">wide</p>\n' >>"$WORK/old-css/sample.html"
    has "the probe finds a page that scrolls sideways" '^problem the page is [0-9]+ px wide in a 390 px viewport' \
        "$(layout "$WORK/old-css" sample 390 dark)"
else
    skip "screenshots" "/usr/bin/chromium not installed"
fi
finish
