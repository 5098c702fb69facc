#!/usr/bin/env bash
# gpu-job.sh: what a GPU CI job runs, said once for the GitHub workflows, the
# GitLab pipelines and their Slurm variant (ci/github/, ci/gitlab/).
#
#   ci/gpu-job.sh PART...
#
#   build     every week's grader, the host tests and the bench tools
#   test      make test: everything, the graders and the mutant bank on the GPU
#   grade     make grade for every week: build/reports/weekN.{json,tap,junit.xml};
#             each week's Gradescope file is kept as build/reports/gradescope/weekN.json
#   perf      make bench for every week, then ci/perf-smoke.sh: each best variant
#             against the committed bench/results/<gpu>/ (kept aside first, as
#             make bench rewrites that folder); PERF_MARGIN=20 (%) by default;
#             its verdicts also go to build/perf-smoke/check.txt
#   profile   make profile (Nsight Compute, every week)
#   sanitize  make sanitize (compute-sanitizer, every week)
#   sweeps    make sweep-rows and make sweep-softmax (build/bench/)
#   report    the run's JUnit files in build/junit/ (ci/junit.sh) and a Markdown
#             summary on stdout, with the smoke check's verdicts (a GitHub job summary)
#
# Parts that time kernels (grade, perf, profile, sweeps) first wait until no
# other process computes on the GPU (ci/wait-gpu-idle.sh, WAIT_GPU_TIMEOUT=900 s).
# Every part runs even when an earlier one failed, so that every report gets
# written; a table of the parts ends the run and the exit status is 1 when a
# part failed. That table and each part's heading go to stderr, so that
# stdout is the parts' own output. The test part keeps each test program's TAP
# in $PERL_TEST_HARNESS_DUMP_TAP (build/test-tap by default), where prove
# writes it and the report part reads it.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
[ $# -gt 0 ] || { sed -n '4,19s/^# \{0,1\}//p' "$0" >&2; exit 2; }

weeks=()
for lesson in lessons/week*-*.nw; do
    w=$(basename "$lesson")
    weeks+=("${w%%-*}")
done
tap_dir=${PERL_TEST_HARNESS_DUMP_TAP:-build/test-tap}
mk() { make --no-print-directory "$@"; }
wait_gpu() { ci/wait-gpu-idle.sh --timeout "${WAIT_GPU_TIMEOUT:-900}"; }

grade_weeks() {
    local w rc=0
    mkdir -p build/reports/gradescope
    for w in "${weeks[@]}"; do
        wait_gpu || return 1
        mk grade WEEK="$w" || rc=1
        # make grade writes build/reports/results.json for whichever week ran last
        [ -f build/reports/results.json ] && cp build/reports/results.json "build/reports/gradescope/$w.json"
    done
    return "$rc"
}
bench_and_compare() {
    local w rc=0 reports=()
    rm -rf build/perf-smoke
    mkdir -p build/perf-smoke
    cp -R bench/results build/perf-smoke/committed
    for w in "${weeks[@]}"; do
        wait_gpu || return 1
        mk bench WEEK="$w" || rc=1
        reports+=("build/reports/bench/$w.json")
    done
    ci/perf-smoke.sh --margin "${PERF_MARGIN:-20}" --results build/perf-smoke/committed "${reports[@]}" |
        tee build/perf-smoke/check.txt || rc=1
    return "$rc"
}
test_keeping_tap() {
    rm -rf "$tap_dir"
    PERL_TEST_HARNESS_DUMP_TAP=$(realpath -m "$tap_dir") mk test
}
summary_markdown() {
    ci/junit.sh build/junit "$tap_dir" build/reports || return 1
    if [ -f build/perf-smoke/check.txt ]; then
        printf '\n### Performance smoke check\n\n```\n'
        cat build/perf-smoke/check.txt
        printf '```\n'
    fi
}
run_part() {
    case $1 in
        build) mk -j"$(nproc)" weeks host-test-binaries bench-tools ;;
        test) test_keeping_tap ;;
        grade) grade_weeks ;;
        perf) bench_and_compare ;;
        profile) wait_gpu && mk profile ;;
        sanitize) mk sanitize ;;
        sweeps) wait_gpu && mk sweep-rows && wait_gpu && mk sweep-softmax ;;
        report) summary_markdown ;;
    esac
}

summary=() failed=0
for part in "$@"; do
    case $part in
        build | test | grade | perf | profile | sanitize | sweeps | report) ;;
        *) echo "gpu-job: unknown part '$part' (build test grade perf profile sanitize sweeps report)" >&2; exit 2 ;;
    esac
done
for part in "$@"; do
    echo "== gpu-job: $part" >&2
    start=$SECONDS
    if run_part "$part"; then status=ok; else status=FAIL failed=1; fi
    summary+=("$(printf '%-9s %-5s %5d s' "$part" "$status" $((SECONDS - start)))")
done
{
    echo
    echo "part      status  time"
    printf '%s\n' "${summary[@]}"
} >&2
exit $failed
