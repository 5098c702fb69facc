/* svg.c: see svg.h. */
#include "svg.h"

#include <math.h>
#include <stdarg.h>

static void escaped(FILE *f, const char *t)
{
    for (; *t; t++)
        switch (*t) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*t, f);
        }
}

void svg_begin(svg *s, FILE *f, double width, double height, const char *title)
{
    s->f = f;
    s->width = width;
    s->height = height;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
            "<title>",
            width, height, width, height);
    escaped(f, title);
    fprintf(f, "</title>\n<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
               "markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\">"
               "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"" SVG_INK "\"/></marker></defs>\n");
    svg_rect(s, 0, 0, width, height, "#ffffff", NULL);
    svg_text(s, 12, 22, 14, "start", SVG_INK, "%s", title);
}

void svg_end(svg *s)
{
    fputs("</svg>\n", s->f);
}

void svg_rect(svg *s, double x, double y, double w, double h, const char *fill, const char *stroke)
{
    fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"", x, y, w,
            h, fill ? fill : "none");
    if (stroke)
        fprintf(s->f, " stroke=\"%s\" stroke-width=\"0.8\"", stroke);
    fputs("/>\n", s->f);
}

void svg_line(svg *s, double x1, double y1, double x2, double y2, const char *stroke, double width)
{
    fprintf(s->f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"%.2f\"/>\n",
            x1, y1, x2, y2, stroke, width);
}

void svg_arrow(svg *s, double x1, double y1, double x2, double y2, const char *stroke)
{
    fprintf(s->f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"1\" marker-end=\"url(#head)\"/>\n",
            x1, y1, x2, y2, stroke);
}

void svg_circle(svg *s, double x, double y, double r, const char *fill, const char *stroke)
{
    fprintf(s->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"", x, y, r,
            fill ? fill : "none");
    if (stroke)
        fprintf(s->f, " stroke=\"%s\" stroke-width=\"0.8\"", stroke);
    fputs("/>\n", s->f);
}

void svg_text(svg *s, double x, double y, double size, const char *anchor, const char *fill,
              const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(s->f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">",
            x, y, size, anchor, fill);
    escaped(s->f, buf);
    fputs("</text>\n", s->f);
}

const char *svg_colour(int k, int n)
{
    /* Okabe and Ito's palette, told apart with most colour vision deficiencies */
    static const char *palette[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7",
                                    "#56b4e9", "#d55e00", "#f0e442", "#999999"};
    static char buf[8][8];
    static int next;
    if (n <= 8)
        return palette[((k % 8) + 8) % 8];
    /* more categories: hues around the circle, alternating lightness */
    double h = fmod((double)k / n * 360.0, 360.0), l = k % 2 ? 0.42 : 0.62, c = 0.55;
    double hp = h / 60, x = c * (1 - fabs(fmod(hp, 2) - 1)), r = 0, g = 0, b = 0;
    if (hp < 1)
        r = c, g = x;
    else if (hp < 2)
        r = x, g = c;
    else if (hp < 3)
        g = c, b = x;
    else if (hp < 4)
        g = x, b = c;
    else if (hp < 5)
        r = x, b = c;
    else
        r = c, b = x;
    double m = l - c / 2;
    char *out = buf[next++ % 8];
    snprintf(out, sizeof buf[0], "#%02x%02x%02x", (int)((r + m) * 255), (int)((g + m) * 255),
             (int)((b + m) * 255));
    return out;
}

const char *svg_tint(int k, int n)
{
    static char buf[8][16];
    static int next;
    unsigned r, g, b;
    if (sscanf(svg_colour(k, n), "#%2x%2x%2x", &r, &g, &b) != 3)
        return "#eeeeee";
    char *out = buf[next++ % 8];
    snprintf(out, sizeof buf[0], "#%02x%02x%02x", ((r & 255) + 3 * 255) / 4,
             ((g & 255) + 3 * 255) / 4, ((b & 255) + 3 * 255) / 4);
    return out;
}
