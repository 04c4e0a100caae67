#!/bin/sh
# run_fanin.sh - --prune-fanin N (compiler/passes/prune.c, step 2):
#
#   run_fanin.sh --bibc B rule MODEL N [FRACTION]
#       the weights after bibc's prune pass are those check_fanin.py
#       computes from ONNX's definitions of the layers (per-neuron nonzero
#       counts exact, every kept weight the rule's), and bibc's note counts
#       the weights the checker saw zeroed.  With FRACTION, --prune
#       FRACTION runs too and the rule applies to what it left (the global
#       step first).
#   run_fanin.sh --bibc B golden MODEL N EXPECTED.bib
#       the model printed after the pass is EXPECTED.bib, but for the first
#       line, which quotes the command (--update rewrites EXPECTED.bib).
#   run_fanin.sh --bibc B bn MODEL N
#       --prune-fanin alone does not fold BatchNormalization (the pipeline
#       has no fold_batchnorm), --prune does.
#
# The models are exported as ONNX for check_fanin.py (/usr/bin/python3 with
# python3-onnx and numpy: exit 77, skipped, without them, or when MODEL is
# under an absent ../shared).
set -u
bibc='' update=0
while [ $# -gt 0 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --update) update=1; shift ;;
    *) break ;;
  esac
done
mode=${1:?usage: run_fanin.sh --bibc B rule|golden|bn MODEL N ...}
model=${2:?model} n=${3:?N}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/err.txt" 2>/dev/null; exit 1; }
if [ ! -f "$model" ]; then
  echo "SKIP: $model not found (shared test data absent?)"
  exit 77
fi

case $mode in
rule)
  fraction=${4:-}
  if ! /usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null; then
    echo "SKIP: /usr/bin/python3 has no onnx or numpy (Debian python3-onnx)"
    exit 77
  fi
  if [ -n "$fraction" ]; then
    "$bibc" "$model" --prune "$fraction" --dump-after prune -o "$work/base.onnx" 2> "$work/err.txt" \
      || fail "bibc --prune $fraction"
    "$bibc" "$model" --prune "$fraction" --prune-fanin "$n" --dump-after prune -o "$work/got.onnx" \
      2> "$work/err.txt" || fail "bibc --prune $fraction --prune-fanin $n"
  else
    "$bibc" "$model" -o "$work/base.onnx" 2> "$work/err.txt" || fail "bibc -o base.onnx"
    "$bibc" "$model" --prune-fanin "$n" --dump-after prune -o "$work/got.onnx" 2> "$work/err.txt" \
      || fail "bibc --prune-fanin $n"
  fi
  cat "$work/err.txt"
  /usr/bin/python3 "$here/check_fanin.py" "$work/base.onnx" "$work/got.onnx" "$n" > "$work/check.txt"
  rc=$?
  cat "$work/check.txt"
  [ $rc = 0 ] || fail "check_fanin.py"
  zeroed=$(sed -n 's/^zeroed: //p' "$work/check.txt")
  grep -q "note: prune: fan-in $n: $zeroed more weights are zero now" "$work/err.txt" \
    || fail "bibc's note does not count the $zeroed weights zeroed"
  ;;
golden)
  expected=${4:?EXPECTED.bib}
  "$bibc" "$model" --prune-fanin "$n" --dump-after prune -o "$work/got.bib" 2> "$work/err.txt" \
    || fail "bibc --prune-fanin $n"
  sed 1d "$work/got.bib" > "$work/got_body.bib"
  if [ $update = 1 ]; then
    cp "$work/got_body.bib" "$expected"
    echo "updated $expected"
    exit 0
  fi
  diff "$expected" "$work/got_body.bib" || fail "the pruned model differs from $expected"
  echo "the pruned model is $expected"
  ;;
bn)
  "$bibc" "$model" --prune-fanin "$n" --dump-ir > "$work/fanin.txt" 2> "$work/err.txt" \
    || fail "bibc --prune-fanin $n"
  grep -q 'bnfold' "$work/fanin.txt" && fail "--prune-fanin folded BatchNormalization"
  grep -q '\.pruned' "$work/fanin.txt" || fail "--prune-fanin pruned nothing"
  "$bibc" "$model" --prune 0.01 --dump-ir > "$work/prune.txt" 2> "$work/err.txt" \
    || fail "bibc --prune 0.01"
  grep -q 'bnfold' "$work/prune.txt" || fail "--prune no longer folds BatchNormalization"
  echo "--prune-fanin $n keeps BatchNormalization out of the weights; --prune folds it"
  ;;
*)
  echo "unknown mode $mode"
  exit 2
  ;;
esac
