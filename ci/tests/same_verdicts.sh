#!/usr/bin/env bash
# same_verdicts.sh: on a GPU, the worker engine and the first engine (a
# process per test, --isolate test) give every test the same verdict and
# category with the same seed. For each week, one variant timed (the runs of
# `make grade-speed` when it has left them in build/grade-speed, else run
# here). Without a GPU: "skipped: no CUDA device".
set -euo pipefail
cd "$(dirname "$0")/../.."
. ci/tests/tap.sh
seed=${GRADER_SEED:-20261203}
for lesson in lessons/week*-*.nw; do
    w=$(basename "$lesson" | cut -d- -f1)
    v=$(awk '$1 == "performance" { print $2; exit }' "grader/$w.score")
    for engine in worker isolate-test; do
        dir=build/grade-speed/$w-subset-$engine
        # a report of a run with a GPU is reused; one without is no evidence
        [ -f "$dir/$w.json" ] && [ "$(jq -r .env.have_device "$dir/$w.json")" = true ] && continue
        mode=worker
        [ "$engine" = isolate-test ] && mode="test"
        out=$("build/$w/grade" --quiet --time --score "grader/$w.score" --seed "$seed" \
            --variant "$v" --isolate "$mode" --report-dir "$dir" 2>&1) || true
        if grep -q '^skipped: no CUDA device' <<<"$out"; then
            echo "skipped: no CUDA device"
            skip "$w: the same verdicts in both engines" "no CUDA device"
            continue 2
        fi
    done
    verdicts() { jq -r '.results[] | "\(.variant)/\(.dtype)/\(.rows)x\(.cols)/\(.kind) \(.passed) \(.category)"' "$1" | sort; }
    want=$(verdicts "build/grade-speed/$w-subset-isolate-test/$w.json")
    got=$(verdicts "build/grade-speed/$w-subset-worker/$w.json")
    same "$w ($v): the same verdict and category for every test in both engines" "$want" "$got"
    has "$w: there were tests that ran to compare" ' (true|false) ' "$(grep -v ' false unsupported$' <<<"$want")"
done
finish
