#!/bin/sh
# train.sh - tools/train_lgn.py, the numpy difflogic trainer on
# scikit-learn's digits:
#   gradient   its hand-written backprop equals central differences
#              (--check-gradient, float64, every logit and input)
#   train      a tiny network (2 layers x 100 gates, 30 epochs, seed 3)
#              learns: discrete test accuracy above 50 % (chance is 10 %)
#   exact      'bibc run' of the written .bib (64 raw pixels, Gather +
#              MultiThreshold inside the model) on the 359 test images gives
#              the numpy discrete network's scores (--eval) bit for bit, and
#              the accuracy --eval prints is the one training printed
#   fixed      'bibc run --fixed' gives the same scores
#   backends   'bibc verify --data' on the test images: the C, HLS C and
#              (with Verilator or Icarus on PATH) the simulated Verilog
#              equal the fixed-point model bit for bit
#   determinism training twice writes the same .bib and .npz bytes
#   errors     a missing data file and a missing -o each exit 1 with one
#              line 'train_lgn.py: error: ...' and write nothing
# Skips (exit 77) without numpy or without python3-sklearn's digits file.
#
#   train.sh --bibc B
set -u
bibc=''
while [ $# -gt 1 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    *) break ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
tr="$here/../../tools/train_lgn.py"
py=/usr/bin/python3
digits=/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
"$py" -c 'import numpy' 2> /dev/null || { echo "SKIP: /usr/bin/python3 lacks numpy"; exit 77; }
[ -f "$digits" ] || { echo "SKIP: no $digits (Debian package python3-sklearn)"; exit 77; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: train: $*" >&2; exit 1; }

"$py" "$tr" --check-gradient > "$work/g.txt" || { cat "$work/g.txt" >&2; fail "gradient check"; }

tiny="--layers 2 --gates 100 --epochs 30 --seed 3"
# shellcheck disable=SC2086
"$py" "$tr" -o "$work/m.bib" --npz "$work/m.npz" $tiny > "$work/t.txt" || fail "training"
acc=$(sed -n 's/^test accuracy .*discrete \([0-9.]*\) %$/\1/p' "$work/t.txt")
[ -n "$acc" ] || { cat "$work/t.txt" >&2; fail "training printed no discrete accuracy"; }
awk "BEGIN { exit !($acc > 50) }" || fail "discrete test accuracy $acc % (want > 50 %)"
grep -q 'Gather(x, f, axis=1)' "$work/m.bib" && grep -q 'MultiThreshold(xf' "$work/m.bib" \
  && grep -q '^input x: float32\[1, 64\]$' "$work/m.bib" || fail "m.bib does not binarize 64 raw pixels"

"$py" "$tr" --eval "$work/m.npz" --out "$work/e" > "$work/e.txt" || fail "--eval"
grep -q "discrete network: $acc %" "$work/e.txt" || { cat "$work/e.txt" >&2; fail "--eval's accuracy is not $acc %"; }
cmp_scores() {
  "$py" - "$1" "$work/e/scores.npy" <<'PY' || fail "$2"
import sys
import numpy as np
g, w = np.load(sys.argv[1]), np.load(sys.argv[2])
if g.dtype != w.dtype or g.shape != w.shape:
    sys.exit("%s %s, want %s %s" % (g.dtype, g.shape, w.dtype, w.shape))
d = np.argwhere(g.view(np.uint32) != w.view(np.uint32))
if len(d):
    sys.exit("%d scores differ, first at %s: %r, want %r" % (len(d), d[0], g[tuple(d[0])], w[tuple(d[0])]))
PY
}
"$bibc" run "$work/m.bib" -i "$work/e/x.npy" -o "$work/run" || fail "bibc run"
cmp_scores "$work/run/output_0.npy" "bibc run differs from the numpy discrete network"
"$bibc" run --fixed "$work/m.bib" -i "$work/e/x.npy" -o "$work/fixed" || fail "bibc run --fixed"
cmp_scores "$work/fixed/output_0.npy" "bibc run --fixed differs from the numpy discrete network"

targets="--target c --target hls"
if command -v verilator > /dev/null 2>&1 || command -v iverilog > /dev/null 2>&1; then
  targets="--target all"
fi
# shellcheck disable=SC2086
"$bibc" verify "$work/m.bib" $targets --data "$work/e/x.npy" > "$work/v.txt" 2>&1 \
  && grep -q '^result: OK' "$work/v.txt" || { cat "$work/v.txt" >&2; fail "bibc verify $targets"; }

mkdir "$work/d2"
# shellcheck disable=SC2086
"$py" "$tr" -o "$work/d2/m.bib" --npz "$work/d2/m.npz" $tiny > /dev/null || fail "training again"
cmp -s "$work/m.npz" "$work/d2/m.npz" || fail "two trainings wrote different .npz files"
tail -n +2 "$work/m.bib" > "$work/a.txt"
tail -n +2 "$work/d2/m.bib" > "$work/b.txt"
cmp -s "$work/a.txt" "$work/b.txt" || fail "two trainings wrote different models"

"$py" "$tr" -o "$work/x.bib" --data "$work/none.csv.gz" > "$work/x.out" 2> "$work/x.err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l < "$work/x.err")" -eq 1 ] && grep -q "^train_lgn.py: error: .*none.csv.gz: no such file" \
  "$work/x.err" && [ ! -e "$work/x.bib" ] || { cat "$work/x.err" >&2; fail "a missing data file: exit $rc"; }
"$py" "$tr" > "$work/x.out" 2> "$work/x.err"
rc=$?
[ $rc -eq 1 ] && grep -q "^train_lgn.py: error: -o" "$work/x.err" || { cat "$work/x.err" >&2; fail "no -o: exit $rc"; }
echo "ok: train (tiny network: discrete test accuracy $acc %)"
