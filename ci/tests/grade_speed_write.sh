#!/usr/bin/env bash
# grade_speed_write.sh: bench/grade_speed.sh's file from recorded runs, no
# GPU needed (`grade_speed.sh RESULTS write`): the totals sum the runs
# present, "missing" names each week and mode without one, and the env is
# the first run's.
set -euo pipefail
cd "$(dirname "$0")/../.."
. ci/tests/tap.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
work=$tmp/work
mkdir -p "$work/week0-time"
echo '{"env": {"gpu": "NVIDIA Test GPU", "driver": "1.0", "commit": "abc"}, "results": []}' \
    >"$work/week0-time/week0.json"
run() { # run NAME WEEK MODE WALL
    jq -n -c --arg n "$1" --arg w "$2" --arg m "$3" --argjson s "$4" \
        '{name: $n, week: $w, engine: "worker", mode: $m, wall_s: $s, tests: 1, passed: 1,
          failed: 0, env: {gpu: "NVIDIA Test GPU", driver: "1.0", commit: "abc"}}'
}
{ run week0-time week0 time 10.5; run week0-correct week0 correctness 4; run week1-time week1 time 20; } \
    >"$work/runs.jsonl"
file=$tmp/results/test-gpu/grade-speed.json
check "write makes RESULTS/<gpu>/grade-speed.json from the recorded runs" \
    env GRADE_SPEED_WORK="$work" bench/grade_speed.sh "$tmp/results" write
same "the totals sum the runs present" "30.5 4" "$(jq -r '"\(.totals.time_s) \(.totals.correctness_s)"' "$file" 2>/dev/null)"
has "missing names each week and mode without a run" 'week1-correctness' \
    "$(jq -r '.missing[]' "$file" 2>/dev/null)"
lacks "missing does not name a week and mode that ran" 'week0-time' "$(jq -r '.missing[]' "$file" 2>/dev/null)"
same "the env is the first run's" "abc" "$(jq -r .env.commit "$file" 2>/dev/null)"
has "an unknown part is refused, naming the parts" 'unknown part' \
    "$(GRADE_SPEED_WORK=$work bench/grade_speed.sh "$tmp/results" nonsense 2>&1 || true)"
finish
