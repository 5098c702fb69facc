/* nwback: a noweb back end that writes pandoc Markdown.
 *
 * Reads noweb's pipeline format on stdin (the output of markup, finduses and
 * noidx; see nowebfilters(7)) for one or more .nw files and writes the
 * Markdown for one of them on stdout:
 *   - documentation chunks pass through unchanged (they are pandoc Markdown),
 *     except that [[quoted code]] becomes inline code;
 *   - each code chunk becomes a fenced div with an anchor, a header that names
 *     the chunk (and, for a root, the tangled file), a fenced code block whose
 *     line numbers are the lesson's own lines, and a list of links: the chunks
 *     it uses, where it is continued, where it is used, what it defines;
 *   - identifiers declared with `@ %def` get an index at the end.
 * It checks the chunk graph and prints `FILE:LINE: error: ...` on stderr for
 * a chunk that is used but never defined and for a chunk that is defined but
 * never used (unless it is a root named like NAME.cu, NAME.h or NAME.c), then
 * exits 1. An `@fatal` from an earlier stage also makes it exit 1.
 *
 * Usage: nwback [-emit FILE.nw] [-shared FILE.nw]... [-tangled-prefix DIR]
 *               [-index FILE]
 *   -emit FILE     the file (as named by @file) to write; default: the first
 *   -shared FILE   chunks first defined in FILE may be unused here (they are
 *                  shared with other chapters); repeatable
 *   -tangled-prefix DIR   root chunks are shown as DIR/<stem>/NAME
 *                  (default "tangled")
 *   -check-prose   write no Markdown; report each measurement typed in the
 *                  prose (a percentage, GB/s, a time, a ratio) outside a
 *                  figure, as FILE:LINE, and exit 1 if there is one
 *   -index FILE    write chunk uses inside code as placeholder identifiers,
 *                  and FILE, tab-separated lines:
 *                    use PLACEHOLDER CHUNK HREF   (HREF empty: never defined)
 *                    ident NAME KIND PAGE ANCHOR  (KIND: kernel, launcher,
 *                                                  device, type or other)
 *                    defn NAME CHUNK PART PAGE ANCHOR  (a chunk defining NAME;
 *                                                  PART empty if it has one part)
 * Pages: FILE's page is its basename up to the first '-' (or up to ".nw")
 * plus ".html"; links to chunks defined in another file point at that page.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small utilities ---------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("nwback: out of memory\n", stderr);
        exit(2);
    }
    return q;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xrealloc(NULL, n);
    memcpy(p, s, n);
    return p;
}

/* Grow a dynamic array: *arr has *n used of *cap slots of size elem. */
static void grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return;
    *cap = *cap ? *cap * 2 : 8;
    *arr = xrealloc(*arr, *cap * elem);
}

typedef struct {
    char *p;
    size_t n, cap;
} strbuf;

static void sb_putn(strbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        while (b->n + n + 1 > b->cap)
            b->cap = b->cap ? b->cap * 2 : 256;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_puts(strbuf *b, const char *s)
{
    sb_putn(b, s, strlen(s));
}

static void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    char *tmp = xrealloc(NULL, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_putn(b, tmp, (size_t)n);
    free(tmp);
}

static const char *sb_str(const strbuf *b)
{
    return b->p ? b->p : "";
}

/* Markdown text with every ASCII punctuation character backslash-escaped,
 * which pandoc's Markdown reader accepts for all of them. */
static void sb_md_text(strbuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 128 && ispunct(c))
            sb_putn(b, "\\", 1);
        sb_putn(b, s, 1);
    }
}

/* Longest run of backticks in s. */
static size_t max_backticks(const char *s)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        run = (*s == '`') ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

/* Inline code span for s, fenced with enough backticks. */
static void sb_md_code(strbuf *b, const char *s)
{
    if (!*s)
        return;
    size_t ticks = max_backticks(s) + 1;
    int pad = (s[0] == '`' || s[strlen(s) - 1] == '`' || s[0] == ' ');
    for (size_t i = 0; i < ticks; i++)
        sb_putn(b, "`", 1);
    if (pad)
        sb_putn(b, " ", 1);
    sb_puts(b, s);
    if (pad)
        sb_putn(b, " ", 1);
    for (size_t i = 0; i < ticks; i++)
        sb_putn(b, "`", 1);
}

/* Lower-case slug made of [a-z0-9-], no leading, trailing or double '-'. */
static char *slugify(const char *s)
{
    strbuf b = {0};
    int dash = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) && c < 128) {
            if (dash && b.n)
                sb_putn(&b, "-", 1);
            dash = 0;
            char lc = (char)tolower(c);
            sb_putn(&b, &lc, 1);
        } else {
            dash = 1;
        }
        if (b.n >= 60)
            break;
    }
    if (!b.n)
        sb_puts(&b, "x");
    return b.p;
}

/* ---- the document model ------------------------------------------------- */

enum seg_kind { SEG_TEXT, SEG_NL, SEG_USE, SEG_QUOTE, SEG_ENDQUOTE };

typedef struct {
    enum seg_kind kind;
    char *s; /* text, or the used chunk's name */
    int line;
} seg;

typedef struct {
    int is_code;
    int file;
    int line;   /* line of the <<name>>= line, or first docs line */
    char *name; /* code chunks only */
    int chunk;  /* index into names[] */
    int part;   /* 1-based: which definition of this name (whole stream) */
    char *anchor;
    seg *segs;
    size_t nsegs, capsegs;
    char **defs; /* identifiers declared with %def */
    size_t ndefs, capdefs;
    char **uses; /* identifiers used (finduses), unique */
    size_t nuses, capuses;
} block;

typedef struct {
    char *name;
    int *defs; /* blocks that define it, in order */
    size_t ndefs, capdefs;
    int *users; /* code blocks that use it, unique, in order */
    size_t nusers, capusers;
} chunkname;

typedef struct {
    char *name;
    char *page; /* e.g. week0.html */
    char *stem; /* e.g. week0 */
    int shared;
} nwfile;

typedef struct {
    char *ident;
    int *defs; /* defining blocks */
    size_t ndefs, capdefs;
    int *users; /* using code blocks */
    size_t nusers, capusers;
    char *anchor; /* index anchor, only for identifiers in the emitted file */
} identinfo;

static block *blocks;
static size_t nblocks, capblocks;
static chunkname *names;
static size_t nnames, capnames;
static nwfile *files;
static size_t nfiles, capfiles;
static identinfo *idents;
static size_t nidents, capidents;

static int errors;

static void error_at(int file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: error: ", file >= 0 ? files[file].name : "<stdin>", line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    errors++;
}

static int find_file(const char *name)
{
    for (size_t i = 0; i < nfiles; i++)
        if (strcmp(files[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int add_file(const char *name)
{
    int i = find_file(name);
    if (i >= 0)
        return i;
    grow((void **)&files, &capfiles, nfiles, sizeof *files);
    nwfile *f = &files[nfiles];
    memset(f, 0, sizeof *f);
    f->name = xstrdup(name);
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t len = strcspn(base, "-");
    size_t dot = strlen(base);
    if (dot > 3 && strcmp(base + dot - 3, ".nw") == 0)
        dot -= 3;
    if (len > dot)
        len = dot;
    f->stem = xrealloc(NULL, len + 1);
    memcpy(f->stem, base, len);
    f->stem[len] = '\0';
    f->page = xrealloc(NULL, len + 6);
    snprintf(f->page, len + 6, "%s.html", f->stem);
    return (int)nfiles++;
}

static int find_name(const char *name)
{
    for (size_t i = 0; i < nnames; i++)
        if (strcmp(names[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int intern_name(const char *name)
{
    int i = find_name(name);
    if (i >= 0)
        return i;
    grow((void **)&names, &capnames, nnames, sizeof *names);
    memset(&names[nnames], 0, sizeof names[nnames]);
    names[nnames].name = xstrdup(name);
    return (int)nnames++;
}

static int find_ident(const char *id)
{
    for (size_t i = 0; i < nidents; i++)
        if (strcmp(idents[i].ident, id) == 0)
            return (int)i;
    return -1;
}

static int intern_ident(const char *id)
{
    int i = find_ident(id);
    if (i >= 0)
        return i;
    grow((void **)&idents, &capidents, nidents, sizeof *idents);
    memset(&idents[nidents], 0, sizeof idents[nidents]);
    idents[nidents].ident = xstrdup(id);
    return (int)nidents++;
}

static void push_int_unique(int **arr, size_t *n, size_t *cap, int v)
{
    for (size_t i = 0; i < *n; i++)
        if ((*arr)[i] == v)
            return;
    grow((void **)arr, cap, *n, sizeof **arr);
    (*arr)[(*n)++] = v;
}

static void push_str_unique(char ***arr, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i], s) == 0)
            return;
    grow((void **)arr, cap, *n, sizeof **arr);
    (*arr)[(*n)++] = xstrdup(s);
}

static block *new_block(int is_code, int file, int line)
{
    grow((void **)&blocks, &capblocks, nblocks, sizeof *blocks);
    block *b = &blocks[nblocks++];
    memset(b, 0, sizeof *b);
    b->is_code = is_code;
    b->file = file;
    b->line = line;
    b->chunk = -1;
    return b;
}

static void add_seg(block *b, enum seg_kind kind, const char *s, int line)
{
    grow((void **)&b->segs, &b->capsegs, b->nsegs, sizeof *b->segs);
    b->segs[b->nsegs].kind = kind;
    b->segs[b->nsegs].s = s ? xstrdup(s) : NULL;
    b->segs[b->nsegs].line = line;
    b->nsegs++;
}

/* ---- reading the pipeline ----------------------------------------------- */

static int starts(const char *line, const char *key, const char **rest)
{
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0)
        return 0;
    if (line[n] == '\0') {
        *rest = line + n;
        return 1;
    }
    if (line[n] == ' ') {
        *rest = line + n + 1;
        return 1;
    }
    return 0;
}

static void read_pipeline(FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int file = -1, lineno = 1;
    long cur = -1;        /* current block index, -1 between chunks */
    long last_code = -1;  /* most recent code block (for @ %def) */
    int skip_defn_nl = 0; /* the @nl that ends the <<name>>= line */
    const char *r;

    while ((len = getline(&line, &cap, in)) != -1) {
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (starts(line, "@file", &r)) {
            file = add_file(r);
            lineno = 1;
        } else if (starts(line, "@line", &r)) {
            lineno = atoi(r);
        } else if (starts(line, "@fatal", &r)) {
            fprintf(stderr, "nwback: an earlier stage failed: %s\n", r);
            exit(1);
        } else if (starts(line, "@begin", &r)) {
            int is_code = strncmp(r, "code", 4) == 0;
            if (file < 0)
                file = add_file("<stdin>");
            new_block(is_code, file, lineno);
            cur = (long)nblocks - 1;
            if (is_code)
                last_code = cur;
        } else if (starts(line, "@end", &r)) {
            cur = -1;
        } else if (starts(line, "@defn", &r)) {
            if (cur >= 0) {
                blocks[cur].name = xstrdup(r);
                blocks[cur].line = lineno;
                skip_defn_nl = 1;
            }
        } else if (starts(line, "@nl", &r)) {
            if (cur >= 0 && !skip_defn_nl)
                add_seg(&blocks[cur], SEG_NL, NULL, lineno);
            skip_defn_nl = 0;
            lineno++;
        } else if (starts(line, "@text", &r) || starts(line, "@literal", &r)) {
            if (cur >= 0)
                add_seg(&blocks[cur], SEG_TEXT, r, lineno);
        } else if (starts(line, "@use", &r)) {
            if (cur >= 0)
                add_seg(&blocks[cur], SEG_USE, r, lineno);
        } else if (starts(line, "@quote", &r)) {
            if (cur >= 0)
                add_seg(&blocks[cur], SEG_QUOTE, NULL, lineno);
        } else if (starts(line, "@endquote", &r)) {
            if (cur >= 0)
                add_seg(&blocks[cur], SEG_ENDQUOTE, NULL, lineno);
        } else if (starts(line, "@index", &r)) {
            const char *id;
            if (starts(r, "nl", &id)) {
                lineno++;
            } else if (starts(r, "defn", &id) || starts(r, "localdefn", &id)) {
                long target = (cur >= 0 && blocks[cur].is_code) ? cur : last_code;
                if (target >= 0 && blocks[target].file == file) {
                    block *b = &blocks[target];
                    push_str_unique(&b->defs, &b->ndefs, &b->capdefs, id);
                }
            } else if (starts(r, "use", &id)) {
                if (cur >= 0 && blocks[cur].is_code) {
                    block *b = &blocks[cur];
                    push_str_unique(&b->uses, &b->nuses, &b->capuses, id);
                }
            }
        }
        /* @xref, @header, @trailer, @language and the rest carry nothing
         * this back end needs: it computes cross-references itself. */
    }
    free(line);
}

/* ---- cross-references ----------------------------------------------------- */

static int is_valid_root(const char *name)
{
    static const char *const exts[] = {".cu", ".cuh", ".h", ".c", ".hpp", ".cpp"};
    for (const char *p = name; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-' || *p == '/'))
            return 0;
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcmp(name + n - e, exts[i]) == 0)
            return 1;
    }
    return 0;
}

/* Anchor for a chunk name in one file: nw-SLUG, with _N appended when two
 * different names of the same file share a slug. Later definitions add
 * --PART (a slug never holds a double dash). */
typedef struct {
    int file;
    int chunk;
    char *base;
} slugent;
static slugent *slugs;
static size_t nslugs, capslugs;

static const char *chunk_base_anchor(int file, int chunk)
{
    for (size_t i = 0; i < nslugs; i++)
        if (slugs[i].file == file && slugs[i].chunk == chunk)
            return slugs[i].base;
    char *s = slugify(names[chunk].name);
    strbuf b = {0};
    sb_printf(&b, "nw-%s", s);
    for (int n = 2;; n++) {
        int clash = 0;
        for (size_t i = 0; i < nslugs; i++)
            if (slugs[i].file == file && strcmp(slugs[i].base, sb_str(&b)) == 0)
                clash = 1;
        if (!clash)
            break;
        b.n = 0;
        sb_printf(&b, "nw-%s_%d", s, n);
    }
    free(s);
    grow((void **)&slugs, &capslugs, nslugs, sizeof *slugs);
    slugs[nslugs].file = file;
    slugs[nslugs].chunk = chunk;
    slugs[nslugs].base = b.p;
    return slugs[nslugs++].base;
}

static void cross_reference(void)
{
    for (size_t i = 0; i < nblocks; i++) {
        block *b = &blocks[i];
        if (!b->is_code)
            continue;
        if (!b->name)
            b->name = xstrdup("");
        b->chunk = intern_name(b->name);
        chunkname *c = &names[b->chunk];
        grow((void **)&c->defs, &c->capdefs, c->ndefs, sizeof *c->defs);
        c->defs[c->ndefs++] = (int)i;
        b->part = (int)c->ndefs;
        /* part within this file decides the anchor suffix */
        int part_in_file = 0;
        for (size_t k = 0; k < c->ndefs; k++)
            if (blocks[c->defs[k]].file == b->file)
                part_in_file++;
        strbuf a = {0};
        sb_puts(&a, chunk_base_anchor(b->file, b->chunk));
        if (part_in_file > 1)
            sb_printf(&a, "--%d", part_in_file);
        b->anchor = a.p;
    }
    for (size_t i = 0; i < nblocks; i++) {
        block *b = &blocks[i];
        int in_quote = 0;
        for (size_t k = 0; k < b->nsegs; k++) {
            seg *s = &b->segs[k];
            if (s->kind == SEG_QUOTE)
                in_quote = 1;
            else if (s->kind == SEG_ENDQUOTE)
                in_quote = 0;
            if (s->kind != SEG_USE)
                continue;
            int c = find_name(s->s);
            if (c < 0 || names[c].ndefs == 0) {
                error_at(b->file, s->line, "chunk <<%s>> is used but never defined", s->s);
                continue;
            }
            if (b->is_code && !in_quote)
                push_int_unique(&names[c].users, &names[c].nusers, &names[c].capusers, (int)i);
        }
        for (size_t k = 0; k < b->ndefs; k++) {
            int x = intern_ident(b->defs[k]);
            identinfo *id = &idents[x];
            push_int_unique(&id->defs, &id->ndefs, &id->capdefs, (int)i);
        }
    }
    for (size_t i = 0; i < nblocks; i++) {
        block *b = &blocks[i];
        for (size_t k = 0; k < b->nuses; k++) {
            int x = find_ident(b->uses[k]);
            if (x >= 0)
                push_int_unique(&idents[x].users, &idents[x].nusers, &idents[x].capusers, (int)i);
        }
    }
    for (size_t c = 0; c < nnames; c++) {
        chunkname *n = &names[c];
        if (n->nusers > 0 || n->ndefs == 0)
            continue;
        block *first = &blocks[n->defs[0]];
        if (files[first->file].shared || is_valid_root(n->name))
            continue;
        error_at(first->file, first->line,
                 "chunk <<%s>> is defined but never used (only roots named like NAME.cu, "
                 "NAME.h or NAME.c may stay unused)",
                 n->name);
    }
}

/* ---- writing Markdown ----------------------------------------------------- */

static int emit_file;
static const char *tangled_prefix = "tangled";

/* href to a block: "#anchor" in the same page, "page.html#anchor" else. */
static void sb_href(strbuf *o, int blk)
{
    const block *b = &blocks[blk];
    if (b->file != emit_file)
        sb_puts(o, files[b->file].page);
    sb_printf(o, "#%s", b->anchor);
}

/* [⟨name⟩ (part)](href) */
static void sb_chunk_link(strbuf *o, int blk, int with_part)
{
    const block *b = &blocks[blk];
    sb_puts(o, "[\xE2\x9F\xA8");
    sb_md_text(o, b->name);
    sb_puts(o, "\xE2\x9F\xA9");
    if (with_part && names[b->chunk].ndefs > 1)
        sb_printf(o, " %d", b->part);
    sb_puts(o, "](");
    sb_href(o, blk);
    sb_puts(o, ")");
}

/* Code blocks cannot hold links, and a chunk name inside code confuses the
 * highlighter (an apostrophe opens a character literal). With -index, a use
 * is written as a placeholder identifier the highlighter leaves alone, and
 * the index file names, per placeholder, the chunk and where it is defined;
 * the book's filter (book/filters/chunks.lua) puts the link or the name in
 * its place. */
static FILE *indexfile;
static int nplaceholders;

/* s as one TSV field: tabs and newlines would split the record */
static void tsv_field(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' ? ' ' : *s, f);
}

/* "page.html#anchor" for a block in another file, "#anchor" in this one */
static void write_href(FILE *f, const block *d)
{
    if (d->file != emit_file)
        tsv_field(f, files[d->file].page);
    fputc('#', f);
    tsv_field(f, d->anchor);
}

static void write_use_placeholder(strbuf *code, const char *name)
{
    int id = ++nplaceholders;
    int c = find_name(name);
    sb_printf(code, "NWUSE7Q%dZ", id);
    fprintf(indexfile, "use\tNWUSE7Q%dZ\t", id);
    tsv_field(indexfile, name);
    fputc('\t', indexfile);
    if (c >= 0 && names[c].ndefs)
        write_href(indexfile, &blocks[names[c].defs[0]]);
    fputc('\n', indexfile);
}

static const char *code_class(const block *b)
{
    const char *n = b->name;
    size_t len = strlen(n);
#define ENDS(x) (len >= strlen(x) && strcmp(n + len - strlen(x), x) == 0)
    if (ENDS(".py"))
        return "python";
    if (ENDS(".sh"))
        return "bash";
    if (ENDS(".mk") || ENDS("Makefile"))
        return "makefile";
    if (ENDS(".json"))
        return "json";
#undef ENDS
    return "cuda";
}

static int is_root(const block *b)
{
    return names[b->chunk].nusers == 0;
}

/* ---- figures in the prose ---------------------------------------------------
 * The inline figure form (book/README.md, "Figures in the prose"): a pandoc
 * span [TEXT]{.fig ATTRIBUTES} whose number book/filters/figures.lua takes
 * from bench/results, and [TEXT]{.given} for a number that is not measured
 * (a datasheet value, a target, a prediction). nwback stamps each figure with
 * its lesson line (line=N) for the filter's messages, and -check-prose finds
 * measurements typed outside both. */
static const char *const figure_attrs = "{.fig";
static const char *const given_attrs = "{.given";

/* a percentage, a bandwidth, a time, or a ratio (1.5x, 1.37 times) */
static const char *const typed_measurement =
    "(^|[^0-9A-Za-z_.])([0-9]+(\\.[0-9]+)? "
    "?(%|GB/s|TB/s|MB/s|ms|\xC2\xB5s|us|ns)|[0-9]+(\\.[0-9]+)?(x|\xC3\x97)"
    "|[0-9]+\\.[0-9]+ times)([^0-9A-Za-z_]|$)";

/* text, with line=LINE added to each figure's attributes */
static void sb_text_stamped(strbuf *o, const char *text, int line)
{
    const char *at;
    size_t n = strlen(figure_attrs);
    while ((at = strstr(text, figure_attrs)) != NULL) {
        sb_putn(o, text, (size_t)(at - text) + n);
        sb_printf(o, " line=%d", line);
        text = at + n;
    }
    sb_puts(o, text);
}

/* blank (to spaces, newlines kept) s[from, to) */
static void blank(char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to && s[i]; i++)
        if (s[i] != '\n')
            s[i] = ' ';
}

/* blank what is not prose: code spans, math, and the figure and given spans */
static void blank_non_prose(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++;
        } else if (s[i] == '`' || s[i] == '$') {
            size_t run = 1;
            while (i + run < n && s[i + run] == s[i])
                run++;
            for (size_t j = i + run; j + run <= n; j++) {
                size_t k = 0;
                while (k < run && s[j + k] == s[i])
                    k++;
                if (k == run) {
                    blank(s, i, j + run);
                    i = j + run - 1;
                    break;
                }
            }
        } else if (s[i] == ']' && (strncmp(s + i + 1, figure_attrs, strlen(figure_attrs)) == 0 ||
                                   strncmp(s + i + 1, given_attrs, strlen(given_attrs)) == 0)) {
            size_t open = i, depth = 0;
            while (open > 0 && !(s[open] == '[' && depth == 1)) {
                depth += s[open] == ']';
                depth -= s[open] == '[';
                open--;
            }
            const char *close = strchr(s + i, '}');
            size_t end = close ? (size_t)(close - s) + 1 : n;
            blank(s, open, end);
            i = end - 1;
        }
    }
}

/* -check-prose: print FILE:LINE for every measurement typed in the emitted
 * file's documentation chunks outside a figure; returns how many */
static int check_prose(void)
{
    regex_t rx;
    if (regcomp(&rx, typed_measurement, REG_EXTENDED) != 0) {
        fputs("nwback: cannot compile the typed-measurement pattern\n", stderr);
        exit(2);
    }
    int found = 0;
    for (size_t i = 0; i < nblocks; i++) {
        const block *b = &blocks[i];
        if (b->is_code || b->file != emit_file)
            continue;
        strbuf text = {0};
        int *line_of = NULL; /* lesson line of each line of text */
        size_t nlines = 0, caplines = 0;
        int in_quote = 0, last = b->line;
        for (size_t k = 0; k < b->nsegs; k++) {
            const seg *sg = &b->segs[k];
            if (sg->kind == SEG_QUOTE || sg->kind == SEG_ENDQUOTE)
                in_quote = sg->kind == SEG_QUOTE;
            else if (sg->kind == SEG_TEXT && !in_quote)
                sb_puts(&text, sg->s);
            else if (sg->kind == SEG_NL) {
                sb_puts(&text, "\n");
                grow((void **)&line_of, &caplines, nlines, sizeof *line_of);
                line_of[nlines++] = sg->line;
            }
            last = sg->line;
        }
        grow((void **)&line_of, &caplines, nlines, sizeof *line_of);
        line_of[nlines++] = last;
        char *s = text.p ? text.p : xstrdup("");
        blank_non_prose(s);
        char *line = s;
        for (size_t l = 0; l < nlines && line; l++) {
            char *next = strchr(line, '\n');
            if (next)
                *next = '\0';
            const char *p = line;
            regmatch_t m[3];
            while (regexec(&rx, p, 3, m, p == line ? 0 : REG_NOTBOL) == 0) {
                fprintf(stderr,
                        "%s:%d: typed measurement \"%.*s\": take it from bench/results with "
                        "[]{.fig ...}, or mark a number that is not measured [like this]{.given} "
                        "(book/README.md)\n",
                        files[b->file].name, line_of[l], (int)(m[2].rm_eo - m[2].rm_so),
                        p + m[2].rm_so);
                found++;
                p += m[2].rm_eo;
            }
            line = next ? next + 1 : NULL;
        }
        free(s);
        free(line_of);
    }
    regfree(&rx);
    return found;
}

static void write_docs(strbuf *o, const block *b)
{
    int in_quote = 0;
    strbuf q = {0};
    for (size_t k = 0; k < b->nsegs; k++) {
        const seg *s = &b->segs[k];
        switch (s->kind) {
        case SEG_QUOTE:
            in_quote = 1;
            q.n = 0;
            if (q.p)
                q.p[0] = '\0';
            break;
        case SEG_ENDQUOTE:
            sb_md_code(o, sb_str(&q));
            q.n = 0;
            if (q.p)
                q.p[0] = '\0';
            in_quote = 0;
            break;
        case SEG_TEXT:
            if (in_quote)
                sb_puts(&q, s->s);
            else
                sb_text_stamped(o, s->s, s->line);
            break;
        case SEG_NL:
            if (in_quote)
                sb_puts(&q, " ");
            else
                sb_puts(o, "\n");
            break;
        case SEG_USE: {
            int c = find_name(s->s);
            if (in_quote) {
                sb_md_code(o, sb_str(&q));
                q.n = 0;
                if (q.p)
                    q.p[0] = '\0';
            }
            if (c >= 0 && names[c].ndefs)
                sb_chunk_link(o, names[c].defs[0], 0);
            else {
                sb_puts(o, "\xE2\x9F\xA8");
                sb_md_text(o, s->s);
                sb_puts(o, "\xE2\x9F\xA9");
            }
            break;
        }
        }
    }
    if (in_quote)
        sb_md_code(o, sb_str(&q));
    free(q.p);
}

static void write_code(strbuf *o, int blk)
{
    const block *b = &blocks[blk];
    const chunkname *c = &names[b->chunk];
    const nwfile *f = &files[b->file];
    strbuf code = {0};

    for (size_t k = 0; k < b->nsegs; k++) {
        const seg *s = &b->segs[k];
        if (s->kind == SEG_TEXT)
            sb_puts(&code, s->s);
        else if (s->kind == SEG_NL)
            sb_puts(&code, "\n");
        else if (s->kind == SEG_USE) {
            if (indexfile)
                write_use_placeholder(&code, s->s);
            else {
                sb_puts(&code, "\xE2\x9F\xA8");
                sb_puts(&code, s->s);
                sb_puts(&code, "\xE2\x9F\xA9");
            }
        }
    }
    if (code.n && code.p[code.n - 1] == '\n')
        code.p[--code.n] = '\0';

    /* header */
    sb_printf(o, "\n\n::: {#%s .chunk%s}\n", b->anchor, is_root(b) ? " .root" : "");
    sb_puts(o, "[[\xE2\x9F\xA8");
    sb_md_text(o, b->name);
    sb_puts(o, "\xE2\x9F\xA9");
    if (c->ndefs > 1)
        sb_printf(o, " %d", b->part);
    sb_printf(o, "](#%s)]{.chunk-name} [%s]{.chunk-op}", b->anchor,
              b->part > 1 ? "+\xE2\x89\xA1" : "\xE2\x89\xA1");
    if (is_root(b) && is_valid_root(b->name)) {
        strbuf path = {0};
        sb_printf(&path, "%s/%s/%s", tangled_prefix, f->stem, b->name);
        sb_puts(o, " [tangled to ");
        sb_md_code(o, sb_str(&path));
        sb_puts(o, "]{.chunk-file}");
        free(path.p);
    }
    sb_puts(o, "\n\n");

    /* code */
    size_t ticks = max_backticks(sb_str(&code)) + 1;
    if (ticks < 3)
        ticks = 3;
    for (size_t i = 0; i < ticks; i++)
        sb_puts(o, "`");
    sb_printf(o, " {.%s .numberLines startFrom=\"%d\"}\n", code_class(b), b->line + 1);
    sb_puts(o, sb_str(&code));
    sb_puts(o, "\n");
    for (size_t i = 0; i < ticks; i++)
        sb_puts(o, "`");
    sb_puts(o, "\n\n::: chunk-xref\n");

    /* the chunks this one uses, each linked to its first definition */
    {
        strbuf l = {0};
        int seen = 0;
        for (size_t k = 0; k < b->nsegs; k++) {
            const seg *s = &b->segs[k];
            if (s->kind != SEG_USE)
                continue;
            int dup = 0;
            for (size_t j = 0; j < k; j++)
                if (b->segs[j].kind == SEG_USE && strcmp(b->segs[j].s, s->s) == 0)
                    dup = 1;
            if (dup)
                continue;
            int u = find_name(s->s);
            if (u < 0 || !names[u].ndefs)
                continue;
            sb_puts(&l, seen++ ? ", " : "");
            sb_chunk_link(&l, names[u].defs[0], 0);
        }
        if (seen)
            sb_printf(o, "- Uses %s.\n", sb_str(&l));
        free(l.p);
    }
    /* other definitions of the same name */
    if (c->ndefs > 1) {
        if (b->part > 1) {
            sb_puts(o, "- Defined first in ");
            sb_chunk_link(o, c->defs[0], 1);
            sb_puts(o, ".\n");
        }
        if ((size_t)b->part < c->ndefs) {
            sb_puts(o, "- Continued in ");
            for (size_t k = (size_t)b->part; k < c->ndefs; k++) {
                if (k > (size_t)b->part)
                    sb_puts(o, ", ");
                sb_chunk_link(o, c->defs[k], 1);
            }
            sb_puts(o, ".\n");
        }
    }
    /* where it is used */
    if (c->nusers) {
        sb_puts(o, "- Used in ");
        for (size_t k = 0; k < c->nusers; k++) {
            if (k)
                sb_puts(o, ", ");
            sb_chunk_link(o, c->users[k], 1);
        }
        sb_puts(o, ".\n");
    } else if (is_valid_root(b->name)) {
        sb_printf(o, "- Root chunk: `notangle -L -R%s` writes it to ", b->name);
        strbuf path = {0};
        sb_printf(&path, "%s/%s/%s", tangled_prefix, f->stem, b->name);
        sb_md_code(o, sb_str(&path));
        free(path.p);
        sb_puts(o, ".\n");
    } else if (f->shared) {
        sb_puts(o, "- Shared chunk: chapters that are woven and tangled with this file use it.\n");
    }
    /* identifiers defined here, linked to the index */
    if (b->ndefs) {
        sb_puts(o, "- Defines ");
        for (size_t k = 0; k < b->ndefs; k++) {
            int x = find_ident(b->defs[k]);
            if (k)
                sb_puts(o, ", ");
            if (x >= 0 && idents[x].anchor) {
                sb_puts(o, "[");
                sb_md_code(o, b->defs[k]);
                sb_printf(o, "](#%s)", idents[x].anchor);
            } else {
                sb_md_code(o, b->defs[k]);
            }
        }
        sb_puts(o, ".\n");
    }
    /* identifiers used here that another chunk defines */
    {
        strbuf l = {0};
        int seen = 0;
        for (size_t k = 0; k < b->nuses; k++) {
            int x = find_ident(b->uses[k]);
            if (x < 0 || !idents[x].ndefs)
                continue;
            int own = 0;
            for (size_t j = 0; j < idents[x].ndefs; j++)
                if (idents[x].defs[j] == blk)
                    own = 1;
            if (own)
                continue;
            sb_puts(&l, seen++ ? ", " : "");
            sb_puts(&l, "[");
            sb_md_code(&l, b->uses[k]);
            sb_puts(&l, "](");
            sb_href(&l, idents[x].defs[0]);
            sb_puts(&l, ")");
        }
        if (seen)
            sb_printf(o, "- Refers to %s.\n", sb_str(&l));
        free(l.p);
    }
    sb_puts(o, ":::\n:::\n\n");
    free(code.p);
}

static int cmp_ident(const void *a, const void *b)
{
    const identinfo *x = *(identinfo *const *)a, *y = *(identinfo *const *)b;
    const char *p = x->ident, *q = y->ident;
    while (*p == '_')
        p++;
    while (*q == '_')
        q++;
    for (; *p && *q; p++, q++) {
        int d = tolower((unsigned char)*p) - tolower((unsigned char)*q);
        if (d)
            return d;
    }
    if (*p || *q)
        return *p ? 1 : -1;
    return strcmp(x->ident, y->ident);
}

static int cmp_chunk_block(const void *a, const void *b)
{
    const block *x = &blocks[*(const int *)a], *y = &blocks[*(const int *)b];
    return strcmp(x->name, y->name);
}

static void assign_ident_anchors(void)
{
    /* identifiers with a definition in the emitted file get an index entry */
    char **taken = NULL;
    size_t ntaken = 0, captaken = 0;
    for (size_t i = 0; i < nidents; i++) {
        identinfo *id = &idents[i];
        int here = 0;
        for (size_t k = 0; k < id->ndefs; k++)
            if (blocks[id->defs[k]].file == emit_file)
                here = 1;
        if (!here)
            continue;
        char *s = slugify(id->ident);
        strbuf b = {0};
        sb_printf(&b, "ix-%s", s);
        for (int n = 2;; n++) {
            int clash = 0;
            for (size_t t = 0; t < ntaken; t++)
                if (strcmp(taken[t], sb_str(&b)) == 0)
                    clash = 1;
            if (!clash)
                break;
            b.n = 0;
            sb_printf(&b, "ix-%s_%d", s, n);
        }
        free(s);
        id->anchor = b.p;
        grow((void **)&taken, &captaken, ntaken, sizeof *taken);
        taken[ntaken++] = id->anchor;
    }
    free(taken);
}

static void write_indexes(strbuf *o)
{
    /* chunk list */
    int *list = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < nnames; i++) {
        if (!names[i].ndefs)
            continue;
        for (size_t k = 0; k < names[i].ndefs; k++)
            if (blocks[names[i].defs[k]].file == emit_file) {
                grow((void **)&list, &cap, n, sizeof *list);
                list[n++] = names[i].defs[k];
                break;
            }
    }
    if (n) {
        qsort(list, n, sizeof *list, cmp_chunk_block);
        sb_puts(o, "\n\n## Chunks {#nw-chunk-index .unnumbered .nw-index}\n\n");
        for (size_t i = 0; i < n; i++) {
            const chunkname *c = &names[blocks[list[i]].chunk];
            sb_puts(o, "- ");
            sb_chunk_link(o, list[i], 0);
            if (c->nusers) {
                sb_puts(o, ": used in ");
                for (size_t k = 0; k < c->nusers; k++) {
                    if (k)
                        sb_puts(o, ", ");
                    sb_chunk_link(o, c->users[k], 1);
                }
            } else {
                sb_puts(o, files[blocks[list[i]].file].shared ? ": shared" : ": root");
            }
            sb_puts(o, "\n");
        }
    }
    free(list);

    /* identifier index */
    identinfo **ids = NULL;
    size_t ni = 0, capi = 0;
    for (size_t i = 0; i < nidents; i++)
        if (idents[i].anchor) {
            grow((void **)&ids, &capi, ni, sizeof *ids);
            ids[ni++] = &idents[i];
        }
    if (ni) {
        qsort(ids, ni, sizeof *ids, cmp_ident);
        sb_puts(o, "\n\n## Index of identifiers {#nw-identifier-index .unnumbered .nw-index}\n\n");
        for (size_t i = 0; i < ni; i++) {
            identinfo *id = ids[i];
            sb_puts(o, "- [");
            sb_md_code(o, id->ident);
            sb_printf(o, "]{#%s}: defined in ", id->anchor);
            for (size_t k = 0; k < id->ndefs; k++) {
                if (k)
                    sb_puts(o, ", ");
                sb_chunk_link(o, id->defs[k], 1);
            }
            int first = 1;
            for (size_t k = 0; k < id->nusers; k++) {
                int own = 0;
                for (size_t j = 0; j < id->ndefs; j++)
                    if (id->defs[j] == id->users[k])
                        own = 1;
                if (own)
                    continue;
                sb_puts(o, first ? "; used in " : ", ");
                first = 0;
                sb_chunk_link(o, id->users[k], 1);
            }
            sb_puts(o, "\n");
        }
    }
    free(ids);
}

/* ---- the index file: what each identifier is and where it is defined ------ */

/* The code of a block as one line: " " before each line, uses as <<name>> */
static void block_code_line(strbuf *o, const block *b)
{
    sb_puts(o, " ");
    for (size_t k = 0; k < b->nsegs; k++) {
        const seg *s = &b->segs[k];
        if (s->kind == SEG_TEXT)
            sb_puts(o, s->s);
        else if (s->kind == SEG_NL)
            sb_puts(o, " ");
        else if (s->kind == SEG_USE)
            sb_printf(o, "<<%s>>", s->s);
    }
}

/* Does the extended regular expression PREFIX + NAME + SUFFIX match TEXT?
 * (NAME with its regex characters escaped.) On a match, *at is its start. */
static int matches(const char *prefix, const char *name, const char *suffix, const char *text,
                   size_t *at)
{
    strbuf re = {0};
    sb_puts(&re, prefix);
    for (const char *p = name; *p; p++) {
        if (strchr("[]\\.^$*+?(){}|", *p))
            sb_putn(&re, "\\", 1);
        sb_putn(&re, p, 1);
    }
    sb_puts(&re, suffix);
    regex_t rx;
    regmatch_t m;
    int hit = 0;
    if (regcomp(&rx, sb_str(&re), REG_EXTENDED) == 0) {
        hit = regexec(&rx, text, 1, &m, 0) == 0;
        if (hit && at)
            *at = (size_t)m.rm_so;
        regfree(&rx);
    }
    free(re.p);
    return hit;
}

/* What NAME is, from the code of the chunk that declares it with %def: type
 * (also "struct alignas(16) NAME {"), or for a function, from its
 * declaration (the text from the last ';', '{' or '}' before "NAME(" or
 * "NAME<"): kernel (__global__), device (__device__), launcher (the lesson
 * contract's entry point: not static, its first parameter a const
 * wb_problem *), else other. A static helper named launch_* is other: the
 * grader never calls it. */
static const char *ident_kind(const char *name, const char *code)
{
    size_t at;
    if (matches("(struct|class|union|enum|enum class)[ \t]+", name, "([^A-Za-z0-9_]|$)", code,
                NULL) ||
        matches("(struct|class|union)[ \t][^;{}]*[^A-Za-z0-9_]", name, "[ \t]*\\{", code, NULL) ||
        matches("using[ \t]+", name, "[ \t]*=", code, NULL) ||
        matches("typedef[^;]*[^A-Za-z0-9_]", name, "[ \t]*;", code, NULL))
        return "type";
    if (!matches("[^A-Za-z0-9_]", name, "[ \t]*(\\(|<)", code, &at))
        return "other";
    strbuf decl = {0};
    sb_putn(&decl, code, at + 1);
    const char *start = sb_str(&decl);
    for (const char *p = start; *p; p++)
        if (*p == ';' || *p == '{' || *p == '}')
            start = p + 1;
    const char *kind = "other";
    if (strstr(start, "__global__"))
        kind = "kernel";
    else if (strstr(start, "__device__"))
        kind = "device";
    else if (!matches("(^|[^A-Za-z0-9_])", "static", "[^A-Za-z0-9_]", start, NULL) &&
             matches("[^A-Za-z0-9_]", name, "[ \t]*\\([ \t]*const[ \t]+wb_problem[ \t]*\\*", code,
                     NULL))
        kind = "launcher";
    free(decl.p);
    return kind;
}

/* Lines "ident NAME KIND PAGE ANCHOR" for every identifier this file
 * indexes, each followed by "defn NAME CHUNK PART PAGE ANCHOR" for the
 * chunks that define it (PART empty when the chunk has one definition). */
static void write_ident_index(FILE *f)
{
    for (size_t i = 0; i < nidents; i++) {
        const identinfo *id = &idents[i];
        if (!id->anchor)
            continue;
        const block *decl = NULL;
        for (size_t k = 0; k < id->ndefs && !decl; k++)
            if (blocks[id->defs[k]].file == emit_file)
                decl = &blocks[id->defs[k]];
        strbuf code = {0};
        block_code_line(&code, decl);
        fputs("ident\t", f);
        tsv_field(f, id->ident);
        fprintf(f, "\t%s\t%s\t", ident_kind(id->ident, sb_str(&code)), files[emit_file].page);
        tsv_field(f, id->anchor);
        fputc('\n', f);
        free(code.p);
        for (size_t k = 0; k < id->ndefs; k++) {
            const block *d = &blocks[id->defs[k]];
            fputs("defn\t", f);
            tsv_field(f, id->ident);
            fputc('\t', f);
            tsv_field(f, d->name);
            fputc('\t', f);
            if (names[d->chunk].ndefs > 1)
                fprintf(f, "%d", d->part);
            fprintf(f, "\t%s\t", files[d->file].page);
            tsv_field(f, d->anchor);
            fputc('\n', f);
        }
    }
}

static void usage(void)
{
    fputs("usage: nwback [-emit FILE.nw] [-shared FILE.nw]... [-tangled-prefix DIR]"
          " [-index FILE] [-check-prose] < pipeline\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *emit = NULL;
    int check = 0;
    const char **shared = NULL;
    size_t nshared = 0, capshared = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-emit") == 0 && i + 1 < argc)
            emit = argv[++i];
        else if (strcmp(argv[i], "-shared") == 0 && i + 1 < argc) {
            grow((void **)&shared, &capshared, nshared, sizeof *shared);
            shared[nshared++] = argv[++i];
        } else if (strcmp(argv[i], "-tangled-prefix") == 0 && i + 1 < argc)
            tangled_prefix = argv[++i];
        else if (strcmp(argv[i], "-check-prose") == 0)
            check = 1;
        else if (strcmp(argv[i], "-index") == 0 && i + 1 < argc) {
            indexfile = fopen(argv[++i], "w");
            if (!indexfile) {
                perror(argv[i]);
                return 1;
            }
        } else
            usage();
    }

    read_pipeline(stdin);
    if (nfiles == 0) {
        fputs("nwback: empty input: an earlier stage (markup, finduses, noidx) failed\n", stderr);
        return 1;
    }
    for (size_t i = 0; i < nshared; i++) {
        int f = find_file(shared[i]);
        if (f >= 0)
            files[f].shared = 1;
    }
    emit_file = 0;
    if (emit) {
        emit_file = find_file(emit);
        if (emit_file < 0) {
            fprintf(stderr, "nwback: -emit %s: no such @file in the input\n", emit);
            return 1;
        }
    }

    cross_reference();
    if (errors) {
        fprintf(stderr, "nwback: %d error%s in the chunk structure\n", errors,
                errors == 1 ? "" : "s");
        return 1;
    }
    if (check)
        return check_prose() ? 1 : 0;
    assign_ident_anchors();

    strbuf o = {0};
    for (size_t i = 0; i < nblocks; i++) {
        if (blocks[i].file != emit_file)
            continue;
        if (blocks[i].is_code)
            write_code(&o, (int)i);
        else
            write_docs(&o, &blocks[i]);
    }
    write_indexes(&o);
    fputs(sb_str(&o), stdout);
    if (indexfile)
        write_ident_index(indexfile);
    if (indexfile && fclose(indexfile) != 0) {
        perror("nwback: writing the index file");
        return 1;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("nwback: writing output");
        return 1;
    }
    return 0;
}
