#!/usr/bin/env bash
# test_grade_profile.sh: the profile section that `make grade` and `make bench`
# attach to the grader's reports (grader/profile/grade-profile.sh), on fixture
# profiles (grader/profile/tests/fixtures/grade-profile/) and a stand-in
# grader for --list. No GPU needed. Covers: both sources present, a variant
# filter, another GPU's runtime profile, runtime missing, static missing, the
# variant map missing, jq missing, a failing section, the Makefile's recipes,
# and the variant map from the launch probe on the real week 0. TAP, through
# ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 2
. ci/tests/tap.sh
FIX=grader/profile/tests/fixtures/grade-profile
GP=grader/profile/grade-profile.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
S=$tmp/weekT.profile.json

# gp [ENV...] -- [ARGS...]: the section of the fixture week into $S
gp() {
    local env=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do env+=("$1"); shift; done
    shift
    env GRADE="$FIX/bin/grade" PROFILE_BUILD_DIR="$FIX/build" RESULTS_DIR="$FIX/results" "${env[@]}" \
        $GP weekT "$S" --gpu "NVIDIA H200" "$@" 2>&1
}
text() { jq -r .text "$S"; }

if ! command -v jq >/dev/null; then
    out=$(gp --); rc=$?
    same "without jq: exit 0" 0 "$rc"
    has "without jq: one line saying so" '^profile: jq not found' "$out"
    finish
    exit
fi

# ---- both sources, this GPU's runtime profile, two variants of three
out=$(gp -- --variant copy,transpose_tiled32); rc=$?
same "both: exit 0, nothing printed" "0 " "$rc $out"
same "both: the contract's schema" workbook-profile-section/1 "$(jq -r .schema "$S")"
t=$(text)
has "both: the first line names the week" "^profile of weekT: per variant, its kernels' resources and its Nsight Compute figures$" "$t"
has "both: the static source line" '^static profile: grader/profile/tests/fixtures/grade-profile/build/weekT/static-profile.json \(sm_90, 6 instruction checks, 1 failed; make static-profile WEEK=T names them\)$' "$t"
has "both: the runtime source line with commit and date" \
    '^runtime profile: commit f1x7ure00001, 2026-11-28T12:00:00Z, f32, one shape per variant: grader/profile/tests/fixtures/grade-profile/results/h200/weekT-profile.json$' "$t"
lacks "both: no 'none for this GPU' line" 'none for this GPU' "$t"
has "both: table header" '^variant +kernels +regs +smem B +spill B +DRAM % +occ % +top stall$' "$t"
has "both: copy's row: its kernel's resources and its runtime figures" \
    '^copy +copy_vec16 +32 +0 +0 +91\.2 +85\.0 +long_scoreboard 12\.8$' "$t"
has "both: two kernels of a variant, one joined by short name (anonymous namespace)" \
    '^transpose_tiled32 +transpose_tiled x2 +28-30 +2048-4096 +12 +- +- +not profiled: error$' "$t"
lacks "both: a variant left out by --variant has no row" '^transpose_naive ' "$t"
same "both: JSON: profile.variants in the lesson's order, each once" "copy transpose_tiled32" \
    "$(jq -r '[.profile.variants[].variant] | join(" ")' "$S")"
same "both: JSON: per-kernel resources" '[{"kernel":"copy_vec16","registers":32,"shared_bytes":0,"stack_bytes":0,"spill_bytes":0}]' \
    "$(jq -c '.profile.variants[0].kernels' "$S")"
same "both: JSON: runtime figures" '{"status":"ok","kernel":"copy_vec16","duration_ns":125500,"dram_throughput_pct":91.24,"achieved_occupancy_pct":85,"top_stall":"long_scoreboard","top_stall_cycles":12.83}' \
    "$(jq -c '.profile.variants[0].runtime' "$S")"
same "both: JSON: runtime source, this GPU" "true NVIDIA H200 f1x7ure00001" \
    "$(jq -r '.profile.runtime | "\(.this_gpu) \(.gpu) \(.commit)"' "$S")"
gp -- >/dev/null
has "without --variant: every variant of the week" '^transpose_naive +transpose_naive +12 ' "$(text)"

# ---- no GPU here: the committed (h200) runtime profile, labelled as another GPU's
out=$(gp -- --gpu ""); rc=$?
same "other GPU: exit 0" 0 "$rc"
has "other GPU: labelled with GPU, commit and date, and how to get this GPU's" \
    "^runtime profile: none for this GPU \(no GPU here\); showing NVIDIA H200's, commit f1x7ure00001, 2026-11-28T12:00:00Z, .*; run make profile WEEK=T on this GPU$" "$(text)"
has "other GPU: the figures still shown" '^copy .* 91\.2 +85\.0 ' "$(text)"
same "other GPU: JSON says it is not this GPU" false "$(jq '.profile.runtime.this_gpu' "$S")"

# ---- runtime profile missing
out=$(gp RESULTS_DIR="$tmp/no-results" --); rc=$?
same "runtime missing: exit 0" 0 "$rc"
has "runtime missing: one line saying so" '^runtime profile: none for this GPU \(NVIDIA H200\); run make profile WEEK=T on it$' "$(text)"
has "runtime missing: the static figures still shown" '^copy +copy_vec16 +32 +0 +0 +- +- +-$' "$(text)"
same "runtime missing: JSON runtime null, one note" "null 1" "$(jq -r '"\(.profile.runtime) \(.profile.notes | length)"' "$S")"

# ---- static profile missing
out=$(gp PROFILE_BUILD_DIR="$tmp/no-build" --); rc=$?
same "static missing: exit 0" 0 "$rc"
has "static missing: one line saying so" "^static profile: none for weekT \(no $tmp/no-build/weekT/static-profile.json\); run make static-profile WEEK=T$" "$(text)"
has "static missing: the runtime figures still shown" '^copy +\? +- +- +- +91\.2 +85\.0 +long_scoreboard 12\.8$' "$(text)"
same "static missing: JSON static and kernels null" "null null" "$(jq -r '"\(.profile.static) \(.profile.variants[0].kernels)"' "$S")"

# ---- the variant map missing: the static profile is there, but not whose kernels are whose
mkdir -p "$tmp/nomap/weekT"
cp "$FIX/build/weekT/static-profile.json" "$tmp/nomap/weekT/"
out=$(gp PROFILE_BUILD_DIR="$tmp/nomap" --); rc=$?
same "map missing: exit 0" 0 "$rc"
has "map missing: one line saying so" '^static profile: which kernels each variant launches is unknown' "$(text)"
has "map missing: runtime figures still shown" '^copy +\? .* 91\.2 ' "$(text)"

# ---- jq missing: a PATH with the tools the script needs, but not jq
mkdir -p "$tmp/nojq"
for t in bash env dirname cat cp rm mv mkdir mktemp awk sed grep head tail sort cut paste wc date tr; do
    p=$(command -v "$t") && ln -sf "$p" "$tmp/nojq/$t"
done
echo stale >"$S"
out=$(PATH="$tmp/nojq" gp --); rc=$?
same "jq missing: exit 0" 0 "$rc"
same "jq missing: exactly one line, saying so" "profile: jq not found, so no profile section (install jq; it is in ci/packages.txt)" "$out"

# ---- the section itself failing (a static profile of the wrong shape): one line, no file
mkdir -p "$tmp/broken/weekT"
echo '{ "kernels": "not a list" }' >"$tmp/broken/weekT/static-profile.json"
cp "$FIX/build/weekT/variant-kernels.tsv" "$tmp/broken/weekT/"
echo stale >"$S"
out=$(gp PROFILE_BUILD_DIR="$tmp/broken" --); rc=$?
same "the section fails: exit 0" 0 "$rc"
has "the section fails: says so in one line" '^profile: the profile section failed \(status [0-9]+\); the grade goes on without it$' "$out"
check "the section fails: no file left from an earlier grade" test ! -e "$S"

# ---- the Makefile writes the section, then the grader embeds it
mk() { make -n --no-print-directory "$@" CUDA_ARCH=90 2>&1 | tr -d '\\' | tr -s ' \n' ' '; }
has "make grade writes the section, then grades" \
    'grader/profile/grade-profile.sh week0 build/reports/week0.profile.json .* build/week0/grade --time' "$(mk grade WEEK=0)"
has "make grade narrows the section as it narrows the grader" \
    'grade-profile.sh week0 build/reports/week0.profile.json --variant copy ' "$(mk grade WEEK=0 VARIANT=copy)"
has "make bench writes its own section" \
    'grader/profile/grade-profile.sh week0 build/reports/bench/week0.profile.json .* build/week0/grade --bench' "$(mk bench WEEK=0)"

# ---- the variant map from the launch probe, on the real week 0
if [ -f build/week0/lesson.o ] && command -v "${CXX:-g++}" >/dev/null; then
    if $GP --variant-map week0 "$tmp/week0-map.tsv" 2>"$tmp/map.err"; then
        kernels_of() { awk -F'\t' -v v="$1" '$1 == v { print $3 }' "$tmp/week0-map.tsv" | sort | paste -sd';' -; }
        same "week0 map: copy" "copy_vec16" "$(kernels_of copy)"
        same "week0 map: transpose_padded32 (padded instantiations only)" \
            "transpose_tiled<unsigned int, 32, 8, 1>;transpose_tiled<unsigned short, 32, 8, 2>" "$(kernels_of transpose_padded32)"
        same "week0 map: transpose_best (wide and the 16-bit pairs)" \
            "transpose_pairs16;transpose_wide<unsigned int>;transpose_wide<unsigned short>" "$(kernels_of transpose_best)"
    else
        fail "week0 map: grader/profile/grade-profile.sh --variant-map week0 failed" "$(cat "$tmp/map.err")"
    fi
else
    skip "week0 map" "no build/week0/lesson.o (make week0) or no g++"
fi
refuse "a map without the lesson object is an error" env PROFILE_BUILD_DIR="$tmp/no-build" $GP --variant-map week0 "$tmp/x.tsv"

finish
