-- exercises.lua: the lesson's exercises as "you write this" blocks, never
-- their markup. A solution region (ci/CONVENTIONS.md) sits in a code chunk
-- between `// SOLUTION BEGIN: WHAT` and `// SOLUTION END`, its stub in
-- `//:` lines after the BEGIN. Where the regions are comes from the one
-- reader of that markup, `ci/student-edition.sh regions` (book/pages.sh
-- writes BOOK_REGIONS for the page: BEGIN END STUB-LINES STUDENT-LINE WHAT,
-- lesson lines). A code block knows its lesson lines (startFrom), so it is
-- cut at the region and the region's lines go into a labelled box:
--   instructor's book (the full lessons): the solution lines, under "You
--     write this: WHAT"; the marker and stub lines are left out; a guard (a
--     region with no solution lines) is a one-line note;
--   student's book (BOOK_EDITION=student, the stubbed lessons): the TODO and
--     its stub, under the same label ("Guard: WHAT" for a guard).
-- In the PDF the box is a framed code block (book/pdf-header.tex).
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

local student = book.env("BOOK_EDITION") == "student"

-- the regions of this page as {from, to, box_from, box_to, what, guard}:
-- [from, to] the lines the region takes, [box_from, box_to] those shown in
-- the box (none when box_from > box_to)
local regions = {}
local file = book.env("BOOK_REGIONS")
if file and book.exists(file) then
  for _, f in ipairs(book.tsv(book.read_file(file))) do
    local first, last, stubs, todo = tonumber(f[1]), tonumber(f[2]), tonumber(f[3]), tonumber(f[4])
    local guard = last - first - 1 - stubs == 0
    if student then
      regions[#regions + 1] = { from = todo, to = todo + stubs, box_from = todo, box_to = todo + stubs,
        what = f[5], guard = guard }
    else
      regions[#regions + 1] = { from = first, to = last, box_from = first + stubs + 1, box_to = last - 1,
        what = f[5], guard = guard }
    end
  end
  table.sort(regions, function(a, b) return a.from < b.from end)
end

-- the lines of a code block's text
local function lines_of(text)
  local list = {}
  for l in (text .. "\n"):gmatch("([^\n]*)\n") do list[#list + 1] = l end
  return list
end

-- a code block like CB holding its lines [i, j] (lesson lines first + i - 1 ...)
local function piece(cb, lines, first, i, j)
  if i > j then return nil end
  local attr = cb.attr:clone()
  attr.identifier = ""
  attr.attributes.startFrom = tostring(first + i - 1)
  return pandoc.CodeBlock(table.concat(lines, "\n", i, j), attr)
end

local function label(r)
  local kind = "You write this:"
  if r.guard then
    kind = student and "Guard:" or "Student edition only, a guard:"
  end
  return pandoc.Para({ pandoc.Strong(pandoc.Str(kind)), pandoc.Space(), pandoc.Str(r.what) })
end

-- the box: its label, then its code (framed in LaTeX)
local function box(cb, lines, first, r)
  local content = pandoc.List({ label(r) })
  local code = piece(cb, lines, first, r.box_from - first + 1, r.box_to - first + 1)
  if code and not (r.guard and not student) then
    content:insert(pandoc.RawBlock("latex", "\\fvset{frame=single,rulecolor=\\color{youwrite},framerule=0.8pt}"))
    content:insert(code)
    content:insert(pandoc.RawBlock("latex", "\\fvset{frame=none}"))
  end
  return pandoc.Div(content, { class = r.guard and "you-write guard" or "you-write" })
end

local function split(cb)
  local first = tonumber(cb.attributes.startFrom or "")
  if not first or #regions == 0 then return nil end
  local lines = lines_of(cb.text)
  local last = first + #lines - 1
  local out, at, cut = pandoc.List(), 1, false
  for _, r in ipairs(regions) do
    if r.from >= first and r.to <= last then
      local before = piece(cb, lines, first, at, r.from - first)
      if before then out:insert(before) end
      out:insert(box(cb, lines, first, r))
      at = r.to - first + 2
      cut = true
    end
  end
  if not cut then return nil end
  local after = piece(cb, lines, first, at, #lines)
  if after then out:insert(after) end
  return out
end

return { { CodeBlock = split } }
