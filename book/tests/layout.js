// layout.js: measures a book page as a reader's browser lays it out (book/tests/screenshot.sh).
// The harness page (screenshot.sh writes it) loads this script, then holds the page in an iframe
// of the width under test, so that a phone's 390 px is the page's real viewport (headless
// chromium's window is never narrower than 500 px); when the iframe has loaded, with its images,
// layoutProbe writes one line per finding into <pre id="layout">, which chromium's --dump-dom
// prints (the parent's load, after which it dumps, waits for the iframe's):
//   problem TEXT        something a reader would see wrong (the test fails on any)
//   measure NAME VALUE  a figure the test checks against its bounds
// Run with --allow-file-access-from-files, which lets the harness read the page's document.
"use strict";

function layoutReport(frame) {
  const doc = frame.contentDocument, win = frame.contentWindow, out = [];
  const problem = (text) => out.push("problem " + text);
  const measure = (name, value) => out.push("measure " + name + " " + value);
  const where = (el) => {
    const chunk = el.closest(".chunk");
    return (chunk && chunk.id ? "#" + chunk.id + " " : "") + (el.id ? "#" + el.id : el.tagName.toLowerCase());
  };

  // Line numbers: every numbered code line's number is its own box, below the previous line's
  // number and left of the code, and lines are evenly spaced (a blank line once took no
  // height, so numbers piled up; one taller than the others leaves a gap).
  let lines = 0;
  doc.querySelectorAll("pre.numberSource").forEach((pre) => {
    const seen = [];
    pre.querySelectorAll("code > span").forEach((line) => {
      const num = line.querySelector(":scope > a:first-child");
      if (!num) return;
      lines++;
      const r = num.getBoundingClientRect(), prev = seen.length ? seen[seen.length - 1].r : null;
      const text = line.getBoundingClientRect().left + parseFloat(win.getComputedStyle(line).paddingLeft);
      if (r.height < 1) problem("line number of " + where(line) + " has no height");
      if (prev && r.top < prev.bottom - 0.5)
        problem("line number of " + where(line) + " overlaps the one above it by " + (prev.bottom - r.top).toFixed(1) + " px");
      if (r.right > text + 0.5) problem("line number of " + where(line) + " runs into the code");
      seen.push({ line: line, r: r });
    });
    const steps = seen.slice(1).map((s, i) => s.r.top - seen[i].r.top);
    const usual = steps.slice().sort((a, b) => a - b)[steps.length >> 1];
    steps.forEach((d, i) => {
      if (Math.abs(d - usual) > 1)
        problem("line " + where(seen[i + 1].line) + " is " + d.toFixed(1) + " px below the one above it, the others " + usual.toFixed(1) + " px");
    });
  });
  measure("numbered-lines", lines);

  // The page never scrolls sideways: wide tables and code scroll inside their own boxes.
  const root = doc.documentElement;
  measure("overflow-px", Math.max(0, root.scrollWidth - root.clientWidth));
  if (root.scrollWidth > root.clientWidth + 1) {
    // name the outermost elements that stick out (not those inside a box that scrolls)
    const scrolls = (el) => /(auto|scroll|hidden)/.test(win.getComputedStyle(el).overflowX);
    const wide = Array.from(doc.body.querySelectorAll("*")).filter((el) => {
      if (el.getBoundingClientRect().right <= root.clientWidth + 1) return false;
      for (let a = el.parentElement; a && a !== doc.body; a = a.parentElement)
        if (scrolls(a) || a.getBoundingClientRect().right > root.clientWidth + 1) return false;
      return true;
    });
    problem("the page is " + root.scrollWidth + " px wide in a " + root.clientWidth + " px viewport: " +
            wide.slice(0, 3).map((el) => where(el) + (el.className ? "." + String(el.className).split(" ")[0] : "") +
                                 " \"" + el.textContent.trim().slice(0, 40) + "\"").join(", "));
  }

  // The prose measure: characters per line of the paragraphs of running text (three lines or more).
  const perLine = [];
  doc.querySelectorAll("main p").forEach((p) => {
    if (p.closest(".chunk, table, figure, .note, .you-write, nav, details")) return;
    const style = win.getComputedStyle(p), text = p.textContent.replace(/\s+/g, " ").trim();
    const n = Math.round(p.getBoundingClientRect().height / parseFloat(style.lineHeight));
    if (n >= 3 && text.length > 200) perLine.push(text.length / n);
  });
  perLine.sort((a, b) => a - b);
  measure("prose-chars-per-line", perLine.length ? perLine[perLine.length >> 1].toFixed(1) : 0);

  // Colours: the scheme the reader asked for, and text that stands out from its background.
  const rgb = (c) => (c.match(/[\d.]+/g) || [0, 0, 0]).slice(0, 3).map(Number);
  const lum = (c) => {
    const v = rgb(c).map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const contrast = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const bg = (el) => {
    for (; el; el = el.parentElement) {
      const c = win.getComputedStyle(el).backgroundColor;
      if (c && !/rgba\(.*,\s*0\)$/.test(c) && c !== "transparent") return c;
    }
    return "rgb(255, 255, 255)";
  };
  measure("background-luminance", lum(bg(doc.body)).toFixed(3));
  const pairs = [["main p", 4.5], ["pre code", 4.5], ["pre.numberSource code > span > a:first-child", 3], ["figcaption, caption", 4.5]];
  pairs.forEach(([sel, min]) => {
    const el = doc.querySelector(sel);
    if (!el) return;
    const c = contrast(win.getComputedStyle(el).color, bg(el));
    if (c < min) problem(sel + " has a contrast of " + c.toFixed(2) + " with its background (at least " + min + ")");
  });

  // Images: each one loaded and drawn; their sources for the test to hold against the variants.
  Array.from(doc.images).forEach((img) => {
    if (!img.complete || img.naturalWidth === 0) problem("image " + img.getAttribute("src") + " did not load");
    else if (img.getBoundingClientRect().width < 1) problem("image " + img.getAttribute("src") + " is not shown");
    out.push("image " + img.getAttribute("src"));
  });
  return out.join("\n") + "\n";
}

// the harness's iframe calls this from its onload attribute, which is in place before the
// iframe starts loading, so the load cannot be missed
function layoutProbe(frame) {
  let report;
  try {
    report = layoutReport(frame);
  } catch (e) {
    report = "problem the layout probe failed: " + e + "\n";
  }
  document.getElementById("layout").textContent = report;
}
