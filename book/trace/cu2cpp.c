/* cu2cpp.c: rewrites a tangled lesson (.cu) into C++ that g++ compiles for the
 * trace tool, with book/trace/shim/wbt_cuda.h force-included.
 *
 *   cu2cpp IN.cu OUT.cpp
 *
 * Two constructs of CUDA C++ are not C++, and only these are rewritten:
 *
 *   K<<<grid, block, shared, stream>>>(args)
 *     -> wbt_launch_lambda(wbt_cfg(grid, block, shared, stream),
 *                          [&]() { wbt_kernel_entry(); K(args); })
 *   __shared__ TYPE NAME DIMS;
 *     -> static char wbt_key_NAME;
 *        [[maybe_unused]] auto &NAME = *wbt_shared_var<TYPE DIMS>(&wbt_key_NAME);
 *
 * (K is called as written, so its template arguments are deduced from the
 * arguments as nvcc does.) Comments, strings and #line directives are copied
 * as they are, a rewrite keeps the number of lines, and a first #line names
 * IN, so g++ names the lesson lines nvcc would. Something it cannot rewrite is an error at IN:LINE. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *in_name;
static char *src;  /* the whole input */
static char *code; /* code[i]: 1 when src[i] is code, 0 inside a comment, string or literal */
static size_t len;

static int line_of(size_t at)
{
    int line = 1;
    for (size_t i = 0; i < at && i < len; i++)
        line += src[i] == '\n';
    return line;
}

static void die_at(size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: cu2cpp: ", in_name, line_of(at));
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* marks comments, string and character literals and preprocessor lines */
static void mark_code(void)
{
    code = malloc(len + 1);
    if (!code) {
        perror("cu2cpp");
        exit(1);
    }
    int line_start = 1;
    for (size_t i = 0; i < len;) {
        char c = src[i];
        if (line_start && (c == ' ' || c == '\t')) {
            code[i++] = 1;
            continue;
        }
        if (line_start && c == '#') { /* a directive, to the end of its line */
            while (i < len && src[i] != '\n')
                code[i++] = 0;
            continue;
        }
        line_start = c == '\n';
        if (c == '/' && i + 1 < len && src[i + 1] == '/') {
            while (i < len && src[i] != '\n')
                code[i++] = 0;
        } else if (c == '/' && i + 1 < len && src[i + 1] == '*') {
            size_t end = i + 2;
            while (end + 1 < len && !(src[end] == '*' && src[end + 1] == '/'))
                end++;
            end = end + 2 < len ? end + 2 : len;
            while (i < end)
                code[i++] = 0;
        } else if (c == '"' || c == '\'') {
            code[i++] = 0;
            while (i < len && src[i] != c && src[i] != '\n') {
                if (src[i] == '\\' && i + 1 < len)
                    code[i++] = 0;
                code[i++] = 0;
            }
            if (i < len)
                code[i++] = 0;
        } else {
            code[i++] = 1;
        }
    }
}

static int is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* the code text at i is the word w, standing alone */
static int word_at(size_t i, const char *w)
{
    size_t n = strlen(w);
    return i + n <= len && code[i] && !strncmp(src + i, w, n) && (i == 0 || !is_word(src[i - 1])) &&
           (i + n == len || !is_word(src[i + n]));
}

/* the index just past the bracket that closes the one at open */
static size_t close_of(size_t open, char o, char c)
{
    int depth = 0;
    for (size_t i = open; i < len; i++) {
        if (!code[i])
            continue;
        if (src[i] == o)
            depth++;
        else if (src[i] == c && --depth == 0)
            return i + 1;
    }
    die_at(open, "no '%c' closes this '%c'", c, o);
    return 0;
}

/* K<<<: the start of K, an identifier (maybe qualified) with template arguments */
static size_t kernel_start(size_t chevrons)
{
    size_t i = chevrons;
    while (i > 0 && isspace((unsigned char)src[i - 1]))
        i--;
    if (i > 0 && src[i - 1] == '>') { /* template arguments, matched backwards */
        int depth = 0;
        while (i > 0) {
            char c = src[--i];
            if (!code[i])
                continue;
            if (c == '>' && !(i > 0 && src[i - 1] == '-'))
                depth++;
            else if (c == '<' && --depth == 0)
                break;
        }
        if (depth != 0)
            die_at(chevrons, "cannot find the kernel's template arguments before <<<");
    }
    while (i > 0 && (is_word(src[i - 1]) || src[i - 1] == ':'))
        i--;
    if (i == chevrons || !is_word(src[i]))
        die_at(chevrons, "cannot find the kernel before <<<");
    return i;
}

static void put_newlines(FILE *out, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (src[i] == '\n')
            fputc('\n', out);
}

/* K<<<cfg>>>(args): writes the launch, returns the index past its ')' */
static size_t rewrite_launch(FILE *out, size_t k, size_t chevrons)
{
    size_t cfg = chevrons + 3, cfg_end = cfg;
    while (cfg_end + 2 < len && !(code[cfg_end] && !strncmp(src + cfg_end, ">>>", 3)))
        cfg_end++;
    if (cfg_end + 2 >= len)
        die_at(chevrons, "no >>> closes this <<<");
    size_t open = cfg_end + 3;
    while (open < len && isspace((unsigned char)src[open]))
        open++;
    if (open >= len || src[open] != '(')
        die_at(chevrons, "a kernel launch needs its arguments in parentheses after >>>");
    size_t close = close_of(open, '(', ')');
    size_t name_end = chevrons;
    while (name_end > k && isspace((unsigned char)src[name_end - 1]))
        name_end--;
    fputs("wbt_launch_lambda(wbt_cfg(", out);
    fwrite(src + cfg, 1, cfg_end - cfg, out);
    fputs("), [&]() { wbt_kernel_entry(); ", out);
    fwrite(src + k, 1, name_end - k, out);
    fwrite(src + open, 1, close - open, out);
    fputs("; })", out);
    put_newlines(out, name_end, chevrons); /* the lines between K and <<< */
    return close;
}

/* __shared__ TYPE NAME DIMS;: writes the declaration, returns the index past ';' */
static size_t rewrite_shared(FILE *out, size_t at)
{
    size_t decl = at + strlen("__shared__"), semi = decl;
    while (semi < len && !(code[semi] && (src[semi] == ';' || src[semi] == '{')))
        semi++;
    if (semi >= len || src[semi] != ';')
        die_at(at, "a __shared__ declaration must end with ';'");
    for (size_t i = decl; i < semi; i++)
        if (code[i] && (src[i] == '=' || src[i] == ','))
            die_at(at, "the trace shim takes one __shared__ variable per declaration, "
                       "without an initialiser");
    size_t dims = decl; /* the first '[' at depth 0 of () and <> */
    int depth = 0;
    while (dims < semi && !(depth == 0 && src[dims] == '[')) {
        if (src[dims] == '(' || src[dims] == '<')
            depth++;
        else if (src[dims] == ')' || (src[dims] == '>' && src[dims - 1] != '-'))
            depth--;
        dims++;
    }
    size_t name_end = dims;
    while (name_end > decl && isspace((unsigned char)src[name_end - 1]))
        name_end--;
    size_t name = name_end;
    while (name > decl && is_word(src[name - 1]))
        name--;
    if (name == name_end || name == decl)
        die_at(at, "cannot read the type and name of this __shared__ declaration");
    int n = (int)(name_end - name);
    fprintf(out, "static char wbt_key_%.*s; [[maybe_unused]] auto &%.*s = *wbt_shared_var<", n,
            src + name, n, src + name);
    for (size_t i = decl; i < name; i++) /* the type, on one line */
        fputc(src[i] == '\n' ? ' ' : src[i], out);
    for (size_t i = dims; i < semi; i++)
        fputc(src[i] == '\n' ? ' ' : src[i], out);
    fprintf(out, ">(&wbt_key_%.*s);", n, src + name);
    put_newlines(out, at, semi);
    return semi + 1;
}

/* src[from, to) on one line, without __align__(N): the arena is 16-byte aligned */
static void put_type(FILE *out, size_t from, size_t to)
{
    for (size_t t = from; t < to; t++) {
        if (!strncmp(src + t, "__align__", 9)) {
            while (t < to && src[t] != ')')
                t++;
            continue;
        }
        fputc(src[t] == '\n' ? ' ' : src[t], out);
    }
}

/* extern __shared__ [__align__(N)] TYPE NAME[];: the launch's dynamic shared
 * memory, as a pointer (an array of unknown size decays to one anyway);
 * returns the index past ';' */
static size_t rewrite_extern_shared(FILE *out, size_t at)
{
    size_t decl = at + strlen("__shared__"), semi = decl;
    while (semi < len && !(code[semi] && src[semi] == ';'))
        semi++;
    size_t open = decl;
    while (open < semi && src[open] != '[')
        open++;
    if (semi >= len || open + 1 >= semi || src[open + 1] != ']')
        die_at(at, "an extern __shared__ declaration must be TYPE NAME[];");
    size_t name_end = open;
    while (name_end > decl && isspace((unsigned char)src[name_end - 1]))
        name_end--;
    size_t name = name_end;
    while (name > decl && is_word(src[name - 1]))
        name--;
    if (name == name_end)
        die_at(at, "cannot read the name of this extern __shared__ declaration");
    fputs("[[maybe_unused]] ", out);
    put_type(out, decl, name);
    fprintf(out, "*%.*s = (", (int)(name_end - name), src + name);
    put_type(out, decl, name);
    fputs("*)wbt_dynamic_shared();", out);
    put_newlines(out, at, semi);
    return semi + 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cu2cpp IN.cu OUT.cpp\n");
        return 2;
    }
    in_name = argv[1];
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    size_t cap = 1 << 16;
    src = malloc(cap);
    for (size_t n; src && (n = fread(src + len, 1, cap - len, in)) > 0;) {
        len += n;
        if (len == cap)
            src = realloc(src, cap *= 2);
    }
    fclose(in);
    if (!src) {
        perror("cu2cpp");
        return 1;
    }
    mark_code();

    FILE *out = fopen(argv[2], "w");
    if (!out) {
        perror(argv[2]);
        return 1;
    }
    fprintf(out, "#line 1 \"%s\"\n", in_name); /* g++ and the symbols name the .cu, not this file */
    size_t done = 0;                           /* src[0, done) is written */
    for (size_t i = 0; i < len; i++) {
        if (!code[i])
            continue;
        if (i + 2 < len && !strncmp(src + i, "<<<", 3)) {
            size_t k = kernel_start(i);
            if (k < done)
                die_at(i, "cannot rewrite this launch");
            fwrite(src + done, 1, k - done, out);
            done = i = rewrite_launch(out, k, i);
            i--;
        } else if (word_at(i, "__shared__")) {
            size_t start = i;
            int dynamic = i >= 7 && !strncmp(src + start - 7, "extern ", 7);
            if (dynamic)
                start -= 7;
            fwrite(src + done, 1, start - done, out);
            done = i = dynamic ? rewrite_extern_shared(out, i) : rewrite_shared(out, start);
            i--;
        }
    }
    fwrite(src + done, 1, len - done, out);
    if (fclose(out)) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
