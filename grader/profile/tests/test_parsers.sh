#!/usr/bin/env bash
# test_parsers.sh: host-side tests of the profile and sanitize tooling
# (grader/profile/*.awk, grader/profile/static-profile.sh, grader/profile/profile.sh, grader/profile/sanitize.sh) on
# hand-written fixtures of ptxas -v, cuobjdump, ncu CSV and compute-sanitizer
# output (grader/profile/tests/fixtures/profile/), with stand-ins for ncu, nvidia-smi,
# compute-sanitizer, cuobjdump and the grader. No GPU needed. Runs each awk
# program under mawk too when it is installed (the GPU machine may have no
# gawk). TAP, through ci/tests/tap.sh.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 2
FIX=grader/profile/tests/fixtures/profile
P=grader/profile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. ci/tests/tap.sh

valid_json() { # NAME FILE
    if ! command -v jq >/dev/null; then skip "$1" "jq not installed"; return; fi
    if jq -e . "$2" >/dev/null 2>"$tmp/jq.err"; then pass "$1"; else fail "$1" "$(cat "$tmp/jq.err"; head -c 2000 "$2")"; fi
}

awks=(awk)
command -v mawk >/dev/null && awks+=(mawk)
for AWK in "${awks[@]}"; do
    a="[$AWK]"
    # ---- ptxas -v
    got=$($AWK -f $P/ptxas-res.awk $FIX/ptxas-v.txt)
    same "$a ptxas -v: registers, smem, stack, spills, barriers per kernel and arch" \
"sm_80	_Z10copy_vec16PK5uint4PS_mm	28	0	0	0	0	0
sm_90	_Z10copy_vec16PK5uint4PS_mm	32	0	16	8	12	0
sm_90	_Z15transpose_tiledIjLi32ELi8ELi1EEvPKT_PS0_ii	30	4224	0	0	0	1" "$got"
    # ---- cuobjdump --dump-resource-usage
    got=$($AWK -f $P/cuobjdump-res.awk $FIX/cuobjdump-resource-usage.txt)
    same "$a cuobjdump resource usage" \
"sm_90	_Z15transpose_tiledIjLi32ELi8ELi1EEvPKT_PS0_ii	30	4224	0	0
sm_90	_Z10copy_vec16PK5uint4PS_mm	32	0	16	24" "$got"
    # ---- cuobjdump -sass
    got=$($AWK -f $P/sass-ops.awk -f $P/op-count.awk $FIX/cuobjdump-sass.txt)
    has "$a sass: predicated load read as its opcode" $'_Z15transpose_tiledIjLi32ELi8ELi1EEvPKT_PS0_ii\tLDG.E.CONSTANT\t1' "$got"
    has "$a sass: two LDS counted" $'sm_90\t_Z15transpose_tiledIjLi32ELi8ELi1EEvPKT_PS0_ii\tLDS\t2' "$got"
    has "$a sass: @!PT guard stripped" $'_Z10copy_vec16PK5uint4PS_mm\tSHFL.IDX\t1' "$got"
    same "$a sass: encoding lines are not instructions" "0" "$(grep -c '0x000' <<<"$got")"
    # ---- names
    got=$(printf '%s\t%s\n' \
        '_ZN40_GLOBAL__N__a58314a7_8_week2_cu_f6833d9d12softmax_safeIfLi4ELb1EEEvPKT_PS1_li' \
        'void _GLOBAL__N__a58314a7_8_week2_cu_f6833d9d::softmax_safe<float, 4, true>(float const*, float*, long, int)' \
        '_Z10copy_vec16PK5uint4PS_mm' 'copy_vec16(uint4 const*, uint4*, unsigned long, unsigned long)' |
        $AWK -f $P/demangled.awk -f $P/names.awk | cut -f2-)
    same "$a names: anonymous namespace normalised; short and base names" \
"void (anonymous namespace)::softmax_safe<float, 4, true>(float const*, float*, long, int)	softmax_safe<float, 4, true>	softmax_safe
copy_vec16(uint4 const*, uint4*, unsigned long, unsigned long)	copy_vec16	copy_vec16" "$got"
    # cu++filt (the CUDA image's demangler) writes <unnamed>:: and casts
    got=$(printf '%s\t%s\n' \
        '_ZN40_GLOBAL__N__a58314a7_8_week2_cu_f6833d9d22softmax_backward_fusedI13__nv_bfloat16Li1ELb0EEEvPKT_S4_PS2_li' \
        'void <unnamed>::softmax_backward_fused<__nv_bfloat16, (int)1, (bool)0>(const T1 *, const T1 *, T1 *, long, int)' |
        $AWK -f $P/demangled.awk -f $P/names.awk | cut -f3-)
    same "$a names: cu++filt's <unnamed>:: and (int)/(bool) casts read as c++filt's" \
"softmax_backward_fused<__nv_bfloat16, 1, false>	softmax_backward_fused" "$got"
    # ---- ncu CSV, both layouts
    got=$($AWK -f $P/ncu-csv.awk $FIX/ncu-raw.csv)
    has "$a ncu raw page: one line per launch and metric, thousands separators gone" \
        $'^0\tvoid transpose_tiled<unsigned int, 32, 8, 0>\\(const T1 \\*, T1 \\*, int, int\\)\t\\(32, 8, 1\\)\t\\(256, 256, 1\\)\tgpu__time_duration.sum\tnsecond\t1234560$' "$got"
    has "$a ncu raw page: units row read" $'\tlts__t_sector_hit_rate.pct\t%\t45.1$' "$got"
    has "$a ncu raw page: n/a is empty" $'^2\thelper_kernel\\(int\\).*smsp__sass_average_branch_targets_threads_uniform.pct\t%\t$' "$got"
    same "$a ncu raw page: program output and ==PROF== lines skipped" "0" "$(grep -c 'PROF\|seed' <<<"$got")"
    got=$($AWK -f $P/ncu-csv.awk $FIX/ncu-details.csv)
    has "$a ncu details page: metric name/unit/value columns" $'^0\tcopy_vec16.*\tgpu__time_duration.sum\tusecond\t125.5$' "$got"
    # ---- summary of one variant
    $AWK -f $P/ncu-csv.awk $FIX/ncu-raw.csv >"$tmp/launches.tsv"
    row=$($AWK -f $P/demangled.awk -f $P/ncu-summary.awk -v kernels='transpose_tiled|copy_vec16' -v variant=transpose_tiled32 -v op=transpose \
        -v dtype=f32 -v rows=8192 -v cols=8192 -v json="$tmp/one.json" "$tmp/launches.tsv")
    has "$a summary: the longest lesson launch stands for the variant; other kernels ignored" \
        $'^transpose_tiled32\ttranspose_tiled<unsigned int, 32, 8, 0>\t1234.6\t78.2\t88.5\t45.1\t8388608/0\t100.0\tlong_scoreboard 12.8, mio_throttle 5.5, barrier 3.2$' "$row"
    { echo '{"variants":['; cat "$tmp/one.json"; echo ']}'; } >"$tmp/wrapped.json"
    valid_json "$a summary: the variant's JSON is valid" "$tmp/wrapped.json"
    has "$a summary: 'selected' is not a stall; missing metrics are null" '"theoretical_occupancy_pct": null' "$(cat "$tmp/one.json")"
    has "$a summary: launches counted" '"launches": 2' "$(cat "$tmp/one.json")"
    # ncu on the CUDA image names a kernel in an anonymous namespace as cu++filt does
    sed 's/void transpose_tiled<unsigned int, 32, 8, 0>/void <unnamed>::transpose_tiled<unsigned int, (int)32, (int)8, (bool)0>/' \
        "$tmp/launches.tsv" >"$tmp/unnamed.tsv"
    row=$($AWK -f $P/demangled.awk -f $P/ncu-summary.awk -v kernels='transpose_tiled' -v variant=transpose_tiled32 -v op=transpose \
        -v dtype=f32 -v rows=8192 -v cols=8192 -v json="$tmp/unnamed.json" "$tmp/unnamed.tsv")
    has "$a summary: <unnamed>:: and (int) casts still name the lesson's kernel" \
        $'^transpose_tiled32\ttranspose_tiled<unsigned int, 32, 8, false>\t1234.6\t78.2' "$row"
    # ---- sanitizer
    got=$($AWK -f $P/sanitizer.awk $FIX/memcheck.log)
    same "$a memcheck: new and old location layouts, addresses dropped, API error without a location" \
"error	lessons/week0-copy-transpose.nw	212	Invalid __global__ write of size 4 bytes; out of bounds	by thread (3,0,0) in block (1,0,0)
error	lessons/week1-reduction.nw	188	Invalid __shared__ read of size 4 bytes; out of bounds	by thread (255,0,0) in block (0,0,0)
error	week0_write_past_end.cu	12	Invalid __global__ write of size 4 bytes; out of bounds	by thread (32,0,0) in block (0,0,0)
error	week0_write_past_end.cu	12	Invalid __global__ write of size 4 bytes; out of bounds	by thread (33,0,0) in block (0,0,0)
error			Program hit cudaErrorLaunchFailure (error 719) due to \"unspecified launch failure\" on CUDA API call to cudaStreamSynchronize.	" "$got"
    got=$($AWK -f $P/sanitizer.awk $FIX/racecheck.log)
    same "$a racecheck: both access lines, hazards, warnings" \
"error	lessons/week0-copy-transpose.nw	241	race in shared memory: Write access at line 241 races with Read access at line 252 (6144 hazards)	
warning	grader/mutants/week0_shared_race.cu	40	race in shared memory: Write access at line 40 races with Write access at line 40 (2 hazards)	" "$got"
    got=$($AWK -f $P/sanitizer.awk $FIX/synccheck.log)
    has "$a synccheck: barrier error at its line" $'^error\tlessons/week1-reduction.nw\t188\tBarrier error detected. Divergent thread\\(s\\) in block\tby thread' "$got"
    got=$($AWK -f $P/sanitizer.awk $FIX/initcheck.log)
    has "$a initcheck: path cut to the repository" $'^error\ttangled/week2/week2.cu\t61\tUninitialized __global__ memory read of size 4 bytes; Address' "$got"
    # ---- PTX (no cuobjdump): an intrinsic's inline block inside a kernel
    got=$($AWK -f $P/ptx-ops.awk -f $P/op-count.awk $FIX/inline-blocks.ptx | cut -f2- | LC_ALL=C sort)
    same "$a ptx-ops: an inline block neither ends its kernel nor hides its instruction" \
$'first\tcvt.f32.f16\t1\nfirst\tex2.approx.ftz.f32\t1\nfirst\tmax.f16x2\t1\nfirst\tret\t1\nsecond\tret\t1\nsecond\tshfl.sync.bfly.b32\t1' "$got"
done

# ---- rules (the static profile's checks), SASS and PTX
printf '%s\n' \
    $'copy_vec16\tcopy_vec16\tcopy_vec16\tm1\t32\t0\t0\t\t0\t0\t0' \
    $'transpose_tiled<unsigned int, 32, 8, 1>\ttranspose_tiled<unsigned int, 32, 8, 1>\ttranspose_tiled\tm2\t30\t4224\t0\t\t8\t4\t1' >"$tmp/k.tsv"
printf '%s\n' $'copy_vec16\tLDG.E.LTC128B.128.CONSTANT\t4' $'copy_vec16\tSTG.E.128\t4' \
    $'transpose_tiled<unsigned int, 32, 8, 1>\tLDS\t2' $'transpose_tiled<unsigned int, 32, 8, 1>\tSTS\t1' \
    $'transpose_tiled<unsigned int, 32, 8, 1>\tBAR.SYNC.DEFER_BLOCKING\t1' >"$tmp/o.tsv"
cat >"$tmp/rules" <<'R'
# a comment
*                 spills    0
copy_vec16        contains  LDG.E.128, STG.E.128
copy_vec16        lacks     LDS STS
"transpose_tiled<unsigned int, 32, *"  contains  LDS,STS,BAR   # quoted, with spaces
transpose_tiled   contains  SHFL
transpose_tiled   registers 24
transpose_gone    contains  LDS
R
run_rules() { awk -f $P/rules.awk -v kernels="$tmp/k.tsv" -v ops="$1" -v rules="$tmp/rules" -v isa="$2" \
    -v arch=sm_90 -v week=weekT -v json="$tmp/sp.json" -v md="$tmp/sp.md" -v resources=test -v instructions_from=test /dev/null; }
out=$(run_rules "$tmp/o.tsv" sass); rc=$?
same "rules: exit 1 on failed checks" 1 "$rc"
has "rules: modifiers match in any order (LDG.E.128 in LDG.E.LTC128B.128.CONSTANT)" '' "$out"
same "rules: copy_vec16 passes all its checks" 0 "$(grep -c '^FAIL copy_vec16' <<<"$out")"
has "rules: a missing opcode names kernel, rule and line" \
    '^FAIL transpose_tiled<unsigned int, 32, 8, 1>: transpose_tiled contains SHFL \(.*rules:6\): no SHFL in its SASS' "$out"
has "rules: register limit" 'registers 30 > 24' "$out"
has "rules: a spill fails by default" '^FAIL transpose_tiled<unsigned int, 32, 8, 1>: \* spills 0 .*spills 8\+4 bytes' "$out"
has "rules: a rule that matches no kernel fails" '^FAIL transpose_gone contains LDS: rule \(.*:8\) matches no kernel' "$out"
has "rules: counts line" '^static-profile: weekT: 2 kernels, [0-9]+ checks, 4 failed, 0 unchecked$' "$out"
valid_json "rules: static-profile JSON is valid" "$tmp/sp.json"
has "rules: Markdown table row" '^\| copy\\_vec16 \| 32 \| 0 \| 0 \| 0 \| contains LDG.E.128,STG.E.128; lacks LDS,STS \|$' "$(cat "$tmp/sp.md")"
printf '%s\n' $'copy_vec16\tld.global.nc.v4.u32\t4' $'copy_vec16\tst.global.v4.u32\t4' \
    $'transpose_tiled<unsigned int, 32, 8, 1>\tld.shared.u32\t2' $'transpose_tiled<unsigned int, 32, 8, 1>\tst.shared.u32\t1' \
    $'transpose_tiled<unsigned int, 32, 8, 1>\tbar.sync\t1' >"$tmp/p.tsv"
out=$(run_rules "$tmp/p.tsv" ptx)
same "rules (PTX): SASS opcodes found through their PTX counterparts" 0 "$(grep -c '^FAIL copy_vec16\|LDS,STS,BAR' <<<"$out")"
has "rules (PTX): missing SHFL reported against the PTX" 'no SHFL in its PTX' "$out"
printf '%s\n' $'copy_vec16\tld.global.nc.v4.u32\t4' $'copy_vec16\tst.global.v4.u32\t4' \
    $'copy_vec16\tbarrier.cluster.arrive\t2' $'copy_vec16\tbarrier.cluster.wait\t2' >"$tmp/p3.tsv"
printf '%s\n' 'copy_vec16 contains UCGABAR_ARV, UCGABAR_WAIT' 'copy_vec16 lacks BAR' >"$tmp/rules3"
out=$(awk -f $P/rules.awk -v kernels="$tmp/k.tsv" -v ops="$tmp/p3.tsv" -v rules="$tmp/rules3" -v isa=ptx \
    -v arch=sm_90 -v week=weekT -v json="$tmp/sp3.json" -v md="$tmp/sp3.md" -v resources=test -v instructions_from=test /dev/null)
has "rules (PTX): the cluster barrier's arrive and wait found; not taken for a block barrier" \
    '^static-profile: weekT: 2 kernels, [0-9]+ checks, 1 failed, 0 unchecked$' "$out"
printf '%s\n' $'copy_vec16\tmax.bf16x2\t2' $'transpose_tiled<unsigned int, 32, 8, 1>\tmax.f32\t2' >"$tmp/p4.tsv"
printf '%s\n' 'copy_vec16 contains HMNMX2' 'transpose_tiled contains HMNMX2' >"$tmp/rules4"
out=$(awk -f $P/rules.awk -v kernels="$tmp/k.tsv" -v ops="$tmp/p4.tsv" -v rules="$tmp/rules4" -v isa=ptx \
    -v arch=sm_90 -v week=weekT -v json="$tmp/sp4.json" -v md="$tmp/sp4.md" -v resources=test -v instructions_from=test /dev/null)
has "rules (PTX): HMNMX2 is a packed 16-bit max, not a float one" \
    '^FAIL transpose_tiled<unsigned int, 32, 8, 1>: transpose_tiled contains HMNMX2.*no HMNMX2 in its PTX' "$out"
same "rules (PTX): HMNMX2 found as max.bf16x2" 0 "$(grep -c '^FAIL copy_vec16' <<<"$out")"
printf '%s\n' $'copy_vec16\tld.global.nc.u32\t4' >"$tmp/p2.tsv"
out=$(run_rules "$tmp/p2.tsv" ptx)
has "rules (PTX): a 4-byte load is not LDG.E.128" '^FAIL copy_vec16: copy_vec16 contains LDG.E.128, ?STG.E.128.*no LDG.E.128, STG.E.128 in its PTX' "$out"

# ---- static-profile.sh end to end, on the SASS path with a stand-in cuobjdump
mkdir -p "$tmp/repo/build/weekT" "$tmp/repo/grader/profile"
cp grader/profile/*.sh grader/profile/*.awk "$tmp/repo/grader/profile/"
cp $FIX/ptxas-v.txt "$tmp/repo/build/weekT/resource-usage.txt"
echo obj >"$tmp/repo/build/weekT/lesson.o"
printf '%s\n' '*  spills 0' 'copy_vec16 contains LDG.E.128 STG.E.128' 'copy_vec16 spills 64' \
    'transpose_tiled contains LDS STS BAR' 'transpose_tiled lacks SHFL' >"$tmp/repo/grader/weekT.instructions"
out=$(cd "$tmp/repo" && CUOBJDUMP="$OLDPWD/$FIX/bin/cuobjdump" grader/profile/static-profile.sh T 2>&1); rc=$?
same "static-profile.sh (SASS): exit 0 when every check passes" 0 "$rc"
has "static-profile.sh (SASS): newest architecture, both resource sources" \
    'Resources from ptxas -v \(build/weekT/resource-usage.txt\) and cuobjdump' "$out"
has "static-profile.sh (SASS): a spills rule allows a kernel's spills" '^\| copy\\_vec16 \| 32 \| 0 \| 16 \| 20 \|' "$out"
valid_json "static-profile.sh (SASS): JSON valid" "$tmp/repo/build/weekT/static-profile.json"
has "static-profile.sh (SASS): local memory from cuobjdump" '"local_bytes": 24' "$(cat "$tmp/repo/build/weekT/static-profile.json")"
printf '%s\n' 'transpose_tiled contains SHFL' >"$tmp/repo/grader/weekT.instructions"
out=$(cd "$tmp/repo" && CUOBJDUMP="$OLDPWD/$FIX/bin/cuobjdump" STATIC_PROFILE_QUIET=1 grader/profile/static-profile.sh T 2>&1); rc=$?
same "static-profile.sh: a new spill fails (exit 1)" 1 "$rc"
has "static-profile.sh: the failure names kernel and rule" '^FAIL copy_vec16: \* spills 0 \(default\)|^FAIL copy_vec16: \(every kernel\) spills 0' "$out"
# --if-stale: the JSON of the failing run above is newer than object and rules
json=$tmp/repo/build/weekT/static-profile.json
echo stamp >"$json.mark"; touch -r "$json" "$json.mark"
(cd "$tmp/repo" && CUOBJDUMP="$OLDPWD/$FIX/bin/cuobjdump" grader/profile/static-profile.sh --if-stale T >/dev/null 2>&1)
same "static-profile.sh --if-stale: a current JSON is left alone" "" "$(find "$json" -newer "$json.mark")"
sleep 1; touch "$tmp/repo/build/weekT/lesson.o"
(cd "$tmp/repo" && CUOBJDUMP="$OLDPWD/$FIX/bin/cuobjdump" grader/profile/static-profile.sh --if-stale T >/dev/null 2>&1)
same "static-profile.sh --if-stale: a newer object remakes it" "$json" "$(find "$json" -newer "$json.mark")"
out=$(cd "$tmp/repo" && grader/profile/static-profile.sh 9 2>&1); rc=$?
same "static-profile.sh: a week not built is exit 2" 2 "$rc"
has "static-profile.sh: ... with the command to build it" 'make week9' "$out"

# ---- profile.sh with stand-ins for ncu, nvidia-smi and the grader
export PATH="$PWD/$FIX/bin:$PATH"
out=$(NCU=/nonexistent/ncu GRADE=$FIX/bin/grade RESOURCE_USAGE=$FIX/ptxas-v.txt grader/profile/profile.sh weekT 2>&1); rc=$?
same "profile.sh without ncu: exit 0" 0 "$rc"
has "profile.sh without ncu: one line saying so" '^profile: weekT: not profiled: Nsight Compute \(ncu\) not found' "$out"
valid_json "profile.sh without ncu: a JSON that says why" build/reports/weekT-profile.json
has "profile.sh without ncu: status unavailable" '"status": "unavailable"' "$(cat build/reports/weekT-profile.json)"
rm -f build/reports/weekT-profile.json
export FAKE_NCU_CSV=$PWD/$FIX/ncu-raw.csv FAKE_NCU_LOG=$tmp/ncu.log FAKE_NCU_UNKNOWN=smsp__average_warps_issue_stalled_sleeping_per_issue_active.ratio
out=$(NCU=$PWD/$FIX/bin/ncu GRADE=$FIX/bin/grade RESOURCE_USAGE=$FIX/ptxas-v.txt RESULTS_DIR=$tmp/results \
    grader/profile/profile.sh weekT 2>&1); rc=$?
same "profile.sh: exit 0 when every variant was profiled" 0 "$rc"
has "profile.sh: only the lesson's kernels are profiled" \
    'kernel-name regex:\^\(\.\*\[\^A-Za-z0-9_\]\)\?\(copy_vec16\|transpose_tiled\)\(\[<\(\]\.\*\)\?\$$' "$(cat "$tmp/ncu.log")"
has "profile.sh: one test per variant, in-process" 'app .*grade --no-fork --variant transpose_tiled32 --dtype f32 --shape 8192x8192 --seed 1' "$(cat "$tmp/ncu.log")"
has "profile.sh: a metric ncu does not know is dropped and the run repeated" \
    'metrics this ncu does not know \(null in the JSON\): smsp__average_warps_issue_stalled_sleeping' "$out"
has "profile.sh: table row" '^transpose_tiled32 +transpose_tiled<unsigned int, 3... +1234.6 +78.2' "$out"
f=$tmp/results/h200/weekT-profile.json
valid_json "profile.sh: bench/results/<gpu>/weekN-profile.json is valid" "$f"
has "profile.sh: GPU, driver and ncu recorded" '"gpu": "NVIDIA H200", "driver": "580.159.04", "ncu": "Version 2099.1.0.0 \(fake\)"' "$(cat "$f")"
if command -v jq >/dev/null; then
    same "profile.sh: both variants in the JSON" "copy transpose_tiled32" "$(jq -r '[.variants[].variant] | join(" ")' "$f")"
    same "profile.sh: the dropped metric listed" 1 "$(jq '.metrics_missing | length' "$f")"
fi
unset FAKE_NCU_UNKNOWN

# ---- sanitize.sh with a stand-in compute-sanitizer
export FAKE_SANITIZER_DIR=$PWD/$FIX
mkdir -p "$tmp/mut/week0_shared_race"
cp $FIX/bin/grade "$tmp/mut/week0_shared_race/grade"
out=$(FAKE_SANITIZER_ARGS=$tmp/sanitizer-args COMPUTE_SANITIZER=$PWD/$FIX/bin/compute-sanitizer \
    GRADE=$tmp/mut/week0_shared_race/grade SANITIZE_TOOLS=racecheck,memcheck,synccheck grader/profile/sanitize.sh 2>&1); rc=$?
same "sanitize.sh: exit 1 when there are findings" 1 "$rc"
has "sanitize.sh: the grader runs in one process, outputs without guard zones (memcheck sees overruns)" \
    "week0_shared_race/grade --no-fork --no-guards --variant copy " "$(cat "$tmp/sanitizer-args")"
has "sanitize.sh: a finding at its lesson line, with tool and variant" \
    '^lessons/week0-copy-transpose.nw:241: racecheck: race in shared memory: Write access at line 241 races with Read access at line 252 \(6144 hazards\) \(variant copy\)$' "$out"
has "sanitize.sh: a mutant's finding names the mutant's file" '^grader/mutants/week0_shared_race.cu:40: racecheck: warning: ' "$out"
has "sanitize.sh: a bare file name is found in the repository; one line, with a count" \
    '^grader/mutants/week0_write_past_end.cu:12: memcheck: Invalid __global__ write of size 4 bytes; out of bounds \(variant copy, 2 times\)$' "$out"
has "sanitize.sh: a finding without a location names the binary" 'week0_shared_race/grade: memcheck: Program hit cudaErrorLaunchFailure' "$out"
has "sanitize.sh: closing counts" '^0 passed, 6 failed$' "$out"
j=build/reports/sanitize-week0_shared_race.json
valid_json "sanitize.sh: JSON report valid" "$j"
if command -v jq >/dev/null; then
    same "sanitize.sh: findings deduplicated per variant (2 variants x 7)" 14 "$(jq '.findings | length' "$j")"
    same "sanitize.sh: line numbers are numbers" 241 "$(jq '[.findings[] | select(.tool == "racecheck")][0].line' "$j")"
fi
tapf=build/reports/sanitize-week0_shared_race.tap
has "sanitize.sh: TAP plan" '^1\.\.6$' "$(cat "$tapf")"
has "sanitize.sh: TAP failing run" '^not ok 1 - racecheck copy' "$(cat "$tapf")"
has "sanitize.sh: TAP names the finding" '^  # lessons/week0-copy-transpose.nw:241: racecheck: race in shared memory' "$(cat "$tapf")"
out=$(COMPUTE_SANITIZER=/nonexistent GRADE=$tmp/mut/week0_shared_race/grade grader/profile/sanitize.sh 2>&1); rc=$?
same "sanitize.sh without compute-sanitizer: exit 2, one line" "2" "$rc"
has "sanitize.sh without compute-sanitizer: says so" '^sanitize: week0_shared_race: not sanitized: compute-sanitizer not found' "$out"

# ---- the book's @@PROFILE weekN@@ section (book/build.sh)
if command -v pandoc >/dev/null && command -v notangle >/dev/null && command -v jq >/dev/null; then
    mkdir -p "$tmp/book"
    printf '%s\n' '# Week T' '' 'Prose.' '' '@@PROFILE weekT@@' '' '<<weekT.c>>=' 'int x;' '@' >"$tmp/book/weekT-sample.nw"
    out=$(STATIC_PROFILE_DIR="$tmp/repo/build" book/build.sh --results "$tmp/results/h200" "$tmp/book/out" \
        "$tmp/book/weekT-sample.nw" 2>&1); rc=$?
    same "book: builds a chapter with a profile marker" 0 "$rc"
    html=$(cat "$tmp/book/out/weekT.html" 2>/dev/null)
    has "book: the static profile table (one row per kernel)" '<td[^>]*>copy_vec16</td>' "$html"
    has "book: the Nsight Compute table" '<td[^>]*>transpose_tiled32</td>' "$html"
    has "book: its caption names GPU, driver and commit" 'Nsight Compute on NVIDIA H200, driver 580.159.04, Version 2099.1.0.0 \(fake\), commit' "$html"
    same "book: the marker itself is gone" 0 "$(grep -c 'PROFILE weekT' <<<"$html")"
    rm -f "$tmp/results/h200/weekT-profile.json"
    STATIC_PROFILE_DIR="$tmp/repo/build" book/build.sh --results "$tmp/results/h200" "$tmp/book/out" \
        "$tmp/book/weekT-sample.nw" >/dev/null 2>&1
    has "book: without a committed profile, a visible note" 'No Nsight Compute profile is committed for this GPU' "$(cat "$tmp/book/out/weekT.html")"
else
    skip "book: profile section" "pandoc, noweb or jq not installed"
fi
rm -rf build/reports/sanitize-week0_shared_race.* build/sanitize/week0_shared_race build/profile/weekT

finish
