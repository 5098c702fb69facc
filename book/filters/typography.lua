-- typography.lua: what smart punctuation must not touch. Pandoc reads "--"
-- in prose as an en dash, so a command-line option typed outside backticks
-- (--clock-control, make --no-print-directory) would print as "–clock-control";
-- a word that starts with an en dash and a lower-case letter is such an
-- option, and becomes inline code again, as written. Runs after the filters
-- that generate text (tables' captions are read with the same options).

local en_dash = "\u{2013}"

local function option(s)
  local before, name, after = s:match("^([%(%[\"'\u{201C}\u{2018}]?)" .. en_dash .. "(%l[%w%-=_./]*)(.*)$")
  if not before then
    return nil
  end
  -- a sentence's full stop or comma after the option is not part of it
  local tail = name:match("[.]+$") or ""
  name = name:sub(1, #name - #tail)
  local out = pandoc.List()
  if before ~= "" then
    out:insert(pandoc.Str(before))
  end
  out:insert(pandoc.Code("--" .. name))
  if tail .. after ~= "" then
    out:insert(pandoc.Str(tail .. after))
  end
  return out
end

return {
  {
    Str = function(s)
      return option(s.text)
    end,
  },
}
