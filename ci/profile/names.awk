# names.awk: "mangled<TAB>demangled" lines (the demangler's input and output
# pasted side by side) -> "mangled<TAB>name<TAB>short<TAB>base":
#   name   the demangled name, an anonymous namespace written one way
#          ((anonymous namespace)::), whatever hash nvcc gave it
#   short  name without the return type, namespace and parameter list:
#          transpose_tiled<unsigned int, 32, 8, 0>
#   base   short without template arguments: transpose_tiled
# A name the demangler left alone (extern "C") is its own short and base.
BEGIN { FS = OFS = "\t" }
{
    mangled = $1; name = $2
    if (name == "") name = mangled
    gsub(/_GLOBAL__N__[A-Za-z0-9_]*::/, "(anonymous namespace)::", name)
    gsub(/\{anonymous\}::/, "(anonymous namespace)::", name)
    gsub(/<unnamed>::/, "(anonymous namespace)::", name)
    # cu++filt writes template arguments with casts: (int)8, (bool)1
    gsub(/\(bool\)0/, "false", name); gsub(/\(bool\)1/, "true", name)
    gsub(/\((unsigned )?(int|long)\)/, "", name)
    s = name
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
    short = head tail
    print mangled, name, short, head
}
