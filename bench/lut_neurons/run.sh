#!/bin/sh
# run.sh [--bibc B] [--testdata DIR] [--only NAME] [--no-synth] [--keep DIR]
# - the --lut-neurons benchmark: sparse, low-bit networks whose every neuron
# reads at most 12 bits, each through 'bibc estimate --json' (Yosys,
# synth_xilinx, xc7) once as adders and thresholds (bibc's default) and once
# with --lut-neurons (each neuron its truth table), and once with
# --lut-neurons-auto (a table where the cost model finds it cheaper).  The models:
#   jsc_s, jsc_m   LogicNets' jet-tagging shapes, 16 -> 64 -> 32 -> 32 -> 32
#                  -> 5, fan-in 3 x 2 bits and 4 x 3 bits (make_models.py,
#                  seed 1: SYNTHETIC weights)
#   tfc_2w2a, tfc_1w1a   FINN's MNIST TFC (784 -> 64 -> 64 -> 64 -> 10, 2-bit
#                  codes in and between layers) from ../shared/testdata,
#                  pruned with --prune-fanin 6 (6 x 2 = 12 bits per neuron)
#                  WITHOUT retraining (skipped when absent)
#   any ONNX model under the test data whose path names UNSW-NB15, with
#   --prune-fanin 6 (there is none at the time of writing: said so)
# Per model and way: Yosys LUT and FF, the Fmax estimate (fmax_mhz), the
# netlist's adders, Yosys's seconds, and the "lut_neurons" object of the
# JSON as bibc prints it; then the LUT ratio (with / without).  The
# commands are printed as they run.  The
# figures say nothing of accuracy: the weights are synthetic or pruned
# without retraining.
#   --testdata DIR  the shared test data (default: ../shared/testdata beside
#                   the source tree, else /work/shared/testdata)
#   --only NAME     one model (jsc_s, jsc_m, tfc_2w2a, tfc_1w1a, or an UNSW one)
#   --no-synth      bibc's cost model only (LUT and FF are its estimates, no
#                   Yosys): a second or two
#   --keep DIR      keep the models, JSON and stderr there (else a temporary
#                   folder, removed)
# Yosys takes 5-52 s per model and way on a quiet 2-core machine, jsc_m the
# longest (93 s when the machine is busy): 1.5-2.5 min for the four models
# without --lut-neurons.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/bench/lut_neurons
bibc=$top/build/bibc testdata='' only='' synth='' keep=''
while [ $# -gt 0 ]; do
  case $1 in
  --bibc) bibc=$2; shift 2 ;;
  --testdata) testdata=$2; shift 2 ;;
  --only) only=$2; shift 2 ;;
  --no-synth) synth=--no-synth; shift ;;
  --keep) keep=$2; shift 2 ;;
  *) echo "usage: run.sh [--bibc B] [--testdata DIR] [--only NAME] [--no-synth] [--keep DIR]" >&2
     exit 2 ;;
  esac
done
py=/usr/bin/python3
[ -x "$bibc" ] || { echo "build first: cmake -S . -B build && cmake --build build (no $bibc)"; exit 1; }
$py -c 'import onnx, numpy' 2> /dev/null || { echo "needs $py with onnx and numpy (python3-onnx)"; exit 1; }
[ -n "$synth" ] || command -v yosys > /dev/null || { echo "needs Yosys (Debian package yosys)"; exit 1; }
if [ -z "$testdata" ]; then
  testdata=$top/../shared/testdata
  [ -d "$testdata" ] || testdata=/work/shared/testdata
fi
if [ -n "$keep" ]; then
  mkdir -p "$keep" || exit 1
  work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# run CMD...: prints the command (on the script's stdout, fd 3), then runs it.
exec 3>&1
run() {
  echo "+ $*" >&3
  "$@"
}

# The models: NAME FILE FLAGS per line.
tfc=$testdata/models/QONNX_model_zoo/models/MNIST/Brevitas_FINN_TFC/TFC
run $py "$here/make_models.py" "$work" 1 || exit 1
{
  echo "jsc_s $work/jsc_s.onnx"
  echo "jsc_m $work/jsc_m.onnx"
  for m in TFC_2W2A TFC_1W1A; do
    if [ -f "$tfc/$m.onnx" ]; then
      echo "$(echo "$m" | tr '[:upper:]' '[:lower:]') $tfc/$m.onnx --prune-fanin 6"
    else
      echo "($tfc/$m.onnx absent: skipped)" >&3
    fi
  done
  unsw=$(find "$testdata/models" -iname '*.onnx' -ipath '*unsw*' 2> /dev/null | sort)
  [ -n "$unsw" ] || echo "(no UNSW-NB15 model under $testdata/models: none measured)" >&3
  for f in $unsw; do
    echo "$(basename "$f" .onnx | tr '[:upper:]' '[:lower:]') $f --prune-fanin 6"
  done
} > "$work/models.txt"
if [ -n "$only" ]; then
  grep "^$only " "$work/models.txt" > "$work/only.txt" || { echo "no model '$only'"; exit 1; }
  mv "$work/only.txt" "$work/models.txt"
fi

# fig JSON: LUT FF FMAX ADDERS YOSYS_S LUT_NEURONS, '-' for null; with
# --no-synth, LUT and FF are the cost model's.
fig() {
  $py - "$1" "$synth" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
model = sys.argv[2] == "--no-synth"
def num(k, fmt):
    v = j.get(k)
    return "-" if v is None else fmt % v
ln = json.dumps(j["lut_neurons"], separators=(",", ":")) if "lut_neurons" in j else "(absent)"
print(num("cost_model_lut" if model else "lut", "%d"), num("cost_model_ff" if model else "ff", "%d"),
      num("fmax_mhz", "%.1f"), num("adders", "%d"), num("yosys_seconds", "%.1f"), ln)
EOF
}

while read -r name model flags; do
  # shellcheck disable=SC2086
  run "$bibc" estimate "$model" --json $synth $flags < /dev/null > "$work/$name.json" \
    2> "$work/$name.err" ||
    { echo "$name: $(tail -1 "$work/$name.err")"; continue; }
  echo "$name adders $(fig "$work/$name.json")" >> "$work/table.txt"
  for way in lut-neurons lut-neurons-auto; do
    # shellcheck disable=SC2086
    if run "$bibc" estimate "$model" --json $synth $flags --$way < /dev/null \
         > "$work/$name.$way.json" 2> "$work/$name.$way.err"; then
      echo "$name $way $(fig "$work/$name.$way.json")" >> "$work/table.txt"
    else
      echo "$name $way error: $(tail -1 "$work/$name.$way.err")" >> "$work/table.txt"
    fi
  done
done < "$work/models.txt"

echo
[ -z "$synth" ] || echo "(--no-synth: LUT and FF are bibc's cost model's, not Yosys's)"
printf '%-10s %-16s %7s %6s %9s %7s %8s %9s  %s\n' model way LUT FF "Fmax MHz" adders "yosys s" \
  "LUT ratio" lut_neurons
touch "$work/table.txt"
awk '
  $3 == "error:" { printf "%-10s %-16s %s\n", $1, $2, substr($0, index($0, "error:")); next }
  { ratio = "-"
    if ($2 == "adders") base[$1] = $3
    else if ($3 != "-" && base[$1] != "" && base[$1] != "-" && base[$1] > 0)
      ratio = sprintf("%.3f", $3 / base[$1])
    if ($2 == "adders" && $6 == "0") constant[$1] = 1
    ln = $8; for (i = 9; i <= NF; i++) ln = ln " " $i
    printf "%-10s %-16s %7s %6s %9s %7s %8s %9s  %s\n", $1, $2, $3, $4, $5, $6, $7, ratio, ln }
  END { for (m in constant)
          printf "%s: no adder is left: the pruned network'"'"'s outputs are constants (its thresholds\n" \
                 "were trained for the unpruned sums)\n", m }
' "$work/table.txt"
echo
echo "bibc's notes:"
cat "$work"/*.err 2> /dev/null | grep 'note:' | sed 's/^/  /' | sort -u > "$work/notes.txt"
if [ -s "$work/notes.txt" ]; then cat "$work/notes.txt"; else echo "  (none)"; fi
echo "These figures say nothing of accuracy: jsc_s and jsc_m have synthetic random weights"
echo "(make_models.py), and the TFC models are pruned to fan-in 6 without retraining."
