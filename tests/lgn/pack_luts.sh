#!/bin/sh
# pack_luts.sh - the pack_luts netlist pass (compiler/passes/pack_luts.c)
# on one logic-gate network model, for the Verilog backend's netlist:
#   count      --dump-net has no gate left, as many 'lut' lines as its
#              'pack_luts: G gates into L LUT6' line says, and fewer LUTs
#              than the gates of --no-pack-luts' netlist (and than G)
#   k          --lut-k 4: no LUT reads more than 4 operands and some read 4,
#              the line says LUT4; the default (6) has a LUT of more than 4
#   net        'bibc run --net' (the netlist evaluator) with K = 6, 4 and 2
#              equals 'bibc run --fixed' on 2,000 random inputs
#   estimate   'bibc estimate --no-synth' prints the line (LUT6; --device
#              ice40: LUT4) and its --json the pack_luts object
#   errors     --lut-k 1 and --lut-k 7: a one-line error, exit 1
# With --yosys, only: 'bibc estimate --json' runs Yosys, and each logic
# layer's module takes no more LUTs than the LUT nodes the cost model counts
# in it (Yosys maps every LUT node to at most one LUT6; exit 77 without
# yosys).
#
#   pack_luts.sh --bibc B [--npycmp N] [--yosys] MODEL.bib
set -u
bibc='' npycmp='' yosys=0
while [ $# -gt 1 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --npycmp) npycmp=$2; shift 2 ;;
    --yosys) yosys=1; shift ;;
    *) break ;;
  esac
done
model=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
name=$(basename "$model")
fail() { echo "FAIL: $name: $*" >&2; exit 1; }

if [ $yosys = 1 ]; then
  command -v yosys > /dev/null || { echo "SKIP: yosys is not installed"; exit 77; }
  "$bibc" estimate "$model" --json > "$work/y.json" || fail "bibc estimate --json"
  grep -q '^  "pack_luts": {"k": 6, ' "$work/y.json" || fail "no pack_luts object"
  rows=$(grep '"op": "LogicLayer"' "$work/y.json") || fail "no LogicLayer rows"
  echo "$rows" | sed 's/.*"lut": \([0-9]*\),.*"cost_model_lut": \([0-9.]*\),.*/\1 \2/' | {
    while read -r lut model; do
      awk -v l="$lut" -v m="$model" 'BEGIN { exit !(l > 0 && l <= m) }' \
        || fail "a logic layer takes $lut LUTs in Yosys for $model LUT nodes"
    done
  } || exit 1
  echo "ok: $name: Yosys's LUTs per logic layer within the LUT nodes:" \
    "$(echo "$rows" | sed 's/.*"lut": \([0-9]*\),.*"cost_model_lut": \([0-9.]*\),.*/\1\/\2/' | tr '\n' ' ')"
  exit 0
fi

# count
"$bibc" "$model" --dump-net --target verilog > "$work/pack.txt" || fail "--dump-net"
"$bibc" "$model" --dump-net --target verilog --no-pack-luts > "$work/gates.txt" || fail "--no-pack-luts"
line=$(grep '^# pack_luts: ' "$work/pack.txt") || fail "no pack_luts line in --dump-net"
G=$(echo "$line" | sed -n 's/^# pack_luts: \([0-9]*\) gates into \([0-9]*\) LUT6, \([0-9]*\) LUT levels*$/\1/p')
L=$(echo "$line" | sed -n 's/^# pack_luts: \([0-9]*\) gates into \([0-9]*\) LUT6, \([0-9]*\) LUT levels*$/\2/p')
[ -n "$G" ] && [ -n "$L" ] || fail "malformed line: $line"
gates=$(grep -c '^n[0-9]* = gate ' "$work/gates.txt")
luts=$(grep -c '^n[0-9]* = lut ' "$work/pack.txt")
! grep -q '^n[0-9]* = gate ' "$work/pack.txt" || fail "a gate is left after pack_luts"
! grep -q 'pack_luts' "$work/gates.txt" || fail "--no-pack-luts still reports packing"
[ "$luts" = "$L" ] || fail "the line says $L LUTs, the netlist has $luts"
[ "$L" -lt "$G" ] && [ "$L" -lt "$gates" ] && [ "$G" -le "$gates" ] \
  || fail "$L LUTs from $G live gates of $gates"

# k: the operands of each lut line (n9 = lut n1, n4, n7 : 0x96 ...)
most() { sed -n 's/^n[0-9]* = lut \([^:]*\) : .*/\1/p' "$1" | awk -F, 'NF > m { m = NF } END { print m + 0 }'; }
[ "$(most "$work/pack.txt")" -gt 4 ] || fail "no LUT of more than 4 operands with K = 6"
"$bibc" "$model" --dump-net --target verilog --lut-k 4 > "$work/k4.txt" || fail "--lut-k 4"
[ "$(most "$work/k4.txt")" = 4 ] || fail "--lut-k 4: the widest LUT has $(most "$work/k4.txt") operands"
grep -q '^# pack_luts: [0-9]* gates into [0-9]* LUT4, ' "$work/k4.txt" || fail "--lut-k 4: no LUT4 line"

# net: the netlist evaluator against the integer reference
/usr/bin/python3 "$here/reference.py" "$model" 2000 "$work" || fail "reference.py"
"$bibc" run --fixed "$model" -i "$work/x.npy" -o "$work/fixed" || fail "bibc run --fixed"
for k in 6 4 2; do
  "$bibc" run --net --target verilog --lut-k $k "$model" -i "$work/x.npy" -o "$work/net$k" \
    || fail "bibc run --net --lut-k $k"
  "$npycmp" "$work/net$k/output_0.npy" "$work/fixed/output_0.npy" 0 > "$work/cmp.txt" 2>&1 \
    || { cat "$work/cmp.txt" >&2; fail "the netlist with --lut-k $k differs from run --fixed"; }
done

# estimate
"$bibc" estimate "$model" --no-synth > "$work/est.txt" || fail "bibc estimate --no-synth"
grep -qx "pack_luts: $G gates into $L LUT6, [0-9]* LUT levels*" "$work/est.txt" \
  || fail "estimate lacks the line '$line'"
"$bibc" estimate "$model" --no-synth --device ice40 > "$work/ice.txt" || fail "estimate --device ice40"
grep -q "^pack_luts: $G gates into [0-9]* LUT4, " "$work/ice.txt" || fail "ice40 does not pack into LUT4"
"$bibc" estimate "$model" --no-synth --json > "$work/est.json" || fail "estimate --json"
grep -q "^  \"pack_luts\": {\"k\": 6, \"gates\": $G, \"luts\": $L, \"levels\": [0-9]*},\$" "$work/est.json" \
  || fail "estimate --json: no pack_luts object"

# errors
for k in 1 7; do
  "$bibc" "$model" --dump-net --target verilog --lut-k $k > /dev/null 2> "$work/err.txt"
  st=$?
  [ $st = 1 ] || fail "--lut-k $k: exit status $st"
  [ "$(wc -l < "$work/err.txt")" = 1 ] && grep -q 'lut-k' "$work/err.txt" || fail "--lut-k $k: $(cat "$work/err.txt")"
done
echo "ok: $name: $line ($gates gates before; LUT4: $(grep -c '^n[0-9]* = lut ' "$work/k4.txt"))"
