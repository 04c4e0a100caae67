#!/bin/sh
# timing_model.sh - bibc's timing model (ir/net_timing.c) against Yosys's
# abc9 delay on the same Verilog: the model without its routing allowance,
# abc9 with the Artix-7 delays of Yosys's xilinx/cells_sim.v and its own 0.3
# ns per LUT input, on the flattened design.  Prints one row per model and
# --pipeline N: the model's register-to-register delay, abc9's, the ratio,
# and Yosys's time.  The model sets bibc's default pipelining, so this is
# how far that choice can be trusted (routing, which neither sees, comes on
# top; the model adds a stated 0.45 ns per LUT input for it).
#
#   sh bench/timing_model.sh [BIBC]
set -u
. "$(dirname "$0")/yosys_bench.sh"
printf '%-24s %9s %10s %10s %6s %8s\n' model pipeline "model ns" "abc9 ns" ratio "yosys s"
for spec in "select tests/fixed/models/select.onnx 0" "select tests/fixed/models/select.onnx 2" \
            "select tests/fixed/models/select.onnx 4" "rounding_modes tests/fixed/models/rounding_modes.onnx 0" \
            "rounding_modes tests/fixed/models/rounding_modes.onnx 3" \
            "jet_tagger examples/jet_tagger.onnx 3" "jet_tagger examples/jet_tagger.onnx 6"; do
  set -- $spec
  n=m$3
  (cd "$work" && "$bibc" "$top/$2" -o "$n.v" --pipeline "$3" > /dev/null) || continue
  model=$("$bibc" estimate "$top/$2" --no-synth --pipeline "$3" --json |
          sed -n 's/^  "cost_model_delay_cells_ns": \(.*\),$/\1/p')
  printf 'read_verilog %s.v\nsynth_xilinx -top %s -flatten -abc9 -run :coarse\ntechmap -map +/techmap.v -max_iter 1 t:$add t:$sub\nsynth_xilinx -top %s -flatten -abc9 -run coarse:\n' \
    "$n" "$n" "$n" > "$work/$n.ys"
  s=$(date +%s.%N)
  (cd "$work" && yosys -q -l "$n.log" -s "$n.ys" > /dev/null 2>&1)
  e=$(date +%s.%N)
  abc=$(grep "Del =" "$work/$n.log" | awk '{print $5}' | sed 's/\.$//' | sort -n | tail -1)
  printf '%-24s %9s %10.2f %10.2f %6.2f %8.1f\n' "$1" "$3" "$model" "$(echo "$abc / 1000" | bc -l)" \
    "$(echo "$model * 1000 / $abc" | bc -l)" "$(echo "$e - $s" | bc -l)"
done
