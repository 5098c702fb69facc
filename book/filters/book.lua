-- book.lua: what the book's filters share (a module: require "book").
-- Paths and settings come from the environment book/build.sh and
-- book/pdf.sh set (book/README.md lists them); data come from jq modules
-- in book/jq/ (jq -L), never from HTML the build wrote.
local M = {}

local here = PANDOC_SCRIPT_FILE:match("^(.*)/") or "."

function M.env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then
    return default
  end
  return v
end

M.repo = M.env("BOOK_REPO", here .. "/../..")
M.results = M.env("BOOK_RESULTS", M.repo .. "/bench/results/h200")
M.gpu = M.env("BOOK_GPU", "h200")
M.img = M.env("BOOK_IMG", "img")
M.jq_dir = M.env("BOOK_JQ", here .. "/../jq")

-- a path for readers: relative to the repository when it is inside it
function M.show_path(p)
  local prefix = M.repo .. "/"
  if p:sub(1, #prefix) == prefix then
    return p:sub(#prefix + 1)
  end
  return p
end

function M.exists(path)
  local f = io.open(path, "r")
  if f then
    f:close()
    return true
  end
  return false
end

function M.read_file(path)
  local f = assert(io.open(path, "r"))
  local s = f:read("a")
  f:close()
  return s
end

function M.warn(msg)
  io.stderr:write("build.sh: warning: ", msg, "\n")
end

-- stop the build: the message names the place (FILE:LINE where known)
function M.die(msg)
  io.stderr:write(msg, "\n")
  os.exit(1)
end

-- jq with the book's modules: M.jq({"-r", "include \"results\"; ...", file})
-- returns stdout, or nil and the error when jq fails
function M.jq(args, input)
  local full = { "-L", M.jq_dir }
  for _, a in ipairs(args) do
    full[#full + 1] = a
  end
  local ok, out = pcall(pandoc.pipe, "jq", full, input or "")
  if ok then
    return out
  end
  -- status 3: the program does not compile, a fault of book/jq, not of the data
  if type(out) == "table" and out.error_code == 3 then
    M.die("build.sh: a jq module in " .. M.jq_dir .. " does not compile (jq's message is above)")
  end
  return nil, type(out) == "table" and (out.output or tostring(out.error_code)) or tostring(out)
end

-- jq's output as one string without its final newline ("" when jq fails)
function M.jq1(args, input)
  local out = M.jq(args, input) or ""
  return (out:gsub("\n$", ""))
end

-- s as a JSON string, for jq's --argjson
function M.json_str(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

-- TSV lines (jq's @tsv) as a list of field lists; fields stay as jq wrote them
function M.tsv(text)
  local rows = {}
  for line in (text or ""):gmatch("([^\n]*)\n") do
    local row = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      row[#row + 1] = field
    end
    rows[#rows + 1] = row
  end
  return rows
end

-- the space-separated words of s
function M.words(s)
  local list = {}
  for w in (s or ""):gmatch("%S+") do list[#list + 1] = w end
  return list
end

-- a number for a table cell: "–" when there is none
function M.num(x, fmt)
  if x == nil or x == "" then
    return "–"
  end
  return string.format(fmt, tonumber(x))
end

-- a time in ms as µs with one decimal, the book's fixed format for times
-- in tables ("–" when there is none)
function M.us(ms)
  if ms == nil or ms == "" then
    return "–"
  end
  return string.format("%.1f", tonumber(ms) * 1000)
end

-- text for a Markdown table cell
function M.cell(s)
  return (s:gsub("|", "\\|"):gsub("_", "\\_"))
end

-- a name for a narrow table header: Markdown that may break after each
-- underscore (softmax_backward_single_read), in HTML and in LaTeX
function M.breakable(name)
  return (M.cell(name):gsub("\\_", "\\_`<wbr>`{=html}`\\allowbreak{}`{=latex}"))
end

-- Markdown text with every ASCII punctuation character escaped
function M.md_text(s)
  return (s:gsub("%p", function(c)
    if c:byte() < 128 then
      return "\\" .. c
    end
  end))
end

-- generated Markdown as blocks, read with this run's reader options (the
-- --columns setting decides a pipe table's column widths)
function M.blocks(markdown)
  return pandoc.read(markdown, "markdown", PANDOC_READER_OPTIONS).blocks
end

-- A marker paragraph, "@@KIND ARG...@@" (noweb hands it over as "@KIND
-- ARG...@@"), declared here once: returns KIND and the list of ARGs.
function M.marker(para)
  local text = pandoc.utils.stringify(para)
  local kind, rest = text:match("^@@?(%u[%u-]*)%s+(.-)%s*@@$")
  if not kind then
    kind = text:match("^@@?(%u[%u-]*)@@$")
    rest = ""
  end
  if not kind then
    return nil
  end
  local args = {}
  for a in rest:gmatch("%S+") do
    args[#args + 1] = a
  end
  return kind, args
end

-- the pages of the book (book/build.sh writes BOOK_PAGES): a list of
-- {group, stem, md, index, source} in contents order
function M.pages()
  local list = {}
  local path = M.env("BOOK_PAGES")
  if not path then
    return list
  end
  for _, f in ipairs(M.tsv(M.read_file(path))) do
    list[#list + 1] = { group = f[1], stem = f[2], md = f[3], index = f[4], source = f[5] }
  end
  return list
end

-- a page's Markdown as pandoc reads it
-- (titles are read without smart punctuation: as their source writes them)
local read_cache = {}
function M.read_page(page, format)
  format = format or "markdown"
  local key = page.md .. "\0" .. format
  read_cache[key] = read_cache[key] or pandoc.read(M.read_file(page.md), format, PANDOC_READER_OPTIONS)
  return read_cache[key]
end

-- a page's title: its metadata nav-title, else its first level-1 heading,
-- without markup, else its stem
function M.title(page)
  local doc = M.read_page(page, "markdown-smart")
  if doc.meta["nav-title"] then
    return pandoc.utils.stringify(doc.meta["nav-title"])
  end
  for _, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.level == 1 then
      return pandoc.utils.stringify(b.content)
    end
  end
  return page.stem
end

-- Run gnuplot: the SVG terminal every plot of the book uses (SIZE: {width,
-- height} in pixels, 760 by 440 unless given), output to SVG,
-- then SCRIPT, with DATA in a temporary file whose name SCRIPT reads as
-- "%s" (its only format directive besides %%). Stops the build on failure.
function M.gnuplot(svg, script, data, what, size)
  size = size or { 760, 440 }
  local datafile = os.tmpname()
  local f = assert(io.open(datafile, "w"))
  f:write(data)
  f:close()
  local ok = pcall(pandoc.pipe, "gnuplot", {}, table.concat({
    string.format('set terminal svg size %d,%d dynamic noenhanced font "sans,12" background rgb "white"', size[1], size[2]),
    'set output "' .. svg .. '"',
    'set datafile separator "\t"',
    'set datafile missing "-"',
    string.format(script, datafile) }, "\n"))
  os.remove(datafile)
  if not ok then
    M.die("build.sh: gnuplot failed for " .. what)
  end
end

-- gnuplot lines every GB/s chart shares, as format text: plain axes, y from
-- zero to a little above the copy ceiling (its %s; 0 when none is known),
-- and the ceiling drawn as a dashed line (a plot's last term)
M.plot_axes = [[
set xtics nomirror
set ytics nomirror
set border 3
set yrange [0:*]
ceiling = %s
if (ceiling > 0) set yrange [0:ceiling*1.15]
]]
M.plot_ceiling = [[
     (ceiling > 0 ? ceiling : 1/0) with lines dt 2 lw 2 lc rgb "#c0392b" title sprintf("copy ceiling %%%%.0f GB/s", ceiling)
]]

-- a note instead of a table or plot, in the book's note style
function M.note(classes, text)
  return "\n::: {.note " .. classes .. "}\n" .. text .. "\n:::\n\n"
end

-- Markdown that a reader opens when wanted: in HTML a <details> element
-- whose <summary> is SUMMARY (plain text); in the PDF, which cannot fold,
-- SUMMARY in bold and the content below it.
function M.details(summary, markdown)
  local escaped = summary:gsub("[&<>]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;" })
  return "\n```{=html}\n<details class=\"more\"><summary>" .. escaped .. "</summary>\n```\n\n"
      .. "```{=latex}\n\\par\\noindent\\textbf{" .. M.latex_text(summary) .. "}\\par\n```\n\n"
      .. markdown .. "\n```{=html}\n</details>\n```\n\n"
end

-- plain text for LaTeX: its special characters escaped
function M.latex_text(s)
  return (s:gsub("[\\{}$&#^_%%~]", function(c)
    if c == "\\" then return "\\textbackslash{}" end
    if c == "^" then return "\\^{}" end
    if c == "~" then return "\\~{}" end
    return "\\" .. c
  end))
end

return M
