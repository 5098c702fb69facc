# results.jq: a week's results file (workbook-results/1) shaped for the book's
# tables and plots (book/filters/results.lua formats them). Input: the file.

include "common";

# The results of $op on the ordinary inputs, narrowed to the variants named
# in $want (empty: all).
def of_op($op; $want):
    [.results[] | select(ordinary and .op == $op and (($want | length) == 0 or (.variant as $v | $want | index([$v]))))];

# the variants of some results in the lesson's order: the grader writes its
# results in the order of the lesson's variant table
def variants_of: map(.variant) | first_seen;

# the shapes of some results, smallest first, as "ROWS×COLS"
def shapes_of: sort_by(cells, .rows) | map("\(.rows // "?")×\(.cols // "?")") | first_seen;

def shape_of: "\(.rows // "?")×\(.cols // "?")";

# the baseline's GB/s beside a result (vs_baseline = baseline ms / ms), when
# it was timed against one
def baseline_gbps: if (.baseline // "none") != "none" and (.vs_baseline // 0) > 0 and .gbps != null
    then .gbps / .vs_baseline else empty end;

def median: sort | if length == 0 then null else .[length / 2 | floor] end;

# The pivoted table of $op: a header [variants...], then one row per shape
# and element type, [shape, dtype, one cell per variant..., baseline GB/s]:
# a cell is GB/s rounded, "*GB/s" for the fastest of a row that holds two or
# more, "=CATEGORY"
# for a result that failed (or "=skipped"), "" where the variant has none.
# The baseline is the median of those timed beside the variants ("" when
# none).
def pivot($op; $want):
    of_op($op; $want) as $r
    | ($r | variants_of) as $vs
    | $vs,
      ( ($r | shapes_of)[] as $shape
        | ($r | map(.dtype) | unique | sort_by(dtype_rank, .))[] as $dt
        | [$r[] | select(shape_of == $shape and .dtype == $dt)] as $here
        | select($here | length > 0)
        | [$here[] | select(timed and .gbps != null) | .gbps] as $timed
        | (if ($timed | length) > 1 then ($timed | max) else null end) as $best
        | [ $shape, $dt ]
          + [ $vs[] as $v | [$here[] | select(.variant == $v)][0]
              | if . == null then ""
                elif timed and .gbps != null then (if .gbps == $best then "*" else "" end) + (.gbps | round | tostring)
                elif .skipped == true then "=skipped"
                else "=" + (.category // "failed") end ]
          + [ [$here[] | baseline_gbps] | median | if . == null then "" else round | tostring end ] );

# One variant's table: one row per shape and element type, [shape, dtype,
# "ok" or "skipped" or the category, ms, GB/s, % of copy ceiling, vs baseline].
def variant_rows($op; $variant):
    of_op($op; [$variant]) | sort_by(cells, .rows, (.dtype | dtype_rank))[]
    | [ shape_of, .dtype,
        (if timed then "ok" elif .skipped == true then "skipped" else (.category // "failed") end),
        (.ms // ""), (.gbps // ""), (.pct_ceiling // ""),
        (if (.baseline // "none") == "none" then "" else (.vs_baseline // "") end) ];

# the baselines $op's results were timed against, joined
def baselines($op): [.results[] | select(.op == $op) | .baseline | select(. != null and . != "none")] | unique | join(", ");

def has_op($op): [.results[] | select(.op == $op)] | length > 0;

# The caption of $op's table: what a cell is (GB/s in a pivot, else the
# columns), the run's provenance, the copy ceiling, the baseline; $pivot says
# which.
def table_caption($op; $pivot; $src):
    .env as $e
    | baselines($op) as $b
    | ": "
      + (if $pivot then "GB/s of each variant (in the lesson's order) per shape and element type, the fastest in bold"
                        + (if $b != "" then "; Baseline: \($b), the median of its timings beside the variants" else "" end) + ". "
         else "" end)
      + "Measured on \($e.gpu // "an unnamed GPU")"
      + (if $e.cc then " (compute capability \($e.cc)" + (if $e.sms then ", \($e.sms) SMs" else "" end) + ")" else "" end)
      + ", driver \($e.driver // "?"), CUDA runtime \($e.cuda_runtime // "?"), commit \($e.commit // "?"), \($e.date // "undated")."
      + (if $e.copy_ceiling_gbps then " Copy ceiling \($e.copy_ceiling_gbps | round) GB/s." else "" end)
      + (if ($pivot | not) and $b != "" then " vs baseline = baseline time / variant time against \($b) (above 1 is faster)." else "" end)
      + " Source: `\($src)`.";

# one row per variant in the lesson's order at the largest float32 shape:
# [variant, shape, ms, GB/s, step speedup, cumulative speedup, % of ceiling]
def progression_rows($op):
    [.results[] | select(ordinary and .op == $op and .dtype == "f32" and .passed == true and .ms != null)] as $r
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

# The chart over every shape: a panel per element type (smallest rank
# first), each a block of lines that gnuplot reads with "index": a header
# (dtype, then the variants in the lesson's order) and one line per shape,
# GB/s or "-" where the variant has no passed result; blocks apart by two
# empty lines. When every result has the one shape, one panel with a line
# per element type instead. Nothing when no result of $op passed.
def plot_blocks($op):
    [.results[] | select(ordinary and .op == $op and timed and .gbps != null)] as $r
    | if ($r | length) == 0 then empty else
      ($r | variants_of) as $vs
      | ($r | map(.dtype) | unique | sort_by(dtype_rank, .)) as $dts
      | def line($name; $rows): [$name] + [ $vs[] as $v | ([$rows[] | select(.variant == $v) | .gbps][0] // "-") | tostring ] | @tsv;
        if ($r | shapes_of | length) == 1 then
          ([["dtype"] + $vs | @tsv] + [ $dts[] as $d | line($d; [$r[] | select(.dtype == $d)]) ]) | join("\n")
        else
          [ $dts[] as $d
            | [$r[] | select(.dtype == $d)] as $rd
            | ([[$d] + $vs | @tsv] + [ ($rd | shapes_of)[] as $shape | line($shape; [$rd[] | select(shape_of == $shape)]) ])
              | join("\n") ]
          | join("\n\n\n")
        end
      end;

# what the chart's title and caption say: [GPU, copy ceiling, the panels'
# names (space-separated: the element types, or the one shape), how many
# bars' groups a panel has (shapes, or element types), how many variants]
def plot_labels($op):
    [.results[] | select(ordinary and .op == $op and timed and .gbps != null)] as $r
    | ($r | map(.dtype) | unique | sort_by(dtype_rank, .)) as $dts
    | ($r | shapes_of) as $shapes
    | [ (.env.gpu // "unknown GPU"), (.env.copy_ceiling_gbps // 0) ]
      + (if ($shapes | length) == 1 then [$shapes[0], ($dts | length)] else [($dts | join(" ")), ($shapes | length)] end)
      + [($r | variants_of | length)];
