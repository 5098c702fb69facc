#!/usr/bin/env bash
# check-class.sh: compare a graded test class (ci/roster/make-class.sh) with
# what each submission must get.
#
#   ci/roster/check-class.sh [--gpu] CLASS OUT
#
# Reads CLASS/expected.tsv, the week 0 records and OUT/class.csv; without --gpu the
# verdicts expected without a GPU, with --gpu those on a GPU, where the
# correctness points each loses against full-marks are checked too. The
# reason must match the expected expression, and every student needs a
# Gradescope results.json (and a grader report when the grader ran). Prints
# one line per check and "N passed, N failed".
set -euo pipefail

gpu=0
if [ "${1:-}" = --gpu ]; then
    gpu=1
    shift
fi
class=${1:?usage: ci/roster/check-class.sh [--gpu] CLASS OUT}
out=${2:?usage: ci/roster/check-class.sh [--gpu] CLASS OUT}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/tests/tap.sh
. "$here/../tests/tap.sh"

[ -f "$out/class.csv" ] || { echo "check-class: $out/class.csv: no class CSV" >&2; exit 2; }
csv=$(<"$out/class.csv")
# row STUDENT: "verdict<TAB>correctness<TAB>reason" from its week 0 record,
# once the class CSV holds the same figures (the start of its row, written
# the way gather.sh writes it)
row() {
    local record=$out/students/$1/week0/record.json start
    [ -f "$record" ] || return 0
    start=$(jq -r '[.student, .week, .correctness, .performance, .total, .verdict] | @csv' "$record")
    if [[ $csv != *$'\n'"$start,"* ]]; then
        fail "$1: class.csv has the record's row" "$(printf 'wanted a row starting %s' "$start")"
        return 0
    fi
    jq -r '[.verdict, (.correctness | tostring), .reason] | join("\t")' "$record"
}

full=$(row full-marks | cut -f2)
while IFS=$'\t' read -r student no_gpu on_gpu lost reason; do
    [ "$student" = student ] && continue
    want=$([ "$gpu" = 1 ] && echo "$on_gpu" || echo "$no_gpu")
    got=$(row "$student")
    if [ -z "$got" ]; then
        fail "$student: a row in class.csv"
        continue
    fi
    IFS=$'\t' read -r verdict points why <<<"$got"
    same "$student: verdict" "$want" "$verdict"
    if [ -n "$reason" ] && [ "$want" != no_device ]; then
        has "$student: reason" "$reason" "$why"
    fi
    if [ "$gpu" = 1 ]; then
        if [ "$lost" = all ]; then
            same "$student: correctness points" 0 "$points"
        else
            same "$student: correctness points" "$(awk -v f="$full" -v l="$lost" 'BEGIN { print f - l }')" "$points"
        fi
    fi
    dir=$out/students/$student/week0
    if [ -f "$dir/report/results.json" ] && jq -e '.score != null and (.tests | type) == "array"' \
        "$dir/report/results.json" >/dev/null; then
        pass "$student: Gradescope results.json"
    else
        fail "$student: Gradescope results.json" "$(ls -l "$dir/report" 2>&1)"
    fi
    case $want in
    passed | failed | no_device)
        if [ -f "$dir/report/week0.json" ]; then pass "$student: the grader's report"; else fail "$student: the grader's report"; fi
        ;;
    esac
done <"$class/expected.tsv"
finish
