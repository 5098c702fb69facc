#!/usr/bin/env bash
# grade_speed.sh: how long grading takes on this GPU, week by week and
# engine by engine (`make grade-speed`). Writes RESULTS/<gpu>/grade-speed.json
# with the GPU, driver, commit and date, and each run's wall seconds and
# test counts:
#   - every week with --time and its score file, as `make grade` runs it;
#   - every week correctness only;
#   - the same subset of each week (one variant, --time) in both engines:
#     the worker engine and --isolate test (a process per test), whose whole
#     weeks take many minutes (GRADE_SPEED_FULL=1 runs them whole);
#   - the worker engine with the new defences switched off (the run-time
#     guard and the timing checks), to measure what they cost.
#
#   bench/grade_speed.sh RESULTS_DIR [PART...]
# PARTs (default all, in this order): weeks (with --time, and correctness
# only), defences (--time without the new defences), engines (the subset in
# both engines); write runs nothing and writes the file from the runs so far
# (a run cut short by a time limit keeps what it measured). The file's
# "missing" lists each week and mode (time, correctness) with no run, and
# the totals sum only the runs present. The runs so far stay in
# build/grade-speed/runs.jsonl, so a later call with other parts adds to the
# same file; `weeks` starts afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
results=${1:?usage: bench/grade_speed.sh RESULTS_DIR [weeks|defences|engines]...}
shift
parts=${*:-weeks defences engines}
work=${GRADE_SPEED_WORK:-build/grade-speed} # a test points it elsewhere
runs=$work/runs.jsonl
if [[ " $parts " == *" weeks "* ]]; then
    rm -rf "$work"
fi
mkdir -p "$work"
touch "$runs"

# subset WEEK: the variant timed for the engine comparison (the first one
# the score file gives performance points to)
subset() { awk '$1 == "performance" { print $2; exit }' "grader/$1.score"; }

# timed NAME WEEK ENGINE MODE ARGS...: run the week's grader, record a line
timed() {
    local name=$1 week=$2 engine=$3 mode=$4
    shift 4
    local dir=$work/$name t0 t1 rc=0
    t0=$(date +%s.%N)
    "build/$week/grade" --quiet --report-dir "$dir" "$@" >"$dir.log" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    if [ "$rc" -eq 2 ] || [ ! -f "$dir/$week.json" ]; then
        echo "grade-speed: $name could not run (exit $rc): $(tail -n 1 "$dir.log")" >&2
        return 1
    fi
    jq -c --arg name "$name" --arg week "$week" --arg engine "$engine" --arg mode "$mode" \
        --argjson wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" \
        --arg args "$*" \
        '{name: $name, week: $week, engine: $engine, mode: $mode, args: $args, wall_s: $wall,
          tests: (.results | length), passed: ([.results[] | select(.passed)] | length),
          failed: ([.results[] | select((.passed | not) and (.skipped | not))] | length),
          jobs: .env.jobs, env: .env}' "$dir/$week.json" >>"$runs"
    printf '%-28s %8s s  %s\n' "$name" "$(jq -r .wall_s <<<"$(tail -n 1 "$runs")")" \
        "$(tail -n 1 "$dir.log")"
}

seed=${GRADER_SEED:-20261203}
weeks=$(for l in lessons/week*-*.nw; do basename "$l" | cut -d- -f1; done)
# The first CUDA process on a machine that has been idle pays the driver's
# start (about 2 s on the H200), which is the machine's cost, not a week's:
# one small untimed grade pays it before the first timed run.
if [[ " $parts " != " write " ]]; then
    first=${weeks%%$'\n'*}
    "build/$first/grade" --quiet --report-dir "$work/warm-up" --shape 1x1 >"$work/warm-up.log" 2>&1 ||
        true # only its time matters; a real failure shows in the timed runs
fi
for part in $parts; do
    for w in $weeks; do
        score=(--score "grader/$w.score" --seed "$seed")
        case $part in
        weeks)
            timed "$w-time" "$w" worker time --time "${score[@]}"
            timed "$w-correct" "$w" worker correctness "${score[@]}"
            ;;
        defences)
            timed "$w-time-no-defences" "$w" worker time-no-defences --time "${score[@]}" \
                --no-runtime-guard --no-timing-checks
            ;;
        engines)
            if [ "${GRADE_SPEED_FULL:-0}" = 1 ]; then
                timed "$w-time-isolate-test" "$w" test time --time "${score[@]}" --isolate test
            else
                v=$(subset "$w")
                timed "$w-subset-worker" "$w" worker subset --time "${score[@]}" --variant "$v"
                timed "$w-subset-isolate-test" "$w" test subset --time "${score[@]}" --variant "$v" \
                    --isolate test
            fi
            ;;
        write) ;; # no runs: write the file from the runs recorded so far
        *)
            echo "grade-speed: unknown part '$part' (weeks, defences, engines, write)" >&2
            exit 2
            ;;
        esac
    done
done

gpu=$(jq -r '.env.gpu' <"$(head -n 1 "$runs" | jq -r --arg work "$work" '"\($work)/\(.name)/\(.week).json"')" |
    sed 's/^NVIDIA //' | tr 'A-Z ' 'a-z-')
mkdir -p "$results/$gpu"
jq -s '{schema: "workbook-grade-speed/1", env: (.[0].env | {gpu, gpu_uuid, driver, cuda_runtime,
         commit, date, copy_ceiling_gbps, read_ceiling_gbps}),
        runs: [.[] | del(.env)],
        missing: ([.[] | "\(.week)-\(.mode)"] as $have
                  | [$weeks | splits("\\s+") | select(. != "") as $w | ("time", "correctness") as $m
                     | "\($w)-\($m)" | . as $k | select(($have | index([$k])) == null)]),
        totals: {time_s: ([.[] | select(.mode == "time") | .wall_s] | add),
                 correctness_s: ([.[] | select(.mode == "correctness") | .wall_s] | add),
                 time_no_defences_s: ([.[] | select(.mode == "time-no-defences") | .wall_s] | add)}}' \
    --arg weeks "$weeks" "$runs" >"$results/$gpu/grade-speed.json"
echo "grade speed: $results/$gpu/grade-speed.json"
jq -r '.totals' "$results/$gpu/grade-speed.json"
