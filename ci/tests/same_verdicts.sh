#!/usr/bin/env bash
# same_verdicts.sh: on a GPU, the worker engine and the first engine (a
# process per test, --isolate test) give every test the same verdict and
# category with the same seed. For each week, one variant timed (the runs of
# `make grade-speed` when it has left them in build/grade-speed, else run
# here). Without a GPU: "skipped: no CUDA device".
set -euo pipefail
cd "$(dirname "$0")/../.."
. ci/tests/assert.sh
skipped=0
seed=${GRADER_SEED:-20261203}
for lesson in lessons/week*-*.nw; do
    w=$(basename "$lesson" | cut -d- -f1)
    v=$(awk '$1 == "performance" { print $2; exit }' "grader/$w.score")
    for engine in worker isolate-test; do
        dir=build/grade-speed/$w-subset-$engine
        [ -f "$dir/$w.json" ] && continue
        mode=worker
        [ "$engine" = isolate-test ] && mode="test"
        out=$("build/$w/grade" --quiet --time --score "grader/$w.score" --seed "$seed" \
            --variant "$v" --isolate "$mode" --report-dir "$dir" 2>&1) || true
        if grep -q '^skipped: no CUDA device' <<<"$out"; then
            echo "skipped: no CUDA device"
            skipped=$((skipped + 1))
            continue 3
        fi
    done
    verdicts() { jq -r '.results[] | "\(.variant)/\(.dtype)/\(.rows)x\(.cols)/\(.kind) \(.passed) \(.category)"' "$1" | sort; }
    want=$(verdicts "build/grade-speed/$w-subset-isolate-test/$w.json")
    got=$(verdicts "build/grade-speed/$w-subset-worker/$w.json")
    same "$w ($v): the same verdict and category for every test in both engines" "$want" "$got"
    has "$w: there were tests to compare" . "$want"
done
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
