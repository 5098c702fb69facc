-- nav.lua: a page's title and its neighbours, for book/template.html.
-- Sets pagetitle (the page's title: its nav-title metadata, else its first
-- level-1 heading) and prev, prevtitle, next, nexttitle from the page list
-- (BOOK_PAGES; BOOK_PAGE is this page's stem). Chapters and shared pages form
-- one chain, appendices and the instructors' pages another; the contents
-- page (BOOK_PAGE=index) leads to the first chapter.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

local chain_of = { chapter = "book", shared = "book", appendix = "back", instructors = "back" }

function Meta(meta)
  local stem = book.env("BOOK_PAGE")
  local pages = book.pages()
  local mine = "book"
  for _, p in ipairs(pages) do
    if p.stem == stem then mine = chain_of[p.group] end
  end
  local chain, at = {}, 0
  for _, p in ipairs(pages) do
    if chain_of[p.group] == mine then
      chain[#chain + 1] = p
      if p.stem == stem then at = #chain end
    end
  end
  local function link(key, page)
    if page then
      meta[key] = pandoc.MetaString(page.stem .. ".html")
      meta[key .. "title"] = pandoc.MetaString(book.title(page))
    end
  end
  link("prev", at > 1 and chain[at - 1] or nil)
  link("next", chain[at + 1])
  if at > 0 then
    meta.pagetitle = pandoc.MetaString(book.title(chain[at]))
  end
  return meta
end
