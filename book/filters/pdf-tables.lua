-- pdf-tables.lua: every table of a page fits the PDF's page (book/pdf.sh
-- runs it after pdf-page.lua). A table is set in small type; one whose
-- columns, written out, are wider than the text gets column widths (LaTeX
-- then wraps their cells, at spaces and after underscores) that give each
-- column its longest word and share the rest in proportion to its text; one
-- whose longest words alone are too wide goes down to footnote or script
-- size, and one that still cannot fit turns the page (landscape, pdflscape). Widths are estimated in characters: about
-- BUDGET[size] average characters fit the text width at each size (A4,
-- 2.2 cm margins, 10 pt body, as pdf.sh sets them).

local sizes = {
  { name = "small", budget = 92 },
  { name = "footnotesize", budget = 106 },
  { name = "scriptsize", budget = 124 },
}
local landscape_factor = 1.45 -- the text height over the text width
local pad = 3 -- a column's padding (two \tabcolsep), in characters
local slack = 1.5 -- what a word of capitals (GB/s, DRAM) takes beyond its characters

-- the text of a cell, and its longest run a line cannot break (spaces, and
-- after underscores, where book/pdf-header.tex allows one, are places to break)
local function measure(cell)
  local text = pandoc.utils.stringify(cell.contents or cell)
  local longest = 0
  for word in text:gmatch("[^%s_]+_?") do
    longest = math.max(longest, utf8.len(word) or #word)
  end
  return utf8.len(text) or #text, longest
end

local function rows_of(tbl)
  local rows = {}
  for _, r in ipairs(tbl.head.rows) do rows[#rows + 1] = r end
  for _, body in ipairs(tbl.bodies) do
    for _, r in ipairs(body.head) do rows[#rows + 1] = r end
    for _, r in ipairs(body.body) do rows[#rows + 1] = r end
  end
  return rows
end

local function sum(list)
  local s = 0
  for _, x in ipairs(list) do s = s + x end
  return s
end

-- per column: the longest body cell, and the longest word of any cell (a
-- header may wrap onto several lines; a number should not)
local function columns(tbl)
  local n = #tbl.colspecs
  local natural, word = {}, {}
  for c = 1, n do natural[c], word[c] = 1, 1 end
  local function scan(rows, is_head)
    for _, row in ipairs(rows) do
      local c = 1
      for _, cell in ipairs(row.cells) do
        local len, longest = measure(cell)
        local span = cell.col_span or 1
        if span == 1 and c <= n then
          word[c] = math.max(word[c], longest)
          if not is_head then natural[c] = math.max(natural[c], len) end
        end
        c = c + span
      end
    end
  end
  scan(tbl.head.rows, true)
  for _, body in ipairs(tbl.bodies) do
    scan(body.head, true)
    scan(body.body, false)
  end
  -- a word in capitals or a header of symbols is wider than average text
  for c = 1, n do
    word[c] = word[c] + slack
    natural[c] = math.max(natural[c], word[c])
  end
  return natural, word
end

-- widths (fractions of the text width) that give each column its longest
-- word and share what is left in proportion to the rest of its text
local function widths(natural, word, room)
  local n, extra = #natural, {}
  for c = 1, n do extra[c] = natural[c] - word[c] end
  local spare, extra_sum, w = room - sum(word), sum(extra), {}
  for c = 1, n do
    local chars = word[c] + (extra_sum > 0 and math.max(0, spare) * extra[c] / extra_sum or 0)
    w[c] = math.min(chars, natural[c]) / room
  end
  return w
end

function Table(tbl)
  local n = #tbl.colspecs
  local natural, word = columns(tbl)
  -- the largest size at which the table fits, its cells wrapped if need be
  local size, turn, wrap
  for _, s in ipairs(sizes) do
    if sum(word) + pad * n <= s.budget then
      size, wrap = s, sum(natural) + pad * n > s.budget
      break
    end
  end
  if not size then
    size, turn, wrap = sizes[#sizes], true, true
  end
  local room = size.budget * (turn and landscape_factor or 1) - pad * n
  -- widths make LaTeX wrap: always when cells must wrap, and when a header
  -- is wider than its column's cells
  local header_wraps = false
  for _, row in ipairs(tbl.head.rows) do
    for c, cell in ipairs(row.cells) do
      if c <= n and measure(cell) > natural[c] then header_wraps = true end
    end
  end
  if wrap or header_wraps then
    local w = widths(natural, word, wrap and room or sum(natural))
    if not wrap then
      for c = 1, n do w[c] = w[c] * sum(natural) / room end
    end
    for c = 1, n do tbl.colspecs[c] = { tbl.colspecs[c][1], w[c] } end
  end
  local open, close = "\\begingroup\\" .. size.name, "\\endgroup"
  if turn then
    open, close = "\\begin{landscape}" .. open, close .. "\\end{landscape}"
  end
  return { pandoc.RawBlock("latex", open), tbl, pandoc.RawBlock("latex", close) }
end
