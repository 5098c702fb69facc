#!/usr/bin/env bash
# gpu_job.sh: host tests of ci/gpu-job.sh, what a GPU CI job runs, in a clone
# of this checkout with stand-ins for make (ci/tests/fixtures/ci/make-bin/)
# and nvidia-smi (ci/tests/fixtures/ci/bin/) first on PATH. No GPU needed.
# Covers: every week graded, each after a wait for the GPU, its Gradescope file
# kept; a failed week fails the part and the rest still run; the benches
# compared with the committed results, kept aside; the report part's summary;
# the table of parts; unknown parts. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. ci/tests/tap.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! git clone --quiet . "$tmp/clone" 2>"$tmp/clone.err"; then
    skip "ci/gpu-job.sh" "cannot clone this checkout: $(head -n 1 "$tmp/clone.err")"
    finish
    exit
fi
# the clone has what git tracks; the checkers the report part needs are tools on PATH
stand_ins=$PWD/ci/tests/fixtures/ci
weeks=$(for l in lessons/week*-*.nw; do b=$(basename "$l"); echo "${b%%-*}"; done)
# job PART...: run ci/gpu-job.sh in the clone; stdout to $tmp/stdout, stderr to $tmp/stderr
job() {
    : >"$tmp/calls"
    (cd "$tmp/clone" && env -u CUDA_VISIBLE_DEVICES PATH="$stand_ins/make-bin:$stand_ins/bin:$PATH" \
        FAKE_SMI_DIR="$tmp" FAKE_FAIL_WEEK="${FAKE_FAIL_WEEK:-}" ci/gpu-job.sh "$@" >"$tmp/stdout" 2>"$tmp/stderr")
}

# ---- grade: every week, each after a wait
job grade; rc=$?
same "grade: exit 0 when every week passes" 0 "$rc"
want=$(for w in $weeks; do
    echo "--query-compute-apps=gpu_uuid,pid,process_name,used_memory --format=csv,noheader"
    echo "make --no-print-directory grade WEEK=$w"
done)
same "grade: every week, each after a wait for the GPU" "$want" "$(cat "$tmp/calls")"
for w in $weeks; do
    same "grade: $w's Gradescope file kept" "{\"week\": \"$w\"}" "$(cat "$tmp/clone/build/reports/gradescope/$w.json" 2>&1)"
done
has "grade: the table of parts, on stderr" '^grade +ok +[0-9]+ s$' "$(cat "$tmp/stderr")"

fail_week=$(head -n 1 <<<"$weeks")
FAKE_FAIL_WEEK=$fail_week job grade; rc=$?
same "grade: a failed week fails the job" 1 "$rc"
same "grade: the weeks after a failed one still run" "$(wc -l <<<"$weeks")" "$(grep -c 'grade WEEK=' "$tmp/calls")"
has "grade: the table says FAIL" '^grade +FAIL ' "$(cat "$tmp/stderr")"

# ---- perf: every week benched after a wait, then compared with the committed results
job perf; rc=$?
same "perf: exit 0 when the times match the committed ones" 0 "$rc"
same "perf: every week benched, each after a wait" "$(wc -l <<<"$weeks") $(wc -l <<<"$weeks")" \
    "$(grep -c 'make --no-print-directory bench WEEK=' "$tmp/calls") $(grep -c 'query-compute-apps' "$tmp/calls")"
same "perf: the committed results kept aside before the benches" "" \
    "$(diff -r "$tmp/clone/bench/results" "$tmp/clone/build/perf-smoke/committed" 2>&1)"
check=$(cat "$tmp/clone/build/perf-smoke/check.txt" 2>&1)
has "perf: the smoke check's verdicts kept" '^[1-9][0-9]* passed, 0 failed, 0 skipped$' "$check"
has "perf: compared with the copy" 'against build/perf-smoke/committed/h200/week0\.json' "$check"

# ---- report: the JUnit files and the summary on stdout
job report; rc=$?
same "report: exit 0" 0 "$rc"
has "report: the JUnit summary on stdout" '^### Test results \(JUnit\)$' "$(cat "$tmp/stdout")"
has "report: the smoke check in the summary" '^### Performance smoke check$' "$(cat "$tmp/stdout")"
lacks "report: no table of parts on stdout" '^part +status' "$(cat "$tmp/stdout")"

# ---- several parts, and unknown ones
FAKE_FAIL_WEEK=$fail_week job grade report; rc=$?
same "grade report: one failed part fails the job" 1 "$rc"
has "grade report: the report part still runs after it" '^report +ok ' "$(cat "$tmp/stderr")"
job grade bogus; rc=$?
same "an unknown part: exit 2 before anything runs" "2 0" "$rc $(wc -l <"$tmp/calls" | tr -d ' ')"
has "an unknown part: names it and the known ones" "^gpu-job: unknown part 'bogus' \(build test grade perf" "$(cat "$tmp/stderr")"

finish
