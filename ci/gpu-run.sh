#!/usr/bin/env bash
# gpu-run.sh: build, grade and bench on a GPU machine that cannot install
# packages (nvcc present, no Check, no noweb). Check comes as Debian packages
# downloaded beforehand into .deps/ on a machine that has apt:
#     (cd .deps && apt-get download check libsubunit-dev libsubunit0)
# and unpacked here into a prefix that the Makefile's CHECK_PREFIX reads.
#
#   ci/gpu-run.sh LOGDIR STEP...
#   steps: build | correct:WEEK (sharded, untimed) | grade:WEEK | bench:WEEK | mutant:NAME
#          | sanitize-mutant:NAME | mutants | sanitize:WEEK | profile:WEEK | host-tests
# Logs go to LOGDIR/STEP.log; a summary table is printed last.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=${1:?usage: ci/gpu-run.sh LOGDIR STEP...}
shift
mkdir -p "$logs"
export CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
export PATH=$CUDA_HOME/bin:$PATH
prefix=${CHECK_PREFIX:-/tmp/check-prefix}
if ! ls "$prefix"/usr/lib/x86_64-linux-gnu/libcheck* >/dev/null 2>&1; then
    ls .deps/*.deb >/dev/null 2>&1 || { echo "gpu-run: no .deps/*.deb (see the header of $0)" >&2; exit 2; }
    mkdir -p "$prefix"
    for d in .deps/*.deb; do dpkg -x "$d" "$prefix"; done
fi
export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mk() { make --no-print-directory CHECK_PREFIX="$prefix" "$@"; }
summary=()
for step in "$@"; do
    what=${step%%:*} week=${step#*:}
    [ "$week" = "$step" ] && week=
    log="$logs/${step//:/-}.log"
    start=$(date +%s)
    case $what in
    build)
        if [ -n "$week" ]; then targets=(build/week$week/grade); else targets=(weeks host-test-binaries); fi
        mk -j"$(nproc)" "${targets[@]}" >"$log" 2>&1
        ;;
    host-tests) mk host-tests >"$log" 2>&1 ;;
    grade) mk grade WEEK="$week" >"$log" 2>&1 ;;
    correct)
        # every test, untimed, in SHARDS graders sharing the GPU
        mk build/week$week/grade >"$log" 2>&1
        shards=${SHARDS:-4}
        pids=()
        for ((k = 0; k < shards; k++)); do
            OMP_NUM_THREADS=$(($(nproc) / shards)) build/week$week/grade --quiet --shard $k/$shards \
                --report-dir "$logs/correct-$week-$k" >"$logs/correct-$week-$k.log" 2>&1 &
            pids+=($!)
        done
        rc=0
        for p in "${pids[@]}"; do wait "$p" || rc=1; done
        p=0 f=0 sk=0
        for ((k = 0; k < shards; k++)); do
            cat "$logs/correct-$week-$k.log" >>"$log"
            l=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/correct-$week-$k.log" | tail -n 1)
            read -r a _ b _ c _ <<<"${l//,/}"
            p=$((p + ${a:-0})) f=$((f + ${b:-0})) sk=$((sk + ${c:-0}))
        done
        echo "$p passed, $f failed, $sk skipped" >>"$log"
        (exit $rc)
        ;;
    bench) mk bench WEEK="$week" ${VARIANT:+VARIANT=$VARIANT} >"$log" 2>&1 ;;
    mutants) mk test-mutants >"$log" 2>&1 ;;
    mutant) mk test-mutants MUTANT="$week" >"$log" 2>&1 ;;
    sanitize-mutant) mk build/mutants/"$week"/grade >"$log" 2>&1 && mk sanitize GRADE=build/mutants/"$week"/grade >>"$log" 2>&1 ;;
    sanitize) mk sanitize WEEK="$week" >"$log" 2>&1 ;;
    profile) mk profile WEEK="$week" >"$log" 2>&1 ;;
    *) echo "gpu-run: unknown step '$step'" >"$log"; false ;;
    esac
    rc=$?
    tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    summary+=("$(printf '%-14s rc=%-3s %4ss  %s' "$step" "$rc" "$(($(date +%s) - start))" "$tally")")
done
echo
echo "step           status   time  counts"
printf '%s\n' "${summary[@]}"
