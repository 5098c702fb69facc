-- pdf-book.lua: the book as one document for LaTeX (book/pdf.sh). Its input
-- is book/preface.md, which becomes the chapter "Preface"; the pages follow,
-- each already through the book's filters and pdf-page.lua (BOOK_PARTS: their
-- pandoc JSON files, in order). The preamble is book/pdf-header.tex plus a
-- visible "?" for each character it does not declare, with a warning, and the
-- title page: the book's commit and date (BOOK_COMMIT, BOOK_DATE) and the GPU,
-- driver, runtime, commit and date of every results file the book quotes
-- (BOOK_RESULTS; shaped by book/jq/appendix.jq). The front matter is numbered
-- in roman, the chapters from 1.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

-- characters pdflatex knows without a declaration: Latin-1 and punctuation
local function known(cp)
  return (cp >= 0xA0 and cp <= 0xFF) or cp == 0x2013 or cp == 0x2014 or cp == 0x2018 or cp == 0x2019
      or cp == 0x201C or cp == 0x201D or cp == 0x2026 or cp == 0x2022
end

-- the results files the chapters quote (not the profiles, not the history)
local function results_files()
  local out = pandoc.pipe("sh", { "-c",
    'for f in "$1"/*.json; do case $f in *-profile.json) ;; *) [ -e "$f" ] && echo "$f" ;; esac; done | sort -V',
    "sh", book.results }, "")
  local list = {}
  for f in out:gmatch("[^\n]+") do list[#list + 1] = f end
  return list
end

-- the title page, as the body of \maketitle
local function title_page()
  local tex = book.latex_text
  local lines = {}
  for _, json in ipairs(results_files()) do
    local f = book.tsv(book.jq({ "-r", "--arg", "base", json:match("([^/]+)%.json$"),
      'include "appendix"; title_row($base) | @tsv', json }))[1]
    if f then
      lines[#lines + 1] = string.format("%s & %s%s, driver %s, CUDA runtime %s; commit \\texttt{%s}, %s \\\\",
        tex(f[1]), tex(f[2]), f[3] == "" and "" or " (" .. tex(f[3]) .. ")", tex(f[4]), tex(f[5]), tex(f[6]), tex(f[7]))
    end
  end
  local measured = #lines == 0 and "No measured results are committed for this GPU yet.\\par"
      or "\\begin{tabular}{lp{11cm}}\n\\multicolumn{2}{l}{\\textbf{The measurements this book quotes}} \\\\\n"
      .. table.concat(lines, "\n") .. "\n\\end{tabular}\\par"
  local edition = book.env("BOOK_EDITION") == "student" and "{\\Large Student edition\\par}\\vspace{0.6cm}\n" or ""
  return "\\renewcommand{\\maketitle}{\\hypersetup{pageanchor=false}\\begin{titlepage}\\centering\n"
      .. "\\vspace*{5cm}{\\Huge\\bfseries " .. tex(book.env("BOOK_TITLE", "CUDA C kernel workbook")) .. "\\par}\\vspace{1cm}\n"
      .. edition
      .. "{\\large Built from commit \\texttt{" .. tex(book.env("BOOK_COMMIT", "unknown")) .. "}, "
      .. tex(book.env("BOOK_DATE", "undated")) .. "\\par}\n\\vfill\n{\\small " .. measured .. "}\n"
      .. "\\end{titlepage}\\hypersetup{pageanchor=true}\\pagenumbering{roman}}\n"
end

local function preamble(doc)
  local header = book.read_file(book.env("BOOK_PDF_HEADER", PANDOC_SCRIPT_FILE:match("^(.*)/") .. "/../pdf-header.tex"))
      .. title_page()
  local seen, extra = {}, {}
  for _, cp in utf8.codes(pandoc.write(doc, "markdown")) do
    local hex = string.format("%04X", cp)
    if cp > 127 and not seen[cp] and not known(cp) and not header:find("DeclareUnicodeCharacter{" .. hex .. "}", 1, true) then
      extra[#extra + 1] = string.format("\\DeclareUnicodeCharacter{%s}{\\textbf{?}}%% %s\n", hex, utf8.char(cp))
      io.stderr:write("pdf.sh: warning: no LaTeX for U+", hex, " (", utf8.char(cp), "); add it to book/pdf-header.tex\n")
    end
    seen[cp] = true
  end
  return pandoc.MetaBlocks({ pandoc.RawBlock("latex", header .. table.concat(extra)) })
end

function Pandoc(doc)
  -- the chapters count from 1, after the roman front matter
  local blocks = pandoc.List({ pandoc.RawBlock("latex", "\\clearpage\\pagenumbering{arabic}") })
  if #doc.blocks > 0 then
    blocks:insert(pandoc.Header(1, "Preface", { id = "preface-chapter" }))
    -- the preface's own level-2 title is the chapter heading above
    for _, b in ipairs(doc.blocks) do
      if b.t == "Header" and b.level == 2 and pandoc.utils.stringify(b.content) == "Preface" then
        b = nil
      elseif b.t == "Header" and b.level == 3 then
        b.level = 2
      end
      if b then blocks:insert(b) end
    end
  end
  for part in book.env("BOOK_PARTS", ""):gmatch("[^\n]+") do
    blocks:extend(pandoc.read(book.read_file(part), "json").blocks)
  end
  local meta = doc.meta
  meta.title = pandoc.MetaInlines(pandoc.read(book.env("BOOK_TITLE", "CUDA C kernel workbook"), "markdown").blocks[1].content)
  local out = pandoc.Pandoc(blocks, meta)
  out.meta["header-includes"] = preamble(out)
  return out
end
