#!/usr/bin/env bash
# profile.sh WEEK [VARIANT[,VARIANT...]]: Nsight Compute metrics for a week's
# variants, one representative shape each (`make profile [WEEK=N] [VARIANT=v]`).
#
# For each variant, ncu (--clock-control none) runs the week's grader on one
# test (--no-fork --variant V --dtype f32 --shape S --seed 1) and profiles only
# the lesson's own kernels (names from build/weekN/resource-usage.txt), not
# the grader's memsets or the reference baselines. The launch that took
# longest stands for the variant. Collected per launch:
#   DRAM throughput (% of peak), achieved and theoretical occupancy, shared-
#   memory bank conflicts (loads, stores) and wavefronts, branch uniformity,
#   threads per warp instruction, the warp stall reasons (warp cycles per
#   issued instruction, largest first), L2 hit rate, duration, DRAM bytes.
# A metric this ncu does not know is dropped (null in the JSON) and the run
# repeated without it.
#
# Writes bench/results/<gpu>/weekN-profile.json ("NVIDIA H200" -> h200) when
# all variants were asked for, build/reports/weekN-profile-VARIANTS.json when
# some; the ncu reports (open them in ncu-ui) and logs stay in build/profile/weekN/.
# Prints a table. Where ncu is missing or cannot read the counters it says so
# in one line, writes build/reports/weekN-profile.json with the reason, and
# exits 0. Exit 1 when some variant could not be profiled, 2 on bad usage.
#
# Environment: NCU (path), CUDA_HOME, GRADE (grader binary), RESOURCE_USAGE
# (ptxas -v output naming the kernels), PROFILE_SHAPE
# (RxC for every variant), PROFILE_DTYPE (f32), PROFILE_TIMEOUT (s, 600),
# PROFILE_LAUNCHES (most launches profiled per variant, 10), RESULTS_DIR
# (bench/results).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. grader/profile/lib.sh

usage() { echo "usage: grader/profile/profile.sh WEEK [VARIANT[,VARIANT...]]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
w=week${1#week}
only=${2:-}
grade=${GRADE:-build/$w/grade}
res=${RESOURCE_USAGE:-build/$w/resource-usage.txt}
work=build/profile/$w
dtype=${PROFILE_DTYPE:-f32}
timeout_s=${PROFILE_TIMEOUT:-600}
launches=${PROFILE_LAUNCHES:-10}
results_root=${RESULTS_DIR:-bench/results}
commit=$(repo_commit)
date=$(now_utc)
mkdir -p "$work" build/reports

metrics=(
    gpu__time_duration.sum
    dram__throughput.avg.pct_of_peak_sustained_elapsed
    dram__bytes_read.sum
    dram__bytes_write.sum
    sm__warps_active.avg.pct_of_peak_sustained_active
    sm__maximum_warps_per_active_cycle_pct
    launch__registers_per_thread
    l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum
    l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_st.sum
    l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum
    l1tex__data_pipe_lsu_wavefronts_mem_shared_op_st.sum
    smsp__sass_average_branch_targets_threads_uniform.pct
    smsp__thread_inst_executed_per_inst_executed.ratio
    lts__t_sector_hit_rate.pct
)
for r in long_scoreboard short_scoreboard barrier membar mio_throttle lg_throttle wait \
    math_pipe_throttle not_selected selected dispatch_stall drain imc_miss no_instruction \
    sleeping tex_throttle branch_resolving misc; do
    metrics+=("smsp__average_warps_issue_stalled_${r}_per_issue_active.ratio")
done
dropped=()

json_list() { local s="" x; for x in "$@"; do s="$s${s:+, }$(json_escape "$x")"; done; printf '[%s]' "$s"; }

# unavailable REASON: one line, a JSON that says why, exit 0
unavailable() {
    local f=build/reports/$w-profile.json
    printf '{ "schema": "workbook-profile/1", "week": %s, "status": "unavailable", "reason": %s,\n  "env": { "commit": %s, "date": %s }, "variants": [] }\n' \
        "$(json_escape "$w")" "$(json_escape "$1")" "$(json_escape "$commit")" "$(json_escape "$date")" >"$f"
    echo "profile: $w: not profiled: $1 (wrote $f)"
    exit 0
}

[ -x "$grade" ] || { echo "profile: $grade not found: build it first (make $w)" >&2; exit 2; }
[ -f "$res" ] || { echo "profile: $res not found: rebuild the week (rm build/$w/lesson.o; make $w)" >&2; exit 2; }
ncu=$(find_cuda_tool ncu) ||
    unavailable "Nsight Compute (ncu) not found in \$NCU, $CUDA_HOME/bin, PATH or /opt/nvidia/nsight-compute"
gpu_line=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader -i 0 2>/dev/null | head -n 1)
[ -n "$gpu_line" ] || unavailable "no GPU visible (nvidia-smi lists none)"
gpu=${gpu_line%%,*}
driver=${gpu_line#*, }
folder=$(gpu_folder "$gpu")
ncu_version=$("$ncu" --version 2>/dev/null | tail -n 1)

# the lesson's kernels, by base name: ncu profiles nothing else
kernel_bases=$(kernel_names "$res" | cut -f4 | awk '!seen[$0]++' | paste -sd'|' -)
[ -n "$kernel_bases" ] || { echo "profile: no kernels named in $res" >&2; exit 2; }
# matches a demangled name ("void ns::k<T>(...)") or a bare one ("k"), whether
# ncu searches for the pattern or matches the whole name against it
kernel_re="regex:^(.*[^A-Za-z0-9_])?($kernel_bases)([<(].*)?\$"

# the help text is read whole first: with pipefail, grep -q leaving early can
# kill the writer (SIGPIPE) and fail the test that just matched
grade_help=$("$grade" --help 2>/dev/null) || true
nofork=()
[[ $grade_help == *--no-fork* ]] && nofork=(--no-fork)

# representative shape per op: the largest benchmark shape, or one like it
shape_for() {
    [ -n "${PROFILE_SHAPE:-}" ] && { echo "$PROFILE_SHAPE"; return; }
    case $1 in
        array_sum) echo 1x67108864 ;;
        *) echo 8192x8192 ;;
    esac
}

mapfile -t variant_lines < <(variants_of_grade "$grade")
[ ${#variant_lines[@]} -gt 0 ] || { echo "profile: $grade --list names no variant" >&2; exit 2; }
if [ -n "$only" ]; then
    for v in ${only//,/ }; do
        grep -qx -- "$v" < <(printf '%s\n' "${variant_lines[@]}" | cut -f1) ||
            { echo "profile: $w has no variant '$v' (see $grade --list)" >&2; exit 2; }
    done
fi

frags=$work/variants.json.part
table=$work/table.tsv
: >"$frags"; : >"$table"
errors=0 profiled=0 first=1

# run_ncu VARIANT SHAPE REP LOG: ncu on one grader test; its status
run_ncu() {
    local IFS=,
    timeout "$timeout_s" "$ncu" --clock-control none --target-processes all \
        --kernel-name-base demangled --kernel-name "$kernel_re" --launch-count "$launches" \
        --metrics "${metrics[*]}" --export "$3" --force-overwrite \
        "$grade" "${nofork[@]}" --variant "$1" --dtype "$dtype" --shape "$2" --seed 1 --quiet \
        --report-dir "$work/grade-reports" >"$4" 2>&1
}

# drop_missing_metrics LOG: remove from metrics[] those ncu said it cannot find
drop_missing_metrics() {
    local m base kept=() n=0 errs
    errs=$(grep -iE '==ERROR==|error' "$1" | grep -iE 'metric|counter' || true)
    [ -n "$errs" ] || return 1
    for m in "${metrics[@]}"; do
        base=${m%%.*}
        if grep -qF -- "$base" <<<"$errs"; then dropped+=("$m"); n=$((n + 1)); else kept+=("$m"); fi
    done
    [ "$n" -gt 0 ] || return 1
    metrics=("${kept[@]}")
    echo "profile: this ncu does not know ${n} metric(s); going on without: ${dropped[*]}" >&2
}

for line in "${variant_lines[@]}"; do
    v=${line%%	*}; op=${line#*	}
    if [ -n "$only" ] && ! grep -qx -- "$v" < <(tr ',' '\n' <<<"$only"); then continue; fi
    shape=$(shape_for "$op")
    rows=${shape%%x*}; cols=${shape#*x}
    rep=$work/$v.ncu-rep log=$work/$v.log csv=$work/$v.csv
    echo "profile: $w $v ($op, $dtype, $shape) ..." >&2
    status=""
    for _ in 1 2 3 4; do
        rm -f "$rep"
        run_ncu "$v" "$shape" "$rep" "$log"; rc=$?
        if grep -qE 'ERR_NVGPUCTRPERM' "$log"; then
            unavailable "ncu may not read the GPU's performance counters here (ERR_NVGPUCTRPERM; see $log)"
        fi
        if [ ! -s "$rep" ] && grep -qiE 'LibraryNotLoaded|Failed to initialize the profiler|Device not supported|not supported on this (device|GPU|platform)' "$log"; then
            [ "$first" = 1 ] && unavailable "ncu cannot profile on this machine: $(grep -m1 -iE 'LibraryNotLoaded|Failed to initialize|not supported' "$log" | cut -c1-200)"
        fi
        # no report and a complaint about metrics: drop the ones named, try again
        if [ $rc -ne 0 ] && [ ! -s "$rep" ] && drop_missing_metrics "$log"; then continue; fi
        break
    done
    first=0
    if [ $rc -eq 124 ]; then status="timed out after ${timeout_s} s (PROFILE_TIMEOUT); see $log"
    elif [ ! -s "$rep" ]; then
        status="ncu wrote no report (exit $rc): $(grep -m1 -E '==ERROR==|==WARNING==' "$log" | cut -c1-200)"
        grep -q 'No kernels were profiled' "$log" && status="no kernel of the lesson ran (ncu: No kernels were profiled); see $log"
    else
        "$ncu" --import "$rep" --csv --page raw --print-units base >"$csv" 2>"$csv.err" ||
            "$ncu" --import "$rep" --csv --page raw >"$csv" 2>"$csv.err" ||
            status="ncu --import $rep failed: $(head -c 200 "$csv.err")"
    fi
    if [ -n "$status" ]; then
        errors=$((errors + 1))
        [ -s "$frags" ] && printf ',\n' >>"$frags"
        printf '    { "variant": %s, "op": %s, "dtype": %s, "rows": %s, "cols": %s, "status": "error", "message": %s }' \
            "$(json_escape "$v")" "$(json_escape "$op")" "$(json_escape "$dtype")" "$rows" "$cols" "$(json_escape "$status")" >>"$frags"
        printf '%s\t-\t%s\n' "$v" "$status" >>"$table"
        echo "profile: $w $v: $status" >&2
        continue
    fi
    [ -s "$frags" ] && printf ',\n' >>"$frags"
    awk -f grader/profile/ncu-csv.awk "$csv" >"$work/$v.tsv"
    awk -f grader/profile/demangled.awk -f grader/profile/ncu-summary.awk -v kernels="$kernel_bases" -v variant="$v" -v op="$op" \
        -v dtype="$dtype" -v rows="$rows" -v cols="$cols" -v json="$frags.one" "$work/$v.tsv" >>"$table"
    if grep -q '"status": "ok"' "$frags.one"; then
        profiled=$((profiled + 1))
    else
        errors=$((errors + 1))
    fi
    cat "$frags.one" >>"$frags"; rm -f "$frags.one"
done
[ -s "$frags" ] || { echo "profile: $w: no variant selected" >&2; exit 2; }

if [ -n "$only" ]; then
    out=build/reports/$w-profile-${only//,/-}.json
else
    out=$results_root/$folder/$w-profile.json
fi
mkdir -p "$(dirname "$out")"
{
    printf '{ "schema": "workbook-profile/1", "week": %s, "status": %s,\n' "$(json_escape "$w")" \
        "$(json_escape "$([ "$profiled" -gt 0 ] && echo ok || echo failed)")"
    printf '  "env": { "gpu": %s, "driver": %s, "ncu": %s, "clock_control": "none", "commit": %s, "date": %s, "grader": %s },\n' \
        "$(json_escape "$gpu")" "$(json_escape "$driver")" "$(json_escape "$ncu_version")" \
        "$(json_escape "$commit")" "$(json_escape "$date")" "$(json_escape "$grade")"
    printf '  "kernels": %s,\n' "$(json_escape "$kernel_bases")"
    printf '  "metrics_missing": %s,\n' "$(json_list "${dropped[@]+"${dropped[@]}"}")"
    printf '  "variants": [\n'
    cat "$frags"
    printf '\n  ]\n}\n'
} >"$out"

echo
echo "$w on $gpu (driver $driver), $ncu_version, $dtype, clocks not locked (--clock-control none)"
awk -F'\t' '
    BEGIN { printf "%-22s %-34s %9s %6s %6s %6s %13s %7s  %s\n", "variant", "kernel (longest launch)", "us", "DRAM%", "occ%", "L2hit%", "bank-conf ld/st", "unif%", "top stalls (warp cycles/issue)" }
    NF == 3 { printf "%-22s %s\n", $1, $3; next }
    { k = $2; if (length(k) > 34) k = substr(k, 1, 31) "..."
      printf "%-22s %-34s %9s %6s %6s %6s %13s %7s  %s\n", $1, k, $3, $4, $5, $6, $7, $8, $9 }' "$table"
[ ${#dropped[@]} -eq 0 ] || echo "metrics this ncu does not know (null in the JSON): ${dropped[*]}"
echo "profile: wrote $out (ncu reports and logs in $work/)"
[ "$errors" -eq 0 ]
