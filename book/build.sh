#!/usr/bin/env bash
# book/build.sh: weave the lessons into an HTML book.
#
#   book/build.sh [--results DIR] OUTDIR LESSON.nw... [RESULTS_DIR]
#
# Writes OUTDIR/index.html (preface from book/preface.md and a table of
# contents), one OUTDIR/<stem>.html per lesson (<stem> is the basename up to
# the first '-': lessons/week0-copy-transpose.nw -> week0.html),
# OUTDIR/book.css and OUTDIR/img/*.svg.
#
# Lessons named common*.nw or shared*.nw (e.g. lessons/common.nw) are shared:
# they are woven in front of every chapter so that chunks defined there
# resolve (as when notangle is given both files), and get a page of their own.
#
# Measured results come from RESULTS_DIR/<week>.json. RESULTS_DIR is, in order:
# --results DIR, a trailing directory argument, $RESULTS_DIR, or
# bench/results/$GPU with GPU=h200 by default. A directory that holds GPU
# subdirectories (bench/results) is narrowed to its $GPU subdirectory.
#
# Pipeline per chapter:
#   book/cuda-markup | noweb finduses | noweb noidx | nwback (C, built here)
#   | results/plot markers expanded | pandoc (book/template.html, book.css,
#   book/cuda.xml)
# Errors in the chunk structure are printed as FILE:LINE: error: ... and make
# the build exit 1 after every lesson has been checked.
set -euo pipefail

BOOK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BOOK_DIR")
NOWEB_LIB=${NOWEB_LIB:-/usr/lib/noweb}
GPU=${GPU:-h200}
BOOK_TITLE=${BOOK_TITLE:-"CUDA C kernel workbook"}

die() { echo "build.sh: $*" >&2; exit 1; }
usage() { die "usage: book/build.sh [--results DIR] OUTDIR LESSON.nw... [RESULTS_DIR]"; }

results_arg=""
positional=()
while [ $# -gt 0 ]; do
    case $1 in
        --results) [ $# -ge 2 ] || usage; results_arg=$2; shift 2 ;;
        --results=*) results_arg=${1#--results=}; shift ;;
        -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}"; exit 0 ;;
        --) shift; positional+=("$@"); break ;;
        -*) usage ;;
        *) positional+=("$1"); shift ;;
    esac
done
[ ${#positional[@]} -ge 2 ] || usage
OUTDIR=${positional[0]}
lessons=()
for arg in "${positional[@]:1}"; do
    if [ -d "$arg" ]; then
        results_arg=$arg
    else
        [ -f "$arg" ] || die "$arg: no such lesson file"
        lessons+=("$arg")
    fi
done
[ ${#lessons[@]} -ge 1 ] || usage

if [ -n "$results_arg" ]; then
    RESULTS=$results_arg
elif [ -n "${RESULTS_DIR:-}" ]; then
    RESULTS=$RESULTS_DIR
else
    RESULTS=$REPO_DIR/bench/results/$GPU
fi
# bench/results (GPU subdirectories, no week files) -> bench/results/$GPU
if [ -d "$RESULTS/$GPU" ] && ! compgen -G "$RESULTS/*.json" >/dev/null; then
    RESULTS=$RESULTS/$GPU
fi
# a path for messages: relative to the repository when it is inside it
show_path() {
    local p=$1 abs
    abs=$(cd "$(dirname "$p")" 2>/dev/null && pwd)/$(basename "$p") || abs=$p
    case $abs in "$REPO_DIR"/*) echo "${abs#"$REPO_DIR"/}" ;; *) echo "$p" ;; esac
}

for tool in pandoc jq gnuplot gcc awk; do
    command -v "$tool" >/dev/null || die "$tool not found (see book/PACKAGES)"
done
for f in markup finduses noidx; do
    [ -x "$NOWEB_LIB/$f" ] || die "$NOWEB_LIB/$f not found (install the noweb package)"
done

mkdir -p "$OUTDIR/img"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/book.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

NWBACK=$WORK/nwback
gcc -std=c11 -Wall -Wextra -O2 -o "$NWBACK" "$BOOK_DIR/nwback.c" \
    || die "cannot compile book/nwback.c"

# ---- sort lessons into chapters and shared files -------------------------

stem_of() { local b; b=$(basename "$1" .nw); echo "${b%%-*}"; }

chapters=()
shared=()
for l in "${lessons[@]}"; do
    case $(basename "$l") in
        common*|shared*) shared+=("$l") ;;
        *) chapters+=("$l") ;;
    esac
done
# chapters in week order (week2 before week10)
if [ ${#chapters[@]} -gt 0 ]; then
    mapfile -t chapters < <(for c in "${chapters[@]}"; do printf '%s\t%s\n' "$(stem_of "$c")" "$c"; done \
        | sort -V -k1,1 | cut -f2-)
fi
pages=()
declare -A seen_stem=()
for l in "${chapters[@]}" "${shared[@]}"; do
    s=$(stem_of "$l")
    [ -z "${seen_stem[$s]:-}" ] || die "$l and ${seen_stem[$s]} would both become $s.html"
    seen_stem[$s]=$l
    pages+=("$l")
done

# ---- weave each lesson to Markdown -----------------------------------------

shared_flags=()
for s in "${shared[@]}"; do shared_flags+=(-shared "$s"); done

failed=0
weave() { # weave FILE: Markdown for FILE on stdout, shared files in front
    local file=$1 inputs=()
    for s in "${shared[@]}"; do [ "$s" = "$file" ] || inputs+=("$s"); done
    inputs+=("$file")
    "$BOOK_DIR/cuda-markup" "${inputs[@]}" \
        | "$NOWEB_LIB/finduses" | "$NOWEB_LIB/noidx" \
        | "$NWBACK" -emit "$file" -usemap "$WORK/$(stem_of "$file").usemap" "${shared_flags[@]}"
}
for l in "${pages[@]}"; do
    s=$(stem_of "$l")
    if ! weave "$l" >"$WORK/$s.raw.md"; then
        echo "build.sh: $l: weaving failed (see the messages above)" >&2
        failed=1
    fi
done
[ "$failed" -eq 0 ] || exit 1

# ---- measured results: tables and plots ------------------------------------

# results_table WEEK OP: Markdown table (or a note) on stdout
results_note() {
    printf '\n::: {.note .no-results}\n**No measured results committed yet for this GPU.** The table for %s %s is generated from `%s` once a benchmark run on this GPU is committed.\n:::\n\n' \
        "$1" "$2" "$3"
}
results_table() {
    local week=$1 op=$2 variants=${3:-} json=$RESULTS/$1.json shown
    shown=$(show_path "$json")
    if [ ! -f "$json" ]; then results_note "$week" "$op" "$shown"; return; fi
    if ! jq -e --arg op "$op" '[.results[] | select(.op == $op)] | length > 0' "$json" >/dev/null 2>&1; then
        echo "build.sh: warning: $shown has no readable results for op $op" >&2
        results_note "$week" "$op" "$shown"; return
    fi
    printf '\n::: {.results-table}\n'
    printf '| Variant | dtype | Shape | ms | GB/s | %% of copy ceiling | vs baseline |\n'
    printf '|:--|:--|--:|--:|--:|--:|--:|\n'
    jq -r --arg op "$op" --arg vs "$variants" '
        ($vs | split(",") | map(select(. != ""))) as $want
        | .results | to_entries
        | map(select(.value.op == $op and (($want | length) == 0 or (.value.variant as $v | $want | index([$v])))))
        | sort_by((.value.rows // 0) * (.value.cols // 0), .key)
        | .[].value
        | [ .variant, .dtype, "\(.rows // "?")×\(.cols // "?")",
            (if .passed then "ok" else (.category // "failed") end),
            (.ms // ""), (.gbps // ""), (.pct_ceiling // ""), (.vs_baseline // "") ]
        | @tsv' "$json" |
    awk -F'\t' '
        function num(x, fmt) { return x == "" ? "–" : sprintf(fmt, x) }
        function esc(s) { gsub(/[|]/, "\\|", s); gsub(/_/, "\\_", s); return s }
        {
            if ($4 != "ok") {
                printf "| %s | %s | %s | **%s** | – | – | – |\n", esc($1), esc($2), $3, esc($4)
                next
            }
            printf "| %s | %s | %s | %s | %s | %s | %s |\n", esc($1), esc($2), $3,
                num($5, "%.4g"), num($6, "%.1f"), num($7, "%.1f"), num($8, "%.2f×")
        }'
    jq -r --arg src "$shown" '
        .env as $e
        | ([.results[].baseline | select(. != null)] | unique | join(", ")) as $b
        | ": Measured on \($e.gpu // "an unnamed GPU")"
          + (if $e.cc then " (compute capability \($e.cc)" + (if $e.sms then ", \($e.sms) SMs" else "" end) + ")" else "" end)
          + ", driver \($e.driver // "?"), CUDA runtime \($e.cuda_runtime // "?"), commit \($e.commit // "?"), \($e.date // "undated")."
          + (if $e.copy_ceiling_gbps then " Copy ceiling \($e.copy_ceiling_gbps | round) GB/s." else "" end)
          + (if $b != "" then " vs baseline = baseline time / variant time against \($b) (above 1 is faster)." else "" end)
          + " Source: `\($src)`."' "$json"
    printf ':::\n\n'
}

# progression_table WEEK OP: one line per variant, in the lesson's order, at
# the largest float32 shape measured: time, GB/s, the speedup over the line
# before and over the first, and the fraction of the copy ceiling.
progression_table() {
    local week=$1 op=$2 json=$RESULTS/$1.json shown
    shown=$(show_path "$json")
    if [ ! -f "$json" ]; then results_note "$week" "$op" "$shown"; return; fi
    printf '\n::: {.results-table .progression}\n'
    printf '| Variant | Shape | ms | GB/s | Step speedup | Cumulative speedup | %% of copy ceiling |\n'
    printf '|:--|--:|--:|--:|--:|--:|--:|\n'
    jq -r --arg op "$op" '
        [.results[] | select(.op == $op and .dtype == "f32" and .passed == true and .ms != null)] as $r
        | ($r | map((.rows // 0) * (.cols // 0)) | max) as $big
        | [$r[] | select((.rows // 0) * (.cols // 0) == $big)]
        | . as $rows
        | range(0; length) as $i
        | $rows[$i] as $x
        | [ $x.variant, "\($x.rows)×\($x.cols)", $x.ms, $x.gbps,
            (if $i == 0 then "" else ($rows[$i - 1].ms / $x.ms) end),
            ($rows[0].ms / $x.ms), $x.pct_ceiling ]
        | @tsv' "$json" |
    awk -F'\t' '
        function num(x, fmt) { return x == "" ? "–" : sprintf(fmt, x) }
        function esc(s) { gsub(/_/, "\\_", s); return s }
        { printf "| %s | %s | %s | %s | %s | %s | %s |\n", esc($1), $2, num($3, "%.4g"),
              num($4, "%.1f"), num($5, "%.2f×"), num($6, "%.2f×"), num($7, "%.1f") }'
    jq -r --arg src "$shown" '.env as $e
        | ": Progression in float32 at the largest shape, measured on \($e.gpu // "?"), driver \($e.driver // "?"), commit \($e.commit // "?"), \($e.date // "undated"). Step speedup: time of the line above over this one. Source: `\($src)`."' "$json"
    printf ':::\n\n'
}

# results_plot WEEK OP: writes OUTDIR/img/WEEK-OP.svg, Markdown on stdout
results_plot() {
    local week=$1 op=$2 json=$RESULTS/$1.json shown svg data
    shown=$(show_path "$json")
    if [ ! -f "$json" ]; then results_note "$week" "$op" "$shown"; return; fi
    data=$WORK/plot-$week-$op.tsv
    # at the largest shape measured: one row per variant, one column per dtype
    if ! jq -r --arg op "$op" '
        [.results[] | select(.op == $op and .passed == true and .gbps != null)] as $r
        | if ($r | length) == 0 then empty else
          ($r | map((.rows // 0) * (.cols // 0)) | max) as $big
          | [$r[] | select((.rows // 0) * (.cols // 0) == $big)] as $top
          | ($top | map(.dtype) | unique
             | sort_by({"f32": 0, "f16": 1, "bf16": 2}[.] // 3, .)) as $dts
          | ($top | reduce .[].variant as $v ([]; if index([$v]) then . else . + [$v] end)) as $vs
          | (["variant"] + $dts | @tsv),
            ($vs[] as $v | [$v] + [$dts[] as $d
                | ([$top[] | select(.variant == $v and .dtype == $d) | .gbps][0] // "-")
                | tostring] | @tsv)
          end' "$json" >"$data" 2>/dev/null || [ ! -s "$data" ]; then
        echo "build.sh: warning: $shown has no plottable results for op $op" >&2
        results_note "$week" "$op" "$shown"; return
    fi
    local ceiling gpu shape ndt nvar
    ceiling=$(jq -r '.env.copy_ceiling_gbps // 0' "$json")
    gpu=$(jq -r '.env.gpu // "unknown GPU"' "$json")
    shape=$(jq -r --arg op "$op" '[.results[] | select(.op == $op and .passed == true and .gbps != null)]
        | max_by((.rows // 0) * (.cols // 0)) | "\(.rows)×\(.cols)"' "$json")
    ndt=$(head -1 "$data" | awk -F'\t' '{print NF}')
    nvar=$(($(wc -l <"$data") - 1))
    svg=$OUTDIR/img/$week-$op.svg
    gnuplot <<EOF || die "gnuplot failed for $week $op"
set terminal svg size 760,440 dynamic noenhanced font "sans,12" background rgb "white"
set output "$svg"
set datafile separator "\t"
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key outside top center horizontal
set title "$week $op at $shape on $gpu: GB/s per variant"
set ylabel "GB/s"
set grid ytics lc rgb "#dddddd"
set xtics rotate by -25 nomirror
set ytics nomirror
set border 3
set xrange [-0.6:$nvar-0.4]
set yrange [0:*]
ceiling = $ceiling
if (ceiling > 0) set yrange [0:ceiling*1.15]
set linetype 1 lc rgb "#3b6fb6"
set linetype 2 lc rgb "#e08a1e"
set linetype 3 lc rgb "#4f9a58"
set linetype 4 lc rgb "#9a4f8f"
plot for [i=2:$ndt] "$data" using i:xtic(1) title columnheader(i), \
     (ceiling > 0 ? ceiling : 1/0) with lines dt 2 lw 2 lc rgb "#c0392b" title sprintf("copy ceiling %.0f GB/s", ceiling)
EOF
    printf '\n![%s %s: GB/s per variant and element type at %s on %s; the dashed line is the copy ceiling measured in the same run (%.0f GB/s). Source: `%s`.](img/%s-%s.svg){.results-plot}\n\n' \
        "$week" "$op" "$shape" "$gpu" "$ceiling" "$shown" "$week" "$op"
}

# ---- a lesson against another implementation: @@VERSUS week2 softmax torch@@ ----
# The lesson's results RESULTS/WEEK.json and a peer's RESULTS/WEEK-PEER.json
# (same schema; bench/torch_softmax.py writes week2-torch.json) are set side
# by side: for every (dtype, shape) the peer measured, the fastest lesson
# variant that passed there. Picking the fastest per shape, not one named
# variant, is what a reader choosing between the two would compare; a failed
# or skipped variant never counts, however fast its timing was.

# the peer's name in prose: PyTorch for torch, otherwise the file's suffix
peer_label() { case $1 in torch) echo PyTorch ;; *) echo "$1" ;; esac; }

# versus_note WEEK OP PEER LESSON_FILE PEER_FILE: the no-results note, naming
# the file(s) that are not there so the reader knows which run is missing
versus_note() {
    local week=$1 op=$2 peer=$3 lesson=$4 other=$5 missing=()
    [ -f "$lesson" ] || missing+=("\`$(show_path "$lesson")\`")
    [ -f "$other" ] || missing+=("\`$(show_path "$other")\`")
    printf '\n::: {.note .no-results}\n**No measured results committed yet for this GPU.** The comparison of %s %s with %s is generated from `%s` and `%s` once both are committed; missing: %s.\n:::\n\n' \
        "$week" "$op" "$(peer_label "$peer")" "$(show_path "$lesson")" "$(show_path "$other")" \
        "$(printf '%s and ' "${missing[@]}" | sed 's/ and $//')"
}

# versus_pairs OP LESSON_FILE PEER_FILE: a JSON array on stdout, one object per
# (dtype, shape) of the peer's op, in dtype order then by row length:
# {dtype, rows, cols, peer: fastest passed peer entry (or its first failed
# one), best: fastest passed lesson entry or null}
versus_pairs() {
    jq -n --arg op "$1" --slurpfile L "$2" --slurpfile P "$3" '
        def ok: .passed == true and (.ms // 0) > 0;
        def rank: {"f32": 0, "f16": 1, "bf16": 2}[.] // 3;
        [$L[0].results[] | select(.op == $op and ok)] as $lesson
        | [$P[0].results[] | select(.op == $op)]
        | group_by(.dtype, .rows, .cols)
        | map(([.[] | select(ok)] | min_by(.ms)) // .[0])
        | sort_by((.dtype | rank), .dtype, .cols, .rows)
        | map(. as $p
            | {dtype, rows, cols, peer: .,
               best: ([$lesson[] | select(.dtype == $p.dtype and .rows == $p.rows and .cols == $p.cols)]
                      | min_by(.ms))})'
}

# versus_table WEEK OP PEER LESSON_FILE PEER_FILE PAIRS: Markdown table on stdout
versus_table() {
    local week=$1 op=$2 peer=$3 lesson=$4 other=$5 pairs=$6 label
    label=$(peer_label "$peer")
    printf '\n::: {.results-table .versus}\n'
    printf '| Shape | dtype | %s ms | Best lesson variant | Lesson ms | Speedup | Lesson %% of copy ceiling |\n' "$label"
    printf '|--:|:--|--:|:--|--:|--:|--:|\n'
    jq -r '.[]
        | (.peer.passed == true and (.peer.ms // 0) > 0) as $pok
        | [ "\(.rows)×\(.cols)", .dtype,
            (if $pok then .peer.ms else "" end),
            (if $pok then "ok" else (.peer.category // "failed") end),
            (.best.variant // ""), (.best.ms // ""),
            (if $pok and .best then .peer.ms / .best.ms else "" end),
            (.best.pct_ceiling // "") ]
        | @tsv' "$pairs" |
    awk -F'\t' '
        function num(x, fmt) { return x == "" ? "–" : sprintf(fmt, x) }
        function esc(s) { gsub(/[|]/, "\\|", s); gsub(/_/, "\\_", s); return s }
        {
            theirs = ($4 == "ok") ? num($3, "%.4g") : "**" esc($4) "**"
            best = ($5 == "") ? "*none passed*" : esc($5)
            printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, esc($2), theirs, best,
                num($6, "%.4g"), num($7, "%.2f×"), num($8, "%.1f")
        }'
    jq -rn --arg week "$week" --arg op "$op" --arg peer_name "$label" \
        --arg lsrc "$(show_path "$lesson")" --arg psrc "$(show_path "$other")" \
        --slurpfile L "$lesson" --slurpfile P "$other" '
        $L[0].env as $l | $P[0].env as $p
        | def where(e): "\(e.gpu // "an unnamed GPU"), driver \(e.driver // "?")";
          def run(e): "commit \(e.commit // "?"), \(e.date // "undated")";
        ": \($week) \($op) against \($peer_name)"
          + (if $p.torch then " \($p.torch)" else "" end)
          + (if where($l) == where($p) then ", measured on \(where($l)). "
             else ", lesson measured on \(where($l)), \($peer_name) on \(where($p)). " end)
          + "Lesson variants: \(run($l)), `\($lsrc)`; \($peer_name): \(run($p)), `\($psrc)`. "
          + "Best lesson variant: the fastest that passed at that element type and shape. "
          + "Speedup = \($peer_name) time / lesson time (above 1: the lesson is faster)."
          + (if $l.copy_ceiling_gbps then " Copy ceiling of the lesson run \($l.copy_ceiling_gbps | round) GB/s." else "" end)'
    printf ':::\n\n'
}

# versus_plot WEEK OP PEER LESSON_FILE PEER_FILE PAIRS: GB/s over the row
# length, best lesson variant (solid) and peer (dashed) per element type;
# writes OUTDIR/img/WEEK-OP-vs-PEER.svg, Markdown on stdout. At a row length
# measured at several row counts (8192×1024 and 65536×1024) the largest shape
# is drawn: one point per x keeps each line a function of the row length.
versus_plot() {
    local week=$1 op=$2 peer=$3 lesson=$4 other=$5 pairs=$6 label data name svg
    label=$(peer_label "$peer")
    name=$week-$op-vs-$peer
    data=$WORK/plot-$name.tsv
    jq -r --arg peer_name "$label" '
        def gbps: if . != null and .passed == true and (.gbps // 0) > 0 then .gbps else "-" end;
        (map(.dtype) | reduce .[] as $d ([]; if index([$d]) then . else . + [$d] end)) as $dts
        | (group_by(.cols) | map(max_by(.rows) | {cols, rows})) as $xs
        | (["cols"] + [$dts[] as $d | "\($d) lesson", "\($d) \($peer_name)"] | @tsv),
          ($xs[] as $x | [$x.cols] + [$dts[] as $d
              | ([.[] | select(.dtype == $d and .cols == $x.cols and .rows == $x.rows)][0]) as $r
                  | ($r.best | gbps), ($r.peer | gbps)] | map(tostring) | @tsv)' "$pairs" >"$data"
    if [ "$(awk -F'\t' 'NR > 1 { for (i = 2; i <= NF; i++) if ($i != "-") { print "y"; exit } }' "$data")" != y ]; then
        echo "build.sh: warning: $week $op against $label: nothing to plot" >&2
        return
    fi
    local ceiling gpu ncol xmin xmax shapes
    ceiling=$(jq -r '.env.copy_ceiling_gbps // 0' "$lesson")
    gpu=$(jq -r '.env.gpu // "unknown GPU"' "$lesson")
    ncol=$(head -1 "$data" | awk -F'\t' '{print NF}')
    xmin=$(awk -F'\t' 'NR == 2 { print $1 }' "$data")
    xmax=$(awk -F'\t' 'END { print $1 }' "$data")
    shapes=$(jq -r 'group_by(.cols) | map(max_by(.rows) | "\(.rows)×\(.cols)") | join(", ")' "$pairs")
    svg=$OUTDIR/img/$name.svg
    gnuplot <<EOG || die "gnuplot failed for $week $op against $label"
set terminal svg size 760,440 dynamic noenhanced font "sans,12" background rgb "white"
set output "$svg"
set datafile separator "\t"
set datafile missing "-"
set key outside top center horizontal
set title "$week $op against $label over row length on $gpu"
set xlabel "row length (columns, log scale)"
set ylabel "GB/s"
set logscale x 2
set xrange [$xmin/1.4:$xmax*1.4]
set grid xtics ytics lc rgb "#dddddd"
set xtics nomirror
set ytics nomirror
set border 3
set yrange [0:*]
ceiling = $ceiling
if (ceiling > 0) set yrange [0:ceiling*1.15]
# one colour per element type, as in the bar charts; lesson solid, $label dashed
# (dt 1 + i % 2: solid for the even columns; gnuplot reads "dt (" as a dash pattern)
colours = "#3b6fb6 #e08a1e #4f9a58 #9a4f8f"
plot for [i=2:$ncol] "$data" using 1:i:xtic(1) with linespoints lw 2 \
        dt 1 + i % 2 pt (i % 2 == 0 ? 7 : 6) ps 0.8 lc rgb word(colours, i / 2) \
        title columnheader(i), \
     (ceiling > 0 ? ceiling : 1/0) with lines dt 2 lw 2 lc rgb "#c0392b" title sprintf("copy ceiling %.0f GB/s", ceiling)
EOG
    printf '\n![%s %s against %s over row length on %s: GB/s of the best lesson variant (solid) and of %s (dashed) per element type, at %s; the dashed red line is the copy ceiling measured in the lesson run (%.0f GB/s). Lesson commit %s, %s commit %s. Source: `%s` and `%s`.](img/%s.svg){.results-plot}\n\n' \
        "$week" "$op" "$label" "$gpu" "$label" "$shapes" "$ceiling" \
        "$(jq -r '.env.commit // "?"' "$lesson")" "$label" "$(jq -r '.env.commit // "?"' "$other")" \
        "$(show_path "$lesson")" "$(show_path "$other")" "$name"
}

# versus WEEK OP PEER: the table and the plot, or a note naming what is missing
versus() {
    local week=$1 op=$2 peer=$3 lesson other pairs
    lesson=$RESULTS/$week.json
    other=$RESULTS/$week-$peer.json
    if [ ! -f "$lesson" ] || [ ! -f "$other" ]; then
        versus_note "$week" "$op" "$peer" "$lesson" "$other"; return
    fi
    pairs=$WORK/versus-$week-$op-$peer.json
    if ! versus_pairs "$op" "$lesson" "$other" >"$pairs" 2>/dev/null ||
        ! jq -e 'length > 0' "$pairs" >/dev/null; then
        echo "build.sh: warning: $(show_path "$other") has no readable results for op $op" >&2
        versus_note "$week" "$op" "$peer" "$lesson" "$other"; return
    fi
    if [ "$(jq -r '.env.gpu // ""' "$lesson")" != "$(jq -r '.env.gpu // ""' "$other")" ]; then
        echo "build.sh: warning: $(show_path "$lesson") and $(show_path "$other") name different GPUs" >&2
    fi
    versus_table "$week" "$op" "$peer" "$lesson" "$other" "$pairs"
    versus_plot "$week" "$op" "$peer" "$lesson" "$other" "$pairs"
}
# ---- end of the comparison with another implementation ----

# Expand markers in a chapter's Markdown. A marker is a prose line
#   @@RESULTS week0 transpose@@      (noweb hands it over as @RESULTS ...@@)
#   @@PLOT week0 transpose@@
#   @@PROGRESSION week0 transpose@@
#   @@VERSUS week2 softmax torch@@   (week2.json against week2-torch.json)
# or a fenced div whose content is then filled in:
#   ::: {.results week=week0 op=transpose}   /   ::: {.plot week=... op=...}
expand_markers() {
    local in=$1 out=$2 frags
    frags=$WORK/frags.$(basename "$in")
    : >"$frags"
    awk '
        /^@@?(RESULTS|PLOT|PROGRESSION|VERSUS)[ \t]+[^ \t]+[ \t]+[^@]+@@[ \t]*$/ {
            line = $0; sub(/^@@?/, "", line); sub(/[ \t]*@@[ \t]*$/, "", line)
            n = split(line, f, /[ \t]+/); vs = ""
            for (i = 4; i <= n; i++) vs = vs (vs == "" ? "" : ",") f[i]
            print f[1] "\t" f[2] "\t" f[3] "\t" vs; next
        }
        /^:::+[ \t]*\{[^}]*\.(results|plot)[ \t}]/ {
            kind = ($0 ~ /\.results[ \t}]/) ? "RESULTS" : "PLOT"
            w = $0; sub(/.*week=["]?/, "", w); sub(/["]?[ \t}].*/, "", w)
            o = $0; sub(/.*op=["]?/, "", o); sub(/["]?[ \t}].*/, "", o)
            print kind "\t" w "\t" o "\t"
        }' "$in" | sort -u >"$frags"
    local kind week op vs frag
    while IFS=$'\t' read -r kind week op vs; do
        frag="$WORK/frag-$kind-$week-$op-${vs//,/+}.md"
        case $kind in
        RESULTS) results_table "$week" "$op" "$vs" >"$frag" ;;
        PROGRESSION) progression_table "$week" "$op" >"$frag" ;;
        VERSUS)
            # one peer file per marker: week2-torch.json for @@VERSUS week2 softmax torch@@
            if [ -z "$vs" ] || [[ $vs == *,* ]]; then
                die "@@VERSUS $week $op ${vs//,/ }@@: name exactly one peer, e.g. @@VERSUS week2 softmax torch@@"
            fi
            versus "$week" "$op" "$vs" >"$frag" ;;
        *) results_plot "$week" "$op" >"$frag" ;;
        esac
    done <"$frags"
    awk -v dir="$WORK" '
        function emit(kind, w, o, vs,   file, l) {
            gsub(/,/, "+", vs)
            file = dir "/frag-" kind "-" w "-" o "-" vs ".md"
            while ((getline l < file) > 0) print l
            close(file)
        }
        /^@@?(RESULTS|PLOT|PROGRESSION|VERSUS)[ \t]+[^ \t]+[ \t]+[^@]+@@[ \t]*$/ {
            line = $0; sub(/^@@?/, "", line); sub(/[ \t]*@@[ \t]*$/, "", line)
            n = split(line, f, /[ \t]+/); vs = ""
            for (i = 4; i <= n; i++) vs = vs (vs == "" ? "" : ",") f[i]
            emit(f[1], f[2], f[3], vs); next
        }
        /^:::+[ \t]*\{[^}]*\.(results|plot)[ \t}]/ {
            kind = ($0 ~ /\.results[ \t}]/) ? "RESULTS" : "PLOT"
            w = $0; sub(/.*week=["]?/, "", w); sub(/["]?[ \t}].*/, "", w)
            o = $0; sub(/.*op=["]?/, "", o); sub(/["]?[ \t}].*/, "", o)
            print; emit(kind, w, o, ""); next
        }
        { print }' "$in" >"$out"
}

# ---- profile sections: @@PROFILE weekN@@ (ci/PROFILE.md) --------------------
# The line becomes the week's static profile (registers, shared memory,
# spills, SASS checks: build/weekN/static-profile.json, made here by
# ci/static-profile.sh when missing or older than the week's object) and,
# when RESULTS holds weekN-profile.json, the Nsight Compute table with the
# GPU, driver and commit it was measured on; otherwise a note saying that no
# profile is committed for this GPU. STATIC_PROFILE_DIR overrides build/.
STATIC_PROFILE_DIR=${STATIC_PROFILE_DIR:-$REPO_DIR/build}
profile_static() {
    local week=$1 dir=$STATIC_PROFILE_DIR/$1 json
    json=$dir/static-profile.json
    if [ -f "$dir/lesson.o" ] && [ "$STATIC_PROFILE_DIR" = "$REPO_DIR/build" ]; then
        (cd "$REPO_DIR" && STATIC_PROFILE_QUIET=1 ci/static-profile.sh --if-stale "$week" >/dev/null 2>&1) || true
    fi
    if [ ! -f "$json" ] || ! jq -e '.kernels' "$json" >/dev/null 2>&1; then
        printf '\n::: {.note .no-profile}\n**No static profile for %s yet.** Build the week (`make %s`) and run `make static-profile WEEK=%s`; the table of registers, shared memory and spills per kernel then appears here.\n:::\n\n' \
            "$week" "$week" "${week#week}"
        return
    fi
    printf '\n::: {.profile-table .static-profile}\n'
    printf '| Kernel | Instantiations | Registers / thread | Shared memory / block (B) | Spills (B) | Checks |\n'
    printf '|:--|--:|--:|--:|--:|:--|\n'
    jq -r '
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
        | (.[:5] | map(gsub("\\|"; "\\|") | gsub("_"; "\\_") | gsub("<"; "\\<") | gsub(">"; "\\>")))
          + (.[5:] | map(gsub("\\|"; "\\|")))
        | "| " + join(" | ") + " |"' "$json"
    jq -r --arg src "$(show_path "$json")" '
        ": What the compiler made of each kernel, \(.arch): \(.counts.kernels) kernels, \(.counts.checks) checks, \(.counts.failed) failed. Resources from \(.sources.resources); instructions from \(.sources.instructions). Checks declared in `\(.rules_file)`. Source: `\($src)`."' "$json"
    printf ':::\n\n'
}
profile_ncu() {
    local week=$1 json=$RESULTS/$1-profile.json shown
    shown=$(show_path "$json")
    if [ ! -f "$json" ] || ! jq -e '.status == "ok" and (.variants | length > 0)' "$json" >/dev/null 2>&1; then
        printf '\n::: {.note .no-profile}\n**No Nsight Compute profile is committed for this GPU (%s).** Run `make profile WEEK=%s` on it and commit `%s`; the table of DRAM throughput, occupancy, bank conflicts, branch uniformity, warp stalls and L2 hit rate per variant then appears here.\n:::\n\n' \
            "$GPU" "${week#week}" "$shown"
        return
    fi
    printf '\n::: {.profile-table .ncu-profile}\n'
    printf '| Variant | Kernel (longest launch) | µs | DRAM %% of peak | Achieved occupancy %% | L2 hit %% | Bank conflicts ld / st | Branch uniformity %% | Top warp stalls (cycles per issue) |\n'
    printf '|:--|:--|--:|--:|--:|--:|--:|--:|:--|\n'
    jq -r '
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
        | map(tostring | gsub("\\|"; "\\|") | gsub("_"; "\\_") | gsub("<"; "\\<") | gsub(">"; "\\>"))
        | "| " + join(" | ") + " |"' "$json"
    jq -r --arg src "$shown" '
        ([.variants[] | select(.status == "ok")][0]) as $v
        | ": Nsight Compute on \(.env.gpu // "an unnamed GPU"), driver \(.env.driver // "?"), \(.env.ncu // "ncu"), commit \(.env.commit // "?"), \(.env.date // "undated"); "
          + (if $v then "\($v.dtype) at \($v.rows)×\($v.cols), " else "" end)
          + "clocks not locked (--clock-control none). One launch per variant: the longest of those the grader made."
          + (if (.metrics_missing | length) > 0 then " Not collected by this ncu: \(.metrics_missing | join(", "))." else "" end)
          + " Source: `\($src)`."' "$json"
    printf ':::\n\n'
}
# expand_profile_markers FILE: replace each @@PROFILE weekN@@ line in place
expand_profile_markers() {
    local f=$1 week
    grep -qE '^@@?PROFILE[ \t]+[^ \t@]+[ \t]*@@[ \t]*$' "$f" || return 0
    for week in $(sed -nE 's/^@@?PROFILE[ \t]+([^ \t@]+)[ \t]*@@[ \t]*$/\1/p' "$f" | sort -u); do
        { profile_static "$week"; profile_ncu "$week"; } >"$WORK/frag-PROFILE-$week.md"
    done
    awk -v dir="$WORK" '
        /^@@?PROFILE[ \t]+[^ \t@]+[ \t]*@@[ \t]*$/ {
            w = $0; sub(/^@@?PROFILE[ \t]+/, "", w); sub(/[ \t]*@@[ \t]*$/, "", w)
            file = dir "/frag-PROFILE-" w ".md"
            while ((getline l < file) > 0) print l
            close(file); next
        }
        { print }' "$f" >"$f.profile" && mv "$f.profile" "$f"
}
# ---- end of profile sections ----

# ---- HTML ----------------------------------------------------------------

html_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }

# title of a chapter: its first level-1 heading, without attributes or markup
title_of() {
    local t
    t=$(awk '/^# /{ sub(/^# +/, ""); sub(/[ \t]*\{[^}]*\}[ \t]*$/, ""); gsub(/[`*]/, ""); print; exit }' "$1")
    [ -n "$t" ] || t=$2
    printf '%s' "$t"
}

# link_uses MAP: put the chunk-use links of MAP (lines "PLACEHOLDER<TAB>HTML",
# written by nwback -usemap) in place of the placeholders in the code
link_uses() {
    awk -v map="$1" '
        BEGIN {
            FS = "\t"
            while ((getline l < map) > 0) {
                t = index(l, "\t")
                html[substr(l, 1, t - 1)] = substr(l, t + 1)
            }
            close(map)
        }
        {
            out = ""; rest = $0
            while (match(rest, /NWUSE7Q[0-9]+Z/)) {
                key = substr(rest, RSTART, RLENGTH)
                out = out substr(rest, 1, RSTART - 1) ((key in html) ? html[key] : key)
                rest = substr(rest, RSTART + RLENGTH)
            }
            print out rest
        }'
}

declare -A titles=()
for l in "${pages[@]}"; do
    s=$(stem_of "$l")
    expand_markers "$WORK/$s.raw.md" "$WORK/$s.md"
    expand_profile_markers "$WORK/$s.md"
    titles[$s]=$(title_of "$WORK/$s.md" "$s")
done

PANDOC_COMMON=(--from markdown --to html5 --standalone --wrap=none --columns=400 --mathml
    --template "$BOOK_DIR/template.html"
    --syntax-definition "$BOOK_DIR/cuda.xml"
    -V booktitle="$(printf '%s' "$BOOK_TITLE" | html_escape)")

n=${#pages[@]}
for ((i = 0; i < n; i++)); do
    l=${pages[$i]}
    s=$(stem_of "$l")
    nav=()
    if [ "$i" -gt 0 ]; then
        p=$(stem_of "${pages[$((i - 1))]}")
        nav+=(-V prev="$p.html" -V prevtitle="$(printf '%s' "${titles[$p]}" | html_escape)")
    fi
    if [ "$i" -lt $((n - 1)) ]; then
        x=$(stem_of "${pages[$((i + 1))]}")
        nav+=(-V next="$x.html" -V nexttitle="$(printf '%s' "${titles[$x]}" | html_escape)")
    fi
    pandoc "${PANDOC_COMMON[@]}" --toc --toc-depth=2 "${nav[@]}" \
        -V source="$(show_path "$l" | html_escape)" \
        --metadata pagetitle="${titles[$s]}" \
        -o "$WORK/$s.html" "$WORK/$s.md" || die "pandoc failed on $l"
    link_uses "$WORK/$s.usemap" <"$WORK/$s.html" >"$OUTDIR/$s.html"
done

# ---- appendices (book/appendices.sh): the grader, measured results, index ----
# RESULTS names one GPU's directory; the results appendix shows every GPU's.
results_root=$RESULTS
compgen -G "$RESULTS/*.json" >/dev/null && results_root=$(dirname "$RESULTS")
bash "$BOOK_DIR/appendices.sh" "$WORK/appendix" "$OUTDIR" "$results_root" "${pages[@]}" \
    >"$WORK/appendices.list" || die "book/appendices.sh failed"
appendices=()
declare -A appendix_titles=()
while IFS=$'\t' read -r a title; do
    [ -n "$a" ] || continue
    appendices+=("$a")
    appendix_titles[$a]=$title
done <"$WORK/appendices.list"
for ((i = 0; i < ${#appendices[@]}; i++)); do
    a=${appendices[$i]}
    nav=()
    [ "$i" -eq 0 ] || nav+=(-V prev="${appendices[$((i - 1))]}.html" \
        -V prevtitle="$(printf '%s' "${appendix_titles[${appendices[$((i - 1))]}]}" | html_escape)")
    [ "$i" -eq $((${#appendices[@]} - 1)) ] || nav+=(-V next="${appendices[$((i + 1))]}.html" \
        -V nexttitle="$(printf '%s' "${appendix_titles[${appendices[$((i + 1))]}]}" | html_escape)")
    pandoc "${PANDOC_COMMON[@]}" --toc --toc-depth=2 "${nav[@]}" \
        --metadata pagetitle="${appendix_titles[$a]}" \
        -o "$OUTDIR/$a.html" "$WORK/appendix/$a.md" || die "pandoc failed on appendix $a"
done
# ---- end of appendices ----

# index: preface, then the chapters with their sections
{
    printf '# %s {.book-title}\n\n' "$BOOK_TITLE"
    if [ -f "$BOOK_DIR/preface.md" ]; then cat "$BOOK_DIR/preface.md"; fi
    printf '\n\n## Contents {#contents}\n\n'
    for l in "${pages[@]}"; do
        s=$(stem_of "$l")
        case $(basename "$l") in common*|shared*) continue ;; esac
        printf -- '- [%s](%s.html)\n' "$(printf '%s' "${titles[$s]}" | sed 's/[][\\`*_]/\\&/g')" "$s"
        # the chapter's sections, as pandoc numbered their ids
        grep -o '<h2 id="[^"]*"[^>]*>.*</h2>' "$OUTDIR/$s.html" | grep -v 'nw-index' |
            sed -e 's/<h2 id="\([^"]*\)"[^>]*>\(.*\)<\/h2>/\1\t\2/' -e 's/<[^>]*>//g' |
            while IFS=$'\t' read -r id text; do
                printf -- '    - [%s](%s.html#%s)\n' "$(printf '%s' "$text" | sed 's/[][\\`*_]/\\&/g')" "$s" "$id"
            done || true
    done
    if [ ${#appendices[@]} -gt 0 ]; then
        printf '\nAppendices:\n\n'
        for a in "${appendices[@]}"; do
            printf -- '- [%s](%s.html)\n' "$(printf '%s' "${appendix_titles[$a]}" | sed 's/[][\\`*_]/\\&/g')" "$a"
        done
    fi
    if [ ${#shared[@]} -gt 0 ]; then
        printf '\nShared chunks:\n\n'
        for l in "${shared[@]}"; do
            s=$(stem_of "$l")
            printf -- '- [%s](%s.html)\n' "$(printf '%s' "${titles[$s]}" | sed 's/[][\\`*_]/\\&/g')" "$s"
        done
    fi
} >"$WORK/index.md"
first=$(stem_of "${pages[0]}")
pandoc "${PANDOC_COMMON[@]}" -V next="$first.html" \
    -V nexttitle="$(printf '%s' "${titles[$first]}" | html_escape)" \
    --metadata pagetitle="$BOOK_TITLE" -V isindex=1 \
    -o "$OUTDIR/index.html" "$WORK/index.md" || die "pandoc failed on the index"

# BOOK_MARKDOWN_DIR (book/pdf.sh sets it): keep each page's Markdown, its
# chunk-use map and the page order, for other back ends
if [ -n "${BOOK_MARKDOWN_DIR:-}" ]; then
    mkdir -p "$BOOK_MARKDOWN_DIR"
    : >"$BOOK_MARKDOWN_DIR/pages"
    for l in "${pages[@]}"; do
        s=$(stem_of "$l")
        cp "$WORK/$s.md" "$BOOK_MARKDOWN_DIR/$s.md"
        cp "$WORK/$s.usemap" "$BOOK_MARKDOWN_DIR/$s.usemap" 2>/dev/null || : >"$BOOK_MARKDOWN_DIR/$s.usemap"
        case $(basename "$l") in common*|shared*) kind=shared ;; *) kind=chapter ;; esac
        printf '%s\t%s\n' "$kind" "$s" >>"$BOOK_MARKDOWN_DIR/pages"
    done
    for a in "${appendices[@]}"; do
        cp "$WORK/appendix/$a.md" "$BOOK_MARKDOWN_DIR/$a.md"
        printf 'appendix\t%s\n' "$a" >>"$BOOK_MARKDOWN_DIR/pages"
    done
fi

cp "$BOOK_DIR/book.css" "$OUTDIR/book.css"
echo "book: wrote $OUTDIR/index.html and ${#pages[@]} chapter page(s) (results from $(show_path "$RESULTS"))"
