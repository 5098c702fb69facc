-- pdf-book.lua: the book as one document for LaTeX (book/pdf.sh). Its input
-- is book/preface.md, which becomes the chapter "Preface"; the pages follow,
-- each already through the book's filters and pdf-page.lua (BOOK_PARTS: their
-- pandoc JSON files, in order). The preamble is book/pdf-header.tex plus a
-- visible "?" for each character it does not declare, with a warning.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

-- characters pdflatex knows without a declaration: Latin-1 and punctuation
local function known(cp)
  return (cp >= 0xA0 and cp <= 0xFF) or cp == 0x2013 or cp == 0x2014 or cp == 0x2018 or cp == 0x2019
      or cp == 0x201C or cp == 0x201D or cp == 0x2026 or cp == 0x2022
end

local function preamble(doc)
  local header = book.read_file(book.env("BOOK_PDF_HEADER", PANDOC_SCRIPT_FILE:match("^(.*)/") .. "/../pdf-header.tex"))
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
  local blocks = pandoc.List()
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
