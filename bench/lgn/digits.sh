#!/bin/sh
# digits.sh [--bibc B] [MODEL.bib NET.npz] - checks the trained digits
# network: 'bibc run MODEL.bib' on the 359 test images of scikit-learn's
# digits (the raw pixels; the model binarizes them) gives exactly the
# scores of the numpy discrete network of NET.npz (tools/train_lgn.py
# --eval: count / tau, float32, compared bit for bit), and prints its test
# accuracy.  Default: bench/lgn/digits.bib and digits.npz, which
#
#   tools/train_lgn.py -o bench/lgn/digits.bib --npz bench/lgn/digits.npz
#
# wrote (4 x 2,000 gates, k = 10, tau 16, pixel >= 4 and >= 12, 150
# epochs, seed 1; the .bib's first lines give its accuracy).  Needs numpy
# and the Debian package python3-sklearn's digits.csv.gz.  Exit 1 on a
# mismatch.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bibc=$top/build/bibc
if [ "${1:-}" = --bibc ]; then bibc=$2; shift 2; fi
model=${1:-$top/bench/lgn/digits.bib} npz=${2:-$top/bench/lgn/digits.npz}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$top/tools/train_lgn.py" --eval "$npz" --out "$work" > "$work/eval.txt"
"$bibc" run "$model" -i "$work/x.npy" -o "$work/run" > /dev/null
/usr/bin/python3 - "$work" <<'PY'
import sys
import numpy as np
w = sys.argv[1]
got, want, y = np.load(w + "/run/output_0.npy"), np.load(w + "/scores.npy"), np.load(w + "/labels.npy")
if got.shape != want.shape or got.dtype != want.dtype:
    sys.exit("bibc run gives %s %s, the numpy network %s %s" % (got.dtype, got.shape, want.dtype, want.shape))
bad = np.argwhere(got.view(np.uint32) != want.view(np.uint32))
if len(bad):
    i = tuple(bad[0])
    sys.exit("bibc run differs from the numpy discrete network in %d scores, first at image %d class %d: "
             "%r, want %r" % (len(bad), i[0], i[1], got[i], want[i]))
right = int((got.argmax(axis=1) == y).sum())
print("bibc run = numpy discrete network on all %d test images (%d scores, bit for bit)" % (len(y), got.size))
print("test accuracy: %.2f %% (%d of %d)" % (100.0 * right / len(y), right, len(y)))
PY
