-- results.lua: measured results in a chapter, from BOOK_RESULTS/WEEK.json.
--   @@RESULTS WEEK OP [VARIANT...]@@  a table (book/filters/measured.lua):
--                                     GB/s per shape and dtype by variant, or
--                                     one variant's µs, GB/s, % of the copy
--                                     ceiling and ratio against the baseline
--   @@PROGRESSION WEEK OP@@           one line per variant at the largest
--                                     float32 shape, with step speedups
--   @@PLOT WEEK OP@@                  GB/s per variant at every shape, a panel
--                                     per dtype (SVG, gnuplot)
--   ::: {.results week=WEEK op=OP}    the table at the top of the div (.plot:
--                                     the plot)
-- A missing file is a visible note, never a failed build. Data shaping is in
-- book/jq/results.jq.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")
local measured = require("measured")

local function note(week, op, shown)
  return book.note(".no-results", string.format(
    "**No measured results committed yet for this GPU.** The table for %s %s is generated from `%s` once a benchmark run on this GPU is committed.",
    week, op, shown))
end

-- WEEK's results file and its name for readers; the file is nil when missing
local function source(week)
  local json = book.results .. "/" .. week .. ".json"
  return book.exists(json) and json or nil, book.show_path(json)
end

local function table_md(week, op, variants)
  local json, shown = source(week)
  if not json then
    return note(week, op, shown)
  end
  local md = book.jq({ "-e", "--arg", "op", op, 'include "results"; has_op($op)', json })
      and measured.table(json, shown, op, variants)
  if not md then
    book.warn(shown .. " has no readable results for op " .. op)
    return note(week, op, shown)
  end
  return md
end

local function progression_md(week, op)
  local json, shown = source(week)
  if not json then
    return note(week, op, shown)
  end
  local out = { "\n::: {.results-table .progression}\n",
    "| Variant | Shape | µs | GB/s | Step speedup | Cumulative speedup | % of copy ceiling |\n",
    "|:--|--:|--:|--:|--:|--:|--:|\n" }
  local rows = book.jq({ "-r", "--arg", "op", op, 'include "results"; progression_rows($op) | @tsv', json })
  for _, f in ipairs(book.tsv(rows)) do
    out[#out + 1] = string.format("| %s | %s | %s | %s | %s | %s | %s |\n",
      (f[1]:gsub("_", "\\_")), f[2], book.us(f[3]), book.num(f[4], "%.0f"),
      book.num(f[5], "%.2f×"), book.num(f[6], "%.2f×"), book.num(f[7], "%.1f"))
  end
  out[#out + 1] = book.jq({ "-r", "--arg", "src", shown, 'include "results"; progression_caption($src)', json })
  out[#out + 1] = ":::\n\n"
  return table.concat(out)
end

-- the bar chart over every shape: one panel per element type, the shapes
-- along x, a bar per variant; one format for the labels, then book.gnuplot's
-- for the data
local plot_script = [[
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "GB/s"
set grid ytics lc rgb "#dddddd"
]] .. book.plot_axes .. [[
set linetype 1 lc rgb "#3b6fb6"
set linetype 2 lc rgb "#e08a1e"
set linetype 3 lc rgb "#4f9a58"
set linetype 4 lc rgb "#9a4f8f"
set linetype 5 lc rgb "#b8860b"
set linetype 6 lc rgb "#5f6b7a"
set linetype 7 lc rgb "#c0392b"
set multiplot layout %d,1 title "%s %s on %s: GB/s per variant at every shape measured" margins 0.11,0.98,%s,%s spacing 0,%s
do for [k=0:%d] {
  set key at screen 0.5, screen %s center top horizontal samplen 2
  if (k > 0) { unset key }
  set label 1 word("%s", k + 1) at graph 0.03, graph 0.97 left front font ",13"
  set xrange [-0.6:%d-0.4]
  plot for [i=2:%d] "%%s" index k using i:xtic(1) title columnheader(i), \
]] .. book.plot_ceiling .. [[
}
unset multiplot
]]

local function plot_md(week, op)
  local json, shown = source(week)
  if not json then
    return note(week, op, shown)
  end
  local data = book.jq({ "-r", "--arg", "op", op, 'include "results"; plot_blocks($op)', json })
  if not data or data == "" then
    book.warn(shown .. " has no plottable results for op " .. op)
    return note(week, op, shown)
  end
  local labels = book.tsv(book.jq({ "-r", "--arg", "op", op, 'include "results"; plot_labels($op) | @tsv', json }))[1]
  local gpu, ceiling, names, groups, variants = labels[1], labels[2], labels[3], tonumber(labels[4]), tonumber(labels[5])
  local panels = #book.words(names)
  -- the panels share one key, between the title and the first panel
  local height = 140 + 250 * panels
  local frac = function(px) return string.format("%.4f", px / height) end
  book.gnuplot(book.img .. "/" .. week .. "-" .. op .. ".svg",
    string.format(plot_script, ceiling, panels, week, op, gpu, frac(40), frac(height - 120), frac(70),
      panels - 1, frac(height - 35), names, groups, variants + 1),
    data, week .. " " .. op, { 760, height })
  return string.format("\n![%s %s: GB/s per variant at every shape measured (a panel per element type when there are several shapes), on %s; the dashed line is the copy ceiling measured in the same run (%.0f GB/s). Source: `%s`.](img/%s-%s.svg){.results-plot}\n\n",
    week, op, gpu, tonumber(ceiling), shown, week, op)
end

local expand = {
  RESULTS = function(a)
    local variants = {}
    for i = 3, #a do variants[#variants + 1] = a[i] end
    return table_md(a[1], a[2], variants)
  end,
  PROGRESSION = function(a) return progression_md(a[1], a[2]) end,
  PLOT = function(a) return plot_md(a[1], a[2]) end,
}

return {
  {
    Para = function(p)
      local kind, args = book.marker(p)
      if expand[kind] and #args >= 2 then
        return book.blocks(expand[kind](args))
      end
    end,
    Div = function(d)
      local kind = d.classes:includes("results") and "RESULTS" or d.classes:includes("plot") and "PLOT"
      if kind and d.attributes.week and d.attributes.op then
        local blocks = book.blocks(expand[kind]({ d.attributes.week, d.attributes.op }))
        for i = #blocks, 1, -1 do
          d.content:insert(1, blocks[i])
        end
        return d
      end
    end,
  },
}
