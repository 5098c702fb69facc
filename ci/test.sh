#!/usr/bin/env bash
# test.sh: the workbook's test command (`make test`; .ci/run calls it).
#
# Stages run in order; each leaves a TAP file in build/test-tap/ (a test
# program's own TAP, or one line for a stage such as the build), prove judges
# them all at the end, and ci/tap-tally.pl counts them with the same parser.
# A failed stage prints the end of its log (all logs are in
# build/test-logs/). The graders need a GPU: without
# one they say "skipped: no CUDA device" and their tests count as skipped,
# while everything else (tangle, nvcc builds, host tests, lint, the book)
# still runs. The last line is "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

logs=build/test-logs
tap=build/test-tap # one TAP file a stage; prove reads them, and so does the tally
rm -rf "$tap"
mkdir -p "$logs" "$tap"
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# report NAME: the stage's line on the console, from its TAP file
report() {
    local name=$1 p f s
    read -r p f s < <(perl ci/tap-tally.pl "$tap/$name.tap")
    if [ "$f" -gt 0 ]; then
        printf 'FAIL  %s: %d passed, %d failed, %d skipped (log: %s/%s.log)\n' "$name" "$p" "$f" "$s" "$logs" "$name"
        { grep -E '^not ok' "$tap/$name.tap"; grep -E 'FAIL|Failure|Error|error' "$logs/$name.log"; } 2>/dev/null |
            head -n 25 | sed 's/^/      /'
    else
        printf 'ok    %s: %d passed, %d skipped\n' "$name" "$p" "$s"
    fi
}

# stage NAME COMMAND...: one test, passed when COMMAND succeeds
stage() {
    local name=$1
    shift
    if "$@" >"$logs/$name.log" 2>&1; then
        printf '1..1\nok 1 - %s\n' "$name" >"$tap/$name.tap"
    else
        printf '1..1\nnot ok 1 - %s (log: %s/%s.log)\n' "$name" "$logs" "$name" >"$tap/$name.tap"
        tail -n 25 "$logs/$name.log" >&2
    fi
    report "$name"
}

# counted NAME COMMAND...: a test program that prints TAP (Check's programs,
# the shell tests through ci/tests/tap.sh, the mutant bank). A program that
# exits non-zero with no failing test of its own gets one.
counted() {
    local name=$1 rc=0
    shift
    "$@" >"$tap/$name.tap" 2>"$logs/$name.log" || rc=$?
    cat "$tap/$name.tap" >>"$logs/$name.log"
    local p f s
    read -r p f s < <(perl ci/tap-tally.pl "$tap/$name.tap")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        printf 'not ok - %s exited with status %d\n' "$name" "$rc" >>"$tap/$name.tap"
    fi
    report "$name"
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
counted torch-peer ci/tests/torch_peer.sh
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
counted trace-cu2cpp book/trace/tests/cu2cpp.sh

echo "== CI files and scripts (no GPU; book/ci.md)"
# after the book: the workflows' steps are run here, and one uploads book/out
counted perf-smoke ci/tests/perf_smoke.sh
counted grade-speed-write ci/tests/grade_speed_write.sh
counted wait-gpu-idle ci/tests/wait_gpu_idle.sh
counted junit-writer ci/tests/junit_writer.sh
counted gpu-job ci/tests/gpu_job.sh
counted ci-files ci/tests/ci_files.sh

echo "== graders (GPU)"
# the grader writes its own TAP report; without a GPU every test is a SKIP
for g in build/week*/grade; do
    w=$(basename "$(dirname "$g")")
    "$g" --quiet --score "grader/$w.score" --report-dir build/reports/test >"$logs/grade-$w.log" 2>&1
    cp build/reports/test/"$w".tap "$tap/grade-$w.tap" 2>/dev/null ||
        printf '1..1\nnot ok 1 - grade-%s wrote no TAP report\n' "$w" >"$tap/grade-$w.tap"
    report "grade-$w"
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
# prove, Perl's TAP harness, judges the whole run (PERL_TEST_HARNESS_DUMP_TAP
# keeps its TAP for ci/junit.sh); the tally is the same TAP, counted
prove --exec cat -Q "$tap"/*.tap >"$logs/prove.log" 2>&1
proved=$?
read -r passed failed skipped < <(perl ci/tap-tally.pl "$tap"/*.tap)
[ "$proved" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1 # prove saw what the tally did not
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
