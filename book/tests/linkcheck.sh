#!/usr/bin/env bash
# linkcheck.sh DIR: check every internal link of the HTML files in DIR.
#   href="#x"            -> an id="x" in the same file
#   href="page.html#x"   -> page.html exists in DIR and has id="x"
#   href="page.html", src="img/a.svg", href="book.css" -> the file exists
# The book is read offline and loads nothing from elsewhere: an image,
# stylesheet or other resource from another site (src=, <link href=) is
# reported as external. A reader may follow a link to another site (<a
# href="https://arxiv.org/...">, in the references): those are counted, not
# fetched. Prints one line per broken link and exits 1 if there is any.
set -euo pipefail
dir=${1:?usage: linkcheck.sh DIR}
cd "$dir"
shopt -s nullglob
files=(*.html)
[ ${#files[@]} -gt 0 ] || { echo "linkcheck: no HTML files in $dir" >&2; exit 1; }
# one line per id: FILE<TAB>ID ; one line per link: FILE<TAB>ATTR<TAB>VALUE
# (attributes are read per tag, <TAG ...>, so that a link <a href> is told
# from a resource)
awk '
    FNR == 1 { file = FILENAME }
    {
        rest = $0
        while (match(rest, /<[A-Za-z][A-Za-z0-9]*[^>]*/)) {
            tag = substr(rest, RSTART + 1, RLENGTH - 1)
            rest = substr(rest, RSTART + RLENGTH)
            name = tag; sub(/[^A-Za-z0-9].*$/, "", name)
            line = substr(tag, length(name) + 1)
            while (match(line, /[ \t\n](id|href|src)="[^"]*"/)) {
                attr = substr(line, RSTART + 1, RLENGTH - 1)
                line = substr(line, RSTART + RLENGTH)
                eq = index(attr, "=")
                key = substr(attr, 1, eq - 1)
                value = substr(attr, eq + 2, length(attr) - eq - 2)
                if (key == "id") print "ID\t" file "\t" value
                else print "LINK\t" file "\t" key "\t" value "\t" FNR "\t" tolower(name)
            }
        }
    }' "${files[@]}" | awk -F'\t' '
    $1 == "ID" { ids[$2 "\t" $3] = 1; next }
    { links[++n] = $0 }
    END {
        bad = 0; away = 0
        for (i = 1; i <= n; i++) {
            split(links[i], f, "\t")
            file = f[2]; attr = f[3]; v = f[4]; lineno = f[5]; tag = f[6]
            if (v ~ /^(https?|mailto|ftp|data|javascript):/ || v ~ /^\/\//) {
                if (v ~ /^data:/) continue
                if (tag == "a" && attr == "href" && v ~ /^(https?|mailto):/) { away++; continue }
                printf "%s:%s: external %s=\"%s\"\n", file, lineno, attr, v; bad++; continue
            }
            target = v; frag = ""
            h = index(v, "#")
            if (h) { target = substr(v, 1, h - 1); frag = substr(v, h + 1) }
            gsub(/&amp;/, "\\&", frag)
            if (target == "") target = file
            else if ((getline junk < target) < 0) {
                printf "%s:%s: %s=\"%s\": no file %s\n", file, lineno, attr, v, target; bad++; continue
            } else close(target)
            if (frag != "" && !((target "\t" frag) in ids)) {
                printf "%s:%s: %s=\"%s\": no id \"%s\" in %s\n", file, lineno, attr, v, frag, target; bad++
            }
        }
        printf "linkcheck: %d links checked (%d to other sites, not followed), %d broken\n", n, away, bad > "/dev/stderr"
        exit bad ? 1 : 0
    }'
