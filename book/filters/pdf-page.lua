-- pdf-page.lua: one page of the book made ready to sit in the single PDF
-- document (book/pdf.sh; BOOK_PAGE is the page's stem). Two chapters may both
-- have a chunk called <<launchers>>, so every id gets the page's name in
-- front, links between pages become links inside the document, and an empty
-- anchor named after the page starts it. Plots (SVG, under BOOK_IMG) are
-- converted to PDF with rsvg-convert for pdflatex.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

local stem = book.env("BOOK_PAGE", "page")

local function prefixed(el)
  if el.identifier and el.identifier ~= "" then
    el.identifier = stem .. "-" .. el.identifier
    return el
  end
end

local function target(href)
  local page, frag = href:match("^([%w_-]+)%.html#(.+)$")
  if page then return "#" .. page .. "-" .. frag end
  page = href:match("^([%w_-]+)%.html$")
  if page then return "#" .. page end
  frag = href:match("^#(.+)$")
  if frag then return "#" .. stem .. "-" .. frag end
  return href
end

local function pdf_image(img)
  local name = img.src:match("^img/(.+)%.svg$")
  if not name then return nil end
  local svg = book.img .. "/" .. name .. ".svg"
  local ok = pcall(pandoc.pipe, "rsvg-convert", { "-f", "pdf", "-o", book.img .. "/" .. name .. ".pdf", svg }, "")
  if not ok then book.die("pdf.sh: rsvg-convert could not convert " .. svg) end
  img.src = "img/" .. name .. ".pdf"
  return img
end

return {
  {
    Header = prefixed, Div = prefixed, Span = prefixed, CodeBlock = prefixed, Code = prefixed,
    Link = function(l)
      l.target = target(l.target)
      return prefixed(l) or l
    end,
    Image = function(img)
      img = pdf_image(img) or img
      return prefixed(img) or img
    end,
  },
  {
    Pandoc = function(doc)
      doc.blocks:insert(1, pandoc.Para({ pandoc.Span({}, { id = stem }) }))
      return doc
    end,
  },
}
