# profile.jq: a week's profiles shaped for the book's tables
# (book/filters/profile.lua): the static profile (build/weekN/static-profile.json,
# grader/profile/static-profile.sh) and Nsight Compute's
# (bench/results/<gpu>/weekN-profile.json, grader/profile/profile.sh).

# text safe in a Markdown table cell
def md_cell: gsub("\\|"; "\\|") | gsub("_"; "\\_") | gsub("<"; "\\<") | gsub(">"; "\\>");

def has_static: .kernels;

# the static profile's kernels, grouped by base name
def static_groups: .kernels | group_by(.base)[];

# min-max of a list of numbers as text ("–" when none)
def range_of(a): (a | map(select(. != null))) as $v
    | if ($v | length) == 0 then "–" elif ($v | min) == ($v | max) then "\($v | min)" else "\($v | min)–\($v | max)" end;

# per kernel, the five columns a learner reads: [kernel, registers, shared B,
# spills B, checks: how many passed, or the rules that failed]
def static_rows:
    static_groups
    | [.[].checks[]] as $c
    | ($c | map(select(.status == "fail")) | map(.rule) | unique) as $failed
    | [ .[0].base, range_of(map(.registers)), range_of(map(.shared_bytes)),
        ((map((.spill_store_bytes // 0) + (.spill_load_bytes // 0)) | add) | tostring),
        (if ($failed | length) > 0 then "**failed:** " + ($failed | map(md_cell) | join("; "))
         elif ($c | length) == 0 then "–"
         else "\([$c[] | select(.status == "pass")] | length) passed"
              + ([$c[] | select(.status == "unchecked")] | if length > 0 then ", \(length) unchecked" else "" end)
         end) ]
    | (.[:4] | map(md_cell)) + .[4:];

# per kernel, the rest: [kernel, instantiations, what its checks look for]
# (the verbs and opcodes of the rules file, without its name patterns)
def static_detail_rows:
    static_groups
    | [ .[0].base, (length | tostring),
        ([.[].checks[] | "\(.verb) \(.args | gsub(","; ", "))"] | unique | join("; ") | if . == "" then "–" else . end) ]
    | map(md_cell);

def static_caption($src):
    ": What the compiler made of each kernel, \(.arch): \(.counts.kernels) kernels, \(.counts.checks) checks, \(.counts.failed) failed. Registers and shared memory as ranges over a kernel's instantiations; spills in bytes stored and loaded. Checks: the instructions the lesson's claims need, declared in `\(.rules_file)`. Resources from \(.sources.resources); instructions from \(.sources.instructions). Source: `\($src)`.";

def static_detail_caption:
    ": Each kernel's instantiations (one per element type and template argument) and what its checks look for in the compiled code.";

def ncu_detail_caption:
    ": The kernel each variant was measured by (its longest launch), its duration, the L2 hit rate and the three longest warp stalls (cycles per issued instruction).";

def has_ncu: .status == "ok" and (.variants | length > 0);

def f1: if . == null then "–" else (. * 10 | round / 10 | tostring) end;
def i0: if . == null then "–" else (. | round | tostring) end;

# per variant, the five columns a learner reads: [variant, DRAM % of peak,
# achieved occupancy %, bank conflicts ld / st, top warp stall]
def ncu_rows:
    .variants[]
    | if .status != "ok" then [.variant, "**" + .status + "**", "–", "–", (.message // "")]
      else [ .variant, (.metrics.dram_throughput_pct | f1), (.metrics.achieved_occupancy_pct | f1),
             "\(.metrics.smem_bank_conflicts_ld | i0) / \(.metrics.smem_bank_conflicts_st | i0)",
             ([.stalls[:1][] | "\(.reason | gsub("_"; " ")) \(.warp_cycles_per_issue | f1)"] | join("") | if . == "" then "–" else . end) ] end
    | map(tostring | md_cell);

# per variant, the rest: [variant, kernel, µs, L2 hit %, top three stalls]
def ncu_detail_rows:
    .variants[] | select(.status == "ok")
    | [ .variant, .kernel, (if .metrics.duration_ns == null then null else .metrics.duration_ns / 1000 end | f1),
        (.metrics.l2_hit_rate_pct | f1),
        ([.stalls[:3][] | "\(.reason | gsub("_"; " ")) \(.warp_cycles_per_issue | f1)"] | join(", ")) ]
    | map(tostring | md_cell);

def ncu_caption($src):
    ([.variants[] | select(.status == "ok")][0]) as $v
    | ": Nsight Compute on \(.env.gpu // "an unnamed GPU"), driver \(.env.driver // "?"), \(.env.ncu // "ncu"), commit \(.env.commit // "?"), \(.env.date // "undated"); "
      + (if $v then "\($v.dtype) at \($v.rows)×\($v.cols), " else "" end)
      + "clocks not locked (`--clock-control none`). One launch per variant: the longest of those the grader made."
      + " DRAM % of peak: how busy device memory was. Occupancy: the warps resident on an SM as a share of the most it holds."
      + " Bank conflicts: shared-memory wavefronts beyond one a request, loads / stores. Top warp stall: why warps waited most, in cycles per issued instruction."
      + (if (.metrics_missing | length) > 0 then " Not collected by this ncu: \(.metrics_missing | join(", "))." else "" end)
      + " Source: `\($src)`.";
