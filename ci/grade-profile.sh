#!/usr/bin/env bash
# grade-profile.sh: the profile section of a grade (`make grade`, `make bench`).
#
#   ci/grade-profile.sh --run REPORT -- GRADER ARGS...   run the grader, then the section;
#                                                        exit with the grader's status
#   ci/grade-profile.sh REPORT                           the section for a report already written
#   ci/grade-profile.sh --variant-map WEEK OUT           which kernels each variant can launch (TSV)
#
# REPORT is the grader's JSON report (build/reports/weekN.json). For each
# variant in it, one table row: its kernels' registers, shared memory and
# spills (build/weekN/static-profile.json, ci/static-profile.sh) and its
# Nsight Compute figures, DRAM % of peak, achieved occupancy and top warp
# stall (bench/results/<gpu>/weekN-profile.json, ci/profile.sh) for the GPU
# graded, or else a committed one (h200 first), labelled with its GPU, commit
# and date. A source that is missing is one line saying so; the rest still
# shows. The same figures go into REPORT under "profile" (grader/REPORTS.md)
# and at the end of the Gradescope results.json's "output" next to it.
#
# The section is information, never a verdict: with --run the grader's own
# status (0, 1, 2) is what comes out, whatever happens to the section. A
# missing source, a missing report or a missing jq is one line and exit 0.
#
# Which kernels a variant launches: its launcher, from the lesson's table
# wb_lesson_variants[], and every kernel it can reach, read from the lesson's
# host code compiled with everything inlined (so that a kernel chosen by a
# constant argument is the only one left) by ci/profile/variant-kernels.awk;
# cached in build/weekN/variant-kernels.tsv. The static profile and this map
# are made here when missing or older than build/weekN/lesson.o (no GPU
# needed; a few seconds once per build).
#
# Environment: PROFILE_BUILD_DIR (build: where weekN/static-profile.json and
# weekN/variant-kernels.tsv are read; only the default one is refreshed),
# RESULTS_DIR (bench/results), NVCC, CUDA_HOME, CXX (g++).
set -euo pipefail
shopt -s inherit_errexit # a failed jq inside $(...) stops the section too
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/ci/profile/lib.sh"

build_dir=${PROFILE_BUILD_DIR:-build}
results_dir=${RESULTS_DIR:-bench/results}
work=$(mktemp -d "${TMPDIR:-/tmp}/grade-profile.XXXXXX")
trap 'rm -rf "$work"' EXIT

usage() {
    echo "usage: ci/grade-profile.sh [--run] REPORT [-- GRADER ARGS...] | --variant-map WEEK OUT" >&2
    exit 2
}

# variant_map WEEK OUT: "variant<TAB>mangled<TAB>short" for every symbol each
# variant's launcher reaches; the kernels among them are joined with the
# static profile by mangled or short name (an anonymous namespace's hash may
# differ between host and device names)
variant_map() {
    local w=$1 out=$2 tmp=$work/map-$1 nvcc a arch=()
    mkdir -p "$tmp"
    nvcc=${NVCC:-$(command -v nvcc || echo "$CUDA_HOME/bin/nvcc")}
    [ -f "tangled/$w/$w.cu" ] || { echo "no tangled/$w/$w.cu" >&2; return 1; }
    # PTX for one architecture the build compiled for (the newest): the device
    # code is not what is read here, and one architecture is quicker
    a=$(awk -f ci/profile/ptxas-res.awk "$build_dir/$w/resource-usage.txt" 2>/dev/null |
        cut -f1 | sort -u -t_ -k2,2n | tail -n 1)
    [ -z "$a" ] || arch=(-arch="compute_${a#sm_}")
    "$nvcc" -std=c++17 "${arch[@]}" -cuda -Igrader -Iref/cpu -Iref/gpu -I"$CUDA_HOME/include" \
        -I"tangled/$w" "tangled/$w/$w.cu" -o "$tmp/lesson.ii" 2>"$tmp/err" ||
        { echo "$nvcc -cuda tangled/$w/$w.cu failed: $(head -n 3 "$tmp/err")" >&2; return 1; }
    # inline without limit: a launcher that passes a constant (week 1's
    # Tree::naive) then keeps only the kernel that constant selects
    "${CXX:-g++}" -std=c++17 -O2 -w -finline-limit=100000 --param large-function-growth=100000 \
        --param inline-unit-growth=100000 --param max-inline-insns-auto=100000 \
        -S "$tmp/lesson.ii" -o "$tmp/lesson.s" 2>"$tmp/err" ||
        { echo "${CXX:-g++} -S of $w's host code failed: $(head -n 3 "$tmp/err")" >&2; return 1; }
    awk -f ci/profile/variant-kernels.awk "$tmp/lesson.s" "$tmp/lesson.s" >"$tmp/reach.tsv"
    [ -s "$tmp/reach.tsv" ] || { echo "no variant table (wb_lesson_variants) in $w's host code" >&2; return 1; }
    cut -f2 "$tmp/reach.tsv" | sort -u | demangle | awk -f ci/profile/demangled.awk -f ci/profile/names.awk >"$tmp/names.tsv"
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
# build when the week's object is newer (both need no GPU; run side by side)
refresh() {
    local w=$1 o=build/$w/lesson.o
    [ "$build_dir" = build ] && [ -f "$o" ] || return 0
    # static-profile.sh judges its own staleness; a failed instruction check
    # (exit 1) still writes the JSON, and the section says so
    { STATIC_PROFILE_QUIET=1 ci/static-profile.sh --if-stale "$w" >/dev/null 2>&1 || true; } &
    # a failed map is remembered (.err) until the next build, not retried each grade
    if stale "build/$w/variant-kernels.tsv" "$o" && stale "build/$w/variant-kernels.err" "$o"; then
        echo "profile: reading $w's kernels (no GPU; once per build) ..." >&2
        { variant_map "$w" "build/$w/variant-kernels.tsv" 2>"build/$w/variant-kernels.err" &&
            rm -f "build/$w/variant-kernels.err" || true; } &
    fi
    wait
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

# the profile object that goes into the report under "profile"
# shellcheck disable=SC2016  # jq variables, not shell ones
build_jq='
def spill: if .spill_store_bytes == null and .spill_load_bytes == null then null
           else (.spill_store_bytes // 0) + (.spill_load_bytes // 0) end;
($report[0]) as $g | ($static[0] // null) as $s | ($rt[0] // null) as $r
| ($map | split("\n") | map(select(length > 0) | split("\t"))) as $rows
| (reduce $rows[] as $x ({}; .["m\t\($x[0])\t\($x[1])"] = true | .["s\t\($x[0])\t\($x[2] // "")"] = true)) as $idx
| (reduce $g.results[].variant as $v ([]; if any(.[]; . == $v) then . else . + [$v] end)) as $variants
| { schema: "workbook-grade-profile/1",
    static: (if $s then { source: $static_src, arch: $s.arch, instructions: $s.sources.instructions,
                          passed: $s.passed, checks: $s.counts.checks, failed: $s.counts.failed } else null end),
    runtime: (if $r then { source: $rt_src, gpu: $r.env.gpu, this_gpu: ($rt_mine == "this"),
                           driver: $r.env.driver, ncu: $r.env.ncu, commit: $r.env.commit, date: $r.env.date,
                           dtype: ([$r.variants[] | select(.status == "ok")][0].dtype) } else null end),
    notes: ($notes | split("\n") | map(select(length > 0))),
    variants: [ $variants[] as $v | {
        variant: $v,
        kernels: (if $s and ($rows | length) > 0 then
                    [ $s.kernels[] | select($idx["m\t\($v)\t\(.mangled // "")"] or $idx["s\t\($v)\t\(.short // "")"])
                      | { kernel: .short, registers, shared_bytes, stack_bytes, spill_bytes: spill } ]
                  else null end),
        runtime: (if $r then ([ $r.variants[] | select(.variant == $v) ][0] // null
                    | if . == null then null
                      elif .status != "ok" then { status, message }
                      else { status, kernel, duration_ns: .metrics.duration_ns,
                             dram_throughput_pct: .metrics.dram_throughput_pct,
                             achieved_occupancy_pct: .metrics.achieved_occupancy_pct,
                             top_stall: (.stalls[0].reason // null),
                             top_stall_cycles: (.stalls[0].warp_cycles_per_issue // null) } end)
                  else null end) } ] }'

# the table's rows (TSV), header first
# shellcheck disable=SC2016
rows_jq='
def f1: if . == null then "-" else (. * 10 | round) as $t | "\($t / 10 | floor).\($t % 10)" end;
def span: map(select(. != null)) | if length == 0 then "-" elif min == max then "\(min)" else "\(min)-\(max)" end;
def bases: map(.kernel | sub("<.*"; "")) | reduce .[] as $b ([]; if any(.[]; . == $b) then . else . + [$b] end);
["variant", "kernels", "regs", "smem B", "spill B", "DRAM %", "occ %", "top stall"],
(.variants[] | [ .variant,
    (.kernels | if . == null then "?" elif length == 0 then "none found"
                elif (bases | length) == 1 then bases[0] + (if length > 1 then " x\(length)" else "" end)
                else (bases | join(", ")) as $all
                     | (if ($all | length) <= 44 then $all else "\(bases[0]) and \(bases | length - 1) more" end)
                       + " (\(length))" end),
    (.kernels // [] | map(.registers) | span), (.kernels // [] | map(.shared_bytes) | span),
    (.kernels // [] | map(.spill_bytes) | if length == 0 then "-" else (map(. // 0) | max | tostring) end),
    (.runtime | if . == null or .status != "ok" then "-" else (.dram_throughput_pct | f1) end),
    (.runtime | if . == null or .status != "ok" then "-" else (.achieved_occupancy_pct | f1) end),
    (.runtime | if . == null then "-" elif .status != "ok" then "not profiled: \(.status)"
                elif .top_stall == null then "-" else "\(.top_stall) \(.top_stall_cycles | f1)" end) ])
| @tsv'

# table: TSV rows -> aligned columns, numbers right-aligned
table() {
    awk -F'\t' '
        { n = NR; nf = NF; for (i = 1; i <= NF; i++) { cell[n, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
        END { for (r = 1; r <= n; r++) { line = ""
                  for (i = 1; i <= nf; i++) {
                      fmt = (i >= 3 && i <= 7) ? "%" w[i] "s" : "%-" w[i] "s"
                      line = line (i > 1 ? "  " : "") sprintf(fmt, cell[r, i]) }
                  sub(/ +$/, "", line); print line } }'
}

# show REPORT: print the section; merge it into REPORT and results.json
show() {
    local report=$1 w gpu src mine static_json map_file notes="" text
    command -v jq >/dev/null || {
        echo "profile: jq not found, so no profile section (install jq; it is in ci/packages.txt)"
        return 0
    }
    [ -s "$report" ] && w=$(jq -r '.week // empty' "$report" 2>/dev/null) && [ -n "$w" ] || {
        echo "profile: no grade report at $report, so no profile section"
        return 0
    }
    gpu=$(jq -r '.env.gpu // ""' "$report")
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

    local prof=$work/profile.json
    jq -n --slurpfile report "$report" --slurpfile static "$static_json" --slurpfile rt "$src" \
        --rawfile map "$map_file" --arg notes "$notes" --arg static_src "$static_json" \
        --arg rt_src "$src" --arg rt_mine "$mine" "$build_jq" >"$prof"

    text=$(
        echo "profile of $w: per variant, its kernels' resources and its Nsight Compute figures"
        jq -r --arg week "${w#week}" '.static | select(. != null)
            | "static profile: \(.source) (\(.arch), \(.checks) instruction checks, \(.failed) failed"
              + (if .failed > 0 then "; make static-profile WEEK=\($week) names them" else "" end) + ")"' "$prof"
        # another GPU's figures say so first, in the same line
        jq -r --arg gpu "${gpu:-no GPU here}" --arg week "${w#week}" '.runtime | select(. != null)
            | "runtime profile: "
              + (if .this_gpu then "" else "none for this GPU (\($gpu)); showing \(.gpu)'"'"'s, " end)
              + "commit \(.commit // "?"), \(.date // "undated"), \(.dtype // "f32"), one shape per variant: \(.source)"
              + (if .this_gpu then "" else "; run make profile WEEK=\($week) on this GPU" end)' "$prof"
        jq -r '.notes[]' "$prof"
        jq -r "$rows_jq" "$prof" | table
    )
    printf '\n%s\n' "$text"

    # into the JSON report and Gradescope's output, each replaced whole (temporary name, then rename)
    jq --slurpfile p "$prof" '.profile = $p[0]' "$report" >"$report.tmp.$$" && mv "$report.tmp.$$" "$report"
    local gs
    gs=$(dirname "$report")/results.json
    if [ -f "$gs" ] && jq -e '.output | type == "string"' "$gs" >/dev/null 2>&1; then
        # a second run replaces the section rather than adding another
        jq --arg t "$text" '.output = ((.output | split("\n\nprofile of ")[0]) + "\n\n" + $t + "\n")' \
            "$gs" >"$gs.tmp.$$" && mv "$gs.tmp.$$" "$gs"
    fi
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
    --run)
        [ $# -ge 4 ] && [ "$3" = -- ] || usage
        report=$(abs "$2")
        shift 3
        # a report left from an earlier run must not pass for this one's
        rm -f "$report"
        rc=0
        "$@" || rc=$?
        # a process of its own: inside `|| ...` bash would ignore set -e
        "$root/ci/grade-profile.sh" "$report" ||
            echo "profile: the profile section failed (status $?); the grade above stands"
        exit "$rc"
        ;;
    -* | "") usage ;;
    *)
        [ $# -eq 1 ] || usage
        report=$(abs "$1")
        cd "$root"
        show "$report"
        ;;
esac
