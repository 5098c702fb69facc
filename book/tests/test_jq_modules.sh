#!/usr/bin/env bash
# book/tests/test_jq_modules.sh: the book's data shaping (book/jq/*.jq) on the
# fixtures in book/tests/fixtures, function by function. TAP, through
# ci/tests/tap.sh.
# shellcheck disable=SC2016 # jq programs, in single quotes
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. ci/tests/tap.sh
FIX=book/tests/fixtures
WORK=$(mktemp -d "${TMPDIR:-/tmp}/booktest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
q() { jq -L book/jq "$@" 2>&1; } # q JQ-ARGS...: a module's answer, or jq's error

# ---- results.jq: tables, progression, bar chart ---------------------------------
same "results: table rows by size, failed ones with their category" \
    "$(printf '%s\n' 'transpose_naive	f32	1024×1024	ok	0.012	699	16.3	0.33' \
        'transpose_naive	f32	8192×8192	ok	0.42	1278.3	29.7	0.3' \
        'transpose_tiled32	f32	8192×8192	ok	0.134	4006.1	93.2	0.93' \
        'transpose_naive	f16	8192×8192	ok	0.3	894.8	20.8	0.21' \
        'transpose_tiled32	f16	8192×8192	wrong				')" \
    "$(q -r 'include "results"; table_rows("transpose"; []) | @tsv' $FIX/h200/week9.json)"
same "results: rows narrowed to the variants named" 3 \
    "$(q -r 'include "results"; table_rows("transpose"; ["transpose_naive"]) | @tsv' $FIX/h200/week9.json | wc -l)"
check "results: has_op sees an op" q -e 'include "results"; has_op("copy")' $FIX/h200/week9.json
refuse "results: has_op misses an op the file lacks" q -e 'include "results"; has_op("softmax")' $FIX/h200/week9.json
same "results: progression at the largest float32 shape, step and cumulative speedups" \
    "$(printf '%s\n' 'transpose_naive	8192×8192	0.42	1278.3		1	29.7' \
        'transpose_tiled32	8192×8192	0.134	4006.1	3.134328358208955	3.134328358208955	93.2')" \
    "$(q -r 'include "results"; progression_rows("transpose") | @tsv' $FIX/h200/week9.json)"
same "results: bar chart data, a column per dtype, - where none passed" \
    "$(printf '%s\n' 'variant	f32	f16' 'transpose_naive	1278.3	894.8' 'transpose_tiled32	4006.1	-')" \
    "$(q -r 'include "results"; plot_rows("transpose") | @tsv' $FIX/h200/week9.json)"
same "results: no passed result, no chart" "" "$(q -r 'include "results"; plot_rows("softmax") | @tsv' $FIX/h200/week9.json)"
same "results: the chart's labels" "NVIDIA H200	8192×8192	4300" \
    "$(q -r 'include "results"; plot_labels("transpose") | @tsv' $FIX/h200/week9.json)"

# ---- versus.jq: the lesson against peers ------------------------------------------
peers() { # peers FILE:SUFFIX...: the peers of those files
    local meta="" f args=()
    for f; do
        meta+="${meta:+,}{\"src\":\"${f%%:*}\",\"suffix\":\"${f##*:}\"}"
        args+=("${f%%:*}")
    done
    jq -n --argjson meta "[$meta]" '[inputs] as $d | [range(0; $meta | length) as $i | $meta[$i] + {doc: $d[$i]}]' "${args[@]}" |
        q -c 'include "versus"; peers(.)'
}
two=$(peers $FIX/h200/week7-torch.json:torch $FIX/h200/week7-torch-compile.json:torch-compile)
same "versus: peers are named by the file's suffix, else by its env.peer" '["PyTorch","torch.compile"]' \
    "$(jq -c 'map(.name)' <<<"$two")"
jq '.results[0].peer = "eager" | .results[1].peer = "compiled"' $FIX/h200/week7-torch.json >"$WORK/week7-mixed.json"
same "versus: one file holds several peers when its results name them" '["eager","compiled","PyTorch"]' \
    "$(peers "$WORK/week7-mixed.json:torch" | jq -c 'map(.name)')"
pairs=$(q -c --slurpfile L $FIX/h200/week7.json --argjson p "$two" -n 'include "versus"; pairs("softmax"; $L[0]; $p)')
same "versus: one pair per dtype and shape any peer measured, by dtype then row length" \
    '["f32 8192x1024","f32 65536x1024","f32 4096x32768","f32 1024x131072","f16 8192x1024","f16 65536x1024","f16 1024x131072"]' \
    "$(jq -c 'map("\(.dtype) \(.rows)x\(.cols)")' <<<"$pairs")"
same "versus: the best lesson variant passed and is the op's (not the faster failed or backward one)" \
    softmax_online "$(jq -r '.[0].best.variant' <<<"$pairs")"
same "versus: a peer that did not measure a shape is null there" null "$(jq -c '.[2].peers[0]' <<<"$pairs")"
same "versus: table rows, per peer ms, status, speedup" \
    "$(printf '%s\n' '8192×1024	f32	softmax_online	0.2	8.4	0.324	ok	1.6199999999999999	0.25	ok	1.25' \
        '4096×32768	f32					none		0.9	ok	')" \
    "$(q -r 'include "versus"; table_rows | @tsv' <<<"$pairs" | sed -n '1p;3p')"
same "versus: plot data, the lesson and each peer per dtype" \
    "$(printf '%s\n' 'cols	f32 lesson	f32 PyTorch	f32 torch.compile	f16 lesson	f16 PyTorch	f16 torch.compile' \
        '1024	-	536.9	-	894.8	813.4	-')" \
    "$(q -r --argjson p "$two" 'include "versus"; plot_rows($p) | @tsv' <<<"$pairs" | head -n 2)"
same "versus: the shapes drawn" "65536×1024, 4096×32768, 1024×131072" "$(q -r 'include "versus"; plot_shapes' <<<"$pairs")"
has "versus: the caption names every peer and its run" \
    'against PyTorch 0\.0\.0\+fixture and torch\.compile 0\.0\.0\+fixture.*torch\.compile: commit f1xture-compile' \
    "$(q -r --slurpfile L $FIX/h200/week7.json --argjson p "$two" -n 'include "versus"; caption("week7"; "softmax"; $L[0]; "L"; $p)')"

# ---- profile.jq: static and Nsight Compute tables -------------------------------------
same "profile: static rows group a kernel's instantiations" \
    'transpose\\_tiled	2	28–30	2048–4096	12	no spills' \
    "$(q -r 'include "profile"; static_rows | select(.[0] == "transpose\\_tiled") | @tsv' $FIX/static/week9/static-profile.json)"
same "profile: a failed check is named" '**failed:** transpose_naive contains LDG.E.128' \
    "$(q -r 'include "profile"; static_rows | select(.[0] == "transpose\\_naive") | .[5]' $FIX/static/week9/static-profile.json)"
same "profile: Nsight Compute rows, an error with its message" \
    '**error**|transpose\_naive\<unsigned int\>' \
    "$(q -r 'include "profile"; [ncu_rows | .[1]] | "\(.[1])|\(.[2])"' $FIX/h200/week9-profile.json)"
same "profile: a row's figures rounded to one decimal and stalls named" 'copy\_vec16|125.5|91.2|long scoreboard 12.8, wait 2.5' \
    "$(q -r 'include "profile"; [ncu_rows][0] | "\(.[1])|\(.[2])|\(.[3])|\(.[8])"' $FIX/h200/week9-profile.json)"
check "profile: has_ncu on a profile with variants" q -e 'include "profile"; has_ncu' $FIX/h200/week9-profile.json

# ---- appendix.jq: the results appendix -----------------------------------------------
same "appendix: a peer's file is named by its file" week7-torch \
    "$(q -r 'include "appendix"; week_of("week7-torch")' $FIX/h200/week7-torch.json)"
same "appendix: a week's file by its week" week7 "$(q -r 'include "appendix"; week_of("week7")' $FIX/h200/week7.json)"
same "appendix: rows by op, variant, dtype and size; no ratio without a baseline" \
    'torch.softmax	softmax	f32	8192×1024	ok	0.324	207.1	5.3	' \
    "$(q -r 'include "appendix"; [rows][0] | @tsv' $FIX/h200/week7-torch.json)"
has "appendix: the provenance lines" '^- Copy ceiling 4300 GB/s$' \
    "$(q -r --arg src x 'include "appendix"; env_lines($src)' $FIX/h200/week9.json)"
refuse "appendix: a profile is not a results file" q -e 'include "appendix"; is_results' $FIX/h200/week9-profile.json

finish
