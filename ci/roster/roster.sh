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
for tool in bwrap jq flock setpriv prlimit timeout; do
    command -v "$tool" >/dev/null 2>&1 ||
        roster_die "$tool not found: install bubblewrap, jq and util-linux (ci/setup.sh does)"
done
command -v notangle >/dev/null 2>&1 || roster_die "notangle not found: submissions are lessons, tangled here (install noweb)"
if [ -z "$out" ]; then
    name=${roster%/}
    name=${name##*/}
    name=${name%.csv}
    out=$repo/build/roster/$name
fi
mkdir -p "$out"
out=$(cd "$out" && pwd -P)

start=$(date +%s)
"$here/plan.sh" "$roster" >"$out/plan.tsv.tmp"
mv "$out/plan.tsv.tmp" "$out/plan.tsv"

# ---- the secrets: kept beside the results, seen by the grader alone --------
secret=$out/secret
mkdir -p "$secret"
chmod 0700 "$secret"
if [ -f "$secret/seed" ]; then
    if [ -n "${GRADER_SEED:-}" ] && [ "$GRADER_SEED" != "$(cat "$secret/seed")" ]; then
        roster_die "$out was graded with another GRADER_SEED; resume without one, or choose a new --out"
    fi
else
    seed=${GRADER_SEED:-$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')}
    [[ $seed =~ ^[0-9]+$ ]] || roster_die "GRADER_SEED='$seed' is not a number"
    (umask 077 && printf '%s\n' "$seed" >"$secret/seed")
fi
if [ -n "${GRADER_HIDDEN:-}" ]; then
    [ -r "$GRADER_HIDDEN" ] || roster_die "GRADER_HIDDEN=$GRADER_HIDDEN: cannot read it"
    if [ -f "$secret/hidden.txt" ] && ! cmp -s "$GRADER_HIDDEN" "$secret/hidden.txt"; then
        roster_die "$out was graded with other hidden shapes than $GRADER_HIDDEN; choose a new --out"
    fi
    (umask 077 && cp "$GRADER_HIDDEN" "$secret/hidden.txt")
fi

# ---- the architectures, then the kit -----------------------------------------
arch=${CUDA_ARCH:-native}
if [ "$arch" = native ]; then
    arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | tr -d '.' | sort -u | xargs)
    [ -n "$arch" ] || roster_die "CUDA_ARCH=native, but nvidia-smi lists no GPU: set CUDA_ARCH (e.g. 90)"
fi
export CUDA_ARCH=$arch
export WB_COMMIT=${WB_COMMIT:-$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}
# ROSTER_KIT: a kit shared by several rosters of this checkout (OUT/kit then
# links to it)
kit=${ROSTER_KIT:-$out/kit}
"$here/kit.sh" "$kit" >"$out/kit.log" 2>&1 || {
    tail -n 20 "$out/kit.log" >&2
    roster_die "the grading kit did not build (log: $out/kit.log)"
}
if [ -n "${ROSTER_KIT:-}" ]; then
    rm -rf "$out/kit"
    ln -s "$(cd "$kit" && pwd -P)" "$out/kit"
fi

# the sandbox must start before any submission is blamed for what it does
probe=$out/.probe
rm -rf "$probe"
mkdir -p "$probe"
if ! "$here/sandbox.sh" --kit "$out/kit" --wall 60 "$probe" -- make --no-print-directory -v >"$out/sandbox-check.log" 2>&1; then
    cat "$out/sandbox-check.log" >&2
    roster_die "the sandbox does not start on this machine (bubblewrap; see book/instructors.md)"
fi
rm -rf "$probe"

echo "roster: $(wc -l <"$out/plan.tsv") submission(s) from $roster into $out (CUDA_ARCH=$arch)"
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
