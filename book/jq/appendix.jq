# appendix.jq: one results file shaped for the book's appendix of measured
# results (book/filters/appendix.lua). Input: the file.
include "common";

def is_results: .results | type == "array";

# the week a file holds, as its heading names it: a peer's file beside the
# week's (week2-torch.json) holds the same week, so it is named by its file
def week_of($base): (.week // $base) as $w | if $base | startswith($w + "-") then $base else $w end;

# the provenance list under the heading
def env_lines($src):
    .env as $e
    | "- GPU: \($e.gpu // "?")" + (if $e.cc then ", compute capability \($e.cc)" else "" end)
      + (if $e.sms then ", \($e.sms) SMs" else "" end)
      + (if $e.l2_bytes then ", L2 \($e.l2_bytes / 1048576 | floor) MiB" else "" end),
      "- Driver \($e.driver // "?"), CUDA runtime \($e.cuda_runtime // "?")",
      "- Commit `\($e.commit // "?")`, measured \($e.date // "undated")"
      + (if $e.seed then ", seed \($e.seed_string // ($e.seed | tostring))" else "" end),
      (if $e.copy_ceiling_gbps then "- Copy ceiling \($e.copy_ceiling_gbps * 10 | round / 10) GB/s" else empty end),
      "- Source: `\($src)`", "";

# the ops of the file, in the order of its results, space-separated
def ops: [.results[].op] | first_seen | join(" ");

# the title page's line for one results file: [name, GPU, compute capability,
# driver, CUDA runtime, commit, date of the run]
def title_row($base):
    .env as $e
    | [ week_of($base), ($e.gpu // "unnamed GPU"), (if $e.cc then "compute capability \($e.cc)" else "" end),
        ($e.driver // "?"), ($e.cuda_runtime // "?"), ($e.commit // "?"), ($e.date // "undated" | sub("T.*$"; "")) ];
