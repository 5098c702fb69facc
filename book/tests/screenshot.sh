# shellcheck shell=bash
# book/tests/screenshot.sh: a book page as readers' browsers show it (sourced by the book's
# tests; needs tap.sh and WORK).
#
#   shoot DIR PAGE SHOTDIR
#   layout DIR PAGE WIDTH SCHEME   (DIR absolute) the layout probe's findings alone, one a line
#
# shoot opens PAGE.html of DIR in headless chromium at 1280 and 390 px wide, in the light and dark
# scheme (prefers-color-scheme, --force-dark-mode), and for each of the four:
#   - saves a screenshot, SHOTDIR/PAGE-WIDTH-SCHEME.png;
#   - runs the layout probe (book/tests/layout.js) and saves its findings,
#     SHOTDIR/PAGE-WIDTH-SCHEME.layout; one TAP assertion checks that it found no problem (line
#     numbers that overlap, a page wider than the screen, text without contrast, an image that
#     did not load), one the scheme, and at 1280 px one that the prose runs 55 to 80 characters
#     a line.
# The page sits in an iframe of the width under test: headless chromium's window is never
# narrower than 500 px, so a window of 390 would lay the page out at 500 and crop it.
# Browser console errors are collected in console_errors.
console_errors=""
BOOK_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# chromium_run LOG ARGS...: headless chromium with a fresh profile
chromium_run() {
    local log=$1 profile
    shift
    profile=$(mktemp -d "$WORK/chromium.XXXXXX")
    timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --hide-scrollbars --allow-file-access-from-files --user-data-dir="$profile" \
        --enable-logging=stderr --v=0 "$@" 2>"$log"
}

# harness DIR PAGE WIDTH: writes the harness page for PAGE.html of DIR at WIDTH px, prints its path
harness() {
    local out=$WORK/harness-$2-$3.html
    cat >"$out" <<EOF
<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>html, body { margin: 0; } iframe { border: 0; display: block; }</style>
<script src="file://$BOOK_TESTS_DIR/layout.js"></script></head>
<body><pre id="layout" style="display: none"></pre>
<iframe id="page" onload="layoutProbe(this)" src="file://$1/$2.html" style="width: ${3}px; height: 2000px"></iframe></body></html>
EOF
    printf '%s\n' "$out"
}

# layout DIR PAGE WIDTH SCHEME: the layout probe's findings (DIR absolute; SCHEME light or dark)
layout() {
    local dark=() h
    [ "$4" = light ] || dark=(--force-dark-mode)
    h=$(harness "$1" "$2" "$3")
    chromium_run "$WORK/chromium.log" "${dark[@]}" --window-size="$3,2000" --dump-dom "file://$h" |
        sed -n '/<pre id="layout"/,/<\/pre>/p' |
        sed -e 's/<[^>]*>//g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}

shoot() {
    local dir=$1 page=$2 shots=$3 width scheme shot dark report errs pct lum
    dir=$(cd "$dir" && pwd)
    mkdir -p "$shots"
    for width in 1280 390; do
        for scheme in light dark; do
            dark=()
            [ "$scheme" = light ] || dark=(--force-dark-mode)
            shot=$shots/$page-$width-$scheme.png
            rm -f "$shot"
            chromium_run "$WORK/chromium.log" "${dark[@]}" --window-size="$width,2000" \
                --screenshot="$shot" "file://$(harness "$dir" "$page" "$width")" >/dev/null
            if [ -s "$shot" ]; then
                pass "screenshot $page.html at $width px, $scheme"
            else
                fail "screenshot $page.html at $width px, $scheme" "$(tail -5 "$WORK/chromium.log")"
            fi
            errs=$(grep -E 'Uncaught|ERROR:CONSOLE|CONSOLE.*(Error|Failed)' "$WORK/chromium.log" || true)
            [ -z "$errs" ] || console_errors="$console_errors$page@$width/$scheme: $errs"$'\n'
            report=$(layout "$dir" "$page" "$width" "$scheme")
            printf '%s\n' "$report" >"$shots/$page-$width-$scheme.layout"
            if ! grep -q '^measure ' <<<"$report"; then
                fail "layout of $page.html at $width px, $scheme: the probe ran" "$(tail -5 "$WORK/chromium.log")"
                continue
            fi
            same "layout of $page.html at $width px, $scheme: no overlapping line numbers, no sideways scrolling, legible text, every image shown" \
                "" "$(grep '^problem ' <<<"$report" | head -n 20)"
            lum=$(sed -n 's/^measure background-luminance //p' <<<"$report")
            if [ "$scheme" = dark ]; then
                check "$page.html at $width px follows the dark scheme (background luminance $lum)" awk "BEGIN { exit !($lum < 0.05) }"
            else
                check "$page.html at $width px follows the light scheme (background luminance $lum)" awk "BEGIN { exit !($lum > 0.85) }"
            fi
            pct=$(sed -n 's/^measure prose-chars-per-line //p' <<<"$report")
            if [ "$width" = 1280 ] && [ "${pct:-0}" != 0 ]; then
                check "$page.html at $width px, $scheme: prose runs 55 to 80 characters a line ($pct)" \
                    awk "BEGIN { exit !($pct >= 55 && $pct <= 80) }"
            fi
        done
    done
}
