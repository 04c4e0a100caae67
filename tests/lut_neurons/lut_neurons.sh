#!/bin/sh
# lut_neurons.sh - the lut_neurons pass on models/tiny_lut.bib, whose
# comment says which neuron reads which inputs: the report's counts in
# 'bibc estimate' (text and JSON) and --dump-net are exactly those, with
# --lut-neurons (every neuron a table, no adder left) and with
# --lut-neuron-bits 4 (only the neuron of 4 input bits), and with
# --lut-neurons-auto (only where cheaper); the Verilog has one
# constant vector per table and lints clean; the HLS C compiles under
# -Wall -Wextra -Werror; the output is the same on a second run; bad
# option values are one-line errors.  Bit-exactness is verify_all's
# (tests.cmake).
#
#   lut_neurons.sh --bibc B [--cc CC]
set -u
bibc=$2 cc=${4:-cc}
here=$(cd "$(dirname "$0")" && pwd)
model=$here/models/tiny_lut.bib
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

all='lut_neurons: 6 of 6 neurons as tables (12 input bits at most, 6 in the widest table), 336 entries, 0 over 12 bits'
"$bibc" estimate "$model" --no-synth --lut-neurons > "$work/e.txt" || fail "bibc estimate --lut-neurons"
grep -qxF "$all" "$work/e.txt" || { cat "$work/e.txt"; fail "estimate's lut_neurons line"; }
grep -q '^netlist: 0 adders,' "$work/e.txt" || fail "adders left with every neuron a table"
"$bibc" estimate "$model" --no-synth > "$work/e0.txt" || fail "bibc estimate"
grep -q '^lut_neurons' "$work/e0.txt" && fail "a lut_neurons line without --lut-neurons"
grep -q '^netlist: 0 adders,' "$work/e0.txt" && fail "no adders without --lut-neurons"
four='lut_neurons: 1 of 6 neurons as tables (4 input bits at most, 4 in the widest table), 16 entries, 5 over 4 bits'
"$bibc" estimate "$model" --no-synth --lut-neuron-bits 4 | grep -qxF "$four" || fail "--lut-neuron-bits 4"
for f in "--lut-neurons" ""; do
  "$bibc" estimate "$model" --no-synth --json $f > "$work/e.json" || fail "bibc estimate --json $f"
  /usr/bin/python3 - "$work/e.json" "$f" <<'PY' || fail "estimate --json's lut_neurons ($f)"
import json, sys
s = json.load(open(sys.argv[1]))["lut_neurons"]
if sys.argv[2]:
    assert s == {"bits": 12, "neurons": 6, "tables": 6, "constant": 0, "over": 0, "budget": 0,
                 "auto": False, "cheaper": 0, "entries": 336, "max_bits": 6}, s
else:
    assert s is None, s
PY
done

"$bibc" "$model" --lut-neurons --dump-net -o "$work/m.v" > "$work/net.txt" || fail "--dump-net -o m.v"
grep -qxF "# $all" "$work/net.txt" || fail "--dump-net's lut_neurons line"
[ "$(grep -c ' = table ' "$work/net.txt")" = 6 ] || fail "--dump-net does not list 6 table nodes"
[ "$(grep -c '^table t[0-9]* : 6 bits = {' "$work/net.txt")" = 5 ] || fail "not 5 tables of 6 bits"
[ "$(grep -c '^table t[0-9]* : 4 bits = {' "$work/net.txt")" = 1 ] || fail "not 1 table of 4 bits"
grep -Eq ' = (add|sub|mul|round|clamp|max) ' "$work/net.txt" && fail "arithmetic left in the netlist"
[ "$(grep -o '^  wire n[0-9]*_b' "$work/m.v" | sort -u | wc -l)" = 6 ] \
  || fail "not 6 tables in the Verilog"
mkdir "$work/again" && "$bibc" "$model" --lut-neurons -o "$work/again/m.v" > /dev/null || fail "second run"
tail -n +2 "$work/m.v" > "$work/a.v" && tail -n +2 "$work/again/m.v" > "$work/b.v"  # line 1: the command
cmp -s "$work/a.v" "$work/b.v" || fail "the Verilog differs between two runs"
if command -v verilator > /dev/null; then
  verilator --lint-only -Wall "$work/m.v" > "$work/lint.txt" 2>&1 || { cat "$work/lint.txt"; fail "verilator lint"; }
  mkdir "$work/one" && "$bibc" "$here/models/one_bit_read.bib" --lut-neurons -o "$work/one/m.v" > /dev/null \
    || fail "one_bit_read.bib"
  verilator --lint-only -Wall "$work/one/m.v" > "$work/lint.txt" 2>&1 \
    || { cat "$work/lint.txt"; fail "verilator lint of a table reading one index bit"; }
fi
"$bibc" "$model" --lut-neurons -o "$work/m.hls.c" > /dev/null || fail "HLS C"
grep -q 'static const uint8_t hls_t0\[64\]' "$work/m.hls.c" || fail "no table array in the HLS C"
"$cc" -std=c99 -Wall -Wextra -Werror -Wno-unknown-pragmas -c "$work/m.hls.c" -o "$work/m.o" || fail "HLS C under -Wall -Wextra -Werror"

# --lut-neurons-auto: tables only where the cost model finds them cheaper
# (all of tiny_lut's; 2 of conv_lut's 8 stay arithmetic, and the 6 tables
# are 3 distinct ones, one per output channel: 576 entries, not 1152)
a="${all%0 over 12 bits}0 over 12 bits, 0 cheaper as arithmetic"
"$bibc" estimate "$model" --no-synth --lut-neurons-auto | grep -qxF "$a" || fail "--lut-neurons-auto on tiny_lut"
c='lut_neurons: 6 of 8 neurons as tables (12 input bits at most, 8 in the widest table), 576 entries, 0 over 12 bits, 2 cheaper as arithmetic'
"$bibc" estimate "$here/models/conv_lut.bib" --no-synth --lut-neurons-auto | grep -qxF "$c" || fail "--lut-neurons-auto on conv_lut"
# a neuron whose table is constant is no input bit of the next, and h1..h3,
# alike, are one table of 16 entries (models/const_leaf.bib)
k='lut_neurons: 5 of 5 neurons as tables, 1 of them constant (12 input bits at most, 12 in the widest table), 4112 entries, 0 over 12 bits'
"$bibc" estimate "$here/models/const_leaf.bib" --no-synth --lut-neurons | grep -qxF "$k" || fail "const_leaf's report"
# the budget: 70 neurons of 16 input bits (4 of 8 inputs of 4 bits each),
# no two alike; 64 tables fill the 2^22 entries, 6 stay arithmetic
/usr/bin/python3 - > "$work/budget.bib" <<'PY'
print("model budget\nopset 13\ninput x: float32[1, 8]")
print('xq = Quant(x, 0.0625, 0.0, 4.0, signed=0, narrow=0, rounding_mode="ROUND")')
rows = [[0.0] * 70 for _ in range(8)]
for j in range(70):  # weights (in 0.25 steps) differ from neuron to neuron: 70 tables
    w = [1 + j % 5, -(1 + j // 5 % 5), 1 + j // 25, 2]
    for t in range(4):
        rows[(j + 3 * t) % 8][j] = w[t] * 0.25
print("const w: float32[8, 70] = [" + ", ".join(str(v) for r in rows for v in r) + "]")
print('wq = Quant(w, 0.25, 0.0, 5.0, signed=1, narrow=0, rounding_mode="ROUND")')
print('y = MatMul(xq, wq)\nyq = Quant(y, 0.5, 0.0, 4.0, signed=1, narrow=0, rounding_mode="ROUND")\noutput yq')
PY
b='lut_neurons: 64 of 70 neurons as tables (16 input bits at most, 16 in the widest table), 4194304 entries, 0 over 16 bits, 6 past the budget (2^22 entries, 2^28 evaluations)'
"$bibc" estimate "$work/budget.bib" --no-synth --lut-neuron-bits 16 > "$work/b.txt" || fail "the budget model"
grep -qxF "$b" "$work/b.txt" || { cat "$work/b.txt"; fail "the budget's report"; }

for bad in 0 17 x; do
  "$bibc" "$model" --lut-neuron-bits $bad -o "$work/bad.v" > "$work/err.txt" 2>&1 && fail "--lut-neuron-bits $bad accepted"
  [ "$(wc -l < "$work/err.txt")" = 1 ] && grep -q 'lut-neuron-bits needs a whole number from 1 to 16' "$work/err.txt" \
    || { cat "$work/err.txt"; fail "--lut-neuron-bits $bad: not the one-line error"; }
  [ -e "$work/bad.v" ] && fail "--lut-neuron-bits $bad wrote a file"
done
echo "lut_neurons: ok"
