#!/usr/bin/env bash
# junit_writer.sh: host tests of ci/junit.sh, which gathers a CI run's JUnit
# XML (TAP that prove kept, converted by tap2junit; the grader's own
# .junit.xml reports) and prints the Markdown summary. No GPU needed. Covers:
# nested TAP files, passes, failures and skips counted from the XML, the
# failures named, missing folders, an emptied OUT, prove keeping TAP where
# PERL_TEST_HARNESS_DUMP_TAP says, malformed XML, a missing tool. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. ci/tests/tap.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/tap/ci/tests" "$tmp/tap/book" "$tmp/reports/test"
printf 'TAP version 13\n1..3\nok 1 - parses\nnot ok 2 - rejects a bad flag\n# wanted exit 2\nok 3 - a GPU case # SKIP no GPU\n' \
    >"$tmp/tap/ci/tests/grader_cli.sh"
printf '1..2\nok 1 - links\nok 2 - chunks\n' >"$tmp/tap/book/run.sh"
cat >"$tmp/reports/test/week0.junit.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="week0" tests="3" failures="1" errors="0" skipped="1">
  <testsuite name="week0" tests="3" failures="1" errors="0" skipped="1">
    <testcase classname="week0.copy" name="f32/1x1"/>
    <testcase classname="week0.copy" name="f16/255x257"><failure message="y[3][250]" type="wrong">y[3][250]: expected 0.5, got nan</failure></testcase>
    <testcase classname="week0.transpose_best" name="f32/1x1"><skipped/></testcase>
  </testsuite>
</testsuites>
EOF
echo "<testsuites/>" >"$tmp/reports/test/week0.json" # not JUnit: left out

mkdir -p "$tmp/out"
touch "$tmp/out/stale.junit.xml"
out=$(ci/junit.sh "$tmp/out" "$tmp/tap" "$tmp/reports" 2>&1); rc=$?
same "exit 0 whatever the verdicts" 0 "$rc"
same "one JUnit file per TAP file and per report, nothing stale" \
    "reports/test/week0.junit.xml tap/book/run.sh.junit.xml tap/ci/tests/grader_cli.sh.junit.xml" \
    "$(cd "$tmp/out" && find . -type f | sed 's|^\./||' | sort | paste -sd' ' -)"
same "a converted TAP file is JUnit with its test cases" 3 \
    "$(xmllint --xpath 'count(//testcase)' "$tmp/out/tap/ci/tests/grader_cli.sh.junit.xml")"
same "a converted TAP file keeps its failure" 1 \
    "$(xmllint --xpath 'count(//testcase[failure])' "$tmp/out/tap/ci/tests/grader_cli.sh.junit.xml")"
same "a report is copied as it was" "$(cat "$tmp/reports/test/week0.junit.xml")" "$(cat "$tmp/out/reports/test/week0.junit.xml")"
has "the summary's heading" '^### Test results \(JUnit\)$' "$out"
has "a row per file: the report" '^\| reports/test/week0\.junit\.xml \| 3 \| 1 \| 1 \|$' "$out"
has "a row per file: a TAP file" '^\| tap/ci/tests/grader_cli\.sh\.junit\.xml \| 3 \| 1 \| 0 \|$' "$out"
has "the totals" "^\*\*8 tests, 2 failed, 1 skipped\*\* \(JUnit files under \`$tmp/out\`\)\.$" "$out"
# shellcheck disable=SC2016 # Markdown's backquotes, not the shell's
has "a failure named by class and case" '^- `week0\.copy: f16/255x257`$' "$out"
# shellcheck disable=SC2016 # Markdown's backquotes, not the shell's
has "a TAP failure named by its suite" '^- `ci_tests_grader_cli_sh: 2 - rejects a bad flag`$' "$out"

out=$(ci/junit.sh "$tmp/out" "$tmp/no-tap" "$tmp/reports" "$tmp/no-reports" 2>&1); rc=$?
same "missing folders: exit 0" 0 "$rc"
has "a missing TAP folder: one line saying so" "^junit: no TAP folder $tmp/no-tap " "$out"
has "a missing report folder: one line saying so" "^junit: no report folder $tmp/no-reports$" "$out"
has "missing folders: the rest is still gathered" '^\*\*3 tests, 1 failed, 1 skipped\*\*' "$out"

out=$(ci/junit.sh "$tmp/out" "$tmp/no-tap" 2>/dev/null); rc=$?
same "nothing at all: exit 0" 0 "$rc"
has "nothing at all: says so" '^No JUnit files' "$out"

mkdir -p "$tmp/broken"
echo '<testsuites><testsuite>' >"$tmp/broken/week9.junit.xml"
out=$(ci/junit.sh "$tmp/out" "$tmp/no-tap" "$tmp/broken" 2>&1); rc=$?
same "malformed XML: exit 2" 2 "$rc"
has "malformed XML: names the file" "^junit: $tmp/out/reports/week9\.junit\.xml is not well-formed XML$" "$out"

# the contract with the test runner: prove keeps each program's TAP where
# PERL_TEST_HARNESS_DUMP_TAP says, under the program's name
mkdir -p "$tmp/t"
printf '#!/bin/sh\necho 1..2\necho ok 1 - first\necho not ok 2 - second\n' >"$tmp/t/two.sh"
chmod +x "$tmp/t/two.sh"
(cd "$tmp" && PERL_TEST_HARNESS_DUMP_TAP=$tmp/spool prove --exec '' t/two.sh >/dev/null 2>&1)
out=$(ci/junit.sh "$tmp/out" "$tmp/spool" 2>&1); rc=$?
same "prove's kept TAP: exit 0" 0 "$rc"
has "prove's kept TAP: one JUnit file named after the program" '^\| tap/t/two\.sh\.junit\.xml \| 2 \| 1 \| 0 \|$' "$out"

mkdir -p "$tmp/bin"
for tool in env bash; do ln -s "$(command -v "$tool")" "$tmp/bin/$tool"; done
out=$(PATH="$tmp/bin" ci/junit.sh "$tmp/out" "$tmp/tap" 2>&1); rc=$?
same "tap2junit missing: exit 2" 2 "$rc"
has "tap2junit missing: says where it comes from" '^junit: tap2junit not found \(ci/setup.sh installs it\)$' "$out"

finish
