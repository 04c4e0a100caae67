#!/bin/sh
# da_adders.sh - 'bibc estimate --no-synth --json' counts the adders of a
# constant matrix product as bench/cmvm does (issue 8): for random int8
# matrices (bench/make_cmvm.py, numpy seeds) the model's "adders" equals
# cmvm_bench --matrix on the same weights with the same cost (the da pass's
# default, luts, and --da-cost adders = cmvm_bench --cost adders), and with --no-da the product
# keeps one multiplication per nonzero weight (no adder from the da pass);
# a product over the sharing budget is built without sharing.
#
#   da_adders.sh BIBC CMVM_BENCH
set -u
bibc=${1:?usage: da_adders.sh BIBC CMVM_BENCH} bench=${2:?usage: da_adders.sh BIBC CMVM_BENCH}
top=$(cd "$(dirname "$0")/../.." && pwd)
/usr/bin/python3 -c "import onnx, numpy" 2> /dev/null || { echo "SKIP: needs python3-onnx and python3-numpy"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
for spec in "8 8 1" "16 16 2" "12 20 3"; do
  set -- $spec
  /usr/bin/python3 "$top/bench/make_cmvm.py" "$work/m.onnx" "$1" "$2" "$3" || exit 1
  /usr/bin/python3 - "$1" "$2" "$3" > "$work/w.txt" <<'PY' || exit 1
import sys
import numpy as np
rows, cols, seed = map(int, sys.argv[1:])
w = np.random.default_rng(seed).integers(-128, 128, size=(cols, rows))  # as make_cmvm.py draws it
print(rows, cols, -128, 127)
for r in range(rows):
    print(" ".join(str(int(v)) for v in w[:, r]))
PY
  for cost in luts adders; do
    want=$("$bench" --matrix "$work/w.txt" --cost $cost | sed -n 's/^adders \([0-9]*\) .*/\1/p')
    got=$("$bibc" estimate "$work/m.onnx" --no-synth --json --da-cost $cost |
          sed -n 's/^  "adders": \([0-9]*\),$/\1/p')
    if [ -z "$want" ] || [ "$want" != "$got" ]; then
      echo "FAIL ${1}x$2 seed $3 --da-cost $cost: bibc estimate counts '$got' adders, cmvm_bench '$want'"; fail=1
    else
      echo "ok ${1}x$2 seed $3 --da-cost $cost: $got adders"
    fi
  done
  "$bibc" "$work/m.onnx" --no-da --dump-net --target verilog > "$work/net.txt" || exit 1
  muls=$(grep -c " = mul " "$work/net.txt")
  nz=$(awk 'NR > 1 { for (i = 1; i <= NF; i++) if ($i != 0) n++ } END { print n + 0 }' "$work/w.txt")
  nz1=$(awk 'NR > 1 { for (i = 1; i <= NF; i++) if ($i != 0 && $i != 1 && $i != -1) n++ } END { print n + 0 }' "$work/w.txt")
  if [ "$muls" -lt "$nz1" ] || [ "$muls" -gt "$nz" ]; then
    echo "FAIL ${1}x$2 --no-da: $muls multiplications for $nz nonzero weights"; fail=1
  fi
done
# A product too large to share (one row of 1890 int8 weights): built without
# sharing, with a note, and its output still fits the port type interval
# analysis gave it (it overflowed once: an internal error).
/usr/bin/python3 "$top/bench/make_cmvm.py" "$work/big.onnx" 1 1890 4 || exit 1
if ! "$bibc" "$work/big.onnx" -o "$work/big.v" > "$work/big.txt" 2>&1 ||
   ! grep -q "note: adders not shared" "$work/big.txt"; then
  echo "FAIL 1x1890: $(head -2 "$work/big.txt")"; fail=1
else
  echo "ok 1x1890: built without sharing, with a note"
fi
exit $fail
