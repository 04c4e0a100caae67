#!/bin/sh
# gate_passes.sh - the gate-level passes on models/gate_opt.bib, whose
# comment says what each pass does to which gate: the counts after each
# pass in 'bibc estimate' (text and JSON) and --dump-net are exactly
# those; with --lgn-naive every gate stays and none of the passes runs;
# the optimised netlist reads no constant, pass-through or duplicate gate.
# Bit-exactness is tests/lgn's verify_all (gate_opt is one of its models).
#
#   gate_passes.sh --bibc B
set -u
bibc=$2
here=$(cd "$(dirname "$0")" && pwd)
model=$here/models/gate_opt.bib
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

want='gates: 16 built, 12 after propagate_gate_constants, 9 after fold_inverters, 8 after eliminate_dead_gates, 6 after hash_gates'
"$bibc" estimate "$model" --no-synth > "$work/e.txt" || fail "bibc estimate"
grep -qxF "$want" "$work/e.txt" || { cat "$work/e.txt"; fail "estimate's gate counts"; }
"$bibc" estimate "$model" --no-synth --json > "$work/e.json" || fail "bibc estimate --json"
/usr/bin/python3 - "$work/e.json" <<'PY' || fail "estimate --json's gates"
import json, sys
g = json.load(open(sys.argv[1]))["gates"]
want = [("build_net", 16), ("propagate_gate_constants", 12), ("fold_inverters", 9),
        ("eliminate_dead_gates", 8), ("hash_gates", 6)]
assert [(s["pass"], s["gates"]) for s in g] == want, g
PY
"$bibc" "$model" --target verilog --dump-net -o "$work/m.v" > "$work/net.txt" || fail "--dump-net"
grep -qxF "# $want" "$work/net.txt" || fail "--dump-net's gate counts"
[ "$(grep -c ' = gate ' "$work/net.txt")" = 6 ] || fail "--dump-net does not list 6 gates"
# no gate of a constant, no pass-through (id 3 or 5 of two operands), no two alike
awk '/ = gate / { k = $7; key = $4 $5 " " k; if (seen[key]++) { print "duplicate: " $0; bad = 1 }
       if (k == 0 || k == 15 || ((k == 3 || k == 5) && $4 != $5",")) { print "trivial: " $0; bad = 1 } }
     END { exit bad }' "$work/net.txt" || fail "a trivial or duplicate gate is left"
consts=$(awk '/ = const / { sub(/ =.*/, "", $1); c[$1] = 1 } / = gate / { a = $4; b = $5; sub(/,/, "", a);
  if (a in c || b in c) n++ } END { print n + 0 }' "$work/net.txt")
[ "$consts" = 0 ] || fail "$consts gates read a constant"
"$bibc" estimate "$model" --no-synth --lgn-naive > "$work/n.txt" || fail "estimate --lgn-naive"
grep -qxF 'gates: 16 built (--lgn-naive: no gate-level pass)' "$work/n.txt" || fail "--lgn-naive's counts"
"$bibc" "$model" --target verilog --lgn-naive -o "$work/n.v" || fail "--lgn-naive -o n.v"
[ "$(grep -c '^  assign' "$work/n.v")" -ge 16 ] || fail "--lgn-naive's Verilog lacks a gate"
echo "ok: $want"
