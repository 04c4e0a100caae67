#!/bin/sh
# luts.sh [--bibc B] [--device D] [NIN LAYERS GATES K] - what pack_luts
# (compiler/passes/pack_luts.c) changes in Yosys's mapping of a
# logic-gate network's Verilog: 'bibc estimate --json' with --no-pack-luts
# (one GATE node per gate) and with the packing (LUT6; ice40: LUT4), on
# tests/lgn/models/big_lgn.bib and on a random network from make.py
# (default: 784 inputs, 6 layers of 8,000 gates, k = 10; its Yosys runs
# take minutes each).  Prints one row per run: LUT, FF, CARRY, register
# ranks, latency, the pass's own line, Yosys's seconds.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
bibc=$top/build/bibc device=xc7
while [ $# -gt 0 ]; do
  case $1 in
  --bibc) bibc=$2; shift 2 ;;
  --device) device=$2; shift 2 ;;
  *) break ;;
  esac
done
nin=${1:-784} layers=${2:-6} gates=${3:-8000} k=${4:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$top/bench/lgn/make.py" "$nin" "$layers" "$gates" "$k" 1 "$work"
field() { sed -n "s/^  \"$1\": \(.*\),\$/\1/p" "$2"; }
printf '%-28s %-12s %7s %7s %6s %5s %8s  %-40s %s\n' model run LUT FF CARRY ranks latency pack_luts "yosys s"
for m in "$top/tests/lgn/models/big_lgn.bib" "$work/net.bib"; do
  name=$(basename "$m")
  [ "$m" = "$work/net.bib" ] && name="random ${nin}x${layers}x${gates}"
  for run in --no-pack-luts packed; do
    flag=$run
    [ "$run" = packed ] && flag=
    # shellcheck disable=SC2086
    "$bibc" estimate "$m" --device "$device" --json $flag > "$work/e.json"
    pack=$(field pack_luts "$work/e.json" | sed 's/[{}"]//g')
    printf '%-28s %-12s %7s %7s %6s %5s %8s  %-40s %.0f\n' "$name" "$run" "$(field lut "$work/e.json")" \
      "$(field ff "$work/e.json")" "$(field carry "$work/e.json")" "$(field register_ranks "$work/e.json")" \
      "$(field latency_cycles "$work/e.json")" "$pack" "$(field yosys_seconds "$work/e.json")"
  done
done
