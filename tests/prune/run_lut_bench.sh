#!/bin/sh
# run_lut_bench.sh --bibc B real|mock - bench/lut_neurons/run.sh --no-synth
# (bibc's cost model, no Yosys) on its two generated models, the shared test
# data pointed away (its TFC models are skipped, and said so):
#   real  with B as it is: the table has a row of figures for jsc_s and
#         jsc_m as adders, and either bibc rejects --lut-neurons and the
#         note says so, or each has a lut-neurons row with a LUT ratio;
#   mock  with mock_lut_bibc.sh in front of B, a bibc that accepts
#         --lut-neurons: no rejection note, and each model has a
#         lut-neurons row with the ratio 1.000 and {"mock":true} as its
#         lut_neurons object, printed as it came.
# Both: the commands run are printed, and the note on accuracy.
set -u
bibc=''
while [ $# -gt 1 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    *) break ;;
  esac
done
mode=${1:?usage: run_lut_bench.sh --bibc B real|mock}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if ! /usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null; then
  echo "SKIP: /usr/bin/python3 has no onnx or numpy (Debian python3-onnx)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/out.txt"; exit 1; }
if [ "$mode" = mock ]; then
  printf '#!/bin/sh\nexec sh "%s/mock_lut_bibc.sh" "%s" "$@"\n' "$here" "$bibc" > "$work/bibc"
  chmod +x "$work/bibc"
  bibc=$work/bibc
fi
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
if [ "$mode" = mock ] || ! grep -q "^note: bibc rejects --lut-neurons (bibc: error: unknown option '--lut-neurons'" \
     "$work/out.txt"; then
  grep -q '^note: bibc rejects' "$work/out.txt" && fail "a bibc that accepts --lut-neurons is said to reject it"
  for m in jsc_s jsc_m; do
    row="^$m  *lut-neurons  *[0-9][0-9]*  *[0-9][0-9]*  *[0-9.][0-9.]*  *[0-9][0-9]*  *-  *[0-9]\.[0-9][0-9][0-9]  "
    grep -q "$row" "$work/out.txt" || fail "no lut-neurons row with a LUT ratio for $m"
    if [ "$mode" = mock ]; then
      grep -q "^$m  *lut-neurons .* 1\.000  {\"mock\":true}$" "$work/out.txt" \
        || fail "$m: the mock's ratio 1.000 and its lut_neurons object are not printed as they came"
    fi
  done
else
  grep -q '^[a-z0-9_]*  *lut-neurons ' "$work/out.txt" && fail "lut-neurons rows from a bibc that rejects it"
  echo "bibc rejects --lut-neurons: the adders rows only, and the note"
fi
echo "PASS: bench/lut_neurons/run.sh $mode"
