#!/usr/bin/env bash
# grade_profile.sh: host tests of the profile section that `make grade` and
# `make bench` show after the grader (ci/grade-profile.sh), on fixture reports
# and profiles (ci/tests/fixtures/grade-profile/) and a stand-in grader. No GPU
# needed. Covers: both sources present, another GPU's runtime profile, runtime
# missing, static missing, the variant map missing, jq missing (a PATH
# without it), the grader's exit status kept through --run, and the variant
# map read from host assembly. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
FIX=ci/tests/fixtures/grade-profile
GP=ci/grade-profile.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. ci/tests/assert.sh


if ! command -v jq >/dev/null; then
    # everything below reads JSON with jq; the jq-missing case is the one left
    out=$($GP "$FIX/weekT.json" 2>&1); rc=$?
    same "without jq: exit 0" 0 "$rc"
    has "without jq: one line saying so" '^profile: jq not found' "$out"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
fi

# fresh copies of the report and Gradescope file (the script rewrites them)
reports() { rm -rf "$tmp/r"; mkdir -p "$tmp/r"; cp "$FIX/weekT.json" "$FIX/results.json" "$tmp/r/"; }
# run_gp [ENV...]: the section for $tmp/r/weekT.json, fixture build and results by default
run_gp() {
    env PROFILE_BUILD_DIR="$FIX/build" RESULTS_DIR="$FIX/results" "$@" $GP "$tmp/r/weekT.json" 2>&1
}
J="$tmp/r/weekT.json"

# ---- both sources, this GPU's runtime profile
reports
out=$(run_gp); rc=$?
same "both: exit 0" 0 "$rc"
has "both: the static source line" '^static profile: ci/tests/fixtures/grade-profile/build/weekT/static-profile.json \(sm_90, 6 instruction checks, 1 failed; make static-profile WEEK=T names them\)$' "$out"
has "both: the runtime source line with commit and date" \
    '^runtime profile: commit f1x7ure00001, 2026-11-28T12:00:00Z, f32, one shape per variant: ci/tests/fixtures/grade-profile/results/h200/weekT-profile.json$' "$out"
lacks "both: no 'none for this GPU' line" 'none for this GPU' "$out"
has "both: table header" '^variant +kernels +regs +smem B +spill B +DRAM % +occ % +top stall$' "$out"
has "both: copy's row: its kernel's resources and its runtime figures" \
    '^copy +copy_vec16 +32 +0 +0 +91\.2 +85\.0 +long_scoreboard 12\.8$' "$out"
has "both: two kernels of a variant, one joined by short name (anonymous namespace)" \
    '^transpose_tiled32 +transpose_tiled x2 +28-30 +2048-4096 +12 +- +- +not profiled: error$' "$out"
lacks "both: a variant not graded has no row" '^transpose_naive ' "$out"
same "both: JSON: profile.variants in the order graded, each once" "copy transpose_tiled32" \
    "$(jq -r '[.profile.variants[].variant] | join(" ")' "$J")"
same "both: JSON: per-kernel resources" '[{"kernel":"copy_vec16","registers":32,"shared_bytes":0,"stack_bytes":0,"spill_bytes":0}]' \
    "$(jq -c '.profile.variants[0].kernels' "$J")"
same "both: JSON: runtime figures" '{"status":"ok","kernel":"copy_vec16","duration_ns":125500,"dram_throughput_pct":91.24,"achieved_occupancy_pct":85,"top_stall":"long_scoreboard","top_stall_cycles":12.83}' \
    "$(jq -c '.profile.variants[0].runtime' "$J")"
same "both: JSON: runtime source, this GPU" "true NVIDIA H200 f1x7ure00001" \
    "$(jq -r '.profile.runtime | "\(.this_gpu) \(.gpu) \(.commit)"' "$J")"
same "both: JSON: the grade itself is untouched" "$(jq -c 'del(.profile)' "$FIX/weekT.json")" "$(jq -c 'del(.profile)' "$J")"
gs=$(jq -r .output "$tmp/r/results.json")
has "both: Gradescope output keeps the grader's text" '^3 tests: 2 passed, 1 failed, 0 skipped\.$' "$gs"
has "both: Gradescope output ends with the table" '^copy +copy_vec16 +32 ' "$gs"
run_gp >/dev/null
same "both: a second run replaces the Gradescope section, not adds one" 1 \
    "$(jq -r .output "$tmp/r/results.json" | grep -c '^profile of weekT')"

# ---- no GPU here: the committed (h200) runtime profile, labelled as another GPU's
reports
jq '.env.gpu = "" | .env.have_device = false' "$FIX/weekT.json" >"$J"
out=$(run_gp); rc=$?
same "other GPU: exit 0" 0 "$rc"
has "other GPU: labelled with GPU, commit and date, and how to get this GPU's" \
    "^runtime profile: none for this GPU \(no GPU here\); showing NVIDIA H200's, commit f1x7ure00001, 2026-11-28T12:00:00Z, .*; run make profile WEEK=T on this GPU$" "$out"
has "other GPU: the figures still shown" '^copy .* 91\.2 +85\.0 ' "$out"
same "other GPU: JSON says it is not this GPU" false "$(jq '.profile.runtime.this_gpu' "$J")"

# ---- runtime profile missing
reports
out=$(run_gp RESULTS_DIR="$tmp/no-results"); rc=$?
same "runtime missing: exit 0" 0 "$rc"
has "runtime missing: one line saying so" '^runtime profile: none for this GPU \(NVIDIA H200\); run make profile WEEK=T on it$' "$out"
has "runtime missing: the static figures still shown" '^copy +copy_vec16 +32 +0 +0 +- +- +-$' "$out"
same "runtime missing: JSON runtime null, one note" "null 1" "$(jq -r '"\(.profile.runtime) \(.profile.notes | length)"' "$J")"

# ---- static profile missing
reports
out=$(run_gp PROFILE_BUILD_DIR="$tmp/no-build"); rc=$?
same "static missing: exit 0" 0 "$rc"
has "static missing: one line saying so" "^static profile: none for weekT \(no $tmp/no-build/weekT/static-profile.json\); run make static-profile WEEK=T$" "$out"
has "static missing: the runtime figures still shown" '^copy +\? +- +- +- +91\.2 +85\.0 +long_scoreboard 12\.8$' "$out"
same "static missing: JSON static and kernels null" "null null" "$(jq -r '"\(.profile.static) \(.profile.variants[0].kernels)"' "$J")"

# ---- the variant map missing: the static profile is there, but not whose kernels are whose
reports
mkdir -p "$tmp/nomap/weekT"
cp "$FIX/build/weekT/static-profile.json" "$tmp/nomap/weekT/"
out=$(run_gp PROFILE_BUILD_DIR="$tmp/nomap"); rc=$?
same "map missing: exit 0" 0 "$rc"
has "map missing: one line saying so" '^static profile: which kernels each variant launches is unknown' "$out"
has "map missing: runtime figures still shown" '^copy +\? .* 91\.2 ' "$out"

# ---- jq missing: a PATH with the tools the script needs, but not jq
mkdir -p "$tmp/nojq"
for t in bash env dirname cat cp rm mv mkdir mktemp awk sed grep head tail sort cut paste wc date tr; do
    p=$(command -v "$t") && ln -sf "$p" "$tmp/nojq/$t"
done
reports
out=$(PATH="$tmp/nojq" run_gp); rc=$?
same "jq missing: exit 0" 0 "$rc"
same "jq missing: exactly one line, saying so" "profile: jq not found, so no profile section (install jq; it is in ci/packages.txt)" "$out"
same "jq missing: the report is left as it was" "" "$(cmp "$FIX/weekT.json" "$J" 2>&1)"

# ---- --run: the grader's exit status comes out, whatever the section does
export FAKE_GRADE_RC
for FAKE_GRADE_RC in 0 1 2; do
    rm -rf "$tmp/run"
    out=$(PROFILE_BUILD_DIR="$FIX/build" RESULTS_DIR="$FIX/results" \
        $GP --run "$tmp/run/weekT.json" -- "$FIX/bin/grade" --time --report-dir "$tmp/run" 2>&1); rc=$?
    same "--run: grader exit $FAKE_GRADE_RC is the exit status" "$FAKE_GRADE_RC" "$rc"
    has "--run: grader exit $FAKE_GRADE_RC: grader output, then the section" \
        '^3 tests: 2 passed, 1 failed, 0 skipped$' "$(sed -n '1p' <<<"$out")"
    has "--run: grader exit $FAKE_GRADE_RC: section shown" '^copy +copy_vec16 +32 ' "$out"
done
FAKE_GRADE_RC=1
out=$(PATH="$tmp/nojq" $GP --run "$tmp/run/weekT.json" -- "$FIX/bin/grade" --report-dir "$tmp/run" 2>&1); rc=$?
same "--run without jq: the grader's exit 1 kept" 1 "$rc"
has "--run without jq: one line" '^profile: jq not found' "$out"
# a report from an earlier run must not be shown as this run's
FAKE_GRADE_RC=2
cp "$FIX/weekT.json" "$tmp/run/weekT.json"
out=$(FAKE_GRADE_NO_REPORT=1 $GP --run "$tmp/run/weekT.json" -- "$FIX/bin/grade" --report-dir "$tmp/run" 2>&1); rc=$?
same "--run, no report written: the grader's exit 2 kept" 2 "$rc"
has "--run, no report written: one line, no stale section" '^profile: no grade report at .*/run/weekT.json, so no profile section$' "$out"
lacks "--run, no report written: no table from the old report" '^copy ' "$out"
# the section itself failing (a static profile of the wrong shape) does not change the status
mkdir -p "$tmp/broken/weekT"
echo '{ "kernels": "not a list" }' >"$tmp/broken/weekT/static-profile.json"
cp "$FIX/build/weekT/variant-kernels.tsv" "$tmp/broken/weekT/"
FAKE_GRADE_RC=1
out=$(PROFILE_BUILD_DIR="$tmp/broken" RESULTS_DIR="$FIX/results" \
    $GP --run "$tmp/run/weekT.json" -- "$FIX/bin/grade" --report-dir "$tmp/run" 2>&1); rc=$?
same "--run, the section fails: the grader's exit 1 kept" 1 "$rc"
has "--run, the section fails: says so in one line" '^profile: the profile section failed \(status [0-9]+\); the grade above stands$' "$out"
unset FAKE_GRADE_RC
# the Makefile's grade and bench recipes go through it
has "make grade runs the grader through grade-profile.sh" \
    '^WB_COMMIT=[^ ]+ ci/grade-profile.sh --run build/reports/week0.json -- .*build/week0/grade --time' \
    "$(make -n --no-print-directory grade WEEK=0 CUDA_ARCH=90 2>&1 | tr -d '\\' | tr -s ' \n' ' ' | sed 's/WB_COMMIT=/\nWB_COMMIT=/g')"
has "make bench runs the grader through grade-profile.sh" \
    '^WB_COMMIT=[^ ]+ ci/grade-profile.sh --run build/reports/bench/week0.json -- .*build/week0/grade --bench' \
    "$(make -n --no-print-directory bench WEEK=0 CUDA_ARCH=90 2>&1 | tr -d '\\' | tr -s ' \n' ' ' | sed 's/WB_COMMIT=/\nWB_COMMIT=/g')"

# ---- the variant map, from host assembly (ci/profile/variant-kernels.awk)
awks=(awk)
command -v mawk >/dev/null && awks+=(mawk)
for AWK in "${awks[@]}"; do
    got=$($AWK -f ci/profile/variant-kernels.awk "$FIX/lesson.s" "$FIX/lesson.s" | sort)
    same "[$AWK] variant map: launcher, helper, address taken, table of pointers; not the workspace function" \
"copy	_Z10copy_vec16PK5uint4PS_mm
copy	launch_copy
transpose_tiled32	_Z15transpose_tiledIjLi32ELi8ELi0EEvPKT_PS0_ii
transpose_tiled32	_Z15transpose_tiledItLi32ELi8ELi0EEvPKT_PS0_ii
transpose_tiled32	_Z9tiled_forIjLi32ELi8ELi0EEiPK10wb_problem
transpose_tiled32	_ZL7kernels
transpose_tiled32	launch_transpose_tiled32" "$got"
done
# and from the real week 0 (nvcc and g++): each variant gets exactly its own kernels
if [ -f tangled/week0/week0.cu ] && { command -v nvcc >/dev/null || [ -x "${CUDA_HOME:-/usr/local/cuda}/bin/nvcc" ]; } &&
    command -v "${CXX:-g++}" >/dev/null; then
    if $GP --variant-map week0 "$tmp/week0-map.tsv" 2>"$tmp/map.err"; then
        kernels_of() { awk -F'\t' -v v="$1" '$1 == v && $3 ~ /^(copy_vec16|transpose_[a-z0-9]+)(<|$)/ { print $3 }' \
            "$tmp/week0-map.tsv" | sort | paste -sd';' -; }
        same "week0 map: copy" "copy_vec16" "$(kernels_of copy)"
        same "week0 map: transpose_padded32 (padded instantiations only)" \
            "transpose_tiled<unsigned int, 32, 8, 1>;transpose_tiled<unsigned short, 32, 8, 2>" "$(kernels_of transpose_padded32)"
        same "week0 map: transpose_best (wide and the 16-bit pairs)" \
            "transpose_pairs16;transpose_wide<unsigned int>;transpose_wide<unsigned short>" "$(kernels_of transpose_best)"
    else
        bad "week0 map: ci/grade-profile.sh --variant-map week0 failed" "$(cat "$tmp/map.err")"
    fi
else
    ok "week0 map (nvcc or g++ not installed: not checked)"
fi

finish
