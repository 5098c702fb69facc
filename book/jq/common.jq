# common.jq: definitions the book's jq modules share (include "common").

# element types in the book's order
def dtype_rank: {"f32": 0, "f16": 1, "bf16": 2}[.] // 3;

# elements of a result's shape
def cells: (.rows // 0) * (.cols // 0);

# a result that passed and was timed
def timed: .passed == true and (.ms // 0) > 0;

# the distinct values of an array, in the order they first appear
def first_seen: reduce .[] as $x ([]; if index([$x]) then . else . + [$x] end);

# a result of the ordinary inputs: a test of a special input kind (week 1's
# "exact" sums) checks correctness on its own inputs and times them too, but
# the book's tables, plots and figures compare one row per variant and shape
def ordinary: (.kind // "") == "";
