#!/usr/bin/env bash
# book/tests/test_figures.sh: every number in the lessons' prose comes from
# bench/results. No lesson types a measurement (a percentage, a GB/s, a time,
# a ratio) outside a figure []{.fig ...} or a [given]{.given} number: each is
# reported as LESSON:LINE by nwback -check-prose; and a figure the results do
# not hold stops the build at its LESSON:LINE. TAP, through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=book/tests/scratch.sh
. book/tests/scratch.sh
# shellcheck source=book/pages.sh
. book/pages.sh

lessons=(lessons/*.nw)
same "the lessons' prose types no measurement" "" "$(book_check_prose "$WORK/check" 2>&1)"

lessons=(book/tests/bad/typed.nw)
out=$(book_check_prose "$WORK/typed" 2>&1)
rc=$?
same "typed measurements are reported as LESSON:LINE, figures, given numbers and code are not" \
    "$(printf 'book/tests/bad/typed.nw:%s\n' '3: typed measurement "49.2%"' '4: typed measurement "1.5x"' \
        '4: typed measurement "3.2 TB/s"' '5: typed measurement "0.5170 ms"' '5: typed measurement "1.37 times"')" \
    "$(sed 's/: take it from.*//' <<<"$out")"
same "a typed measurement fails the check" 1 "$rc"
has "the message says what to write instead" 'take it from bench/results with \[\]\{\.fig \.\.\.\}' "$out"

if out=$(book/build.sh --results book/tests/fixtures/week4/h200 "$WORK/book" book/tests/bad/figure.nw 2>&1); then
    fail "a figure the results do not hold stops the build" "the build succeeded: $out"
else
    has "a figure the results do not hold stops the build at LESSON:LINE" \
        '^book/tests/bad/figure\.nw:4: figure: no row of week4\.json has variant=scale_nope' "$out"
    lacks "a figure the results hold is not reported" 'figure\.nw:3:' "$out"
fi
# a block that needs a file (::: {.needs of=grade-speed.json}): a note where
# the results lack it, its figures where they hold it
notes() { sed 's/<[^>]*>//g' "$1/appendix-grader.html" | tr -s ' \n' ' '; }
if book/build.sh --results book/tests/fixtures/week4/h200 "$WORK/no-speed" book/tests/sample.nw \
    >"$WORK/no-speed.log" 2>&1; then
    has "without grade-speed.json the grader appendix says so, and the book builds" \
        'No grade-speed.json in .* yet: make grade-speed writes it' "$(notes "$WORK/no-speed")"
else
    fail "without grade-speed.json the book builds" "$(tail -n 3 "$WORK/no-speed.log")"
fi
mkdir -p "$WORK/speed"
cp book/tests/fixtures/week4/h200/* "$WORK/speed/"
jq -n '{schema: "workbook-grade-speed/1", env: {gpu: "Test"},
        runs: [("week0-time", "week0-correct", "week1-time", "week1-correct", "week2-time",
                "week2-correct", "week0-time-no-defences", "week1-time-no-defences",
                "week2-time-no-defences") as $n
               | {name: $n, wall_s: ($n | length)}]}' >"$WORK/speed/grade-speed.json"
if book/build.sh --results "$WORK/speed" "$WORK/with-speed" book/tests/sample.nw >"$WORK/with-speed.log" 2>&1; then
    has "with grade-speed.json the appendix quotes its runs" 'week 0 took 10\.0 s with --time and 13\.0 s for correctness' \
        "$(notes "$WORK/with-speed")"
    has "and sums the weeks (agg=sum)" '30\.0 s for the three weeks' "$(notes "$WORK/with-speed")"
    lacks "and says no note" 'No grade-speed\.json' "$(notes "$WORK/with-speed")"
else
    fail "with grade-speed.json the book builds" "$(tail -n 3 "$WORK/with-speed.log")"
fi
finish
