-- measured.lua: the table of an op's measured results (a module: require
-- "measured"), for the chapters (results.lua) and the results appendix
-- (appendix.lua). Data shaping in book/jq/results.jq; here only the format:
--   two variants or more: pivoted, one row per shape and element type, one
--     column of GB/s per variant in the lesson's order, the fastest in bold,
--     and the baseline's GB/s;
--   one variant: its µs, GB/s, % of the copy ceiling and ratio against the
--     baseline per shape and element type.
-- Numbers have fixed decimals per column; a failed result shows its category
-- in italics, a missing one a dash.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

local M = {}

local function list_json(names)
  local q = {}
  for i, v in ipairs(names) do q[i] = book.json_str(v) end
  return "[" .. table.concat(q, ",") .. "]"
end

local function pivot_cell(c)
  if c == "" then return "–" end
  local failed = c:match("^=(.*)$")
  if failed then return "*" .. book.cell(failed) .. "*" end
  local best = c:match("^%*(.*)$")
  if best then return "**" .. best .. "**" end
  return c
end

local function pivot_md(json, op, want)
  local rows = book.tsv(book.jq({ "-r", "--arg", "op", op, "--argjson", "want", want,
    'include "results"; pivot($op; $want) | @tsv', json }))
  local variants = table.remove(rows, 1) or {}
  local with_baseline = false
  for _, r in ipairs(rows) do
    if r[#r] ~= "" then with_baseline = true end
  end
  local head, align = { "Shape", "dtype" }, { "--:", ":--" }
  for _, v in ipairs(variants) do
    head[#head + 1] = book.breakable(v)
    align[#align + 1] = "--:"
  end
  if with_baseline then
    head[#head + 1] = "Baseline"
    align[#align + 1] = "--:"
  end
  local out = { "| " .. table.concat(head, " | ") .. " |\n", "|" .. table.concat(align, "|") .. "|\n" }
  for _, r in ipairs(rows) do
    local cells = { r[1], r[2] }
    for i = 1, #variants do cells[#cells + 1] = pivot_cell(r[2 + i]) end
    if with_baseline then cells[#cells + 1] = r[#r] == "" and "–" or r[#r] end
    out[#out + 1] = "| " .. table.concat(cells, " | ") .. " |\n"
  end
  return table.concat(out)
end

local function variant_md(json, op, variant)
  local out = { "| Shape | dtype | µs | GB/s | % of copy ceiling | vs baseline |\n",
    "|--:|:--|--:|--:|--:|--:|\n" }
  local rows = book.jq({ "-r", "--arg", "op", op, "--arg", "v", variant,
    'include "results"; variant_rows($op; $v) | @tsv', json })
  for _, f in ipairs(book.tsv(rows)) do
    if f[3] ~= "ok" then
      out[#out + 1] = string.format("| %s | %s | *%s* | – | – | – |\n", f[1], f[2], book.cell(f[3]))
    else
      out[#out + 1] = string.format("| %s | %s | %s | %s | %s | %s |\n", f[1], f[2], book.us(f[4]),
        book.num(f[5], "%.0f"), book.num(f[6], "%.1f"), book.num(f[7], "%.2f×"))
    end
  end
  return table.concat(out)
end

-- The table of OP's results in JSON (named SHOWN for readers), narrowed to
-- the variants listed in WANT (empty: all), with its caption, in a div of
-- class results-table; nil when the file holds no result of OP.
function M.table(json, shown, op, want)
  want = list_json(want or {})
  local variants = book.tsv(book.jq({ "-r", "--arg", "op", op, "--argjson", "want", want,
    'include "results"; of_op($op; $want) | variants_of | @tsv', json }))[1] or {}
  if #variants == 0 then
    return nil
  end
  local pivot = #variants > 1
  local body = pivot and pivot_md(json, op, want) or variant_md(json, op, variants[1])
  local caption = book.jq({ "-r", "--arg", "op", op, "--argjson", "pivot", tostring(pivot), "--arg", "src", shown,
    'include "results"; table_caption($op; $pivot; $src)', json })
  if not pivot then
    caption = ": " .. book.md_text(variants[1]) .. ": " .. caption:sub(3)
  end
  return "\n::: {.results-table" .. (pivot and " .pivot" or "") .. "}\n" .. body .. caption .. ":::\n\n"
end

return M
