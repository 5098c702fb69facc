#!/usr/bin/env bash
# junit.sh: gather a CI run's JUnit XML in one folder for the CI's test tab and
# artifacts, and print a Markdown summary of it (a GitHub job summary).
#
#   ci/junit.sh OUT TAP_DIR [REPORT_DIR...]
#
# TAP_DIR holds the TAP of each test program, as prove leaves it when
# PERL_TEST_HARNESS_DUMP_TAP=TAP_DIR (one file per test, named after it):
# each becomes OUT/tap/NAME.junit.xml through tap2junit (Debian's
# libtap-formatter-junit-perl). The grader writes JUnit itself: every
# *.junit.xml under the REPORT_DIRs is copied to OUT/reports/. A missing
# folder is one line saying so. OUT is emptied first. Exit 0 whatever the
# tests' verdicts (they fail their own steps); 2 when a tool is missing or a
# file cannot be converted or read.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: ci/junit.sh OUT TAP_DIR [REPORT_DIR...]" >&2; exit 2; }
out=$1 tap_dir=$2
shift 2
for tool in tap2junit xmllint; do
    command -v "$tool" >/dev/null || { echo "junit: $tool not found (ci/setup.sh installs it)" >&2; exit 2; }
done
rm -rf "$out"
mkdir -p "$out"

if [ -d "$tap_dir" ]; then
    while IFS= read -r -d '' tap; do
        name=${tap#"$tap_dir"/}
        mkdir -p "$out/tap/$(dirname "$name")"
        cp "$tap" "$out/tap/$name"
        tap2junit --name "$name" --suffix .junit.xml "$out/tap/$name" >/dev/null ||
            { echo "junit: tap2junit could not convert $tap" >&2; exit 2; }
        rm "$out/tap/$name"
    done < <(find "$tap_dir" -type f -print0 | sort -z)
else
    echo "junit: no TAP folder $tap_dir (prove writes one when PERL_TEST_HARNESS_DUMP_TAP names it)" >&2
fi
for dir in "$@"; do
    if [ ! -d "$dir" ]; then
        echo "junit: no report folder $dir" >&2
        continue
    fi
    while IFS= read -r -d '' xml; do
        name=${xml#"$dir"/}
        mkdir -p "$out/reports/$(dirname "$name")"
        cp "$xml" "$out/reports/$name"
    done < <(find "$dir" -type f -name '*.junit.xml' -print0 | sort -z)
done

# count XPATH FILE: a number from the file, or exit 2 naming it
count() { xmllint --xpath "$1" "$2" 2>/dev/null || { echo "junit: $2 is not well-formed XML" >&2; exit 2; }; }

echo "### Test results (JUnit)"
echo
files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$out" -type f -name '*.junit.xml' -print0 | sort -z)
if [ ${#files[@]} -eq 0 ]; then
    echo "No JUnit files: no test wrote TAP to $tap_dir and no report folder held a .junit.xml."
    exit 0
fi
echo "| file | tests | failed | skipped |"
echo "|:--|--:|--:|--:|"
total=0 failed=0 skipped=0 failures=()
for f in "${files[@]}"; do
    t=$(count 'count(//testcase)' "$f")
    x=$(count 'count(//testcase[failure or error])' "$f")
    s=$(count 'count(//testcase[skipped])' "$f")
    total=$((total + t)) failed=$((failed + x)) skipped=$((skipped + s))
    echo "| ${f#"$out"/} | $t | $x | $s |"
    for ((i = 1; i <= x && ${#failures[@]} < 20; i++)); do
        case_path="(//testcase[failure or error])[$i]"
        label=$(count "string($case_path/@classname)" "$f")
        [ -n "$label" ] || label=$(count "string($case_path/../@name)" "$f") # tap2junit leaves classname out
        failures+=("$label: $(count "string($case_path/@name)" "$f")")
    done
done
echo
echo "**$total tests, $failed failed, $skipped skipped** (JUnit files under \`$out\`)."
if [ "$failed" -gt 0 ]; then
    echo
    echo "Failed (the first ${#failures[@]}):"
    echo
    # shellcheck disable=SC2016 # Markdown's backquotes, not the shell's
    printf -- '- `%s`\n' "${failures[@]}"
fi
