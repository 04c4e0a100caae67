#!/bin/sh
# kws_class.sh - the finn-examples keyword-spotting vector: kwsmlp_w3a3 on
# finn-examples/build/kws/input.npy (stored in Fortran order) must give the
# class in expected_output.npy (3).  Skipped (77) without ../shared/testdata.
# FLAGS (e.g. --fixed: the integer pipeline with scaled integers and
# thresholds) are passed to 'bibc run'.
#   kws_class.sh BIBC NPYCMP DATA [FLAGS...]
set -u
bibc=$1 npycmp=$2 data=$3
shift 3
model=$data/models/QONNX_model_zoo/models/GSCV2/kwsmlp_w3a3/kwsmlp_w3a3.onnx
kws=$data/models/finn-examples/build/kws
[ -f "$model" ] && [ -f "$kws/input.npy" ] || { echo "SKIP: $model or $kws absent"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bibc" run "$model" "$@" -i "$kws/input.npy" -o "$work" || exit 1
"$npycmp" --argmax "$work/output_0.npy" "$kws/expected_output.npy"
