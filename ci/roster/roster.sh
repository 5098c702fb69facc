#!/usr/bin/env bash
# roster.sh: grade a class (`make roster`): every submission of a roster in
# sandboxes, then the class CSV and summary.
#
#   ci/roster/roster.sh [--jobs auto|N] [--out DIR] ROSTER
#
# ROSTER: a folder with one submission per student, or a CSV "student,path"
# (ci/roster/plan.sh). DIR (default build/roster/NAME, NAME the roster's
# name) receives
#   plan.tsv             the submissions, as read from the roster
#   secret/              the seed and the hidden shapes (mode 0700; no sandbox sees it)
#   kit/                 the grading kit built from this checkout (ci/roster/kit.sh)
#   students/ID/WEEK/    each week's record, reports and logs (ci/roster/grade-one.sh)
#   class.csv, summary.txt  (ci/roster/gather.sh)
# Run it again to resume: finished weeks are kept, the rest is graded.
#
# Environment:
#   GRADER_SEED     the secret seed (default: a fresh one, kept in DIR/secret/seed
#                   so that a resumed roster uses the same)
#   GRADER_HIDDEN   a file of hidden shapes (copied into DIR/secret)
#   ROSTER_WEEKS    the weeks to grade, e.g. "0" or "0 1" (default: every week)
#   ROSTER_GRADE_ARGS  more grader options for every grade, e.g. "--dtype f32"
#   CUDA_ARCH       architectures to compile for ("native": those of the GPUs present)
#   WB_COMMIT       the instructor's commit, written into every report
#   ROSTER_KIT      build the kit there instead of DIR/kit (to share it)
#   limits          ci/roster/lib.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$(dirname "$here")")
# shellcheck source=ci/roster/lib.sh
. "$here/lib.sh"

jobs=auto out=''
while [ $# -gt 0 ]; do
    case $1 in
    --jobs) jobs=${2:?--jobs needs auto or a number}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    -h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) roster_die "unknown option $1 (see --help)" ;;
    *) break ;;
    esac
done
[ $# -eq 1 ] || roster_die "usage: ci/roster/roster.sh [--jobs auto|N] [--out DIR] ROSTER"
roster=$1
[ -n "$out" ] || out=$(roster_default_out "$repo" "$roster")
mkdir -p "$out"
out=$(cd "$out" && pwd -P)

start=$(date +%s)
"$here/prepare.sh" "$out" "$roster"

status=0
"$here/schedule.sh" --jobs "$jobs" "$out" &
scheduler=$!
# stopped (Ctrl-C, a CI time limit): stop the graders too; the next run resumes
trap 'kill -TERM "$scheduler" 2>/dev/null; wait "$scheduler"; echo "roster: stopped; run it again to resume" >&2; exit 130' TERM INT
wait "$scheduler" || status=1
trap - TERM INT
"$here/gather.sh" "$out"
echo "roster: $(($(date +%s) - start)) s wall time"
exit "$status"
