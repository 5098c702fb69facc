#!/usr/bin/env bash
# record.sh: write one student's record of one week (WEEKDIR/record.json,
# schema workbook-roster-record/1), the roster's one writer of records, and
# print its line of progress.
#
#   ci/roster/record.sh WEEKDIR STUDENT WEEK VERDICT REASON SECONDS [REPORT]
#
# SECONDS is a JSON object of seconds per step ({"build": 3, ...}); REPORT
# the grader's JSON report, when it wrote one: the points (correctness and
# performance summed from its score items, its total and maximum), the test
# counts and the GPU (gpu, gpu_uuid, gpu_index of its env) come from there.
# Without a report the points are 0. The environment adds what the scheduler
# decided: CUDA_VISIBLE_DEVICES as it was given, ROSTER_GPU_UUID (the GPU it
# meant) and ROSTER_SLOT. The file is written under a temporary name and
# renamed, so a record is whole or absent.
set -euo pipefail

if [ $# -lt 6 ] || [ $# -gt 7 ]; then
    echo "usage: ci/roster/record.sh WEEKDIR STUDENT WEEK VERDICT REASON SECONDS [REPORT]" >&2
    exit 2
fi
dir=$1 student=$2 week=$3 verdict=$4 reason=$5 seconds=$6 report=${7:-}
jq -n --arg student "$student" --arg week "$week" --arg verdict "$verdict" --arg reason "$reason" \
    --arg cvd "${CUDA_VISIBLE_DEVICES-}" --arg scheduled "${ROSTER_GPU_UUID:-}" \
    --arg slot "${ROSTER_SLOT:-0}" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --argjson seconds "$seconds" --arg reportpath "${report:+report/${report##*/}}" \
    --slurpfile r "${report:-/dev/null}" '
    ($r[0] // null) as $rep
    | def pts(k):
        if $rep == null then 0
        elif $rep.score then ([$rep.score.items[] | select(.kind == k) | .points] | add // 0)
        else null end;
    {
      schema: "workbook-roster-record/1",
      student: $student, week: $week, verdict: $verdict, reason: $reason,
      correctness: pts("correctness"), performance: pts("performance"),
      total: (if $rep == null then 0 else $rep.score.total end),
      max: ($rep.score.max // null),
      tests: ($rep.summary // null),
      gpu: ($rep.env.gpu // ""), gpu_uuid: ($rep.env.gpu_uuid // ""),
      gpu_index: ($rep.env.gpu_index // ""),
      cuda_visible_devices: $cvd, scheduled_gpu_uuid: $scheduled, slot: ($slot | tonumber),
      seconds: $seconds,
      report: (if $reportpath == "" then null else $reportpath end),
      date: $date
    }' >"$dir/record.json.tmp"
mv "$dir/record.json.tmp" "$dir/record.json"
printf '%-20s %-6s %-13s %s\n' "$student" "$week" "$verdict" "$reason"
