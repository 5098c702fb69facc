# shellcheck shell=bash
# book/tests/screenshot.sh: shoot DIR PAGE SHOTDIR (sourced by the book's
# tests): PAGE.html of DIR at 1280 and 390 px into SHOTDIR/PAGE-WIDTH.png
# with headless chromium, one TAP assertion per width; browser console
# errors are collected in console_errors. Needs tap.sh and WORK.
console_errors=""
shoot() {
    local dir=$1 page=$2 shots=$3 width shot profile errs
    mkdir -p "$shots"
    for width in 1280 390; do
        shot=$shots/$page-$width.png
        rm -f "$shot"
        profile=$(mktemp -d "$WORK/chromium.XXXXXX")
        timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
            --disable-background-networking --disable-component-update --disable-sync \
            --no-first-run --hide-scrollbars --user-data-dir="$profile" \
            --enable-logging=stderr --v=0 \
            --screenshot="$shot" --window-size="$width,2000" \
            "file://$(cd "$dir" && pwd)/$page.html" >"$WORK/chromium.log" 2>&1
        if [ -s "$shot" ]; then
            pass "screenshot $page.html at $width px"
        else
            fail "screenshot $page.html at $width px" "$(tail -5 "$WORK/chromium.log")"
        fi
        errs=$(grep -E 'Uncaught|ERROR:CONSOLE|CONSOLE.*(Error|Failed)' "$WORK/chromium.log" || true)
        [ -z "$errs" ] || console_errors="$console_errors$page@$width: $errs"$'\n'
    done
}
