#!/usr/bin/env bash
# prepare.sh: everything a roster needs before its first submission is
# graded, the same for `make roster` and for Slurm: the plan, the secrets,
# the grading kit, and a sandbox known to start.
#
#   ci/roster/prepare.sh OUT ROSTER
#
# Writes OUT/plan.tsv (ci/roster/plan.sh), OUT/secret/seed and
# OUT/secret/hidden.txt (mode 0700 folder; no sandbox ever sees it), the kit
# (ci/roster/kit.sh) in OUT/kit or ROSTER_KIT (OUT/kit then links to it).
# Environment: GRADER_SEED, GRADER_HIDDEN, CUDA_ARCH, WB_COMMIT, ROSTER_KIT
# (see ci/roster/roster.sh). A resumed roster keeps its seed and hidden
# shapes; other ones given stop it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$(dirname "$here")")
# shellcheck source=ci/roster/lib.sh
. "$here/lib.sh"

[ $# -eq 2 ] || roster_die "usage: ci/roster/prepare.sh OUT ROSTER"
out=$1 roster=$2
for tool in bwrap jq flock setpriv prlimit timeout; do
    command -v "$tool" >/dev/null 2>&1 ||
        roster_die "$tool not found: install bubblewrap, jq and util-linux (ci/setup.sh does)"
done
command -v notangle >/dev/null 2>&1 ||
    roster_die "notangle not found: submissions are lessons, tangled where they are graded (install noweb)"

"$here/plan.sh" "$roster" >"$out/plan.tsv.tmp"
mv "$out/plan.tsv.tmp" "$out/plan.tsv"

# ---- the secrets: kept beside the results, seen by the grader alone ----------
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

# ---- the architectures, then the kit ---------------------------------------------
arch=${CUDA_ARCH:-native}
if [ "$arch" = native ]; then
    arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | tr -d '.' | sort -u | xargs)
    [ -n "$arch" ] || roster_die "CUDA_ARCH=native, but nvidia-smi lists no GPU here: set CUDA_ARCH (e.g. 90)"
fi
kit=${ROSTER_KIT:-$out/kit}
if ! CUDA_ARCH=$arch WB_COMMIT=${WB_COMMIT:-$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)} \
    "$here/kit.sh" "$kit" >"$out/kit.log" 2>&1; then
    tail -n 20 "$out/kit.log" >&2
    roster_die "the grading kit did not build (log: $out/kit.log)"
fi
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
