-- figures.lua: the numbers in a lesson's prose, from bench/results.
--   []{.fig variant=softmax_safe dtype=f32 shape=1024x131072 field=pct_ceiling}
-- becomes the figure, formatted ("49.9%"); book/README.md ("Figures in the
-- prose") lists the attributes. The data are chosen and derived in
-- book/jq/figures.jq, in one jq run per page; a figure the results do not
-- hold stops the build with LESSON:LINE (nwback stamps each span with its
-- line). [TEXT]{.given} is a number that is not measured (a datasheet value,
-- a target, a prediction): it becomes TEXT. A block of class "needs" is
-- kept only where its file exists (see without_missing_sources).
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

local FIGURE, GIVEN = "fig", "given"

-- default formats, by function, then by field (a field named *_pct is a percentage)
local formats = {
  speedup = "%.2f", ratio = "%.2f", longer = "%.0f%%", shorter = "%.0f%%", points = "%.1f",
  shortfall = "%.0f%%", gain = "%.0f%%", inverse = "%.2f", count = "%d", increase = "%.0f%%",
  drop = "%.0f%%", differ = "%.0f%%", pct_for = "%.1f%%", from_copies = "%.0f%%", overhead_us = "%.1f µs",
  fit_fixed_us = "%.1f µs", fit_rate_gain = "%.0f%%", fit_cap_pct = "%.0f%%", fit_bytes_for = "%.0f MB",
  ms = "%.4f ms", us = "%.1f µs", gbps = "%.0f GB/s", tbps = "%.1f TB/s", pct_ceiling = "%.1f%%",
  pct_copy = "%.1f%%", vs_baseline = "%.2f", vs_cub = "%.3f", vs_best = "%.2f",
}

local function format_of(a)
  if a.fmt then return a.fmt end
  if a.agg == "count" then return formats.count end
  if a.fn then return formats[a.fn] or "%.2f" end
  local f = (a.field or ""):gsub("^env%.", "")
  return formats[f] or (f:match("_pct$") and "%.1f%%") or "%.4g"
end

-- the page's lesson and week, for file names and messages
local page = {}
for _, p in ipairs(book.pages()) do
  if p.stem == book.env("BOOK_PAGE") then page = p end
end

-- the file a source names: of=NAME is WEEK-NAME.json, of=FILE.tsv a file
local function file_of(week, of)
  week = week or page.stem or "week"
  if not week:match("^week") then week = "week" .. week end
  if not of or of == "results" then return week .. ".json" end
  if of:find("%.") then return of end
  return week .. "-" .. of .. ".json"
end

local function request(span)
  local a = {}
  for k, v in pairs(span.attributes) do a[k] = v end
  a.file = file_of(a.week, a.of)
  a["vs-file"] = file_of(a["vs-week"] or a.week, a["vs-of"] or a.of)
  return a
end

local function json_object(t)
  local parts = {}
  for k, v in pairs(t) do parts[#parts + 1] = book.json_str(k) .. ":" .. book.json_str(v) end
  return "{" .. table.concat(parts, ",") .. "}"
end

-- every file the requests name, as one JSON object {name: content}
local function files_json(requests)
  local seen, parts = {}, {}
  for _, a in ipairs(requests) do
    for _, name in ipairs({ a.file, a["vs-file"] }) do
      local path = book.results .. "/" .. name
      if not seen[name] and book.exists(path) then
        seen[name] = true
        local text = book.read_file(path)
        parts[#parts + 1] = book.json_str(name) .. ":" .. (name:match("%.json$") and text or book.json_str(text))
      end
    end
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

-- ::: {.needs of=FILE} ... ::: holds prose whose figures come from a file
-- that not every GPU's results have (grade-speed.json): without it, the
-- block becomes a visible note naming the file, not a failed build.
local NEEDS = "needs"
local function without_missing_sources(doc)
  return doc:walk({
    Div = function(d)
      if not d.classes:includes(NEEDS) then return nil end
      local name = file_of(d.attributes.week, d.attributes.of)
      if book.exists(book.results .. "/" .. name) then return d.content end
      return pandoc.Para({ pandoc.Emph({ pandoc.Str("(No " .. name .. " in " .. book.show_path(book.results)
        .. " yet: " .. (d.attributes.how or "a run on this GPU writes it") .. ".)") }) })
    end,
  })
end

function Pandoc(doc)
  doc = without_missing_sources(doc)
  local requests = {}
  doc:walk({
    Span = function(s)
      if s.classes:includes(FIGURE) then
        requests[#requests + 1] = request(s)
      end
    end,
  })
  local values = {} -- the formatted figures, in document order
  if #requests > 0 then
    local reqs = {}
    for i, a in ipairs(requests) do reqs[i] = json_object(a) end
    local out, err = book.jq({ "-r", "--argjson", "reqs", "[" .. table.concat(reqs, ",") .. "]",
      'include "figures"; figures($reqs) | [.value // "", .error // ""] | @tsv' },
      files_json(requests))
    if not out then book.die("figures: jq failed: " .. tostring(err)) end
    local failed = {}
    for i, row in ipairs(book.tsv(out)) do
      local a = requests[i]
      if row[2] ~= "" then
        failed[#failed + 1] = string.format("%s:%s: figure: %s (results: %s)", page.source or "?", a.line or "?",
          row[2], book.show_path(book.results))
      else
        local ok, text = true, row[1] -- agg=list: jq's words, as they are
        if a.agg ~= "list" then ok, text = pcall(string.format, format_of(a), tonumber(row[1])) end
        if not ok then
          failed[#failed + 1] = string.format("%s:%s: figure: fmt=%s: %s", page.source or "?", a.line or "?", format_of(a), text)
        end
        values[i] = text
      end
    end
    if #failed > 0 then book.die(table.concat(failed, "\n")) end
  end
  local n = 0
  return doc:walk({
    Span = function(s)
      if s.classes:includes(FIGURE) then
        n = n + 1
        return pandoc.Str(values[n])
      end
      if s.classes:includes(GIVEN) then return s.content end
    end,
  })
end
