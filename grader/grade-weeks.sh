#!/usr/bin/env bash
# grade-weeks.sh: `make grade` without WEEK: grade every week, one after
# another (each with `make grade WEEK=N`, so each week's table and reports
# are as usual), then one summary table read from the reports.
#
#   grader/grade-weeks.sh REPORT_DIR WEEK...
# Exit status: the worst of the weeks' (0 all passed, 1 some failed, 2 could not run).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
dir=${1:?usage: grader/grade-weeks.sh REPORT_DIR WEEK...}
shift
worst=0
declare -A wall
for w in "$@"; do
    t0=$(date +%s)
    ${MAKE:-make} --no-print-directory grade WEEK="${w#week}"
    rc=$?
    wall[$w]=$(($(date +%s) - t0))
    [ "$rc" -gt "$worst" ] && worst=$rc
done
echo
printf '%-7s %6s %7s %7s %8s %9s %7s\n' week tests passed failed skipped points seconds
for w in "$@"; do
    report=$dir/$w.json
    if [ ! -f "$report" ]; then
        printf '%-7s %s\n' "$w" "no report ($report): the grader could not run"
        continue
    fi
    jq -r --arg w "$w" --arg s "${wall[$w]}" '
        [.results[]] as $r
        | [$w, ($r | length), ([$r[] | select(.passed)] | length),
           ([$r[] | select((.passed | not) and (.skipped | not))] | length),
           ([$r[] | select(.skipped)] | length),
           (if .score then "\(.score.total * 10 | round / 10)/\(.score.max)" else "-" end), $s]
        | @tsv' "$report" |
        awk -F'\t' '{ printf "%-7s %6s %7s %7s %8s %9s %7s\n", $1, $2, $3, $4, $5, $6, $7 }'
done
exit "$worst"
