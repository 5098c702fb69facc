#!/usr/bin/env bash
# submit.sh: grade a roster on a Slurm cluster (`make roster-slurm`): prepare
# it here as `make roster` does (plan, secrets, kit: ci/roster/prepare.sh),
# then submit ci/slurm/grade-array.sbatch, one array task per submission, and
# ci/slurm/gather.sbatch, which runs once every task has ended (afterany) and
# writes the class CSV.
#
#   ci/slurm/submit.sh [--out DIR] ROSTER
#
# DIR (default build/roster/NAME) and this checkout must be on storage the
# compute nodes share. Environment: as ci/roster/roster.sh (GRADER_SEED,
# GRADER_HIDDEN, ROSTER_WEEKS, ROSTER_GRADE_ARGS, CUDA_ARCH, the limits), and
#   SBATCH_ARGS   more sbatch options for both jobs, e.g. "--partition=gpu --account=cs149"
#   SLURM_GRES    the GPU each task asks for (default: gpu:1, from the script);
#                 a cluster whose GPUs are no GRES names what it uses instead
#   SLURM_ARRAY_LIMIT  at most this many tasks at a time (sbatch --array=...%N)
# The seed and the hidden shapes stay in DIR/secret: they are never put in a
# job's environment. Prints the two job ids; resubmitting resumes (finished
# weeks are kept). Exit 2 when sbatch is missing or refuses a job.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$(dirname "$here")")
# shellcheck source=ci/roster/lib.sh
. "$repo/ci/roster/lib.sh"

out=''
while [ $# -gt 0 ]; do
    case $1 in
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    -*) roster_die "unknown option $1" ;;
    *) break ;;
    esac
done
[ $# -eq 1 ] || roster_die "usage: ci/slurm/submit.sh [--out DIR] ROSTER"
roster=$1
command -v sbatch >/dev/null 2>&1 || roster_die "sbatch not found: run this on a Slurm login node"
[ -n "$out" ] || out=$(roster_default_out "$repo" "$roster")
mkdir -p "$out/slurm"
out=$(cd "$out" && pwd -P)

"$repo/ci/roster/prepare.sh" "$out" "$roster"
n=$(wc -l <"$out/plan.tsv")

# the jobs' environment: this one, without the secrets
unset GRADER_SEED GRADER_HIDDEN
export ROSTER_OUT=$out ROSTER_REPO=$repo
# shellcheck disable=SC2206 # SBATCH_ARGS is a list of options
extra=(${SBATCH_ARGS:-})
gres=()
[ -z "${SLURM_GRES:-}" ] || gres=("--gres=$SLURM_GRES")
array=0-$((n - 1))${SLURM_ARRAY_LIMIT:+%$SLURM_ARRAY_LIMIT}
grade_job=$(sbatch --parsable --export=ALL --array="$array" --output="$out/slurm/grade-%A_%a.log" \
    "${extra[@]}" "${gres[@]}" "$here/grade-array.sbatch") || roster_die "sbatch refused the grading array"
grade_job=${grade_job%%;*}
gather_job=$(sbatch --parsable --export=ALL --dependency="afterany:$grade_job" \
    --output="$out/slurm/gather-%j.log" "${extra[@]}" "$here/gather.sbatch") ||
    roster_die "sbatch refused the gather job"
gather_job=${gather_job%%;*}
printf '%s\t%s\n' "$grade_job" "$gather_job" >"$out/slurm/jobs.tsv"
echo "slurm: job array $grade_job ($n tasks), then gather job $gather_job; the class CSV will be $out/class.csv"
