# rekey.awk -v map=NAMES.tsv: replace column 1 (a mangled name) of each TSV
# line by its normalised demangled name from names.awk's output, so that the
# same kernel read from two compilations (an anonymous namespace gets a
# different hash in each) meets under one key. Lines with no entry are kept.
BEGIN {
    FS = OFS = "\t"
    while ((getline l < map) > 0) { split(l, f, "\t"); norm[f[1]] = f[2] }
    close(map)
}
{ if ($1 in norm) $1 = norm[$1]; print }
