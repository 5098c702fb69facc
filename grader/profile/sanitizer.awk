# sanitizer.awk: compute-sanitizer output -> one TSV line per finding:
#   severity  file  line  message  where
# (severity: error or warning; file and line empty when the report names no
# source location; `where` is the thread and block, or the host call.)
# Reads the reports of memcheck, racecheck, synccheck and initcheck in both
# layouts the tool has used for a location:
#   at kernel(float*)+0x1a0 in /path/lessons/week1-reduction.nw:142      (2023 on)
#   at 0x000001a0 in /path/lessons/week1-reduction.nw:142:kernel(float*) (before)
# A path is cut to start at lessons/, tangled/, grader/ or ref/ when it holds
# one of them, so that it reads as a path in the repository (a bare file name,
# as newer releases print, is left for grader/profile/sanitize.sh to find). Lines without
# the "=========" prefix are the program's own output and are skipped.
function flush() {
    if (msg != "") {
        sev = (msg ~ /^Warning/ || msg ~ /^WARN/) ? "warning" : "error"
        m = msg
        if (m ~ /Race reported between/) {
            m = kind1 " access"
            if (line1 != "") m = m " at line " line1
            m = m " races with " kind2 " access"
            if (line2 != "") m = m " at line " line2
            if (hazards != "") m = m " (" hazards ")"
            m = "race in shared memory: " m
        }
        sub(/^Error: /, "", m); sub(/^Warning: /, "", m)
        if (detail != "") m = m "; " detail
        # the address differs from thread to thread; without it one bad line is one finding
        gsub(/(Address|Access to) 0x[0-9a-fA-F]+ is out of bounds/, "out of bounds", m)
        gsub(/\t/, " ", m)
        printf "%s\t%s\t%s\t%s\t%s\n", sev, file, line, m, where
    }
    msg = ""; file = ""; line = ""; where = ""; detail = ""
    kind1 = ""; kind2 = ""; line1 = ""; line2 = ""; hazards = ""
}
function repo_path(p) {
    if (match(p, /(lessons|tangled|grader|ref|book)\//)) return substr(p, RSTART)
    return p
}
# the first "in FILE:LINE" of s: sets lf, ll; returns 1 when found
function locate(s,    t, k) {
    lf = ""; ll = ""
    if (!match(s, / in [^ ]+:[0-9]+/)) return 0
    t = substr(s, RSTART + 4, RLENGTH - 4)
    k = t; sub(/:[0-9]+$/, "", k)
    lf = repo_path(k); ll = substr(t, length(k) + 2)
    return 1
}
BEGIN { OFS = "\t" }
{
    sub(/\r$/, "")
    c = $0
    if (c ~ /^=========/) sub(/^========= ?/, "", c)
    else if (c ~ /^==[0-9]+== ?/) sub(/^==[0-9]+== ?/, "", c)
    else next
    if (c ~ /^[ \t]*$/) { flush(); next }
    if (c !~ /^[ \t]/) {
        flush()
        if (c ~ /^(COMPUTE-SANITIZER|ERROR SUMMARY|LEAK SUMMARY|RACECHECK SUMMARY|SYNCCHECK SUMMARY|INITCHECK SUMMARY|Target application returned|Saved host backtrace|Host Frame|Device Frame|This (warning|error))/) next
        msg = c
        if (c ~ /Race reported between/) {
            k = c; sub(/.*Race reported between[ \t]+/, "", k); sub(/[ \t].*/, "", k); kind1 = k
            if (locate(c)) { file = lf; line = ll; line1 = ll }
        }
        next
    }
    t = c; sub(/^[ \t]+/, "", t)
    if (t ~ /^and [A-Za-z]+ access/) {
        k = t; sub(/^and /, "", k); sub(/[ \t].*/, "", k); kind2 = k
        if (locate(t)) { line2 = ll; if (file == "") { file = lf; line = ll } }
        if (match(t, /\[[0-9]+ hazards?\]/)) hazards = substr(t, RSTART + 1, RLENGTH - 2)
        next
    }
    if (t ~ /^at / && file == "") { if (locate(t)) { file = lf; line = ll } ; next }
    if (t ~ /^by thread/) { where = t; next }
    if (t ~ /^(Device Frame|Host Frame|Saved host)/) {
        if (t ~ /^Device Frame/ && file == "" && locate(t)) { file = lf; line = ll }
        next
    }
    if (t ~ /^(Address|Access|and is inside|is out of bounds|Barrier|Divergent)/ && detail == "") { detail = t; next }
}
END { flush() }
