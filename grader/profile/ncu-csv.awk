# ncu-csv.awk: Nsight Compute CSV -> one TSV line per kernel launch and metric:
#   id  kernel  block  grid  metric  unit  value
# Reads either layout of `ncu --csv`:
#   --page raw      one row per launch, one column per metric, a row of units
#                   under the header ("ID","Process ID",...,"dram__bytes.sum",...)
#   --page details  one row per launch and metric ("Metric Name","Metric Unit",
#                   "Metric Value" columns)
# Lines before the header (==PROF== notes, the program's own output) are
# skipped. Numbers lose their thousands separators ("1,234.5" -> 1234.5);
# "n/a" and empty values become empty (the caller writes null).
# Portable awk: the CSV is split by hand (quoted fields may hold commas).
function csv_split(line, out,    n, i, c, f, q) {
    n = 0; f = ""; q = 0
    for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) {
            if (c == "\"") {
                if (substr(line, i + 1, 1) == "\"") { f = f "\""; i++ }
                else q = 0
            } else f = f c
        } else if (c == "\"") q = 1
        else if (c == ",") { out[++n] = f; f = "" }
        else f = f c
    }
    out[++n] = f
    return n
}
function clean(v) {
    sub(/^[ \t]+/, "", v); sub(/[ \t\r]+$/, "", v)
    if (v == "n/a" || v == "N/A" || v == "-" || v == "nan") return ""
    if (v ~ /^-?[0-9][0-9]?[0-9]?(,[0-9][0-9][0-9])+(\.[0-9]*)?$/) gsub(/,/, "", v)
    return v
}
function col(name,    i) { for (i = 1; i <= nh; i++) if (h[i] == name) return i; return 0 }
BEGIN { OFS = "\t"; state = 0 }
{ sub(/\r$/, "") }
state == 0 && /^"ID","/ {
    nh = csv_split($0, h)
    c_id = col("ID"); c_k = col("Kernel Name"); c_b = col("Block Size"); c_g = col("Grid Size")
    c_mn = col("Metric Name"); c_mu = col("Metric Unit"); c_mv = col("Metric Value")
    long = (c_mn && c_mv)
    state = long ? 2 : 1
    next
}
state == 0 { next }
/^==[A-Z]+==/ { next }
state == 1 {
    n = csv_split($0, f)
    if (f[c_id] == "") {    # the units row of --page raw
        for (i = 1; i <= n; i++) unit[i] = f[i]
        next
    }
    for (i = 1; i <= nh; i++) {
        if (index(h[i], "__") == 0) continue    # metric names hold "__"
        print f[c_id], f[c_k], f[c_b], f[c_g], h[i], unit[i], clean(f[i])
    }
    next
}
state == 2 {
    n = csv_split($0, f)
    if (f[c_mn] == "") next
    print f[c_id], f[c_k], f[c_b], f[c_g], f[c_mn], (c_mu ? f[c_mu] : ""), clean(f[c_mv])
}
