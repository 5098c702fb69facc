-- versus.lua: a lesson set against other implementations of the same op.
--   @@VERSUS WEEK OP PEER...@@
-- reads BOOK_RESULTS/WEEK.json and, per PEER, BOOK_RESULTS/WEEK-PEER.json
-- (same schema; bench/torch_softmax.py writes week2-torch.json). A peer file
-- may hold several peers (a "peer" field per result, e.g. eager and
-- compiled). It becomes a table with one line per element type and shape a
-- peer measured, and a plot of GB/s over the row length (lesson solid, each
-- peer dashed in its own pattern). A missing file is a visible note naming
-- it; the peers that are there are still shown. Shaping: book/jq/versus.jq.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

local function label(suffix)
  return book.jq1({ "-rn", "--arg", "s", suffix, 'include "versus"; $s | peer_label' })
end

local function note(week, op, suffix, lesson, other)
  local missing = {}
  for _, f in ipairs({ lesson, other }) do
    if not book.exists(f) then missing[#missing + 1] = "`" .. book.show_path(f) .. "`" end
  end
  return book.note(".no-results", string.format(
    "**No measured results committed yet for this GPU.** The comparison of %s %s with %s is generated from `%s` and `%s` once both are committed; missing: %s.",
    week, op, label(suffix), book.show_path(lesson), book.show_path(other), table.concat(missing, " and ")))
end

local function table_md(week, op, lesson, peers, peers_json, pairs)
  local n = #peers
  local head, align = { "| Shape | dtype |" }, { "|--:|:--|" }
  for _, p in ipairs(peers) do
    head[#head + 1] = " " .. p.name .. " µs |"
    align[#align + 1] = "--:|"
  end
  head[#head + 1] = " Best lesson variant | Lesson µs |"
  align[#align + 1] = ":--|--:|"
  for _, p in ipairs(peers) do
    head[#head + 1] = n == 1 and " Speedup |" or " Speedup vs " .. p.name .. " |"
    align[#align + 1] = "--:|"
  end
  head[#head + 1] = " Lesson % of copy ceiling |\n"
  align[#align + 1] = "--:|\n"
  local out = { "\n::: {.results-table .versus}\n", table.concat(head), table.concat(align) }
  for _, f in ipairs(book.tsv(book.jq({ "-r", 'include "versus"; table_rows | @tsv' }, pairs))) do
    local theirs, speedups = {}, {}
    for i = 1, n do
      local ms, status, speedup = f[3 + 3 * i], f[4 + 3 * i], f[5 + 3 * i]
      theirs[i] = status == "ok" and book.us(ms) or status == "none" and "–"
          or "**" .. book.cell(status) .. "**"
      speedups[i] = book.num(speedup, "%.2f×")
    end
    out[#out + 1] = string.format("| %s | %s | %s | %s | %s | %s | %s |\n", f[1], book.cell(f[2]),
      table.concat(theirs, " | "), f[3] == "" and "*none passed*" or book.cell(f[3]),
      book.us(f[4]), table.concat(speedups, " | "), book.num(f[5], "%.1f"))
  end
  out[#out + 1] = book.jq({ "-r", "--arg", "week", week, "--arg", "op", op, "--slurpfile", "L", lesson,
    "--arg", "lsrc", book.show_path(lesson), "--argjson", "peers", peers_json,
    'include "versus"; caption($week; $op; $L[0]; $lsrc; $peers)', "-n" })
  out[#out + 1] = ":::\n\n"
  return table.concat(out)
end

-- the plot: one format for the labels, then book.gnuplot's for the data.
-- One colour per element type, as in the bar charts; the lesson solid, each
-- peer dashed in its own pattern (dt 1 + ...: gnuplot reads "dt (" as a dash
-- pattern); g columns per element type: the lesson's, then one per peer.
local plot_script = [[
set key outside top center horizontal
set title "%s %s against %s over row length on %s"
set xlabel "row length (columns, log scale)"
set ylabel "GB/s"
set logscale x 2
set xrange [%s/1.4:%s*1.4]
set grid xtics ytics lc rgb "#dddddd"
]] .. book.plot_axes .. [[
colours = "#3b6fb6 #e08a1e #4f9a58 #9a4f8f"
g = %d
plot for [i=2:%d] "%%s" using 1:i:xtic(1) with linespoints lw 2 \
        dt 1 + (i - 2) %%%% g pt ((i - 2) %%%% g == 0 ? 7 : 6) ps 0.8 lc rgb word(colours, (i - 2) / g + 1) \
        title columnheader(i), \
]] .. book.plot_ceiling .. [[]]

local function plot_md(week, op, suffixes, lesson, peers, pairs, peers_json)
  local data = book.jq({ "-r", "--argjson", "peers", peers_json, 'include "versus"; plot_rows($peers) | @tsv' }, pairs)
  local rows = book.tsv(data)
  local names = {}
  for i, p in ipairs(peers) do names[i] = p.name end
  local against = table.concat(names, " and ")
  local any = false
  for r = 2, #rows do
    for c = 2, #rows[r] do any = any or rows[r][c] ~= "-" end
  end
  if not any then
    book.warn(week .. " " .. op .. " against " .. against .. ": nothing to plot")
    return ""
  end
  local env = book.tsv(book.jq({ "-r", '[.env.copy_ceiling_gbps // 0, .env.gpu // "unknown GPU", .env.commit // "?"] | @tsv', lesson }))[1]
  local name = week .. "-" .. op .. "-vs-" .. table.concat(suffixes, "-and-")
  book.gnuplot(book.img .. "/" .. name .. ".svg", string.format(plot_script, week, op, against, env[2],
    rows[2][1], rows[#rows][1], env[1], 1 + #peers, #rows[1]), data, week .. " " .. op .. " against " .. against)
  local shapes = book.jq1({ "-r", 'include "versus"; plot_shapes' }, pairs)
  local commits, sources = {}, { "`" .. book.show_path(lesson) .. "`" }
  for i, p in ipairs(peers) do
    commits[i] = p.name .. " commit " .. (p.env.commit or "?")
    sources[#sources + 1] = "`" .. p.src .. "`"
  end
  return string.format("\n![%s %s against %s over row length on %s: GB/s of the best lesson variant (solid) and of %s (dashed) per element type, at %s; the dashed red line is the copy ceiling measured in the lesson run (%.0f GB/s). Lesson commit %s, %s. Source: %s.](img/%s.svg){.results-plot}\n\n",
    week, op, against, env[2], against, shapes, tonumber(env[1]), env[3], table.concat(commits, ", "),
    table.concat(sources, " and "), name)
end

local function versus_md(week, op, suffixes)
  local lesson = book.results .. "/" .. week .. ".json"
  local notes, files, meta, present = {}, {}, {}, {}
  for _, s in ipairs(suffixes) do
    local other = book.results .. "/" .. week .. "-" .. s .. ".json"
    if not book.exists(lesson) or not book.exists(other) then
      notes[#notes + 1] = note(week, op, s, lesson, other)
    else
      files[#files + 1] = other
      present[#present + 1] = s
      meta[#meta + 1] = string.format('{"src":%s,"suffix":%s}', book.json_str(book.show_path(other)), book.json_str(s))
    end
  end
  if #files == 0 then return table.concat(notes) end
  local args = { "-c", "-n", "--argjson", "meta", "[" .. table.concat(meta, ",") .. "]",
    '[inputs] as $d | [range(0; $meta | length) as $i | $meta[$i] + {doc: $d[$i]}]' }
  for _, f in ipairs(files) do args[#args + 1] = f end
  local peers_json = book.jq({ "-c", 'include "versus"; peers(.)' }, book.jq(args))
  local pairs = peers_json and book.jq({ "-c", "--arg", "op", op, "--slurpfile", "L", lesson,
    "--argjson", "peers", peers_json, 'include "versus"; pairs($op; $L[0]; $peers)', "-n" })
  if not pairs or pairs == "[]\n" then
    for i, s in ipairs(present) do
      book.warn(book.show_path(files[i]) .. " has no readable results for op " .. op)
      notes[#notes + 1] = note(week, op, s, lesson, files[i])
    end
    return table.concat(notes)
  end
  local peers = {}
  for _, row in ipairs(book.tsv(book.jq({ "-r", '.[] | [.name, .src, .env.gpu // "", .env.commit // "?"] | @tsv' }, peers_json))) do
    peers[#peers + 1] = { name = row[1], src = row[2], env = { gpu = row[3], commit = row[4] } }
  end
  local lgpu = book.jq({ "-r", ".env.gpu // \"\"", lesson })
  for _, p in ipairs(peers) do
    if p.env.gpu .. "\n" ~= lgpu then
      book.warn(book.show_path(lesson) .. " and " .. p.src .. " name different GPUs")
    end
  end
  return table_md(week, op, lesson, peers, peers_json, pairs) .. plot_md(week, op, present, lesson, peers, pairs, peers_json)
      .. table.concat(notes)
end

return {
  {
    Para = function(p)
      local kind, args = book.marker(p)
      if kind ~= "VERSUS" then return nil end
      if #args < 3 then
        book.die(string.format("build.sh: @@VERSUS %s@@: write @@VERSUS WEEK OP PEER...@@, with at least one peer",
          table.concat(args, " ")))
      end
      return book.blocks(versus_md(args[1], args[2], { table.unpack(args, 3) }))
    end,
  },
}
