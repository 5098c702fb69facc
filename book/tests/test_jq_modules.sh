#!/usr/bin/env bash
# book/tests/test_jq_modules.sh: the book's data shaping (book/jq/*.jq) on the
# fixtures in book/tests/fixtures, function by function. TAP, through
# ci/tests/tap.sh.
# shellcheck disable=SC2016 # jq programs, in single quotes
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=book/tests/scratch.sh
. book/tests/scratch.sh
FIX=book/tests/fixtures
q() { jq -L book/jq "$@" 2>&1; } # q JQ-ARGS...: a module's answer, or jq's error

# ---- results.jq: tables, progression, bar chart ---------------------------------
same "results: the pivot, variants in the file's order, a row per shape and dtype (smallest first), the fastest starred, failures named, the baseline's median" \
    "$(printf '%s\n' 'transpose_naive	transpose_tiled32' \
        '1024×1024	f32	699		2118' \
        '8192×8192	f32	1278	*4006	4308' \
        '8192×8192	f16	895	=wrong	4261')" \
    "$(q -r 'include "results"; pivot("transpose"; []) | @tsv' $FIX/h200/week9.json)"
same "results: the pivot narrowed to the variants named" "transpose_tiled32" \
    "$(q -r 'include "results"; [pivot("transpose"; ["transpose_tiled32"])][0] | @tsv' $FIX/h200/week9.json)"
same "results: one variant's rows, ms and its ratio against the baseline" \
    "$(printf '%s\n' '8192×8192	f32	ok	0.134	4006.1	93.2	0.93' '8192×8192	f16	wrong				')" \
    "$(q -r 'include "results"; variant_rows("transpose"; "transpose_tiled32") | @tsv' $FIX/h200/week9.json)"
check "results: has_op sees an op" q -e 'include "results"; has_op("copy")' $FIX/h200/week9.json
refuse "results: has_op misses an op the file lacks" q -e 'include "results"; has_op("softmax")' $FIX/h200/week9.json
same "results: progression at the largest float32 shape, step and cumulative speedups" \
    "$(printf '%s\n' 'transpose_naive	8192×8192	0.42	1278.3		1	29.7' \
        'transpose_tiled32	8192×8192	0.134	4006.1	3.134328358208955	3.134328358208955	93.2')" \
    "$(q -r 'include "results"; progression_rows("transpose") | @tsv' $FIX/h200/week9.json)"
same "results: chart data, a block per dtype, a line per shape, - where none passed" \
    "$(printf '%s\n' 'f32	transpose_naive	transpose_tiled32' '1024×1024	699	-' '8192×8192	1278.3	4006.1' '' '' \
        'f16	transpose_naive	transpose_tiled32' '8192×8192	894.8	-')" \
    "$(q -r 'include "results"; plot_blocks("transpose")' $FIX/h200/week9.json)"
same "results: one shape, one panel with a line per dtype" \
    "$(printf '%s\n' 'dtype	copy_vec4' 'f32	4261')" "$(q -r 'include "results"; plot_blocks("copy")' $FIX/h200/week9.json)"
same "results: no passed result, no chart" "" "$(q -r 'include "results"; plot_blocks("softmax")' $FIX/h200/week9.json)"
same "results: the chart's labels: GPU, ceiling, panels, groups, variants" "NVIDIA H200	4300	f32 f16	2	2" \
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
jq '.env.torch_mode = "compile" | del(.env.peer)' $FIX/h200/week7-torch-compile.json >"$WORK/week7-torch-inductor.json"
same "versus: a PyTorch file without env.peer is named by its env.torch_mode" '["torch.compile"]' \
    "$(peers "$WORK/week7-torch-inductor.json:torch-inductor" | jq -c 'map(.name)')"
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
same "profile: static rows, the five columns, a kernel's instantiations as ranges" \
    'transpose\\_tiled	28–30	2048–4096	12	–' \
    "$(q -r 'include "profile"; static_rows | select(.[0] == "transpose\\_tiled") | @tsv' $FIX/static/week9/static-profile.json)"
same "profile: a failed check is named, a passed one counted" '**failed:** transpose\_naive contains LDG.E.128|1 passed' \
    "$(q -r 'include "profile"; [static_rows | .[4]] | "\(.[1])|\(.[0])"' $FIX/static/week9/static-profile.json)"
same "profile: the static details, instantiations and what the checks look for, without name patterns" \
    'copy\_vec16|1|lacks LDL, STL' "$(q -r 'include "profile"; [static_detail_rows][0] | join("|")' $FIX/static/week9/static-profile.json)"
same "profile: Nsight Compute rows, an error with its message" \
    '**error**|timed out after 600 s (PROFILE\_TIMEOUT)' \
    "$(q -r 'include "profile"; [ncu_rows][1] | "\(.[1])|\(.[4])"' $FIX/h200/week9-profile.json)"
same "profile: the five columns, rounded to one decimal, the top stall named" 'copy|91.2|85|– / –|long scoreboard 12.8' \
    "$(q -r 'include "profile"; [ncu_rows][0] | join("|")' $FIX/h200/week9-profile.json)"
same "profile: the rest in the details: kernel, µs, L2 hit, three stalls" 'copy|copy\_vec16|125.5|3.1|long scoreboard 12.8, wait 2.5' \
    "$(q -r 'include "profile"; [ncu_detail_rows][0] | join("|")' $FIX/h200/week9-profile.json)"
lacks "profile: branch uniformity is not shown" 'niform' "$(q -r 'include "profile"; ncu_caption("x")' $FIX/h200/week9-profile.json)"
check "profile: has_ncu on a profile with variants" q -e 'include "profile"; has_ncu' $FIX/h200/week9-profile.json

# ---- appendix.jq: the results appendix -----------------------------------------------
same "appendix: a peer's file is named by its file" week7-torch \
    "$(q -r 'include "appendix"; week_of("week7-torch")' $FIX/h200/week7-torch.json)"
same "appendix: a week's file by its week" week7 "$(q -r 'include "appendix"; week_of("week7")' $FIX/h200/week7.json)"
same "appendix: the ops of a file, in its order" "transpose copy" "$(q -r 'include "appendix"; ops' $FIX/h200/week9.json)"
has "appendix: the provenance lines" '^- Copy ceiling 4300 GB/s$' \
    "$(q -r --arg src x 'include "appendix"; env_lines($src)' $FIX/h200/week9.json)"
refuse "appendix: a profile is not a results file" q -e 'include "appendix"; is_results' $FIX/h200/week9-profile.json

# ---- figures.jq: the numbers of the prose -------------------------------------------
files=$(jq -n --slurpfile w $FIX/h200/week7.json --slurpfile t $FIX/h200/week7-torch.json \
    --slurpfile p $FIX/h200/week9-profile.json --rawfile s $FIX/h200/week7-sweep.tsv \
    --rawfile l $FIX/h200/week7-team-sweep.log \
    '{"week7.json": $w[0], "week7-torch.json": $t[0], "week9-profile.json": $p[0],
      "week7-sweep.tsv": $s, "week7-team-sweep.log": $l}')
fig() { # fig REQUEST-JSON: the value (to four decimals), or "error: ..."
    q -r --argjson r "$1" 'include "figures"; figures([{file: "week7.json", "vs-file": "week7.json"} + $r])
        | if .error then "error: \(.error)" else .value * 10000 | round / 10000 end' <<<"$files"
}
same "figures: one row's field" 0.2 "$(fig '{"variant":"softmax_online","dtype":"f32","shape":"8192x1024","field":"ms"}')"
same "figures: lists of words select several rows, agg= reduces them" "0.12 0.3 2" \
    "$(for a in min max count; do fig '{"variant":"softmax_safe","dtype":"f32 f16","shape":"8192x1024","field":"ms","agg":"'$a'"}'; done | xargs)"
has "figures: several rows without agg= are an error" '^error: 2 values' \
    "$(fig '{"variant":"softmax_safe","dtype":"f32 f16","shape":"8192x1024","field":"ms"}')"
has "figures: a missing row is an error naming the selection" '^error: no row of week7.json has variant=nope dtype=f32' \
    "$(fig '{"variant":"nope","dtype":"f32","field":"ms"}')"
same "figures: variant=best is the fastest that passed (not the faster failed one)" 0.2 \
    "$(fig '{"variant":"best","op":"softmax","dtype":"f32","shape":"8192x1024","field":"ms"}')"
has "figures: variant=best needs op=" 'needs op=' "$(fig '{"variant":"best","dtype":"f32","shape":"8192x1024","field":"ms"}')"
same "figures: fn=speedup against a peer's file (same dtype and shape)" 1.62 \
    "$(fig '{"fn":"speedup","variant":"best","op":"softmax","dtype":"f32","shape":"8192x1024","vs-file":"week7-torch.json"}')"
same "figures: fn=longer against another variant" 50 \
    "$(fig '{"fn":"longer","variant":"softmax_safe","vs-variant":"softmax_online","dtype":"f32","shape":"8192x1024"}')"
same "figures: agg=count at-least= counts the pairs that reach it" 1 \
    "$(fig '{"fn":"speedup","variant":"best","op":"softmax","dtype":"f32","shape":"8192x1024 1024x131072","vs-file":"week7-torch.json","agg":"count","at-least":"1.5"}')"
figlist() { # figlist REQUEST-JSON: an agg=list value, as text
    q -r --argjson r "$1" 'include "figures"; figures([{file: "week7.json", "vs-file": "week7.json", agg: "list"} + $r])
        | .error // .value' <<<"$files"
}
same "figures: agg=list names the rows that pass at-least=, with their values" "float32 8192 x 1024 (1.62)" \
    "$(figlist '{"fn":"speedup","variant":"best","op":"softmax","dtype":"f32","shape":"8192x1024 1024x131072","vs-file":"week7-torch.json","at-least":"1.5"}')"
same "figures: agg=list says none when no row passes" none \
    "$(figlist '{"fn":"speedup","variant":"best","op":"softmax","dtype":"f32","shape":"8192x1024 1024x131072","vs-file":"week7-torch.json","at-least":"99"}')"
same "figures: fn=pct_for, the share of the ceiling times= a peer's speed needs" 7.7778 \
    "$(fig '{"fn":"pct_for","times":"1.5","variant":"softmax_online","dtype":"f32","shape":"8192x1024","vs-file":"week7-torch.json"}')"
same "figures: scale= multiplies" 200 "$(fig '{"variant":"softmax_online","dtype":"f32","shape":"8192x1024","field":"ms","scale":"1000"}')"
same "figures: env. fields" 4000 "$(fig '{"field":"env.copy_ceiling_gbps"}')"
same "figures: a profile's metric and stall" "91.24 12.83" \
    "$(fig '{"file":"week9-profile.json","variant":"copy","field":"dram_throughput_pct"}') $(fig '{"file":"week9-profile.json","variant":"copy","field":"stall.long_scoreboard"}')"
same "figures: a sweep's TSV, with the copy of the same bytes" 3355.5 \
    "$(fig '{"file":"week7-sweep.tsv","config":"lesson_online","dtype":"f32","shape":"8192x1024","field":"copy_gbps"}')"
same "figures: a sweep's log, per shape and for the whole array" "0.9 0.99" \
    "$(fig '{"file":"week7-team-sweep.log","config":"team128_u4","dtype":"f32","shape":"8192x8192","field":"vs_cub"}') $(fig '{"file":"week7-team-sweep.log","config":"lesson_best","dtype":"f32","field":"vs_cub"}')"
has "figures: an unknown function is an error" 'no function fn=nope' \
    "$(fig '{"fn":"nope","variant":"softmax_online","dtype":"f32","shape":"8192x1024"}')"

finish
