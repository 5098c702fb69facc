# figures.jq: the numbers of a lesson's prose, from bench/results
# (book/filters/figures.lua formats them; book/README.md, "Figures in the
# prose", documents the attributes). A request is the attributes of one
# []{.fig ...} span with "file" (and "vs-file") naming the source; $files
# holds every source a page needs, by name: results JSON, profile JSON,
# sweep TSV or log text. The answer is {value} or {error}.
include "common";

# a space-separated attribute value as a list of words
def words: [splits(" +") | select(. != "")];

def number_or_text: . as $s | (try tonumber catch $s) // $s;

# a sweep's TSV (bench/softmax_sweep.cu): "#" lines, a header line, rows
def tsv_rows:
    split("\n") | map(select(. != "" and (startswith("#") | not)) | split("\t"))
    | (map(select(.[0] == "dtype"))[0]) as $head
    | map(select(.[0] != "dtype")
          | [$head, .] | transpose | map({key: .[0], value: (.[1] | number_or_text)}) | from_entries
          | . + {shape: "\(.rows)x\(.cols)"});

# a sweep's log (bench/row_team_sweep.cu): one line per dtype, shape (or the
# whole array, no shape), configuration: ms, GB/s and CUB's time over this one's
def log_rows:
    split("\n")[]
    | (capture("^(?<dtype>f32|f16|bf16) +(?<shape>[0-9]+x[0-9]+) +(?<config>[^ ]+) +(?<ms>[0-9.]+) ms +(?<gbps>[0-9.]+) GB/s.* vs-cub (?<vs_cub>[0-9.]+)x")
       // capture("^(?<dtype>f32|f16|bf16) +(?<config>[^ ]+) +(?<ms>[0-9.]+) ms +(?<gbps>[0-9.]+) GB/s +vs-cub (?<vs_cub>[0-9.]+)x"))
    | .ms |= tonumber | .gbps |= tonumber | .vs_cub |= tonumber;

# the rows of a source, each with a shape "RxC": results (weekN.json, a
# peer's file; the ordinary inputs' rows only), a profile's variants (their
# metrics as fields), a sweep; or the runs of grade-speed.json (named by
# name=, e.g. week0-time)
def rows_of($name; $doc):
    if ($name | endswith(".tsv")) then $doc | tsv_rows
    elif ($name | endswith(".log")) then [$doc | log_rows]
    elif ($doc.results | type) == "array" then [$doc.results[] | select(ordinary) | . + {shape: "\(.rows)x\(.cols)"}]
    elif ($doc.variants | type) == "array" then [$doc.variants[] | (.metrics // {}) + . + {shape: "\(.rows)x\(.cols)"}]
    elif ($doc.runs | type) == "array" then $doc.runs
    else error("\($name) holds no results, profile or sweep") end;

def selectors: ["variant", "dtype", "shape", "op", "config", "name"];

# a request's selectors as lists of words (variant=best is not one)
def selector($r):
    reduce selectors[] as $k ({};
        if $r[$k] == null or ($k == "variant" and $r[$k] == "best") then . else .[$k] = ($r[$k] | words) end);

# the rows a request selects: each selector a list of words; variant=best is,
# per dtype, shape and op, the fastest row that passed
def select_rows($rows; $r):
    (selector($r) | to_entries) as $sel
    | [ $rows[] | . as $row | select(all($sel[]; . as $e | ($e.value | index([$row[$e.key] | tostring])) != null)) ]
    | if $r.variant == "best" then
        if $r.op == null then error("variant=best needs op=")
        else map(select(timed)) | group_by(.dtype, .shape, .op) | map(min_by(.ms)) end
      else . end;

# the row a row is compared with (fn=...): vs-KEY where given, else the row's
# own dtype, shape and op (and variant and config within the same source)
def partner($rows; $r; $row):
    (if $r["vs-file"] == $r.file then selectors else ["dtype", "shape", "op"] end) as $carried
    | (reduce selectors[] as $k ({};
          if $r["vs-" + $k] != null then .[$k] = $r["vs-" + $k]
          elif ($carried | index([$k])) != null and $row[$k] != null then .[$k] = ($row[$k] | tostring)
          else . end)) as $want
    | select_rows($rows; $want)
    | if length == 1 then .[0]
      else error("\(length) rows of \($r["vs-file"]) match \($want | to_entries | map("\(.key)=\(.value)") | join(" ")) (one is needed)") end;

# a field of a row: its own, or one made from it: us (ms x 1000), tbps (GB/s
# / 1000), copy_ms (a copy of the row's bytes at the copy ceiling), copy_gbps
# (a sweep's copy of the same bytes), baseline_gbps and baseline_pct (the
# baseline's, from vs_baseline), stall.REASON (a profile's warp cycles per
# issue stalled for REASON)
def field($f):
    if $f == "us" then .ms * 1000
    elif $f == "tbps" then .gbps / 1000
    elif $f == "copy_ms" then .ms * .pct_ceiling / 100
    elif $f == "copy_gbps" then .gbps * 100 / .pct_copy
    elif $f == "baseline_gbps" then .gbps / .vs_baseline
    elif $f == "baseline_pct" then .pct_ceiling / .vs_baseline
    elif ($f | startswith("stall.")) then [.stalls[]? | select(.reason == $f[6:]) | .warp_cycles_per_issue][0]
    else .[$f] end
    | if type == "number" then . else error("no number \($f)") end;

def fabs: if . < 0 then -. else . end;

# The two-shape fit of a kernel's time as a fixed cost plus its bytes at a
# steady rate: row $a at one shape, $b at another. Times in ms, bytes in B.
def fit_fixed_ms($a; $b): ($a.ms * $b.bytes - $b.ms * $a.bytes) / ($b.bytes - $a.bytes);
def ceiling_gbps: .gbps * 100 / .pct_ceiling;

# The functions a figure may name (fn=): what they make of a row $a and, for
# those that compare, its partner $b; $p holds the request's parameters.
#   speedup      $b's time over $a's: how many times faster $a is
#   ratio        $a's field over $b's (vs-field=, else the same field)
#   increase     % by which $a's field exceeds $b's
#   drop         % by which $a's field falls short of $b's
#   longer       % by which $a's time exceeds $b's
#   shorter      % by which $a's time falls short of $b's
#   differ       % between the two times, either way
#   points       $a's field minus $b's
#   pct_for      % of $a's copy ceiling that times= x $b's speed needs
#   shortfall    % below 1 of a ratio field (vs_baseline): 0.94 is 6
#   gain         % above 1 of a ratio field: 1.23 is 23
#   inverse      1 over the field
#   from_copies  % between $a's time and copies= copies of its bytes
#   overhead_us  µs of $a's time beyond a copy of its bytes
#   fit_fixed_us, fit_rate_gain, fit_cap_pct, fit_bytes_for: the fit of
#                $a's and $b's times (two shapes): its fixed cost (µs), its
#                rate against the copy ceiling (%), the % of the ceiling the
#                fixed cost leaves $a's bytes, the bytes below which it leaves
#                less than pct= % (MB)
def pairwise: ["speedup", "ratio", "increase", "drop", "longer", "shorter", "differ", "points", "pct_for",
               "fit_fixed_us", "fit_rate_gain", "fit_cap_pct", "fit_bytes_for"];
def apply($fn; $f; $g; $p; $a; $b):
    def num($k; $d): ($p[$k] // $d) | tonumber;
    if $fn == null then $a | field($f)
    elif $fn == "speedup" then ($b | field("ms")) / ($a | field("ms"))
    elif $fn == "ratio" then ($a | field($f)) / ($b | field($g))
    elif $fn == "increase" then 100 * (($a | field($f)) / ($b | field($g)) - 1)
    elif $fn == "drop" then 100 * (1 - ($a | field($f)) / ($b | field($g)))
    elif $fn == "longer" then 100 * (($a | field("ms")) / ($b | field("ms")) - 1)
    elif $fn == "shorter" then 100 * (1 - ($a | field("ms")) / ($b | field("ms")))
    elif $fn == "differ" then 100 * (($a | field("ms")) / ($b | field("ms")) - 1 | fabs)
    elif $fn == "points" then ($a | field($f)) - ($b | field($g))
    elif $fn == "pct_for" then num("times"; "1") * ($b | field("gbps")) * ($a | field("pct_ceiling")) / ($a | field("gbps"))
    elif $fn == "shortfall" then 100 * (1 - ($a | field($f)))
    elif $fn == "gain" then 100 * (($a | field($f)) - 1)
    elif $fn == "inverse" then 1 / ($a | field($f))
    elif $fn == "from_copies" then 100 * (($a | field("ms")) / (num("copies"; "1") * ($a | field("copy_ms"))) - 1 | fabs)
    elif $fn == "overhead_us" then 1000 * (($a | field("ms")) - ($a | field("copy_ms")))
    elif $fn == "fit_fixed_us" then 1000 * fit_fixed_ms($a; $b)
    elif $fn == "fit_rate_gain" then
        100 * ((($b.bytes - $a.bytes) / ($b.ms - $a.ms) / 1e6) / ($a | ceiling_gbps) - 1)
    elif $fn == "fit_cap_pct" then
        ($a.bytes / ($a | ceiling_gbps) / 1e6) as $t | 100 * $t / ($t + fit_fixed_ms($a; $b))
    elif $fn == "fit_bytes_for" then
        num("pct"; "85") as $q | fit_fixed_ms($a; $b) * ($a | ceiling_gbps) * $q / (100 - $q)
    else error("no function fn=\($fn) (book/jq/figures.jq lists them)") end;

# agg=list: the rows whose value passes at-least= / below=, named in the
# prose's words, each with its value rounded to digits= places (default 2):
# "float32 8192 x 1024 (1.07), bfloat16 65536 x 1024 (1.48)", or "none"
# a number with exactly $d decimals: 1 -> "1.00"
def fixed($d):
    (. * pow(10; $d) | round) as $n | ($n | fabs) as $a | pow(10; $d) as $u
    | (if $n < 0 then "-" else "" end) + ($a / $u | floor | tostring)
      + (if $d > 0 then "." + (($a % $u) + $u | tostring | .[1:]) else "" end);
def type_name: {"f32": "float32", "f16": "float16", "bf16": "bfloat16"}[.] // .;
def listed($r):
    (($r.digits // "2") | tonumber) as $d
    | map(select(($r["at-least"] == null or .v >= ($r["at-least"] | tonumber))
                 and ($r.below == null or .v < ($r.below | tonumber))))
    | if length == 0 then "none" else
        map("\(.row.dtype | type_name) \(.row.rows) x \(.row.cols) (\(.v | fixed($d)))")
        | join(", ")
      end;

def aggregate($agg; $r):
    if $agg == null then
        if length == 1 then .[0] else error("\(length) values (name one row, or agg=min, max, count)") end
    elif $agg == "min" then min
    elif $agg == "max" then max
    elif $agg == "mean" then add / length
    elif $agg == "sum" then add
    elif $agg == "count" then
        map(select(($r["at-least"] == null or . >= ($r["at-least"] | tonumber))
                   and ($r.below == null or . < ($r.below | tonumber)))) | length
    else error("no agg=\($agg) (min, max, mean, sum, count, list)") end;

# one request: {value} or {error}; $rows: each file's rows, by name
def figure($r; $files; $rows):
    try (
        if ($r.field // "" | startswith("env.")) then
            {value: (($files[$r.file].env[$r.field[4:]] // error("no \($r.field) in \($r.file)"))
                     * ($r.scale // "1" | tonumber))}
        else
            ($rows[$r.file] // error("no file \($r.file)")) as $all
            | select_rows($all; $r)
            | if length == 0 then
                error("no row of \($r.file) has \([selectors[] as $k | select($r[$k] != null) | "\($k)=\($r[$k])"] | join(" "))")
              else . end
            | (if (pairwise | index([$r.fn])) then ($rows[$r["vs-file"]] // error("no file \($r["vs-file"])")) else null end) as $others
            | ($r.field // (if ["shortfall", "gain", "inverse"] | index([$r.fn]) then "vs_baseline" else "ms" end)) as $f
            | map(. as $row
                  | (if (pairwise | index([$r.fn])) then partner($others; $r; $row) else null end) as $b
                  | {row: $row, v: (apply($r.fn; $f; $r["vs-field"] // $f; $r; $row; $b)
                                    * ($r.scale // "1" | tonumber))})
            | if $r.agg == "list" then {value: listed($r)}
              else {value: (map(.v) | aggregate($r.agg; $r))} end
        end)
    catch {error: .};

# every request of a page against its files ({name: content}), in order
def figures($reqs):
    . as $files
    | (with_entries(.value = (try rows_of(.key; .value) catch null))) as $rows
    | $reqs[] | figure(.; $files; $rows);
