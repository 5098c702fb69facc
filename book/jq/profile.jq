# profile.jq: a week's profiles shaped for the book's tables
# (book/filters/profile.lua): the static profile (build/weekN/static-profile.json,
# grader/profile/static-profile.sh) and Nsight Compute's
# (bench/results/<gpu>/weekN-profile.json, grader/profile/profile.sh).

# text safe in a Markdown table cell
def md_cell: gsub("\\|"; "\\|") | gsub("_"; "\\_") | gsub("<"; "\\<") | gsub(">"; "\\>");

def has_static: .kernels;

# per kernel: [kernel, instantiations, registers, shared B, spills B, checks]
def static_rows:
    def range_of(a): (a | map(select(. != null))) as $v
        | if ($v | length) == 0 then "–" elif ($v | min) == ($v | max) then "\($v | min)" else "\($v | min)–\($v | max)" end;
    .kernels | group_by(.base)[]
    | [ .[0].base, (length | tostring), range_of(map(.registers)), range_of(map(.shared_bytes)),
        ((map((.spill_store_bytes // 0) + (.spill_load_bytes // 0)) | add) | tostring),
        ([.[].checks[]] as $c
          | ($c | map(select(.status == "fail")) | map(.rule) | unique) as $f
          | if ($f | length) > 0 then "**failed:** " + ($f | join("; "))
            else ([$c[] | select(.status == "pass" and (.verb == "contains" or .verb == "lacks"))
                   | "\(.verb) \(.args | gsub(","; ", "))"
                     + (if (.pattern | test("[<*?]")) and (.pattern | test("[|]") | not) then " (`\(.pattern)`)" else "" end)] | unique | join("; ")) as $ok
              | (if $ok == "" then "no spills" else $ok end)
              + ([$c[] | select(.status == "unchecked")] | if length > 0 then " (\(length) unchecked)" else "" end)
            end) ]
    | (.[:5] | map(md_cell)) + (.[5:] | map(gsub("\\|"; "\\|")));

def static_caption($src):
    ": What the compiler made of each kernel, \(.arch): \(.counts.kernels) kernels, \(.counts.checks) checks, \(.counts.failed) failed. Resources from \(.sources.resources); instructions from \(.sources.instructions). Checks declared in `\(.rules_file)`. Source: `\($src)`.";

def has_ncu: .status == "ok" and (.variants | length > 0);

# per variant: [variant, kernel, µs, DRAM %, occupancy %, L2 hit %, bank
# conflicts ld / st, branch uniformity %, top three stalls]
def ncu_rows:
    def f1: if . == null then "–" else (. * 10 | round / 10 | tostring) end;
    def i0: if . == null then "–" else (. | round | tostring) end;
    .variants[]
    | if .status != "ok" then [.variant, "**" + .status + "**", "–", "–", "–", "–", "–", "–", (.message // "")]
      else [ .variant, .kernel, (if .metrics.duration_ns == null then null else .metrics.duration_ns / 1000 end | f1),
             (.metrics.dram_throughput_pct | f1), (.metrics.achieved_occupancy_pct | f1),
             (.metrics.l2_hit_rate_pct | f1),
             "\(.metrics.smem_bank_conflicts_ld | i0) / \(.metrics.smem_bank_conflicts_st | i0)",
             (.metrics.branch_uniform_pct | f1),
             ([.stalls[:3][] | "\(.reason | gsub("_"; " ")) \(.warp_cycles_per_issue | f1)"] | join(", ")) ] end
    | map(tostring | md_cell);

def ncu_caption($src):
    ([.variants[] | select(.status == "ok")][0]) as $v
    | ": Nsight Compute on \(.env.gpu // "an unnamed GPU"), driver \(.env.driver // "?"), \(.env.ncu // "ncu"), commit \(.env.commit // "?"), \(.env.date // "undated"); "
      + (if $v then "\($v.dtype) at \($v.rows)×\($v.cols), " else "" end)
      + "clocks not locked (--clock-control none). One launch per variant: the longest of those the grader made."
      + (if (.metrics_missing | length) > 0 then " Not collected by this ncu: \(.metrics_missing | join(", "))." else "" end)
      + " Source: `\($src)`.";
