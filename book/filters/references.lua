-- references.lua: a page's citations, before citeproc resolves them
-- (book/pages.sh runs --citeproc right after this filter, with
-- book/references.bib). A lesson cites a work as [@key] or @key; a key the
-- bibliography lacks stops the build at the lesson's line, rather than
-- printing "key?" in the book. A page that cites gets a "References" section
-- for citeproc to fill, before the chunk and identifier indexes at its end.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

local bib = book.env("BOOK_BIBLIOGRAPHY", book.repo .. "/book/references.bib")

local function known_keys()
  local keys = {}
  if not book.exists(bib) then return keys end
  local doc = pandoc.read(book.read_file(bib), "bibtex")
  for _, ref in ipairs(doc.meta.references or {}) do
    keys[pandoc.utils.stringify(ref.id)] = true
  end
  return keys
end

-- where a key is cited: LESSON:LINE of this page's lesson, else the page
local function place(key)
  local stem = book.env("BOOK_PAGE", "page")
  for _, p in ipairs(book.pages()) do
    if p.stem == stem then
      local src = p.source ~= "" and p.source or p.md
      local n = 0
      for line in book.read_file(src):gmatch("([^\n]*)\n?") do
        n = n + 1
        if line:find("@" .. key, 1, true) then return book.show_path(src) .. ":" .. n end
      end
      return book.show_path(src)
    end
  end
  return stem
end

function Pandoc(doc)
  local cited = {}
  doc:walk({ Cite = function(c)
    for _, citation in ipairs(c.citations) do cited[#cited + 1] = citation.id end
  end })
  if #cited == 0 and not doc.meta.nocite then return nil end
  local keys = known_keys()
  for _, key in ipairs(cited) do
    if key ~= "*" and not keys[key] then
      book.die(string.format("%s: citation @%s is not in %s (add it there, or correct the key)",
        place(key), key, book.show_path(bib)))
    end
  end
  local has_refs = false
  doc:walk({ Div = function(d) if d.identifier == "refs" then has_refs = true end end })
  if has_refs then return nil end
  local section = pandoc.List({
    pandoc.Header(2, "References", { id = "references" }),
    pandoc.Div({}, { id = "refs" }),
  })
  for i, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.classes:includes("nw-index") then
      for k = #section, 1, -1 do doc.blocks:insert(i, section[k]) end
      return doc
    end
  end
  doc.blocks:extend(section)
  return doc
end
