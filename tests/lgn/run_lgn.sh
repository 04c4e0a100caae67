#!/bin/sh
# run_lgn.sh - one logic-gate network model (models/*.bib, made by
# make_models.py) through every path that does not need a simulator
# ('bibc verify --target all' is tests/verify's job):
#   reference  'bibc run' on 2,000 random inputs (0/1, or floats that the
#              model binarizes) equals reference.py's numpy evaluation of
#              the gate definitions exactly
#   fixed      'bibc run --fixed' equals 'bibc run' bit for bit
#   c          the portable C (-o m.c --main) equals 'bibc run' bit for bit
#   onnx       exported with -o m.onnx (domain bibc.lgn, onnx.checker-valid)
#              and read back: the same outputs
#   dsl        printed with -o p.bib and read back: the same outputs, and
#              printing it again gives the same text
#
#   run_lgn.sh --bibc B --npycmp N --cc CC --cflags F MODEL.bib
set -u
bibc='' npycmp='' cc=cc cflags=-O1
while [ $# -gt 1 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --npycmp) npycmp=$2; shift 2 ;;
    --cc) cc=$2; shift 2 ;;
    --cflags) cflags=$2; shift 2 ;;
    *) break ;;
  esac
done
model=$1
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $(basename "$model"): $*" >&2; exit 1; }
same() { "$npycmp" "$1" "$2" 0 > "$work/cmp.txt" 2>&1 || { cat "$work/cmp.txt" >&2; fail "$3"; }; }

"$py" "$here/reference.py" "$model" 2000 "$work" || fail "reference.py"
"$bibc" run "$model" -i "$work/x.npy" -o "$work/run" || fail "bibc run"
same "$work/run/output_0.npy" "$work/want.npy" "bibc run differs from the numpy reference"

"$bibc" run --fixed "$model" -i "$work/x.npy" -o "$work/fixed" || fail "bibc run --fixed"
same "$work/fixed/output_0.npy" "$work/run/output_0.npy" "run --fixed differs from run"

# the bench runs one sample per call: the C of the model as declared ([1, N])
"$py" -c "import numpy as np; np.save('$work/x1.npy', np.load('$work/x.npy')[:200])"
"$bibc" run "$model" -i "$work/x1.npy" -o "$work/run1" || fail "bibc run (200 samples)"
"$bibc" "$model" -o "$work/m.c" --main "$work/main.c" || fail "bibc -o m.c"
grep -q 'rt_logic_' "$work/m.c" || fail "m.c calls no rt_logic kernel"
# shellcheck disable=SC2086
"$cc" -std=c99 -Wall -Wextra -Werror $cflags "$work/m.c" "$work/main.c" -lm -o "$work/m" \
  || fail "the generated C does not compile"
"$work/m" "$work/x1.npy" "$work/c.npy" > /dev/null || fail "the generated C bench failed"
same "$work/c.npy" "$work/run1/output_0.npy" "the generated C differs from bibc run"

"$bibc" "$model" -o "$work/m.onnx" || fail "bibc -o m.onnx"
"$py" - "$work/m.onnx" <<'PY' || fail "the exported ONNX is not bibc.lgn / not valid"
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m)
lgn = [n for n in m.graph.node if n.op_type in ("LogicLayer", "GroupSum")]
assert lgn and all(n.domain == "bibc.lgn" for n in lgn), [n.domain for n in lgn]
assert any(o.domain == "bibc.lgn" and o.version == 1 for o in m.opset_import), m.opset_import
PY
"$bibc" run "$work/m.onnx" -i "$work/x.npy" -o "$work/onnx" || fail "bibc run m.onnx"
same "$work/onnx/output_0.npy" "$work/run/output_0.npy" "the ONNX round trip changed the outputs"

"$bibc" "$model" -o "$work/p.bib" || fail "bibc -o p.bib"
grep -q 'LogicLayer(' "$work/p.bib" && grep -q 'GroupSum(' "$work/p.bib" || fail "p.bib lacks the ops"
"$bibc" run "$work/p.bib" -i "$work/x.npy" -o "$work/dsl" || fail "bibc run p.bib"
same "$work/dsl/output_0.npy" "$work/run/output_0.npy" "the printed model computes something else"
"$bibc" "$work/p.bib" -o "$work/p2.bib" || fail "bibc p.bib -o p2.bib"
tail -n +2 "$work/p.bib" > "$work/a.txt"
tail -n +2 "$work/p2.bib" > "$work/b.txt"
cmp -s "$work/a.txt" "$work/b.txt" || fail "printing the printed model changes it"
echo "ok: $(basename "$model")"
