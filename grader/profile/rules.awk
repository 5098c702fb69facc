# rules.awk: apply a week's instruction and resource rules (grader/weekN.instructions)
# to its kernels; write the static profile as JSON and Markdown.
#
#   awk -f rules.awk -v kernels=K.tsv -v ops=O.tsv -v rules=grader/week0.instructions \
#       -v isa=sass|ptx -v arch=sm_90 -v week=week0 -v json=OUT.json -v md=OUT.md \
#       -v resources=ptxas+cuobjdump -v instructions_from=... /dev/null
#
# K.tsv: name short base mangled registers smem stack local spill_st spill_ld barriers
#        (local, spill_st, spill_ld may be empty: not known from the sources at hand)
# O.tsv: name opcode count  (SASS opcodes when isa=sass, PTX ones when isa=ptx)
#
# Rules, one a line ('#' starts a comment):
#   PATTERN   contains  OP[,OP...]   every matching kernel has each OP
#   PATTERN   lacks     OP[,OP...]   no matching kernel has any OP
#   PATTERN   spills    N            spill stores + loads at most N bytes
#   PATTERN   registers N            at most N registers per thread
#   PATTERN   shared    N            at most N bytes of static shared memory
#   PATTERN   stack     N            at most N bytes of stack frame
# PATTERN is a glob (*, ?) or several joined by '|', matched against a
# kernel's base name (transpose_tiled) or its short name with template
# arguments (transpose_tiled<unsigned int, 32, 8, 0>); put it in double quotes
# when it holds spaces. OP is a SASS opcode with the modifiers that matter:
# LDG.E.128 matches LDG.E.128.CONSTANT and LDG.E.LTC128B.128 alike. Every
# kernel may spill 0 bytes unless a spills rule that matches it says more
# (the last matching spills rule counts). A rule that matches no kernel fails:
# a renamed kernel must not silently escape its checks.
# Prints one line per failure, "FAIL KERNEL: RULE (file:line): why", and a
# last line "static-profile: N kernels, N checks, N failed, N unchecked".
function jstr(s) {
    gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s)
    gsub(/\r/, "\\r", s); gsub(/\n/, "\\n", s)
    return "\"" s "\""
}
function jnum(v) { return v == "" ? "null" : v + 0 }
function mdesc(s) { gsub(/\|/, "\\|", s); gsub(/_/, "\\_", s); gsub(/</, "\\<", s); gsub(/>/, "\\>", s); gsub(/\*/, "\\*", s); return s }
function glob_re(g,    r, i, c) {
    r = "^"
    for (i = 1; i <= length(g); i++) {
        c = substr(g, i, 1)
        if (c == "*") r = r ".*"
        else if (c == "?") r = r "."
        else if (index("\\^$.[]|()+{}/", c)) r = r "\\" c
        else r = r c
    }
    return r "$"
}
function kmatch(k, pat,    n, alts, i, re) {
    n = split(pat, alts, "|")
    for (i = 1; i <= n; i++) {
        re = glob_re(alts[i])
        if (kbase[k] ~ re || kshort[k] ~ re) return 1
    }
    return 0
}
# does SASS opcode `op` satisfy item `it` (base equal, item's modifiers present)
function sass_match(it, op,    ni, no, a, b, i, j, ok) {
    ni = split(it, a, "."); no = split(op, b, ".")
    if (a[1] != b[1]) return 0
    for (i = 2; i <= ni; i++) {
        ok = 0
        for (j = 2; j <= no; j++) if (a[i] == b[j]) { ok = 1; break }
        if (!ok) return 0
    }
    return 1
}
# the PTX instruction pattern standing for a SASS item, "" when there is none
function ptx_re(it,    n, a, base, i, w, nc, re) {
    n = split(it, a, "."); base = a[1]; w = ""; nc = 0
    for (i = 2; i <= n; i++) {
        if (a[i] == "128") w = "\\.(v4\\.[bfsu]32|v2\\.[bfsu]64|v8\\.[bfsu]16)"
        else if (a[i] == "64") w = "\\.(v2\\.[bfsu]32|[bfsu]64|v4\\.[bfsu]16)"
        else if (a[i] == "CONSTANT") nc = 1
    }
    if (base == "LDG") re = "^ld\\.global" (nc ? "\\.nc" : "") "(\\.[A-Za-z0-9_:]+)*" w "(\\.|$)"
    else if (base == "STG") re = "^st\\.global(\\.[A-Za-z0-9_:]+)*" w "(\\.|$)"
    else if (base == "LDS") re = "^ld(\\.volatile|\\.relaxed\\.[a-z]+)?\\.shared(::cta)?(\\.[A-Za-z0-9_:]+)*" w "(\\.|$)"
    else if (base == "STS") re = "^st(\\.volatile|\\.relaxed\\.[a-z]+)?\\.shared(::cta)?(\\.[A-Za-z0-9_:]+)*" w "(\\.|$)"
    else if (base == "LDL") re = "^ld\\.local"
    else if (base == "STL") re = "^st\\.local"
    else if (base == "BAR") re = "^(bar|barrier)\\.(sync|red|arrive|cta)"
    else if (base == "UCGABAR_ARV") re = "^barrier\\.cluster\\.arrive"
    else if (base == "UCGABAR_WAIT") re = "^barrier\\.cluster\\.wait"
    else if (base == "SHFL") re = "^shfl\\."
    else if (base == "HMNMX2") re = "^max(\\.[a-zA-Z]+)*\\.b?f16x2"
    else if (base == "MUFU") {
        re = "^(ex2|rcp|rsqrt|sqrt|lg2|sin|cos|tanh)\\.approx"
        for (i = 2; i <= n; i++) {
            if (a[i] == "EX2") re = "^ex2\\.approx"
            else if (a[i] == "RCP") re = "^rcp\\.approx"
            else if (a[i] == "RSQ") re = "^rsqrt\\.approx"
            else if (a[i] == "LG2") re = "^lg2\\.approx"
            else if (a[i] == "TANH") re = "^tanh\\.approx"
        }
    }
    else if (base == "ATOMG" || base == "RED" || base == "REDG") re = "^(atom|red)\\.global"
    else if (base == "ATOMS") re = "^atom\\.shared"
    else if (base == "ATOM") re = "^(atom|red)\\."
    else if (base == "MEMBAR") re = "^(membar|fence)\\."
    else if (base == "VOTE") re = "^vote\\."
    else if (base == "REDUX") re = "^redux\\."
    else if (base == "MATCH") re = "^match\\."
    else re = ""
    return re
}
# how many instructions of kernel k the item stands for; -1: cannot tell (PTX)
function item_count(k, it,    j, c, re) {
    c = 0
    if (isa == "ptx") {
        re = ptx_re(it)
        if (re == "") return -1
        for (j = 1; j <= nops[k]; j++) if (opname[k, j] ~ re) c += opcnt[k, j]
        return c
    }
    for (j = 1; j <= nops[k]; j++) if (sass_match(it, opname[k, j])) c += opcnt[k, j]
    return c
}
function add_check(k, rid, status, detail) {
    nchk[k]++
    chk_rule[k, nchk[k]] = rid; chk_status[k, nchk[k]] = status; chk_detail[k, nchk[k]] = detail
    checks++
    if (status == "fail") {
        failed++
        printf "FAIL %s: %s (%s:%d): %s\n", kshort[k], rtext[rid], rules, rline[rid], detail
    } else if (status == "unchecked") unchecked++
}
BEGIN {
    FS = "\t"
    while ((getline l < kernels) > 0) {
        split(l, f, "\t")
        if (f[1] in kid) continue
        nk++; kid[f[1]] = nk
        kname[nk] = f[1]; kshort[nk] = f[2]; kbase[nk] = f[3]; kmangled[nk] = f[4]
        kreg[nk] = f[5]; ksmem[nk] = f[6]; kstack[nk] = f[7]; klocal[nk] = f[8]
        kspst[nk] = f[9]; kspld[nk] = f[10]; kbar[nk] = f[11]
    }
    close(kernels)
    while ((getline l < ops) > 0) {
        split(l, f, "\t")
        if (!(f[1] in kid)) { stray[f[1]] = 1; continue }
        k = kid[f[1]]
        nops[k]++; opname[k, nops[k]] = f[2]; opcnt[k, nops[k]] = f[3] + 0
        ninst[k] += f[3]
    }
    close(ops)
    # rules
    ln = 0
    while ((getline l < rules) > 0) {
        ln++
        sub(/#.*/, "", l); sub(/^[ \t]+/, "", l); sub(/[ \t]+$/, "", l)
        if (l == "") continue
        if (substr(l, 1, 1) == "\"") {
            rest = substr(l, 2); q = index(rest, "\"")
            if (!q) { printf "FAIL %s:%d: unterminated quote\n", rules, ln; bad_rules++; continue }
            pat = substr(rest, 1, q - 1); rest = substr(rest, q + 1)
        } else {
            pat = l; sub(/[ \t].*/, "", pat); rest = substr(l, length(pat) + 1)
        }
        sub(/^[ \t]+/, "", rest)
        verb = rest; sub(/[ \t].*/, "", verb)
        args = substr(rest, length(verb) + 1); gsub(/^[ \t]+|[ \t]+$/, "", args)
        gsub(/[ \t]*,[ \t]*/, ",", args); gsub(/[ \t]+/, ",", args)
        if (verb !~ /^(contains|lacks|spills|registers|shared|stack)$/ || args == "" ||
            (verb !~ /^(contains|lacks)$/ && args !~ /^[0-9]+$/)) {
            printf "FAIL %s:%d: cannot read rule '%s' (PATTERN contains|lacks OPS, or PATTERN spills|registers|shared|stack N)\n", rules, ln, l
            bad_rules++; continue
        }
        nr++; rpat[nr] = pat; rverb[nr] = verb; rargs[nr] = args; rline[nr] = ln
        rtext[nr] = pat " " verb " " args
    }
    close(rules)

    for (k = 1; k <= nk; k++) spill_limit[k] = 0
    for (r = 1; r <= nr; r++) {
        hits = 0
        for (k = 1; k <= nk; k++) {
            if (!kmatch(k, rpat[r])) continue
            hits++
            v = rverb[r]
            if (v == "spills") { spill_limit[k] = rargs[r] + 0; spill_rule[k] = r; continue }
            if (v == "contains" || v == "lacks") {
                if (!nops[k]) { add_check(k, r, "fail", "no instructions were read for this kernel (is the disassembly complete?)"); continue }
                n = split(rargs[r], items, ",")
                miss = ""; have = ""; unk = ""
                for (i = 1; i <= n; i++) {
                    c = item_count(k, items[i])
                    if (c < 0) unk = unk (unk == "" ? "" : ", ") items[i]
                    else if (c == 0) miss = miss (miss == "" ? "" : ", ") items[i]
                    else have = have (have == "" ? "" : ", ") items[i] " x" c
                }
                if (v == "contains") {
                    if (miss != "") add_check(k, r, "fail", "no " miss " in its " toupper(isa))
                    else if (unk != "") add_check(k, r, "unchecked", unk ": no PTX equivalent known; needs cuobjdump")
                    else add_check(k, r, "pass", have)
                } else {
                    if (have != "") add_check(k, r, "fail", "has " have " in its " toupper(isa))
                    else if (unk != "") add_check(k, r, "unchecked", unk ": no PTX equivalent known; needs cuobjdump")
                    else add_check(k, r, "pass", "none of " rargs[r])
                }
                continue
            }
            val = v == "registers" ? kreg[k] : v == "shared" ? ksmem[k] : kstack[k]
            if (val == "") add_check(k, r, "unchecked", v " not known")
            else if (val + 0 > rargs[r] + 0) add_check(k, r, "fail", v " " val " > " rargs[r])
            else add_check(k, r, "pass", v " " val)
        }
        if (!hits) {
            printf "FAIL %s: rule (%s:%d) matches no kernel of %s (renamed?)\n", rtext[r], rules, rline[r], week
            failed++; nomatch[r] = 1
        }
    }
    # spills: every kernel, against its limit
    for (k = 1; k <= nk; k++) {
        sp = ""
        if (kspst[k] != "" || kspld[k] != "") sp = kspst[k] + kspld[k]
        else if (klocal[k] != "") sp = klocal[k] + 0
        lim = spill_limit[k]
        rid = (k in spill_rule) ? spill_rule[k] : 0
        if (!rid) { rtext[0] = "(every kernel) spills 0"; rline[0] = 0 }
        if (sp == "") add_check(k, rid, "unchecked", "spills not known (no ptxas -v output and no cuobjdump)")
        else if (sp > lim) add_check(k, rid, "fail", "spills " kspst[k] "+" kspld[k] " bytes (stores+loads) > " lim)
        else add_check(k, rid, "pass", "spills " sp)
    }

    # ---- JSON
    printf "{\n  \"schema\": \"workbook-static-profile/1\",\n  \"week\": %s,\n  \"arch\": %s,\n", jstr(week), jstr(arch) > json
    printf "  \"sources\": { \"resources\": %s, \"instructions\": %s },\n", jstr(resources), jstr(instructions_from) > json
    printf "  \"rules_file\": %s,\n  \"passed\": %s,\n", jstr(rules), (failed + bad_rules ? "false" : "true") > json
    printf "  \"counts\": { \"kernels\": %d, \"checks\": %d, \"failed\": %d, \"unchecked\": %d },\n", nk, checks, failed + bad_rules, unchecked > json
    printf "  \"unmatched_rules\": [" > json
    sep = ""
    for (r = 1; r <= nr; r++) if (r in nomatch) { printf "%s{ \"rule\": %s, \"line\": %d }", sep, jstr(rtext[r]), rline[r] > json; sep = ", " }
    printf "],\n  \"kernels\": [\n" > json
    for (k = 1; k <= nk; k++) {
        printf "    { \"name\": %s, \"short\": %s, \"base\": %s, \"mangled\": %s,\n", jstr(kname[k]), jstr(kshort[k]), jstr(kbase[k]), jstr(kmangled[k]) > json
        printf "      \"registers\": %s, \"shared_bytes\": %s, \"stack_bytes\": %s, \"local_bytes\": %s,\n", jnum(kreg[k]), jnum(ksmem[k]), jnum(kstack[k]), jnum(klocal[k]) > json
        printf "      \"spill_store_bytes\": %s, \"spill_load_bytes\": %s, \"barriers\": %s, \"instructions\": %s,\n", jnum(kspst[k]), jnum(kspld[k]), jnum(kbar[k]), jnum(ninst[k] == "" ? "" : ninst[k]) > json
        printf "      \"checks\": [" > json
        for (c = 1; c <= nchk[k]; c++) {
            rid = chk_rule[k, c]
            printf "%s\n        { \"rule\": %s, \"line\": %d, \"pattern\": %s, \"verb\": %s, \"args\": %s, \"status\": %s, \"detail\": %s }", (c > 1 ? "," : ""), \
                jstr(rid ? rtext[rid] : "* spills 0 (default)"), rid ? rline[rid] : 0, jstr(rid ? rpat[rid] : "*"), jstr(rid ? rverb[rid] : "spills"), \
                jstr(rid ? rargs[rid] : "0"), jstr(chk_status[k, c]), jstr(chk_detail[k, c]) > json
        }
        printf " ] }%s\n", (k < nk ? "," : "") > json
    }
    printf "  ]\n}\n" > json
    close(json)

    # ---- Markdown
    printf "| Kernel | Registers | Shared (B) | Stack (B) | Spills (B) | %s checks |\n", toupper(isa) > md
    printf "|:--|--:|--:|--:|--:|:--|\n" > md
    for (k = 1; k <= nk; k++) {
        s = ""; nf = 0
        for (c = 1; c <= nchk[k]; c++) {
            rid = chk_rule[k, c]
            if (chk_status[k, c] == "fail") { nf++; s = s (s == "" ? "" : "; ") "**FAIL** " (rid ? rtext[rid] : "spills 0") ": " chk_detail[k, c] }
        }
        if (!nf) {
            for (c = 1; c <= nchk[k]; c++) {
                rid = chk_rule[k, c]
                if (rid && rverb[rid] ~ /^(contains|lacks)$/ && chk_status[k, c] == "pass") s = s (s == "" ? "" : "; ") rverb[rid] " " rargs[rid]
                else if (chk_status[k, c] == "unchecked") s = s (s == "" ? "" : "; ") "unchecked: " chk_detail[k, c]
            }
            if (s == "") s = "ok"
        }
        sp = (kspst[k] == "" && kspld[k] == "") ? "–" : (kspst[k] + kspld[k])
        printf "| %s | %s | %s | %s | %s | %s |\n", mdesc(kshort[k]), kreg[k] == "" ? "–" : kreg[k], \
            ksmem[k] == "" ? "–" : ksmem[k], kstack[k] == "" ? "–" : kstack[k], sp, mdesc(s) > md
    }
    printf "\n%s, %s. Resources from %s; instructions from %s. Rules: `%s`.\n", week, arch, resources, instructions_from, rules > md
    close(md)

    printf "static-profile: %s: %d kernels, %d checks, %d failed, %d unchecked\n", week, nk, checks, failed + bad_rules, unchecked
    exit (failed + bad_rules) ? 1 : 0
}
