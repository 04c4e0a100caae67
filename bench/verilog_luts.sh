#!/bin/sh
# verilog_luts.sh - how well Yosys maps bibc's Verilog: LUTs per adder bit,
# CARRY4, Yosys time, and the cost model's LUTs against Yosys's, on
# constant matrix-vector products of 8-bit weights and 8-bit inputs (random,
# fixed seeds; bench/make_cmvm.py) and on the example jet tagger.  The
# matrices are compiled with --pipeline 0 (a combinational core between
# registered inputs and outputs), the setting of ../shared/REFERENCE.md
# section 7, whose measurements this compares with: on a 16x16 matrix, a
# CSD shift-add graph of minimal widths gave 0.79 LUT per adder bit with a
# plain synth_xilinx -flatten, 0.60 with one $alu per adder.  Each row is
# one 'bibc estimate --json' (Yosys 0.23, synth_xilinx -abc9, bibc's flow).
#
#   sh bench/verilog_luts.sh [BIBC]
set -u
. "$(dirname "$0")/yosys_bench.sh"
field() { sed -n "s/^  \"$1\": \\([^,]*\\),*\$/\\1/p" "$2"; }
printf '%-22s %8s %8s %8s %8s %8s %8s %8s %9s\n' model adders "add bits" LUT "LUT/bit" CARRY4 FF \
  "model/Y" "yosys s"
row() {
  name=$1 model=$2
  shift 2
  "$bibc" estimate "$model" --json "$@" > "$work/$name.json" 2> "$work/$name.err" || {
    echo "$name: $(tail -1 "$work/$name.err")"; return; }
  j=$work/$name.json
  lut=$(field lut "$j") bits=$(field adder_bits "$j")
  printf '%-22s %8s %8s %8s %8.3f %8s %8s %8.2f %9.1f\n' "$name" "$(field adders "$j")" "$bits" "$lut" \
    "$(echo "$lut / $bits" | bc -l)" "$(field carry "$j")" "$(field ff "$j")" "$(field lut_ratio "$j")" \
    "$(field yosys_seconds "$j")"
}
for spec in "16 16 1" "16 16 2" "32 32 1" "64 16 1"; do
  set -- $spec
  name=cmvm_${1}x${2}_s$3
  /usr/bin/python3 "$top/bench/make_cmvm.py" "$work/$name.onnx" "$1" "$2" "$3" || exit 1
  row "$name" "$work/$name.onnx" --pipeline 0
done
row jet_tagger "$top/examples/jet_tagger.onnx"
row jet_tagger_p0 "$top/examples/jet_tagger.onnx" --pipeline 0
