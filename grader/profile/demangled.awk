# demangled.awk: functions that read a demangled kernel name however it was
# demangled (c++filt, cu++filt, ncu), for names.awk and ncu-summary.awk:
#   awk -f grader/profile/demangled.awk -f grader/profile/names.awk
#
#   canonical_name(s)  one spelling: an anonymous namespace written
#                      (anonymous namespace):: whatever hash nvcc gave it or
#                      however the demangler wrote it (<unnamed>::,
#                      {anonymous}::); template arguments without cu++filt's
#                      casts ((int)8 -> 8, (bool)1 -> true)
#   short_name(s)      without return type, namespaces and parameter list:
#                      transpose_tiled<unsigned int, 32, 8, 0>
#   base_name(s)       short_name without template arguments: transpose_tiled
function canonical_name(s) {
    gsub(/_GLOBAL__N__[A-Za-z0-9_]*::/, "(anonymous namespace)::", s)
    gsub(/\{anonymous\}::/, "(anonymous namespace)::", s)
    gsub(/<unnamed>::/, "(anonymous namespace)::", s)
    gsub(/\(bool\)0/, "false", s); gsub(/\(bool\)1/, "true", s)
    gsub(/\((unsigned )?(int|long)\)/, "", s)
    return s
}
function short_name(s,    i, c, depth, cut, lt, head, tail, k) {
    s = canonical_name(s)
    sub(/^void /, "", s)
    gsub(/\(anonymous namespace\)::/, "", s)
    # cut the parameter list: the first '(' outside template brackets
    depth = 0; cut = 0
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "<") depth++
        else if (c == ">") depth--
        else if (c == "(" && depth == 0) { cut = i; break }
    }
    if (cut > 1) s = substr(s, 1, cut - 1)
    # drop namespaces (a::b::kernel -> kernel), outside template arguments
    lt = index(s, "<")
    head = lt ? substr(s, 1, lt - 1) : s
    tail = lt ? substr(s, lt) : ""
    while ((k = index(head, "::")) > 0) head = substr(head, k + 2)
    sub(/[ \t]+$/, "", head); sub(/^.*[ \t]/, "", head)
    return head tail
}
function base_name(s,    lt) {
    s = short_name(s)
    lt = index(s, "<")
    return lt ? substr(s, 1, lt - 1) : s
}
