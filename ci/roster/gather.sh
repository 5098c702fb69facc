#!/usr/bin/env bash
# gather.sh: the class report, from the records grade-one.sh wrote:
# OUT/class.csv and OUT/summary.txt (which it also prints).
#
#   ci/roster/gather.sh OUT
#
# One CSV row per student and week of the plan (OUT/plan.tsv), in its order:
#   student, week, correctness, performance, total, verdict,
#   max, reason, gpu, gpu_uuid, gpu_index, cuda_visible_devices, seconds
# (points as the grader's report gives them; a week that never reached the
# grader has 0 points and the week's maximum from the other reports). A
# student and week without a record is "not_graded". The summary adds the
# count of each verdict, the GPUs that graded the class and, when their
# models differ, says so and gives the performance points per model:
# performance points are always earned against a baseline timed on the same
# GPU in the same run, so they are comparable; times are not.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/roster/lib.sh
. "$here/lib.sh"

out=${1:?usage: ci/roster/gather.sh OUT}
[ -s "$out/plan.tsv" ] || roster_die "$out/plan.tsv: no plan"
mapfile -t weeks < <(roster_weeks "$out/kit" "${ROSTER_WEEKS:-}")

# every record of the plan, in its order; a placeholder where there is none
records=$(
    while IFS=$'\t' read -r student _; do
        for week in "${weeks[@]}"; do
            r=$out/students/$student/$week/record.json
            if [ -f "$r" ]; then
                cat "$r"
            else
                jq -n --arg s "$student" --arg w "$week" '{student: $s, week: $w, verdict: "not_graded",
                    reason: "no record: the roster stopped before this submission, or grading it failed (students/\($s)/grade-one.log)",
                    correctness: 0, performance: 0, total: 0, max: null, gpu: "", gpu_uuid: "",
                    gpu_index: "", cuda_visible_devices: "", scheduled_gpu_uuid: "", seconds: {}}'
            fi
        done
    done <"$out/plan.tsv" | jq -s '
        # a week that never reached the grader still shows its maximum
        (map(select(.max != null) | {(.week): .max}) | add // {}) as $max
        | map(.max //= $max[.week])'
)

csv_tmp=$out/class.csv.tmp
{
    echo 'student,week,correctness,performance,total,verdict,max,reason,gpu,gpu_uuid,gpu_index,cuda_visible_devices,seconds'
    jq -r '.[] | [.student, .week, .correctness, .performance, .total, .verdict, .max, .reason,
        .gpu, .gpu_uuid, .gpu_index, .cuda_visible_devices,
        ([.seconds[]? // 0] | add // 0)] | @csv' <<<"$records"
} >"$csv_tmp"
mv "$csv_tmp" "$out/class.csv"

summary_tmp=$out/summary.txt.tmp
jq -r --arg out "$out" '
    def num: if . == null then "-" elif (. | floor) == . then tostring else (. * 100 | round / 100 | tostring) end;
    def pad(n): tostring | if length >= n then . else . + (" " * (n - length)) end;
    def lpad(n): tostring | if length >= n then . else (" " * (n - length)) + . end;
    (map(.student) | unique | length) as $students
    | (map(select(.gpu != "")) | group_by(.gpu) | map({gpu: .[0].gpu, n: length,
        uuids: (map(.gpu_uuid) | unique),
        perf: (map(.performance // 0) | add / length)})) as $models
    | "class report: \($out) (\($students) students, \(map(.week) | unique | join(", ")))",
      (if ($models | length) == 0 then "GPUs: none (nothing was timed)"
       else "GPUs: " + ($models | map("\(.gpu) (\(.uuids | length) GPU(s), \(.n) graded weeks)") | join("; ")) end),
      (if ($models | length) > 1 then
         "note: the class was graded on different GPU models. Performance points compare each submission with the baseline timed on its own GPU in the same run, so points are comparable; times are not. Performance points per model: "
         + ($models | map("\(.gpu): mean \(.perf | num)") | join("; "))
       else empty end),
      (.[] | select(.scheduled_gpu_uuid != "" and .gpu_uuid != "" and .scheduled_gpu_uuid != .gpu_uuid)
         | "warning: \(.student) \(.week) was scheduled on \(.scheduled_gpu_uuid) but its report names \(.gpu_uuid)"),
      (group_by(.student)[] | select(map(.gpu_uuid | select(. != "")) | unique | length > 1)
         | "warning: \(.[0].student) was graded on several GPUs: \(map(.gpu_uuid) | unique | join(", "))"),
      "",
      ("student" | pad(20)) + ("week" | pad(7)) + ("correct" | lpad(8)) + ("perf" | lpad(8))
        + ("total" | lpad(8)) + ("max" | lpad(6)) + "  " + ("verdict" | pad(13)) + "reason",
      (.[] | (.student | pad(20)) + (.week | pad(7)) + (.correctness | num | lpad(8))
        + (.performance | num | lpad(8)) + (.total | num | lpad(8)) + (.max | num | lpad(6)) + "  "
        + (.verdict | pad(13)) + (.reason | if length > 100 then .[0:97] + "..." else . end)),
      "",
      "verdicts: " + (group_by(.verdict) | map("\(.[0].verdict) \(length)") | join(", "))
    ' <<<"$records" >"$summary_tmp"
mv "$summary_tmp" "$out/summary.txt"
cat "$out/summary.txt"
echo "class CSV: $out/class.csv"
