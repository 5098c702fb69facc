-- appendix.lua: the data of the book's appendices.
--   []{.results-root}   the results directory, as code (BOOK_RESULTS_ROOT)
--   @@RESULTS-FILES@@   every BOOK_RESULTS_ROOT/<gpu>/*.json results file with
--                       its GPU, driver, runtime, commit and date, and a table
--                       per op as the chapters show them (measured.lua;
--                       shaping: book/jq/appendix.jq, results.jq)
--   @@IDENTIFIERS@@     every `@ %def` name of every page, grouped by kind and
--                       linked to the chunks that define it, from the index
--                       files nwback wrote (BOOK_PAGES)
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")
local measured = require("measured")

local root = book.env("BOOK_RESULTS_ROOT", book.repo .. "/bench/results")

local function md_escape(s)
  return (s:gsub("[][\\`*_<>|]", "\\%0"))
end

local function lines(text)
  local list = {}
  for l in (text or ""):gmatch("([^\n]+)") do list[#list + 1] = l end
  return list
end

local function results_files()
  local out = {}
  local dirs = pandoc.pipe("sh", { "-c", 'find "$1" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort', "sh", root }, "")
  for _, dir in ipairs(lines(dirs)) do
    local gpu = dir:match("([^/]+)$")
    local files = pandoc.pipe("sh", { "-c", 'for f in "$1"/*.json; do [ -e "$f" ] && echo "$f"; done | sort -V', "sh", dir }, "")
    for _, json in ipairs(lines(files)) do
      -- Nsight Compute profiles sit beside the results, and so does the
      -- grader's own speed (grade-speed.json); the chapters and the grader's
      -- appendix show them
      if not json:match("%-profile%.json$") and not json:match("/grade%-speed%.json$") then
        local shown = book.show_path(json)
        if not book.jq({ "-e", 'include "appendix"; is_results', json }) then
          io.stderr:write("appendices: warning: ", shown, " is not a results file\n")
        else
          local week = book.jq1({ "-r", "--arg", "base", json:match("([^/]+)%.json$"), 'include "appendix"; week_of($base)', json })
          out[#out + 1] = string.format("## %s, %s {#results-%s-%s}\n\n",
            md_escape(book.jq1({ "-r", '.env.gpu // "unnamed GPU"', json })), week,
            (gpu:gsub("[^A-Za-z0-9]", "-")), (week:gsub("[^A-Za-z0-9]", "-")))
          out[#out + 1] = book.jq({ "-r", "--arg", "src", shown, 'include "appendix"; env_lines($src)', json })
          for _, op in ipairs(book.words(book.jq1({ "-r", 'include "appendix"; ops', json }))) do
            out[#out + 1] = string.format("### %s {#results-%s-%s-%s}\n%s", book.md_text(op),
              (gpu:gsub("[^A-Za-z0-9]", "-")), (week:gsub("[^A-Za-z0-9]", "-")), (op:gsub("[^A-Za-z0-9]", "-")),
              measured.table(json, shown, op) or "")
          end
        end
      end
    end
  end
  if #out == 0 then
    return "::: {.note .no-results}\n**No measured results committed yet.** Run `make bench WEEK=N` on a GPU\n"
        .. "and commit `bench/results/<gpu>/weekN.json`; this appendix shows every such file.\n:::\n"
  end
  return table.concat(out)
end

local kinds = {
  { "kernel", "Kernels (`__global__`)" },
  { "launcher", 'Launchers (`extern "C"`, called by the grader)' },
  { "device", "Device functions (`__device__`)" },
  { "type", "Types" },
  { "other", "Other names: constants, host helpers, tables" },
}

-- sort -V for page names: digit runs compare as numbers
local function version_less(a, b)
  local function key(s)
    local k = {}
    for text, digits in s:gmatch("(%D*)(%d*)") do
      k[#k + 1] = text
      k[#k + 1] = digits == "" and -1 or tonumber(digits)
    end
    return k
  end
  local x, y = key(a), key(b)
  for i = 1, math.max(#x, #y) do
    if x[i] ~= y[i] then
      if x[i] == nil then return true end
      if y[i] == nil then return false end
      if type(x[i]) ~= type(y[i]) then return type(x[i]) == "number" end
      return x[i] < y[i]
    end
  end
  return false
end

local function identifiers()
  local idents, defs = {}, {}
  for _, page in ipairs(book.pages()) do
    if page.index and page.index ~= "" and book.exists(page.index) then
      for _, f in ipairs(book.tsv(book.read_file(page.index))) do
        if f[1] == "ident" then
          idents[#idents + 1] = { name = f[2], kind = f[3], page = f[4], stem = f[4]:gsub("%.html$", ""), anchor = f[5] }
        elseif f[1] == "defn" then
          local key = f[2] .. "\t" .. page.stem
          defs[key] = defs[key] or {}
          table.insert(defs[key], string.format("[⟨%s⟩%s](%s#%s)", book.md_text(f[3]),
            f[4] ~= "" and " " .. f[4] or "", f[5], f[6]))
        end
      end
    end
  end
  table.sort(idents, function(a, b)
    if a.name:upper() ~= b.name:upper() then return a.name:upper() < b.name:upper() end
    if a.stem ~= b.stem then return version_less(a.stem, b.stem) end
    return a.anchor < b.anchor
  end)
  local out = {}
  for _, k in ipairs(kinds) do
    local rows = {}
    for _, id in ipairs(idents) do
      if id.kind == k[1] then
        rows[#rows + 1] = string.format("- [`%s`](%s#%s) (%s): %s\n", id.name, id.page, id.anchor, id.stem,
          table.concat(defs[id.name .. "\t" .. id.stem] or {}, ", "))
      end
    end
    if #rows > 0 then
      out[#out + 1] = "## " .. k[2] .. " {#index-" .. k[1] .. "}\n\n" .. table.concat(rows) .. "\n"
    end
  end
  if #idents == 0 then
    return "No lesson declares identifiers with `@ %def` yet.\n"
  end
  return table.concat(out)
end

local expand = { ["RESULTS-FILES"] = results_files, IDENTIFIERS = identifiers }

return {
  {
    Para = function(p)
      local kind = book.marker(p)
      if expand[kind] then
        return book.blocks(expand[kind]())
      end
    end,
    Span = function(s)
      if s.classes:includes("results-root") then
        return pandoc.Code(book.show_path(root) .. "/")
      end
    end,
  },
}
