#!/usr/bin/env bash
# perf-smoke.sh: GPU CI's performance smoke check. Compares the times in
# grader JSON reports (from `make bench`) with the committed benchmark of the
# same GPU model, bench/results/<gpu>/weekN.json.
#
#   ci/perf-smoke.sh [--margin PCT] [--results DIR] REPORT.json...
#
# For each op, dtype and shape of the committed file, its best variant is the
# one with the shortest committed time; that variant must be at most PCT
# percent slower in the report (default 20: more than the run-to-run spread of
# a median of many repetitions, less than any real regression worth a look).
# A report whose GPU has no committed file, or no GPU at all, is skipped with
# that reason, and so is a best variant the report did not time. A wrong
# result of a best variant fails. DIR defaults to bench/results. One line per
# comparison, then "N passed, N failed, N skipped"; exit 1 when one failed,
# 2 when a file is missing or not a workbook-results/1 report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=grader/profile/lib.sh
. "$here/../grader/profile/lib.sh" # gpu_folder: the folder name the grader gives a GPU

margin=20 results=bench/results
usage() { echo "usage: ci/perf-smoke.sh [--margin PCT] [--results DIR] REPORT.json..." >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
        --margin | --results) [ $# -ge 2 ] || usage ;;&
        --margin) margin=$2; shift 2 ;;
        --results) results=$2; shift 2 ;;
        -*) usage ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || usage
[[ $margin =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "perf-smoke: --margin wants a percentage, got '$margin'" >&2; exit 2; }
command -v jq >/dev/null || { echo "perf-smoke: jq not found (ci/setup.sh installs it)" >&2; exit 2; }

# a workbook-results/1 report, or exit 2 naming the file
check_report() {
    [ -f "$1" ] || { echo "perf-smoke: $1: no such file" >&2; exit 2; }
    jq -e '.schema == "workbook-results/1" and (.results | type == "array")' "$1" >/dev/null 2>&1 ||
        { echo "perf-smoke: $1: not a workbook-results/1 report" >&2; exit 2; }
}

# one line per best variant of the committed file: STATUS<TAB>TEXT, where
# STATUS is ok, fail or skip
# shellcheck disable=SC2016 # jq's variables, not the shell's
compare_jq='
def shape: "\(.rows)x\(.cols)";
def r4: . * 10000 | round / 10000;
def pct: (. * 1000 | round / 10) as $p | if $p >= 0 then "+\($p)%" else "\($p)%" end;
($committed[0].results | map(select(.ran and .passed and .ms != null))
 | group_by([.op, .dtype, .rows, .cols]) | map(min_by(.ms))) as $best
| .results as $now
| $best[] as $b
| "\(.week) \($b.variant) \($b.op) \($b.dtype) \($b | shape)" as $name
| ($now | map(select(.variant == $b.variant and .op == $b.op and .dtype == $b.dtype
                     and .rows == $b.rows and .cols == $b.cols)) | first) as $n
| if $n == null then "skip\t\($name): not in this report"
  elif ($n.skipped // false) then "skip\t\($name): not run (\($n.message))"
  elif ($n.passed | not) then "fail\t\($name): wrong result (\($n.category)): \($n.message)"
  elif $n.ms == null then "skip\t\($name): not timed"
  else ($n.ms / $b.ms - 1) as $slower
    | "\(if $slower * 100 > $margin then "fail" else "ok" end)\t\($name): \($n.ms | r4) ms, committed \($b.ms | r4) ms (\($slower | pct)\(if $slower * 100 > $margin then ", over the \($margin)% margin" else "" end))"
  end'

passed=0 failed=0 skipped=0
count() {
    case $1 in
        ok) passed=$((passed + 1)); printf 'ok   %s\n' "$2" ;;
        fail) failed=$((failed + 1)); printf 'FAIL %s\n' "$2" ;;
        skip) skipped=$((skipped + 1)); printf 'skip %s\n' "$2" ;;
    esac
}

for report in "$@"; do
    check_report "$report"
    week=$(jq -r '.week' "$report")
    if [ "$(jq -r '.env.have_device' "$report")" != true ]; then
        count skip "$week: $report ran without a GPU ($(jq -r '.env.no_device_reason // ""' "$report"))"
        continue
    fi
    gpu=$(jq -r '.env.gpu' "$report")
    committed=$results/$(gpu_folder "$gpu")/$week.json
    if [ ! -f "$committed" ]; then
        count skip "$week: no committed benchmark for the $gpu ($committed); make bench WEEK=${week#week} on one writes it"
        continue
    fi
    check_report "$committed"
    committed_gpu=$(jq -r '.env.gpu' "$committed")
    if [ "$committed_gpu" != "$gpu" ]; then
        count skip "$week: $committed is of the $committed_gpu, this run of the $gpu"
        continue
    fi
    echo "$week on the $gpu against $committed ($(jq -r '"commit \(.env.commit), \(.env.date)"' "$committed")), margin $margin%"
    lines=$(jq -r --slurpfile committed "$committed" --argjson margin "$margin" "$compare_jq" "$report")
    [ -n "$lines" ] || { count skip "$week: $committed holds no passed, timed test"; continue; }
    while IFS=$'\t' read -r status text; do
        count "$status" "$text"
    done <<<"$lines"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
