-- chunks.lua: chunk uses inside code. nwback writes each use as a
-- placeholder identifier (NWUSE7Q<n>Z, which the highlighter leaves alone)
-- and lists it in the page's index file (BOOK_INDEX: "use PLACEHOLDER CHUNK
-- HREF"). In HTML the code block is highlighted here (pandoc.write, with the
-- options and syntax definitions of this run) and each placeholder becomes a
-- link to the chunk; in other formats it becomes the chunk's name, ⟨name⟩.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

local uses = {}
local index = book.env("BOOK_INDEX")
if index and book.exists(index) then
  for _, f in ipairs(book.tsv(book.read_file(index))) do
    if f[1] == "use" then
      uses[f[2]] = { name = f[3], href = f[4] or "" }
    end
  end
end

local function html_escape(s)
  return (s:gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }))
end

local function link(key)
  local u = uses[key]
  if not u then
    return key
  end
  if u.href == "" then
    return '<span class="chunk-use">⟨' .. html_escape(u.name) .. "⟩</span>"
  end
  return '<a class="chunk-use" href="' .. html_escape(u.href) .. '">⟨' .. html_escape(u.name) .. "⟩</a>"
end

-- Every code block is written here, one at a time, with pandoc's own HTML
-- writer and this run's options (a template of its body only). A lone block
-- is its writer's first, cb1; pandoc numbers the blocks of a page in order,
-- so the Nth becomes cbN.
local body_only = PANDOC_WRITER_OPTIONS
if FORMAT:match("html") then
  body_only.template = pandoc.template.compile("$body$")
end
local numbered = 0

local function html_block(cb)
  local html = pandoc.write(pandoc.Pandoc({ cb }, { pagetitle = "code" }), FORMAT, body_only)
  if cb.identifier == "" then
    numbered = numbered + 1
    local id = "cb" .. numbered
    html = html:gsub('id="cb1"', 'id="' .. id .. '"'):gsub('id="cb1%-', 'id="' .. id .. "-")
        :gsub('href="#cb1%-', 'href="#' .. id .. "-")
  end
  return pandoc.RawBlock("html", (html:gsub("\n$", ""):gsub("NWUSE7Q%d+Z", link)))
end

return {
  {
    CodeBlock = function(cb)
      if FORMAT:match("html") then
        return html_block(cb)
      end
      cb.text = cb.text:gsub("NWUSE7Q%d+Z", function(key)
        return uses[key] and "⟨" .. uses[key].name .. "⟩" or key
      end)
      return cb
    end,
  },
}
