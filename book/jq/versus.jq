# versus.jq: a lesson's results set against peers', other implementations of
# the same op measured in the same schema (bench/torch_softmax.py writes
# week2-torch.json). For every (dtype, shape) a peer measured: the peers'
# times and the fastest lesson variant that passed there. Picking the fastest
# per shape, not one named variant, is what a reader choosing between them
# would compare; a failed or skipped variant never counts.
include "common";

# a peer file's name when it names none itself: PyTorch for torch, else the suffix
def peer_label: if . == "torch" then "PyTorch" else . end;

# a PyTorch file's name from the mode bench/torch_softmax.py ran it in
def torch_mode_label: {"eager": "PyTorch", "compile": "torch.compile"}[.];

# the peers in $files ([{src, suffix, doc}]): one per name, where a result's
# name is its "peer", else the file's env.peer, else its env.torch_mode's
# label, else the file suffix's label; [{name, src, env, results}] in file
# order, then first appearance
def peers($files):
    [ $files[] as $f
      | def name_of: .peer // $f.doc.env.peer // ($f.doc.env.torch_mode // "" | torch_mode_label)
                     // ($f.suffix | peer_label);
        ($f.doc.results | map(name_of) | first_seen)[] as $n
      | { name: $n, src: $f.src, env: $f.doc.env,
          results: [$f.doc.results[] | select(name_of == $n)] } ];

# one object per (dtype, shape) any peer measured for $op, by dtype then row
# length: {dtype, rows, cols, peers: [each peer's fastest passed entry, else
# its first failed one, else null], best: fastest passed lesson entry or null}
def pairs($op; $lesson; $peers):
    [$lesson.results[] | select(ordinary and .op == $op and timed)] as $l
    | [$peers[].results[] | select(.op == $op) | {dtype, rows, cols}] | unique
    | sort_by((.dtype | dtype_rank), .dtype, .cols, .rows)
    | map(. as $k
        | def here: select(.dtype == $k.dtype and .rows == $k.rows and .cols == $k.cols);
          { dtype, rows, cols,
            peers: [$peers[] | [.results[] | select(.op == $op) | here]
                    | if length == 0 then null else (([.[] | select(timed)] | min_by(.ms)) // .[0]) end],
            best: ([$l[] | here] | min_by(.ms)) });

# the table (input: pairs): [shape, dtype, best variant, lesson ms, lesson %
# of ceiling] then per peer [ms, "ok" or its category or "none", speedup]
def table_rows:
    .[]
    | .best as $b
    | [ "\(.rows)×\(.cols)", .dtype, (.best.variant // ""), (.best.ms // ""), (.best.pct_ceiling // "") ]
      + [ .peers[]
          | (. != null and timed) as $ok
          | (if $ok then .ms else "" end),
            (if . == null then "none" elif $ok then "ok" else (.category // "failed") end),
            (if $ok and $b then .ms / $b.ms else "" end) ];

def caption($week; $op; $lesson; $lsrc; $peers):
    $lesson.env as $l
    | def where(e): "\(e.gpu // "an unnamed GPU"), driver \(e.driver // "?")";
      def run(e): "commit \(e.commit // "?"), \(e.date // "undated")";
    ": \($week) \($op) against "
      + ([$peers[] | .name + (if .env.torch then " \(.env.torch)" else "" end)] | join(" and "))
      + (if all($peers[]; where(.env) == where($l)) then ", measured on \(where($l)). "
         else ", lesson measured on \(where($l)), "
              + ([$peers[] | "\(.name) on \(where(.env))"] | join(", ")) + ". " end)
      + "Lesson variants: \(run($l)), `\($lsrc)`; "
      + ([$peers[] | "\(.name): \(run(.env)), `\(.src)`"] | join("; ")) + ". "
      + "Best lesson variant: the fastest that passed at that element type and shape. "
      + (if ($peers | length) == 1 then "Speedup = \($peers[0].name) time / lesson time (above 1: the lesson is faster)."
         else "Speedup vs a peer = that peer's time / lesson time (above 1: the lesson is faster)." end)
      + (if $l.copy_ceiling_gbps then " Copy ceiling of the lesson run \($l.copy_ceiling_gbps | round) GB/s." else "" end);

# the plot's data (input: pairs): GB/s over the row length, a column for the
# lesson and one per peer for each dtype, "-" where none passed. At a row
# length measured at several row counts the largest shape is drawn, so each
# line is a function of the row length.
def plot_rows($peers):
    def gbps: if . != null and .passed == true and (.gbps // 0) > 0 then .gbps else "-" end;
    (map(.dtype) | first_seen) as $dts
    | (group_by(.cols) | map(max_by(.rows) | {cols, rows})) as $xs
    | (["cols"] + [$dts[] as $d | "\($d) lesson", ($peers[] | "\($d) \(.name)")]),
      ($xs[] as $x
       | [$x.cols] + [$dts[] as $d
           | ([.[] | select(.dtype == $d and .cols == $x.cols and .rows == $x.rows)][0]) as $r
           | ($r.best | gbps), (range(0; $peers | length) as $i | $r.peers[$i] | gbps)]
       | map(tostring));

# the shapes drawn, for the caption
def plot_shapes: group_by(.cols) | map(max_by(.rows) | "\(.rows)×\(.cols)") | join(", ");
