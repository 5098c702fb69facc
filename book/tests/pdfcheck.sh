#!/usr/bin/env bash
# pdfcheck.sh TEX LOG: what pdflatex reported about the PDF edition that a
# reader would see wrong (book/pdf.sh keeps both beside the PDF):
#   - a table wider than the page: an Overfull \hbox "in alignment", or one
#     whose lines in TEX fall inside a longtable (a wrapped cell too narrow);
#   - an internal link without a target: a \hyperlink{X} with no
#     \hypertarget{X} or \label{X} in TEX;
#   - a target defined twice (\hypertarget or \label), and pdflatex's own
#     warnings of the same: multiply defined labels, destinations with the
#     same identifier, references to destinations that do not exist.
# Prints one line per finding and exits 1 if there is any.
set -euo pipefail
tex=${1:?usage: pdfcheck.sh TEX LOG}
log=${2:?usage: pdfcheck.sh TEX LOG}
if [ ! -r "$tex" ] || [ ! -r "$log" ]; then echo "pdfcheck: cannot read $tex or $log" >&2; exit 2; fi

found=$(
    # tables: the line ranges of every longtable, then the log's overfull boxes
    awk 'FNR == NR {
            if ($0 ~ /\\begin\{longtable\}/) open = FNR
            if ($0 ~ /\\end\{longtable\}/) { first[++n] = open; last[n] = FNR }
            next
        }
        /^Overfull \\hbox/ && match($0, /at lines [0-9]+--[0-9]+/) {
            split(substr($0, RSTART + 9, RLENGTH - 9), at, "--")
            table = $0 ~ /in alignment/
            for (i = 1; i <= n; i++) if (at[1] + 0 >= first[i] && at[1] + 0 <= last[i]) table = 1
            if (table) print "table wider than the page: " $0
        }' "$tex" "$log"
    # links and targets
    awk '{
            line = $0
            while (match(line, /\\(hyperlink|hypertarget|label)\{[^}]*\}/)) {
                m = substr(line, RSTART + 1, RLENGTH - 2)
                line = substr(line, RSTART + RLENGTH)
                kind = substr(m, 1, index(m, "{") - 1); name = substr(m, index(m, "{") + 1)
                if (kind == "hyperlink") links[name] = FNR
                else { if ((kind, name) in seen) print "defined twice: \\" kind "{" name "} (lines " seen[kind, name] " and " FNR ")"
                       seen[kind, name] = FNR; target[name] = 1 }
            }
        }
        END { for (l in links) if (!(l in target)) print "link without a target: \\hyperlink{" l "} (line " links[l] ")" }' "$tex" | sort
    grep -E 'multiply defined|destination with the same identifier|has been referenced but does not exist|undefined references' "$log" || true
)
if [ -n "$found" ]; then
    printf '%s\n' "$found"
    exit 1
fi
echo "pdfcheck: no table wider than the page, every internal link has one target"
