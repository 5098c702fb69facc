-- profile.lua: a week's profile in its chapter.
--   @@PROFILE WEEK@@
-- becomes the static profile (registers, shared memory, spills, SASS checks:
-- BOOK_STATIC_PROFILE_DIR/WEEK/static-profile.json, which book/build.sh
-- refreshes first) and, when BOOK_RESULTS holds WEEK-profile.json, the Nsight
-- Compute table with the GPU, driver and commit it was measured on; a missing
-- one is a note saying how to make it. Each table has the five columns a
-- learner reads; the rest of the figures follow in a <details> (book.details).
-- Shaping: book/jq/profile.jq.
package.path = (PANDOC_SCRIPT_FILE:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local book = require("book")

local static_dir = book.env("BOOK_STATIC_PROFILE_DIR", book.repo .. "/build")

local function static_md(week)
  local json = static_dir .. "/" .. week .. "/static-profile.json"
  if not book.exists(json) or not book.jq({ "-e", 'include "profile"; has_static', json }) then
    return book.note(".no-profile", string.format(
      "**No static profile for %s yet.** Build the week (`make %s`) and run `make static-profile WEEK=%s`; the table of registers, shared memory and spills per kernel then appears here.",
      week, week, (week:gsub("^week", ""))))
  end
  return "\n::: {.profile-table .static-profile}\n"
      .. "| Kernel | Registers / thread | Shared memory / block (B) | Spills (B) | Checks |\n"
      .. "|:--|--:|--:|--:|:--|\n"
      .. book.jq({ "-r", 'include "profile"; static_rows | "| " + join(" | ") + " |"', json })
      .. book.jq({ "-r", "--arg", "src", book.show_path(json), 'include "profile"; static_caption($src)', json })
      .. ":::\n"
      .. book.details("Instantiations and what the checks look for",
        "\n::: {.profile-table .static-profile-detail}\n"
        .. "| Kernel | Instantiations | Checks |\n|:--|--:|:--|\n"
        .. book.jq({ "-r", 'include "profile"; static_detail_rows | "| " + join(" | ") + " |"', json })
        .. book.jq({ "-r", 'include "profile"; static_detail_caption', json })
        .. ":::\n")
end

local function ncu_md(week)
  local json = book.results .. "/" .. week .. "-profile.json"
  local shown = book.show_path(json)
  if not book.exists(json) or not book.jq({ "-e", 'include "profile"; has_ncu', json }) then
    return book.note(".no-profile", string.format(
      "**No Nsight Compute profile is committed for this GPU (%s).** Run `make profile WEEK=%s` on it and commit `%s`; the table of DRAM throughput, occupancy, bank conflicts, warp stalls and L2 hit rate per variant then appears here.",
      book.gpu, (week:gsub("^week", "")), shown))
  end
  return "\n::: {.profile-table .ncu-profile}\n"
      .. "| Variant | DRAM % of peak | Achieved occupancy % | Bank conflicts ld / st | Top warp stall |\n"
      .. "|:--|--:|--:|--:|:--|\n"
      .. book.jq({ "-r", 'include "profile"; ncu_rows | "| " + join(" | ") + " |"', json })
      .. book.jq({ "-r", "--arg", "src", shown, 'include "profile"; ncu_caption($src)', json })
      .. ":::\n"
      .. book.details("Kernels, durations, L2 hit rates and the next warp stalls",
        "\n::: {.profile-table .ncu-profile-detail}\n"
        .. "| Variant | Kernel (longest launch) | µs | L2 hit % | Top warp stalls (cycles per issue) |\n"
        .. "|:--|:--|--:|--:|:--|\n"
        .. book.jq({ "-r", 'include "profile"; ncu_detail_rows | "| " + join(" | ") + " |"', json })
        .. book.jq({ "-r", 'include "profile"; ncu_detail_caption', json })
        .. ":::\n")
end

return {
  {
    Para = function(p)
      local kind, args = book.marker(p)
      if kind == "PROFILE" and #args == 1 then
        return book.blocks(static_md(args[1]) .. ncu_md(args[1]))
      end
    end,
  },
}
