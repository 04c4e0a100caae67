#!/bin/sh
# yosys.sh - distributed arithmetic in Yosys (issue 8, deliverable 3):
# random N x N matrices of 8-bit weights times 8-bit inputs (bench/
# make_cmvm.py, numpy seeds), each compiled with --pipeline 0 (registered
# inputs and outputs around a combinational product, as in ../shared/
# REFERENCE.md section 7) and estimated by 'bibc estimate --json' (Yosys
# 0.23, synth_xilinx -abc9 with one $alu per adder): the da pass's LUTs,
# CARRY4, adders and adder bits, LUTs per adder bit, the cost model's LUTs
# over Yosys's, and the same product with --no-da --no-dsp (one x * const
# per weight, mapped to LUTs) and the ratio of the two.  The --no-da runs
# take minutes (skip them with NODA=0).
#
#   sh bench/cmvm/yosys.sh [BIBC]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/bench/yosys_bench.sh"
field() { sed -n "s/^  \"$1\": \\([^,]*\\),*\$/\\1/p" "$2"; }
printf '%-14s %7s %9s %7s %7s %8s %8s %8s | %9s %8s %9s\n' matrix adders "add bits" LUT CARRY4 \
  "LUT/bit" "model/Y" "yosys s" "noDA LUT" "yosys s" "DA/noDA"
for spec in "8 1" "16 1" "16 2" "16 3" "32 1"; do
  set -- $spec
  name=cmvm_${1}x${1}_s$2
  /usr/bin/python3 "$top/bench/make_cmvm.py" "$work/$name.onnx" "$1" "$1" "$2" || exit 1
  "$bibc" estimate "$work/$name.onnx" --json --pipeline 0 > "$work/da.json" 2> "$work/err" ||
    { echo "$name: $(tail -1 "$work/err")"; continue; }
  lut=$(field lut "$work/da.json") bits=$(field adder_bits "$work/da.json")
  nlut=- nsec=- ratio=-
  if [ "${NODA:-1}" = 1 ] && [ "$1" -le 16 ]; then
    "$bibc" estimate "$work/$name.onnx" --json --pipeline 0 --no-da --no-dsp > "$work/noda.json" 2> "$work/err" &&
      nlut=$(field lut "$work/noda.json") nsec=$(printf '%.0f' "$(field yosys_seconds "$work/noda.json")") &&
      ratio=$(printf '%.3f' "$(echo "$lut / $nlut" | bc -l)")
  fi
  printf '%-14s %7s %9s %7s %7s %8.3f %8.2f %8.0f | %9s %8s %9s\n' "$name" "$(field adders "$work/da.json")" \
    "$bits" "$lut" "$(field carry "$work/da.json")" "$(echo "$lut / $bits" | bc -l)" \
    "$(field lut_ratio "$work/da.json")" "$(field yosys_seconds "$work/da.json")" "$nlut" "$nsec" "$ratio"
done
echo "target (issue 8): DA/noDA <= 0.30; model/Y (cost-model LUTs / Yosys LUTs) within 0.85-1.15"
