# ptx-ops.awk: PTX (nvcc -ptx) -> the opcodes of each kernel, counted by
# op-count.awk (awk -f ptx-ops.awk -f op-count.awk FILE).
# Used when no cuobjdump is installed: PTX is what nvcc hands to ptxas, so it
# shows the choices the lesson makes (shuffles, shared memory, barriers,
# 16-byte vector loads) but not ptxas's own (spills, instruction scheduling).
/^[ \t]*\.target[ \t]/ { t = $0; sub(/.*\.target[ \t]+/, "", t); sub(/[ \t,].*/, "", t); sub(/^sm_/, "compute_", t); arch = t; next }
# A kernel's body ends where its braces balance: an intrinsic's inline PTX
# (__hmax2: "{max.f16x2 ...;" then "}" alone on a line) opens and closes
# blocks of its own inside it.
/\.entry[ \t]+[A-Za-z_$]/ {
    cur = $0; sub(/.*\.entry[ \t]+/, "", cur); sub(/[ \t(].*/, "", cur)
    infn = 1; depth = 0; opened = 0
    next
}
infn && cur != "" {
    t = $0
    opens = gsub(/\{/, "{", t); depth += opens - gsub(/\}/, "}", t)
    if (opens) opened = 1
    if (opened && depth <= 0) { infn = 0; cur = ""; next }
    sub(/^[ \t]+/, "", t)
    sub(/^\{[ \t]*/, "", t)                 # an inline block's first instruction
    if (t == "" || t ~ /^(\.|\/\/|\{|\}|\$|\(|\)|,)/) next
    sub(/^@!?%[a-z0-9_]+[ \t]+/, "", t)       # predicate guard
    op = t; sub(/[ \t;].*/, "", op)
    if (op !~ /^[a-z][a-z0-9_.:]*$/) next
    count_op(arch == "" ? "unknown" : arch, cur, op)
}
