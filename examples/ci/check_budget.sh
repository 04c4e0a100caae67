#!/bin/sh
# check_budget.sh - a CI gate for firmware: fails when a model's Verilog
# needs more resources or latency than its budget allows.  Copy it into
# your repository next to your model and call it from CI (see
# firmware-budget.yml):
#
#   sh check_budget.sh MODEL.onnx BUDGET [bibc options...]
#   e.g. sh check_budget.sh filter.onnx lut=20000,ff=8000,dsp=0,latency_ns=100
#
# BUDGET is bibc estimate's --budget list (keys lut, ff, carry, dsp, bram,
# latency_cycles, latency_ns, adders, adder_bits).  Options after it go to
# bibc (e.g. --device ice40, --pipeline 2, --no-synth for the cost model
# alone, which needs no Yosys and takes milliseconds).  The estimate is
# written to estimate.json (keep it as a CI artifact) and summarised.
# Exit status: 0 within budget, 1 over budget or on any error.  BIBC names
# the bibc binary (default: bibc on PATH).
set -u
model=${1:?usage: check_budget.sh MODEL.onnx BUDGET [bibc options...]}
budget=${2:?usage: check_budget.sh MODEL.onnx BUDGET [bibc options...]}
shift 2
bibc=${BIBC:-bibc}
"$bibc" estimate "$model" --json --budget "$budget" "$@" > estimate.json
status=$?
# one line per figure from the JSON object bibc printed
for key in lut ff carry dsp bram latency_cycles latency_ns fmax_mhz adders adder_bits cost_model_lut; do
  val=$(sed -n "s/^  \"$key\": \([^,]*\),*$/\1/p" estimate.json)
  [ -n "$val" ] && printf '  %-15s %s\n' "$key" "$val"
done
case $status in
  0) echo "within budget ($budget)"; exit 0 ;;
  3) echo "OVER BUDGET ($budget): see the lines above" >&2; exit 1 ;;
  *) echo "bibc estimate failed (exit status $status)" >&2; exit 1 ;;
esac
