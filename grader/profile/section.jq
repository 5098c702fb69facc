# section.jq: the profile section of a grade, shaped from its sources
# (grader/profile/grade-profile.sh passes them): the variants graded
# ($variants, one a line), the static profile ($static, build/weekN/static-
# profile.json), a runtime profile ($rt, weekN-profile.json) and the variant
# map ($map, "variant<TAB>mangled<TAB>short" lines). `section` is the file
# the grader embeds (--attach-profile): {schema, text, profile}.

def spill: if .spill_store_bytes == null and .spill_load_bytes == null then null
           else (.spill_store_bytes // 0) + (.spill_load_bytes // 0) end;

# the figures, as the reports hold them under "profile"
def profile_object:
    ($static[0] // null) as $s | ($rt[0] // null) as $r
    | ($map | split("\n") | map(select(length > 0) | split("\t"))) as $rows
    | (reduce $rows[] as $x ({}; .["m\t\($x[0])\t\($x[1])"] = true | .["s\t\($x[0])\t\($x[2] // "")"] = true)) as $idx
    | { schema: "workbook-grade-profile/1",
        static: (if $s then { source: $static_src, arch: $s.arch, instructions: $s.sources.instructions,
                              passed: $s.passed, checks: $s.counts.checks, failed: $s.counts.failed } else null end),
        runtime: (if $r then { source: $rt_src, gpu: $r.env.gpu, this_gpu: ($rt_mine == "this"),
                               driver: $r.env.driver, ncu: $r.env.ncu, commit: $r.env.commit, date: $r.env.date,
                               dtype: ([$r.variants[] | select(.status == "ok")][0].dtype) } else null end),
        notes: ($notes | split("\n") | map(select(length > 0))),
        variants: [ $variants | split("\n")[] | select(length > 0) as $v | {
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
                      else null end) } ] };

# the table's cells, header first
def table_rows:
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
                    elif .top_stall == null then "-" else "\(.top_stall) \(.top_stall_cycles | f1)" end) ]);

# rows of cells as aligned columns, the numbers (columns 3 to 7) right-aligned
def aligned:
    . as $t
    | [range(0; $t[0] | length) as $i | [$t[][$i] | length] | max] as $w
    | $t[] | [range(0; length) as $i | .[$i] as $c | ($w[$i] - ($c | length)) as $n
               | if $n <= 0 then $c elif $i >= 2 and $i <= 6 then (" " * $n) + $c else $c + (" " * $n) end]
    | join("  ") | sub(" +$"; "");

# the lines printed after the verdict table (no final newline)
def text($p):
    ["profile of \($week): per variant, its kernels' resources and its Nsight Compute figures"]
    + ($p.static | if . == null then [] else
        ["static profile: \(.source) (\(.arch), \(.checks) instruction checks, \(.failed) failed"
         + (if .failed > 0 then "; make static-profile WEEK=\($week[4:]) names them" else "" end) + ")"] end)
    + ($p.runtime | if . == null then [] else
        ["runtime profile: "
         + (if .this_gpu then "" else "none for this GPU (\($gpu)); showing \(.gpu)'s, " end)
         + "commit \(.commit // "?"), \(.date // "undated"), \(.dtype // "f32"), one shape per variant: \(.source)"
         + (if .this_gpu then "" else "; run make profile WEEK=\($week[4:]) on this GPU" end)] end)
    + $p.notes
    + [$p | [table_rows] | aligned]
    | join("\n");

def section: profile_object as $p | {schema: "workbook-profile-section/1", text: text($p), profile: $p};
