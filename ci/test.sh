#!/usr/bin/env bash
# test.sh: the workbook's test command (`make test`; .ci/run calls it).
#
# Stages run in order and each is counted; a failed stage prints the end of
# its log (all logs are in build/test-logs/). The graders need a GPU: without
# one they say "skipped: no CUDA device" and their tests count as skipped,
# while everything else (tangle, nvcc builds, host tests, lint, the book)
# still runs. The last line is "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

logs=build/test-logs
mkdir -p "$logs"
passed=0 failed=0 skipped=0
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# stage NAME COMMAND...: one passed or failed test
stage() {
    local name=$1
    shift
    if "$@" >"$logs/$name.log" 2>&1; then
        passed=$((passed + 1))
        printf 'ok    %s\n' "$name"
    else
        failed=$((failed + 1))
        printf 'FAIL  %s (log: %s/%s.log)\n' "$name" "$logs" "$name"
        tail -n 25 "$logs/$name.log" | sed 's/^/      /'
    fi
}

# counted NAME COMMAND...: a program that prints its own counts, either Check's
# "NN%: Checks: N, Failures: N, Errors: N" or "N passed, N failed, N skipped".
counted() {
    local name=$1
    shift
    "$@" >"$logs/$name.log" 2>&1
    local rc=$? p=0 f=0 s=0 line
    line=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$logs/$name.log" | tail -n 1)
    if [ -n "$line" ]; then
        local checks fails errs
        checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
        fails=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
        errs=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
        f=$((fails + errs))
        p=$((checks - f))
    else
        line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$logs/$name.log" | tail -n 1)
        if [ -n "$line" ]; then
            p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
            f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
            s=$(sed -nE 's/.* ([0-9]+) skipped$/\1/p' <<<"$line")
            s=${s:-0}
        fi
    fi
    if [ -z "$line" ] && [ $rc -ne 0 ]; then
        f=1 # it died before counting anything
    elif [ $rc -ne 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
        f=1 # a non-zero exit with no failure counted is a failure too
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    if [ "$f" -gt 0 ]; then
        printf 'FAIL  %s: %d passed, %d failed, %d skipped (log: %s/%s.log)\n' "$name" "$p" "$f" "$s" "$logs" "$name"
        grep -E 'FAIL|Failure|Error|error' "$logs/$name.log" | head -n 25 | sed 's/^/      /'
    else
        printf 'ok    %s: %d passed, %d skipped\n' "$name" "$p" "$s"
    fi
}


echo "== tangle"
for lesson in lessons/week*-*.nw; do
    w=$(basename "$lesson" | cut -d- -f1)
    stage "tangled-current-$w" book/tangle.sh --check "$lesson" "tangled/$w"
done
stage tangle-errors ci/tests/tangle_errors.sh

echo "== build (nvcc, every week)"
# bench-tools: the sweep programs under bench/ are compiled here and run only
# by their own targets (make sweep-rows)
stage build make -j"$JOBS" --no-print-directory weeks host-test-binaries gpu-test-binaries bench-tools
# static profile: resources and SASS/PTX checks of grader/weekN.instructions (grader/profile/README.md)
for lesson in lessons/week*-*.nw; do
    w=$(basename "$lesson" | cut -d- -f1)
    stage "static-profile-$w" grader/profile/static-profile.sh "$w"
done

echo "== host tests (no GPU needed)"
for t in build/tests/test_*; do
    [ -x "$t" ] || continue
    counted "$(basename "$t")" "$t"
done
for t in grader/tests/test_*.sh; do
    [ -x "$t" ] || continue
    counted "$(basename "$t" .sh)" "$t"
done
counted grader-cli ci/tests/grader_cli.sh
counted sweep-cli ci/tests/sweep_cli.sh
counted profile-parsers grader/profile/tests/test_parsers.sh
counted grade-profile grader/profile/tests/test_grade_profile.sh
counted student-edition ci/tests/student_edition.sh

echo "== roster: grading a class in sandboxes, on GPUs and on Slurm (no GPU needed)"
counted roster-sandbox ci/tests/roster_sandbox.sh
counted roster-class ci/tests/roster_class.sh
counted roster-schedule ci/tests/roster_schedule.sh
counted roster-slurm ci/tests/roster_slurm.sh

echo "== lint"
stage lint make --no-print-directory lint

echo "== book"
stage book make --no-print-directory book
for t in book/tests/test_*.sh; do
    counted "book-$(basename "$t" .sh)" "$t"
done
# the trace tool and the figures `make book` drew with it (book/trace/)
counted trace book/trace/tests/trace.sh

echo "== CI files and scripts (no GPU; book/ci.md)"
# after the book: the workflows' steps are run here, and one uploads book/out
counted perf-smoke ci/tests/perf_smoke.sh
counted wait-gpu-idle ci/tests/wait_gpu_idle.sh
counted junit-writer ci/tests/junit_writer.sh
counted gpu-job ci/tests/gpu_job.sh
counted ci-files ci/tests/ci_files.sh

echo "== graders (GPU)"
for g in build/week*/grade; do
    w=$(basename "$(dirname "$g")")
    counted "grade-$w" "$g" --quiet --score "grader/$w.score" --report-dir "build/reports/test"
    if grep -q '^skipped: no CUDA device' "$logs/grade-$w.log"; then
        grep '^skipped: no CUDA device' "$logs/grade-$w.log" | head -n 1 | sed "s/^/      $w: /"
    fi
done
# the engine: a crash and a hang in one batch fail only their tests; both
# engines give the same verdicts
counted engine-recovery ci/tests/engine_recovery.sh
counted same-verdicts ci/tests/same_verdicts.sh
if ls grader/mutants/*.cu >/dev/null 2>&1; then
    no_gpu=0
    grep -q '^skipped: no CUDA device' "$logs"/grade-week*.log 2>/dev/null && no_gpu=1
    WB_NO_GPU=$no_gpu counted mutants make --no-print-directory test-mutants
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
