#!/bin/sh
# run_lut_bench.sh --bibc B - bench/lut_neurons/run.sh --no-synth (bibc's
# cost model, no Yosys) on its two generated models, the shared test data
# pointed away (its TFC models are skipped, and said so): the commands run
# are printed; each model has a row of figures as adders, and rows with a
# LUT ratio and the lut_neurons object for --lut-neurons (every neuron a
# table) and --lut-neurons-auto (auto true); the note on accuracy.
set -u
bibc=''
while [ $# -gt 1 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    *) break ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if ! /usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null; then
  echo "SKIP: /usr/bin/python3 has no onnx or numpy (Debian python3-onnx)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/out.txt"; exit 1; }
sh "$top/bench/lut_neurons/run.sh" --bibc "$bibc" --no-synth --testdata "$work/none" \
  > "$work/out.txt" 2>&1 || fail "run.sh exited $?"
cat "$work/out.txt"
grep -q '^(.*/none/models/.*/TFC_2W2A.onnx absent: skipped)$' "$work/out.txt" \
  || fail "no skip message for the absent TFC_2W2A"
grep -q "^+ $bibc estimate .*/jsc_m.onnx --json --no-synth$" "$work/out.txt" \
  || fail "the estimate command is not printed"
grep -q '^These figures say nothing of accuracy' "$work/out.txt" || fail "no note on accuracy"
for m in jsc_s jsc_m; do
  grep -q "^$m  *adders  *[0-9][0-9]*  *[0-9][0-9]*  *[0-9.][0-9.]*  *[1-9][0-9]*  *-  *-  " \
    "$work/out.txt" || fail "no adders row of figures for $m"
done
for m in jsc_s jsc_m; do
  for way in lut-neurons lut-neurons-auto; do
    row="^$m  *$way  *[0-9][0-9]*  *[0-9][0-9]*  *[0-9.][0-9.]*  *[0-9][0-9]*  *-  *[0-9]\.[0-9][0-9][0-9]  {\"bits\":12,"
    grep -q "$row" "$work/out.txt" || fail "no $way row with a LUT ratio and the lut_neurons object for $m"
  done
  grep -q "^$m  *lut-neurons-auto .*\"auto\":true," "$work/out.txt" || fail "$m: auto is not true"
done
echo "PASS: bench/lut_neurons/run.sh"
