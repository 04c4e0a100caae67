#!/bin/sh
# run.sh - scaled-integer thresholds against an exact reference: makes model
# NAME of make_models.py and its 2,000 inputs in DIR/NAME, runs
# 'bibc run NAME.onnx --fixed' on them and compares every output bit for
# bit with reference.py, which computes the model's exact real-number
# semantics with Python fractions (ir/fixed-point.md; fold_thresholds.c).
# The fixed-point graph must also have no float section left: its only
# float32 nodes are the graph input's Quant and the ToFloat of the outputs,
# and each quantizer after the first became a bibc.Threshold.
# Prints reference.py's summary line (model, layers, samples, mismatches,
# exact ties hit, levels reached per quantizer).
#
#   run.sh --bibc B [--dir DIR] NAME
#
# PYTHON (default /usr/bin/python3) must have onnx and numpy, else exit 77
# (skipped).  DIR defaults to a temporary directory, removed at the end.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bibc='' dir=''
while [ $# -gt 1 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) break ;;
  esac
done
name=${1:?usage: run.sh --bibc B [--dir DIR] NAME}
py=${PYTHON:-/usr/bin/python3}
if ! "$py" -c 'import onnx, numpy' > /dev/null 2>&1; then
  echo "SKIP: $py with onnx and numpy not found"
  exit 77
fi
if [ -z "$dir" ]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi
w=$dir/$name
rm -rf "$w"
mkdir -p "$w" || exit 1
fail() { echo "FAIL $name: $*"; exit 1; }

"$py" "$here/make_models.py" "$w" "$name" || fail "make_models.py"
m=$w/$name.onnx
status=0

# No float section left in the integer graph.
"$bibc" "$m" --dump-ir > "$w/float.ir" || fail "bibc --dump-ir"
"$bibc" "$m" --fixed --dump-ir > "$w/fixed.ir" || fail "bibc --fixed --dump-ir"
grep -E '^%[^ ]* : float32' "$w/fixed.ir" | grep -vE '= (Quant\(%x,|bibc\.ToFloat\()' \
  > "$w/float_nodes.txt"
if [ -s "$w/float_nodes.txt" ]; then
  echo "FAIL $name: float nodes left in the --fixed graph:"
  cut -c1-160 "$w/float_nodes.txt"
  status=1
fi
nq=$(grep -cE '= (Quant|BipolarQuant)\(' "$w/float.ir")
nt=$(grep -c '= bibc\.Threshold(' "$w/fixed.ir")
if [ "$nt" != $((nq - 1)) ]; then
  echo "FAIL $name: $nt bibc.Threshold nodes for $((nq - 1)) quantizers after the input's:"
  grep -E '= [A-Za-z.]*(Quant|Requant|Threshold)\(' "$w/fixed.ir" | cut -c1-160
  status=1
fi

# Every output bit for bit.
"$bibc" run "$m" --fixed -i "$w/$name.x.npy" -o "$w/fixed" || fail "bibc run --fixed"
"$bibc" run "$m" -i "$w/$name.x.npy" -o "$w/float" || fail "bibc run"
"$py" "$here/reference.py" "$m" "$w/$name.x.npy" --check "$w/fixed" --float "$w/float" || status=1
exit $status
