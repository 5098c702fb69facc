-- contents.lua: the book's front page. Its input is book/preface.md; this
-- filter puts the book's title (BOOK_TITLE) and a link to the PDF edition
-- (BOOK_PDF, when it is built) above it and the contents below:
-- each chapter with its sections (the level-2 headings of its Markdown, with
-- the ids pandoc gives them), then the appendices, the instructors' pages and
-- the shared chunk files (BOOK_PAGES).
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

-- (brackets, backslashes and emphasis escaped; quotes stay for smart punctuation)
local function entry(indent, text, href)
  return indent .. "- [" .. text:gsub("[][\\`*_]", "\\%0") .. "](" .. href .. ")\n"
end

local groups = {
  { "appendix", "\nAppendices:\n\n" },
  { "instructors", "\nFor instructors:\n\n" },
  { "shared", "\nShared chunks:\n\n" },
}

function Pandoc(doc)
  local title = book.env("BOOK_TITLE", "CUDA C kernel workbook")
  local out = { "## Contents {#contents}\n\n" }
  local pages = book.pages()
  for _, p in ipairs(pages) do
    if p.group == "chapter" then
      out[#out + 1] = entry("", book.title(p), p.stem .. ".html")
      for _, b in ipairs(book.read_page(p).blocks) do
        if b.t == "Header" and b.level == 2 and not b.classes:includes("nw-index") then
          out[#out + 1] = entry("    ", pandoc.utils.stringify(b.content), p.stem .. ".html#" .. b.identifier)
        end
      end
    end
  end
  for _, g in ipairs(groups) do
    local list = {}
    for _, p in ipairs(pages) do
      if p.group == g[1] then list[#list + 1] = entry("", book.title(p), p.stem .. ".html") end
    end
    if #list > 0 then out[#out + 1] = g[2] .. table.concat(list) end
  end
  local blocks = book.blocks("# " .. book.md_text(title) .. " {.book-title}\n\n")
  local pdf = book.env("BOOK_PDF")
  if pdf then
    blocks:extend(book.blocks("::: {.pdf-edition}\nThe whole book is also [one PDF](" .. pdf
      .. "){.pdf-link}, for print or reading offline.\n:::\n"))
  end
  blocks:extend(doc.blocks)
  blocks:extend(book.blocks(table.concat(out)))
  return pandoc.Pandoc(blocks, doc.meta)
end
