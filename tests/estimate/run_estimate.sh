#!/bin/sh
# run_estimate.sh - 'bibc estimate' on small designs (a few seconds of Yosys
# each), one case per call:
#   schema     --no-synth --json: every key of the README's schema is there,
#              Yosys's figures are null, the cost model's are numbers
#   xc7        Yosys on xc7 with a budget of 1 LUT: exit 3 naming lut only,
#              LUT and FF counts > 0, per-layer rows, and the printed
#              script, rerun by hand with yosys on the Verilog that 'bibc
#              MODEL -o NAME.v' writes, gives the same LUT count
#   ice40      nextpnr-ice40 places and routes it and reports an Fmax
#   asic       transistors, and with tests/estimate/data/tiny.lib the area
#   budget     (cost model) exit 3 over budget, naming the figure, 0
#              within; the examples/ci/check_budget.sh gate: 1 over, 0 within
#   no_yosys   PATH without yosys: one line naming the Debian package, exit
#              1, nothing left in TMPDIR
#   timeout    --timeout 1 on a design Yosys needs longer for: "timed out",
#              exit 1, nothing left in TMPDIR
#
#   run_estimate.sh --bibc B CASE MODEL
# Exit 77 (skipped) when MODEL does not exist.
set -u
bibc=
while [ $# -gt 2 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    *) break ;;
  esac
done
case=${1:?usage: run_estimate.sh --bibc B CASE MODEL}
model=${2:?usage: run_estimate.sh --bibc B CASE MODEL}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$model" ] || { echo "SKIP: $model not found"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# LUT FF CARRY4 of the printed script ($name.ys) run by hand on $name.v:
# one run, or the runs it is made of ("# run K of N": each its own yosys -s,
# their modules added up, the top's from run 1)
by_hand() {
  /usr/bin/python3 - "$name" > runs.txt <<'PY' || fail "cannot split $name.ys"
import re, sys
name = sys.argv[1]
text = open(name + ".ys").read()
parts = re.split(r"^# run (\d+) of \d+.*\n", text, flags=re.M)
if len(parts) == 1:
    print(name + ".ys " + name + ".stat.json")
for k in range(1, len(parts), 2):
    open("%s.%s.ys" % (name, parts[k]), "w").write(parts[k + 1])
    print("%s.%s.ys %s.%s.stat.json" % (name, parts[k], name, parts[k]))
PY
  while read -r ys st; do
    yosys -q -s "$ys" > yosys.log 2>&1 || fail "yosys -s $ys"
  done < runs.txt
  again=$(/usr/bin/python3 - "$name" runs.txt <<'PY'
import json, sys
name, lut, ff, carry = sys.argv[1], 0, 0, 0
for i, line in enumerate(open(sys.argv[2])):
    for m, d in json.load(open(line.split()[1]))["modules"].items():
        if i > 0 and m.lstrip("\\") == name:
            continue  # the top: from run 1
        c = d["num_cells_by_type"]
        lut += sum(v for k, v in c.items() if k == "INV" or (k.startswith("LUT") and k[3:].isdigit()))
        ff += sum(v for k, v in c.items() if k.startswith("FD"))
        carry += c.get("CARRY4", 0)
print(lut, ff, carry)
PY
)
}
field() { sed -n "s/^  \"$1\": \\([^,]*\\),*\$/\\1/p" "$2"; }
name=$(basename "$model" .onnx | tr -c 'A-Za-z0-9_\n' '_')
cd "$work" || exit 1

case $case in
schema)
  "$bibc" estimate "$model" --no-synth --json > e.json || fail "bibc estimate --no-synth --json"
  for k in lut ff carry dsp bram latency_cycles latency_ns fmax_mhz adders adder_bits cost_model_lut \
           yosys_version yosys_script yosys_seconds layers; do
    grep -q "^  \"$k\": " e.json || fail "key $k missing"
  done
  for k in lut ff carry yosys_version yosys_script; do
    [ "$(field $k e.json)" = null ] || fail "$k should be null without synthesis"
  done
  for k in latency_cycles adders adder_bits cost_model_lut fmax_mhz; do
    field $k e.json | grep -Eq '^[0-9][0-9.e+-]*$' || fail "$k is not a number: $(field $k e.json)"
  done
  grep -q '"node": ' e.json || fail "no per-layer entry"
  echo "schema: $(grep -c '^  "' e.json) keys, $(grep -c '"node": ' e.json) layers; cost model $(field cost_model_lut e.json) LUTs"
  ;;
xc7)
  "$bibc" estimate "$model" --json --budget lut=1,latency_cycles=1000 > e.json 2> err.txt
  st=$?
  [ $st = 3 ] || fail "over budget: exit status $st, want 3: $(cat err.txt)"
  grep -q "over budget: lut" err.txt || fail "the message does not name lut: $(cat err.txt)"
  grep -q latency_cycles err.txt && fail "latency_cycles is within its budget but reported"
  lut=$(field lut e.json) ff=$(field ff e.json)
  [ "$lut" -gt 0 ] && [ "$ff" -gt 0 ] || fail "LUT $lut FF $ff"
  grep '"node": ' e.json | grep -q '"lut": [0-9]' || fail "no per-layer LUT count"
  # the script, by hand, on the Verilog of 'bibc MODEL -o NAME.v'
  /usr/bin/python3 -c 'import json,sys; print(json.load(open("e.json"))["yosys_script"], end="")' > "$name.ys" \
    || fail "yosys_script is not valid JSON"
  "$bibc" "$model" -o "$name.v" > /dev/null || fail "bibc -o $name.v"
  by_hand
  [ "$again" = "$lut $ff $(field carry e.json)" ] ||
    fail "the script by hand gives LUT FF CARRY4 $again, bibc estimate $lut $ff $(field carry e.json)"
  echo "xc7: $lut LUT, $ff FF, $(field carry e.json) CARRY4 in $(field yosys_runs e.json) Yosys run(s); the script by hand: the same; Fmax $(field fmax_mhz e.json) MHz; $(cat err.txt)"
  ;;
parallel)
  # a layer over PART_BITS (backends/verilog.c) is cut into modules NAME_lN_pK
  # (a 12 x 12 product with a register rank after every level: 2 parts), and
  # the modules go to two Yosys runs at once: the printed scripts, rerun by
  # hand, must give the same figures
  /usr/bin/python3 "$here/../../bench/make_cmvm.py" "$name.onnx" 12 12 1 || fail "make_cmvm.py"
  model=$name.onnx
  "$bibc" estimate "$model" --json --pipeline 1 -o "$name.v" > e.json 2> err.txt ||
    fail "bibc estimate: $(cat err.txt)"
  parts=$(grep -c "^module ${name}_l[0-9]*_p[0-9]* (" "$name.v")
  [ "$parts" -ge 2 ] || fail "the 12 x 12 product is not cut into parts ($parts)"
  runs=$(field yosys_runs e.json)
  [ "$runs" = 2 ] || fail "$runs Yosys run(s), want 2"
  lut=$(field lut e.json) ff=$(field ff e.json)
  /usr/bin/python3 -c 'import json,sys; print(json.load(open("e.json"))["yosys_script"], end="")' > "$name.ys"
  by_hand
  [ "$again" = "$lut $ff $(field carry e.json)" ] ||
    fail "the script by hand gives LUT FF CARRY4 $again, $runs parallel runs $lut $ff $(field carry e.json)"
  layer=$(grep '"node": ' e.json | sed -n 's/.*"lut": \([0-9]*\),.*/\1/p' | head -1)
  [ "$layer" = "$lut" ] || fail "the product's layer has $layer LUTs of $lut (its parts not added up)"
  # asic: synth prints statistics of its own before stat -tech cmos; the
  # layer adds up its parts' blocks of the last round only
  "$bibc" estimate "$model" --device asic --json --pipeline 1 > a.json 2> err.txt ||
    fail "--device asic: $(cat err.txt)"
  lc=$(grep '"node": ' a.json | sed -n 's/.*"cells": \([0-9]*\),.*/\1/p' | head -1)
  tc=$(field cells a.json)
  [ -n "$lc" ] && [ "$lc" -gt 0 ] && [ "$lc" -le "$tc" ] || fail "asic: the layer has $lc cells of $tc"
  echo "parallel: $parts parts, $runs Yosys runs in $(field yosys_seconds e.json) s: $lut LUT, $ff FF; the script by hand: the same; asic: the layer $lc of $tc cells"
  ;;
ice40)
  "$bibc" estimate "$model" --device ice40 --json > e.json || fail "bibc estimate --device ice40"
  [ "$(field lut e.json)" -gt 0 ] || fail "no SB_LUT4"
  field nextpnr e.json | grep -q "placed and routed" || fail "nextpnr: $(field nextpnr e.json)"
  echo "ice40: $(field lut e.json) SB_LUT4, $(field carry e.json) SB_CARRY, $(field nextpnr e.json)"
  ;;
asic)
  "$bibc" estimate "$model" --device asic --json > e.json || fail "bibc estimate --device asic"
  [ "$(field transistors e.json)" -gt 0 ] || fail "no transistor count"
  "$bibc" estimate "$model" --device asic --liberty "$here/data/tiny.lib" --json > l.json \
    || fail "bibc estimate --liberty"
  field area l.json | grep -Eq '^[1-9][0-9.e+]*$' || fail "no area: $(field area l.json)"
  echo "asic: $(field cells e.json) CMOS gates, $(field transistors e.json) transistors; tiny.lib: $(field cells l.json) cells, area $(field area l.json)"
  ;;
budget)
  "$bibc" estimate "$model" --no-synth --json --budget adders=1,latency_cycles=1000 > e.json 2> err.txt
  st=$?
  [ $st = 3 ] || fail "over budget: exit status $st, want 3"
  grep -q "over budget: adders" err.txt || fail "the message does not name adders: $(cat err.txt)"
  grep -q latency_cycles err.txt && fail "latency_cycles is within its budget but reported"
  lut=$(field cost_model_lut e.json)
  "$bibc" estimate "$model" --no-synth --budget "lut=$lut,ff=100000,dsp=0,latency_ns=100000" \
    > /dev/null 2> err.txt || fail "within budget: exit status $?: $(cat err.txt)"
  BIBC=$bibc sh "$here/../../examples/ci/check_budget.sh" "$model" lut=1 --no-synth > gate.txt 2>&1 \
    && fail "check_budget.sh passed an exceeded budget"
  BIBC=$bibc sh "$here/../../examples/ci/check_budget.sh" "$model" lut=1000000 --no-synth > gate.txt 2>&1 \
    || fail "check_budget.sh: $(cat gate.txt)"
  echo "budget: exit 3 over ($(head -1 err.txt 2>/dev/null)), 0 within lut=$lut; the CI gate agrees"
  ;;
no_yosys)
  mkdir bin tmp
  for t in sh cat; do ln -s "$(command -v $t)" bin/$t; done
  TMPDIR=$work/tmp PATH=$work/bin "$bibc" estimate "$model" > out.txt 2> err.txt
  st=$?
  [ $st = 1 ] || fail "exit status $st, want 1"
  grep -q "install the Debian package yosys" err.txt || fail "message: $(cat err.txt)"
  [ "$(wc -l < err.txt)" = 1 ] || fail "more than one line: $(cat err.txt)"
  [ -z "$(ls tmp)" ] || fail "left in TMPDIR: $(ls tmp)"
  echo "no_yosys: $(cat err.txt)"
  ;;
timeout)
  mkdir tmp
  TMPDIR=$work/tmp "$bibc" estimate "$model" --timeout 1 --pipeline 0 > out.txt 2> err.txt
  st=$?
  [ $st = 1 ] || fail "exit status $st, want 1"
  grep -q "timed out after 1 s" err.txt || fail "message: $(cat err.txt)"
  [ -z "$(ls tmp)" ] || fail "left in TMPDIR: $(ls tmp)"
  pgrep -f "yosys -q -l $name\." > /dev/null && fail "yosys still running"
  echo "timeout: $(cat err.txt)"
  ;;
*) echo "unknown case $case"; exit 2 ;;
esac
exit 0
