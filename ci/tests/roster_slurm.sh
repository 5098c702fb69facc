#!/usr/bin/env bash
# roster_slurm.sh: ci/slurm/submit.sh on a one-node Slurm cluster started for
# the test (ci/slurm/local-cluster.sh: slurmctld, slurmd and munged on
# localhost, a GPU GRES standing on /dev/null): the job array grades three
# submissions of the test class, one task each with --gres=gpu:1, the grader
# takes its no-GPU path, and the gather job, which waits for every task
# (afterany), writes the class CSV. Needs root, slurm-wlm and munge
# (ci/setup.sh installs them); skipped otherwise.
#
#   ci/tests/roster_slurm.sh [WORKDIR]    (default build/test-roster)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$(dirname "$here")")
# shellcheck source=ci/tests/tap.sh
. "$here/tap.sh"

skip() {
    echo "skipped: $1"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
}
[ "$(id -u)" -eq 0 ] || skip "the Slurm daemons need root (CI runs as root)"
for tool in slurmctld slurmd munged sbatch bwrap jq notangle; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed (ci/setup.sh installs slurm-wlm, munge, bubblewrap)"
done

base=${1:-$repo/build/test-roster}
mkdir -p "$base"
cluster=$(mktemp -d /tmp/roster-slurm.XXXXXX)
cleanup() {
    "$repo/ci/slurm/local-cluster.sh" stop "$cluster" >/dev/null 2>&1
    rm -rf "$cluster"
}
trap cleanup EXIT

# three submissions of the test class: graded, refused at build, not building
class=$base/class
if [ ! -f "$class/expected.tsv" ]; then
    "$repo/ci/roster/make-class.sh" "$class" >"$base/make-class.log" 2>&1 ||
        { fail "the test class is generated" "$(tail -n 20 "$base/make-class.log")"; finish; exit 1; }
fi
roster=$cluster/roster
mkdir -p "$roster"
for s in full-marks reads-hidden.tar.gz not-building; do
    ln -s "$class/submissions/$s" "$roster/$s"
done

if ! "$repo/ci/slurm/local-cluster.sh" start "$cluster" >"$base/slurm-cluster.log" 2>&1; then
    fail "the one-node cluster starts" "$(cat "$base/slurm-cluster.log")"
    finish
    exit 1
fi
pass "the one-node cluster starts"
export SLURM_CONF=$cluster/slurm.conf

out=$cluster/out
submitted=$(ROSTER_NO_GPU=1 CUDA_ARCH=${CUDA_ARCH:-90} ROSTER_WEEKS=0 ROSTER_KIT=$base/kit GRADER_SEED=424242 \
    GRADER_HIDDEN=$class/secret/hidden.txt "$repo/ci/slurm/submit.sh" --out "$out" "$roster" 2>&1)
rc=$?
same "submit.sh submits (exit 0)" 0 "$rc"
has "submit.sh names the array and the gather job" 'job array [0-9]+ \(3 tasks\), then gather job [0-9]+' "$submitted"
IFS=$'\t' read -r array_job gather_job <"$out/slurm/jobs.tsv" 2>/dev/null
# slurmctld keeps each waiting job's script and environment in its state
same "the jobs' environment holds no seed" "" "$(grep -rl 424242 "$cluster/state" 2>/dev/null)"

# wait for both jobs to leave the queue (at most 5 minutes)
for _ in $(seq 300); do
    queued=$(squeue -h -o %i 2>/dev/null | wc -l)
    [ "$queued" -eq 0 ] && break
    sleep 1
done
same "every job has ended" 0 "$queued"

same "one log per array task" 3 "$(find "$out/slurm" -name "grade-${array_job}_*.log" | wc -l)"
same "the gather job ran" 1 "$(find "$out/slurm" -name "gather-$gather_job.log" | wc -l)"
has "every task had the GPU GRES (CUDA_VISIBLE_DEVICES=0)" '^0$' \
    "$(jq -r 'select(.verdict == "no_device") | .cuda_visible_devices' "$out"/students/*/week0/record.json | sort -u)"
if [ -f "$out/class.csv" ]; then
    csv=$(cat "$out/class.csv")
    has "the class CSV: full-marks graded on the no-GPU path" '^"full-marks","week0",0,0,0,"no_device"' "$csv"
    has "the class CSV: reads-hidden refused at build" '^"reads-hidden","week0",0,0,0,"forbidden"' "$csv"
    has "the class CSV: not-building" '^"not-building","week0",0,0,0,"not_building"' "$csv"
    newest=$(find "$out/students" -name record.json -newer "$out/class.csv" | wc -l)
    same "the CSV was written after every record (afterany)" 0 "$newest"
else
    fail "the gather job wrote the class CSV" "$(cat "$out"/slurm/gather-*.log 2>&1)"
fi
lacks "the seed is in no job's log" 424242 "$(cat "$out"/slurm/*.log)"

finish
