#!/usr/bin/env bash
# grade-profile.sh: the profile section of a grade (`make grade`, `make bench`),
# written before the grader runs, for the grader to embed.
#
#   grader/profile/grade-profile.sh WEEK OUT [--variant A,B] [--gpu NAME]
#   grader/profile/grade-profile.sh --variant-map WEEK OUT
#
# OUT is JSON {"schema": "workbook-profile-section/1", "text": ..., "profile":
# ...}: the grader (`--attach-profile OUT`) prints "text" after its verdict
# table and copies "profile" into its reports (grader/REPORTS.md); nothing
# here opens a report. For each variant of the week (--variant narrows it as
# it narrows the grader), one table row: its kernels' registers, shared
# memory and spills (build/weekN/static-profile.json, static-profile.sh) and
# its Nsight Compute figures, DRAM % of peak, achieved occupancy and top warp
# stall (bench/results/<gpu>/weekN-profile.json, profile.sh) for the GPU
# graded (--gpu, else the one nvidia-smi names), or else a committed one
# (h200 first), labelled with its GPU, commit and date. A source that is
# missing is one line saying so; the rest still shows. The section is
# information, never a verdict: exit 0 whatever happens; when OUT cannot be
# written (no jq, no grader) one line on stderr says why.
#
# Which kernels a variant launches: grader/profile/launch_probe.c, linked with
# the week's lesson object instead of the CUDA runtime, runs every launcher
# on many shapes and dtypes and records what it launches (the same probe the
# student edition's test uses); --variant-map writes that map
# ("variant<TAB>mangled<TAB>short"), cached in build/weekN/variant-kernels.tsv.
# The map and the static profile are remade here when older than
# build/weekN/lesson.o (no GPU needed; a few seconds once per build).
#
# Environment: PROFILE_BUILD_DIR (build: where weekN/static-profile.json and
# weekN/variant-kernels.tsv are read; only the default one is refreshed),
# RESULTS_DIR (bench/results), GRADE (build/WEEK/grade), CUDA_HOME, CC, CXX.
set -euo pipefail
shopt -s inherit_errexit # a failed jq inside $(...) stops the section too
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/grader/profile/lib.sh"

build_dir=${PROFILE_BUILD_DIR:-build}
results_dir=${RESULTS_DIR:-bench/results}
work=$(mktemp -d "${TMPDIR:-/tmp}/grade-profile.XXXXXX")
trap 'rm -rf "$work"' EXIT

usage() {
    echo "usage: grader/profile/grade-profile.sh WEEK OUT [--variant A,B] [--gpu NAME] | --variant-map WEEK OUT" >&2
    exit 2
}

# variant_map WEEK OUT: "variant<TAB>mangled<TAB>short" for every kernel each
# variant's launcher launches in the probe; the static profile is joined by
# mangled or short name (an anonymous namespace's hash may differ)
variant_map() {
    local w=$1 out=$2 tmp=$work/map-$1 o=$build_dir/$1/lesson.o
    mkdir -p "$tmp"
    [ -f "$o" ] || { echo "no $o (make $w builds it)" >&2; return 1; }
    "${CC:-gcc}" -std=c11 -Igrader -I"$CUDA_HOME/include" -c grader/profile/launch_probe.c \
        -o "$tmp/probe.o" 2>"$tmp/err" || { echo "the launch probe does not compile: $(head -n 3 "$tmp/err")" >&2; return 1; }
    "${CXX:-g++}" -o "$tmp/probe" "$tmp/probe.o" "$o" 2>"$tmp/err" ||
        { echo "the launch probe does not link with $o: $(head -n 3 "$tmp/err")" >&2; return 1; }
    "$tmp/probe" >"$tmp/launches.tsv" 2>"$tmp/err" || { echo "the launch probe failed: $(head -n 3 "$tmp/err")" >&2; return 1; }
    awk -F'\t' '{ n = split($5, k, " "); for (i = 1; i <= n; i++) if (!seen[$1 "\t" k[i]]++) print $1 "\t" k[i] }' \
        "$tmp/launches.tsv" >"$tmp/reach.tsv"
    [ -s "$tmp/reach.tsv" ] || { echo "the launch probe saw no kernel launched in $w" >&2; return 1; }
    cut -f2 "$tmp/reach.tsv" | sort -u | demangle |
        awk -f grader/profile/demangled.awk -f grader/profile/names.awk >"$tmp/names.tsv"
    awk -F'\t' -v OFS='\t' 'NR == FNR { short[$1] = $3; next } { print $1, $2, short[$2] }' \
        "$tmp/names.tsv" "$tmp/reach.tsv" >"$tmp/map.tsv"
    mkdir -p "$(dirname "$out")"
    mv "$tmp/map.tsv" "$out"
}

# stale FILE SOURCE...: FILE is missing or older than one of SOURCE
stale() {
    local f=$1 s
    shift
    [ -f "$f" ] || return 0
    for s; do [ -f "$s" ] && [ "$s" -nt "$f" ] && return 0; done
    return 1
}

# refresh WEEK: remake the static profile and the variant map of the default
# build when the week's object is newer (neither needs a GPU)
refresh() {
    local w=$1 o=build/$1/lesson.o
    [ "$build_dir" = build ] && [ -f "$o" ] || return 0
    # static-profile.sh judges its own staleness; a failed instruction check
    # (exit 1) still writes the JSON, and the section says so
    STATIC_PROFILE_QUIET=1 grader/profile/static-profile.sh --if-stale "$w" >/dev/null 2>&1 || true
    # a failed map is remembered (.err) until the next build, not retried each grade
    if stale "build/$w/variant-kernels.tsv" "$o" && stale "build/$w/variant-kernels.err" "$o"; then
        variant_map "$w" "build/$w/variant-kernels.tsv" 2>"build/$w/variant-kernels.err" &&
            rm -f "build/$w/variant-kernels.err" || true
    fi
}

# runtime_source WEEK GPU: the runtime profile to show, "PATH<TAB>this" (this
# GPU's) or "PATH<TAB>other" (a committed one, h200 first), or nothing
runtime_source() {
    local w=$1 gpu=$2 mine="" f
    [ -n "$gpu" ] && mine=$results_dir/$(gpu_folder "$gpu")/$w-profile.json
    for f in "$mine" "$results_dir/h200/$w-profile.json" "$results_dir"/*/"$w-profile.json"; do
        [ -n "$f" ] && [ -f "$f" ] || continue
        jq -e '.status == "ok" and (.variants | length > 0)' "$f" >/dev/null 2>&1 || continue
        if [ "$f" = "$mine" ]; then printf '%s\tthis\n' "$f"; else printf '%s\tother\n' "$f"; fi
        return 0
    done
}

# section WEEK OUT ONLY GPU: write OUT
section() {
    local w=$1 out=$2 only=$3 gpu=$4 grade=${GRADE:-build/$1/grade} src mine static_json map_file notes="" variants
    variants=$(variants_of_grade "$grade" | cut -f1)
    [ -n "$variants" ] || { echo "profile: no variants from $grade --list, so no profile section" >&2; return 0; }
    if [ -n "$only" ]; then
        variants=$(grep -xF -f <(tr ',' '\n' <<<"$only") <<<"$variants" || true)
    fi
    refresh "$w"
    static_json=$build_dir/$w/static-profile.json
    map_file=$build_dir/$w/variant-kernels.tsv
    if ! jq -e '.kernels' "$static_json" >/dev/null 2>&1; then
        notes+="static profile: none for $w (no $static_json); run make static-profile WEEK=${w#week}"$'\n'
        static_json=/dev/null map_file=/dev/null
    elif [ ! -s "$map_file" ]; then
        notes+="static profile: which kernels each variant launches is unknown ($(
            head -n 1 "$build_dir/$w/variant-kernels.err" 2>/dev/null || echo "no $map_file"))"$'\n'
        map_file=/dev/null
    fi
    src=$(runtime_source "$w" "$gpu")
    mine=${src#*$'\t'}
    src=${src%%$'\t'*}
    if [ -z "$src" ]; then
        notes+="runtime profile: none for this GPU (${gpu:-no GPU here}); run make profile WEEK=${w#week}${gpu:+ on it}"$'\n'
        src=/dev/null
    fi
    jq -n -L grader/profile --arg variants "$variants" --slurpfile static "$static_json" --slurpfile rt "$src" \
        --rawfile map "$map_file" --arg notes "$notes" --arg static_src "$static_json" --arg rt_src "$src" \
        --arg rt_mine "$mine" --arg gpu "${gpu:-no GPU here}" --arg week "$w" \
        'include "section"; section' >"$work/section.json"
    mkdir -p "$(dirname "$out")"
    mv "$work/section.json" "$out"
}

# abs PATH: PATH from the caller's directory, before the cd to the repository
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

case ${1:-} in
    --variant-map)
        [ $# -eq 3 ] || usage
        out=$(abs "$3")
        cd "$root"
        variant_map "week${2#week}" "$out"
        ;;
    --section) # the section itself, in a process of its own: inside `|| ...` bash would ignore set -e
        [ $# -eq 5 ] || usage
        cd "$root"
        section "$2" "$3" "$4" "$5"
        ;;
    -* | "") usage ;;
    *)
        [ $# -ge 2 ] || usage
        w=week${1#week} out=$(abs "$2") only="" gpu=""
        shift 2
        while [ $# -gt 0 ]; do
            case $1 in
                --variant) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
                --gpu) [ $# -ge 2 ] || usage; gpu=$2; gpu_given=1; shift 2 ;;
                *) usage ;;
            esac
        done
        cd "$root"
        [ -n "${gpu_given:-}" ] || gpu=$(this_gpu)
        command -v jq >/dev/null ||
            { echo "profile: jq not found, so no profile section (install jq; it is in ci/packages.txt)" >&2; exit 0; }
        rm -f "$out" # a section from an earlier grade must not pass for this one's
        "$root/grader/profile/grade-profile.sh" --section "$w" "$out" "$only" "$gpu" ||
            echo "profile: the profile section failed (status $?); the grade goes on without it" >&2
        ;;
esac
