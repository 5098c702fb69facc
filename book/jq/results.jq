# results.jq: a week's results file (workbook-results/1) shaped for the book's
# tables and plots (book/filters/results.lua formats them). Input: the file.

include "common";

# one row per result of $op, by size then file order; $want: variant names
# (empty: all). [variant, dtype, shape, "ok" or the category, ms, GB/s,
# % of copy ceiling, vs baseline]
def table_rows($op; $want):
    .results | to_entries
    | map(select(.value.op == $op
                 and (($want | length) == 0 or (.value.variant as $v | $want | index([$v])))))
    | sort_by((.value | cells), .key)
    | .[].value
    | [ .variant, .dtype, "\(.rows // "?")×\(.cols // "?")",
        (if .passed then "ok" else (.category // "failed") end),
        (.ms // ""), (.gbps // ""), (.pct_ceiling // ""), (.vs_baseline // "") ];

def has_op($op): [.results[] | select(.op == $op)] | length > 0;

def table_caption($src):
    .env as $e
    | ([.results[].baseline | select(. != null)] | unique | join(", ")) as $b
    | ": Measured on \($e.gpu // "an unnamed GPU")"
      + (if $e.cc then " (compute capability \($e.cc)" + (if $e.sms then ", \($e.sms) SMs" else "" end) + ")" else "" end)
      + ", driver \($e.driver // "?"), CUDA runtime \($e.cuda_runtime // "?"), commit \($e.commit // "?"), \($e.date // "undated")."
      + (if $e.copy_ceiling_gbps then " Copy ceiling \($e.copy_ceiling_gbps | round) GB/s." else "" end)
      + (if $b != "" then " vs baseline = baseline time / variant time against \($b) (above 1 is faster)." else "" end)
      + " Source: `\($src)`.";

# one row per variant in the lesson's order at the largest float32 shape:
# [variant, shape, ms, GB/s, step speedup, cumulative speedup, % of ceiling]
def progression_rows($op):
    [.results[] | select(.op == $op and .dtype == "f32" and .passed == true and .ms != null)] as $r
    | ($r | map(cells) | max) as $big
    | [$r[] | select(cells == $big)]
    | . as $rows
    | range(0; length) as $i
    | $rows[$i] as $x
    | [ $x.variant, "\($x.rows)×\($x.cols)", $x.ms, $x.gbps,
        (if $i == 0 then "" else ($rows[$i - 1].ms / $x.ms) end),
        ($rows[0].ms / $x.ms), $x.pct_ceiling ];

def progression_caption($src):
    .env as $e
    | ": Progression in float32 at the largest shape, measured on \($e.gpu // "?"), driver \($e.driver // "?"), commit \($e.commit // "?"), \($e.date // "undated"). Step speedup: time of the line above over this one. Source: `\($src)`.";

# the bar chart's data at the largest shape measured: a header line
# (variant, dtypes...) then one line per variant, GB/s or "-"; nothing
# when no result of $op passed
def plot_rows($op):
    [.results[] | select(.op == $op and .passed == true and .gbps != null)] as $r
    | if ($r | length) == 0 then empty else
      ($r | map(cells) | max) as $big
      | [$r[] | select(cells == $big)] as $top
      | ($top | map(.dtype) | unique | sort_by((. | dtype_rank), .)) as $dts
      | ($top | map(.variant) | first_seen) as $vs
      | (["variant"] + $dts),
        ($vs[] as $v | [$v] + [$dts[] as $d
            | ([$top[] | select(.variant == $v and .dtype == $d) | .gbps][0] // "-")
            | tostring])
      end;

# what the plot's title and caption say: [GPU, "ROWS×COLS", copy ceiling]
def plot_labels($op):
    [ (.env.gpu // "unknown GPU"),
      ([.results[] | select(.op == $op and .passed == true and .gbps != null)]
       | max_by(cells) | "\(.rows)×\(.cols)"),
      (.env.copy_ceiling_gbps // 0) ];
