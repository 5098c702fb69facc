#!/usr/bin/env bash
# book/appendices.sh: the book's appendices, as pandoc Markdown.
#
#   book/appendices.sh WORKDIR OUTDIR RESULTS_ROOT LESSON.nw...
#
# Called by book/build.sh once the chapter pages are in OUTDIR. Writes
# WORKDIR/<page>.md for each appendix and prints one line per page,
# "<page><TAB><title>", in the order they belong in the contents:
#
#   appendix-grader   The grader: book/appendix-grader.md as written
#   appendix-results  Measured results: every RESULTS_ROOT/<gpu>/*.json as
#                     tables, each with its GPU, driver, runtime, commit, date
#   appendix-index    Index of identifiers: every `@ %def` name of every lesson,
#                     grouped as kernels, launchers, device functions, types and
#                     other names, linked to the chunks that define it (read
#                     from the chapter pages' own indexes, so the anchors are
#                     the ones pandoc wrote)
set -euo pipefail

BOOK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BOOK_DIR")
[ $# -ge 3 ] || { echo "usage: book/appendices.sh WORKDIR OUTDIR RESULTS_ROOT LESSON.nw..." >&2; exit 2; }
WORK=$1 OUTDIR=$2 ROOT=$3
shift 3
mkdir -p "$WORK"

stem_of() { local b; b=$(basename "$1" .nw); echo "${b%%-*}"; }
md_escape() { sed 's/[][\\`*_<>|]/\\&/g'; }
show_path() {
    local abs
    abs=$(cd "$(dirname "$1")" 2>/dev/null && pwd)/$(basename "$1") || abs=$1
    case $abs in "$REPO_DIR"/*) echo "${abs#"$REPO_DIR"/}" ;; *) echo "$1" ;; esac
}

# ---- the grader -------------------------------------------------------------

if [ -f "$BOOK_DIR/appendix-grader.md" ]; then
    cp "$BOOK_DIR/appendix-grader.md" "$WORK/appendix-grader.md"
    printf 'appendix-grader\t%s\n' "$(awk '/^# /{ sub(/^# +/, ""); sub(/[ \t]*\{[^}]*\}[ \t]*$/, ""); print; exit }' \
        "$BOOK_DIR/appendix-grader.md")"
fi

# ---- measured results ----------------------------------------------------------

{
    printf '# Appendix B: Measured results {#appendix-results}\n\n'
    printf 'Every results file committed under `%s/`, one table per GPU and week, as\n' "$(show_path "$ROOT")"
    printf 'the grader wrote it (`build/weekN/grade --bench`, schema `workbook-results/1`).\n'
    printf 'Nothing here is typed by hand. Times are medians of the repetitions, with\n'
    printf 'the L2 flushed before each; *%% of copy ceiling* compares with the device copy\n'
    printf 'measured in the same run, and *vs baseline* is the baseline time over the\n'
    printf 'variant time (above 1: faster than the baseline). Compare figures within one\n'
    printf 'table: different GPUs, drivers and commits are different experiments.\n\n'
    found=0
    if [ -d "$ROOT" ]; then
        while IFS= read -r gpu_dir; do
            gpu=$(basename "$gpu_dir")
            shopt -s nullglob
            files=("$gpu_dir"/*.json)
            shopt -u nullglob
            [ ${#files[@]} -gt 0 ] || continue
            mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -V)
            for json in "${files[@]}"; do
                # Nsight Compute profiles sit beside the results; the chapters' profile sections show them
                case $json in *-profile.json) continue ;; esac
                if ! jq -e '.results | type == "array"' "$json" >/dev/null 2>&1; then
                    echo "appendices.sh: warning: $(show_path "$json") is not a results file" >&2
                    continue
                fi
                found=1
                week=$(jq -r '.week // empty' "$json")
                [ -n "$week" ] || week=$(basename "$json" .json)
                # a peer's file beside the week's (week2-torch.json, bench/torch_softmax.py)
                # holds the same week: name it by its file so headings and ids stay unique
                case $(basename "$json" .json) in "$week"-*) week=$(basename "$json" .json) ;; esac
                printf '## %s, %s {#results-%s-%s}\n\n' "$(jq -r '.env.gpu // "unnamed GPU"' "$json" | md_escape)" \
                    "$week" "$(tr -c 'A-Za-z0-9\n' - <<<"$gpu")" "$(tr -c 'A-Za-z0-9\n' - <<<"$week")"
                jq -r --arg src "$(show_path "$json")" '
                    .env as $e |
                    "- GPU: \($e.gpu // "?")" + (if $e.cc then ", compute capability \($e.cc)" else "" end)
                      + (if $e.sms then ", \($e.sms) SMs" else "" end)
                      + (if $e.l2_bytes then ", L2 \($e.l2_bytes / 1048576 | floor) MiB" else "" end),
                    "- Driver \($e.driver // "?"), CUDA runtime \($e.cuda_runtime // "?")",
                    "- Commit `\($e.commit // "?")`, measured \($e.date // "undated")"
                      + (if $e.seed then ", seed \($e.seed_string // ($e.seed | tostring))" else "" end),
                    (if $e.copy_ceiling_gbps then "- Copy ceiling \($e.copy_ceiling_gbps * 10 | round / 10) GB/s" else empty end),
                    "- Source: `\($src)`", ""' "$json"
                printf '::: {.results-table}\n'
                printf '| Variant | Op | dtype | Shape | ms | GB/s | %% of copy ceiling | vs baseline |\n'
                printf '|:--|:--|:--|--:|--:|--:|--:|--:|\n'
                jq -r '.results | sort_by(.op, .variant, ({"f32": 0, "f16": 1, "bf16": 2}[.dtype] // 3),
                                         ((.rows // 0) * (.cols // 0)))[]
                    | [ .variant, .op, .dtype, "\(.rows // "?")×\(.cols // "?")",
                        (if .passed then "ok" elif .skipped then "skipped" else (.category // "failed") end),
                        (.ms // ""), (.gbps // ""), (.pct_ceiling // ""),
                        # "none": timed against no baseline (torch_softmax.py), so no ratio
                        (if .baseline == "none" then "" else (.vs_baseline // "") end) ] | @tsv' "$json" |
                    awk -F'\t' '
                        function num(x, fmt) { return x == "" ? "–" : sprintf(fmt, x) }
                        function esc(s) { gsub(/[|]/, "\\|", s); gsub(/_/, "\\_", s); return s }
                        $5 != "ok" { printf "| %s | %s | %s | %s | **%s** | – | – | – |\n", esc($1), esc($2), esc($3), $4, esc($5); next }
                        { printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", esc($1), esc($2), esc($3), $4,
                            num($6, "%.4g"), num($7, "%.1f"), num($8, "%.1f"), num($9, "%.2f×") }'
                printf '\n: %s on %s, commit %s.\n:::\n\n' "$week" \
                    "$(jq -r '.env.gpu // "an unnamed GPU"' "$json" | md_escape)" "$(jq -r '.env.commit // "?"' "$json" | md_escape)"
            done
        done < <(find "$ROOT" -mindepth 1 -maxdepth 1 -type d | sort)
    fi
    if [ "$found" -eq 0 ]; then
        printf '::: {.note .no-results}\n**No measured results committed yet.** Run `make bench WEEK=N` on a GPU\n'
        printf 'and commit `bench/results/<gpu>/weekN.json`; this appendix shows every such file.\n:::\n'
    fi
} >"$WORK/appendix-results.md"
printf 'appendix-results\tMeasured results\n'

# ---- index of identifiers --------------------------------------------------------

# kinds from the lessons: for each %def name, what its defining chunk says of it
kinds=$WORK/ident-kinds.tsv
for l in "$@"; do
    awk '
        /^<<.*>>=[ \t]*$/ { code = ""; incode = 1; next }
        /^@[ \t]+%def[ \t]/ {
            n = split($0, f, /[ \t]+/)
            for (i = 3; i <= n; i++) print f[i] "\t" kind(f[i], code)
            incode = 0; next
        }
        /^@([ \t]|$)/ { incode = 0; next }
        incode { code = code " " $0 }
        function esc(s) { gsub(/[][\\.^$*+?(){}|]/, "\\\\&", s); return s }
        function before(name, text,   re, p, pre) {
            # the text of the declaration that ends in name( : from the last ; } or { before it
            re = "[^A-Za-z0-9_]" esc(name) "[ \t]*(\\(|<)"
            if (!match(text, re)) return ""
            pre = substr(text, 1, RSTART)
            while (match(pre, /[;{}]/)) pre = substr(pre, RSTART + 1)
            return pre
        }
        function kind(name, text,   d) {
            if (name ~ /^launch_/) return "launcher"
            if (match(text, "(struct|class|union|enum|enum class)[ \t]+" esc(name) "([^A-Za-z0-9_]|$)")) return "type"
            if (match(text, "using[ \t]+" esc(name) "[ \t]*=")) return "type"
            if (match(text, "typedef[^;]*[^A-Za-z0-9_]" esc(name) "[ \t]*;")) return "type"
            d = before(name, text)
            if (d ~ /__global__/) return "kernel"
            if (d ~ /__device__/) return "device"
            return "other"
        }' "$l"
done | sort -u -t$'\t' -k1,1 >"$kinds"

# definitions from the chapter pages: name, page, anchor, the "defined in" links
defs=$WORK/ident-defs.tsv
: >"$defs"
for l in "$@"; do
    s=$(stem_of "$l")
    page=$OUTDIR/$s.html
    [ -f "$page" ] || continue
    grep -o '<li><span id="ix-[^"]*"><code>[^<]*</code></span>: defined in .*</li>' "$page" |
        sed -e 's/; used in .*<\/li>$/<\/li>/' |
        sed -E 's/^<li><span id="([^"]*)"><code>([^<]*)<\/code><\/span>: defined in (.*)<\/li>$/\2\t\1\t\3/' |
        sed -E -e "s/href=\"#/href=\"$s.html#/g" -e 's/<a [^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/[\2](\1)/g' |
        awk -F'\t' -v s="$s" '{ print $1 "\t" s "\t" $2 "\t" $3 }' >>"$defs" || true
done
{
    printf '# Appendix C: Index of identifiers {#appendix-index}\n\n'
    printf 'Every kernel, launcher, device function, type and named constant that a\n'
    printf 'lesson declares with `@ %%def`, with the chunks that define it. The name\n'
    printf 'links to the chapter'"'"'s own index entry, which also lists where it is used.\n\n'
    for k in kernel launcher device type other; do
        case $k in
            kernel) title="Kernels (\`__global__\`)" ;;
            launcher) title="Launchers (\`extern \"C\"\`, called by the grader)" ;;
            device) title="Device functions (\`__device__\`)" ;;
            type) title="Types" ;;
            other) title="Other names: constants, host helpers, tables" ;;
        esac
        rows=$(awk -F'\t' -v k="$k" -v kinds="$kinds" '
            BEGIN { while ((getline l < kinds) > 0) { split(l, f, "\t"); kind[f[1]] = f[2] } }
            ((($1 in kind) ? kind[$1] : "other") == k)' "$defs" |
            sort -f -t$'\t' -k1,1 -k2,2V)
        [ -n "$rows" ] || continue
        printf '## %s {#index-%s}\n\n' "$title" "$k"
        while IFS=$'\t' read -r name s anchor links; do
            printf -- '- [`%s`](%s.html#%s) (%s): %s\n' "$name" "$s" "$anchor" "$s" "$links"
        done <<<"$rows"
        printf '\n'
    done
    [ -s "$defs" ] || printf 'No lesson declares identifiers with `@ %%def` yet.\n'
} >"$WORK/appendix-index.md"
printf 'appendix-index\tIndex of identifiers\n'
