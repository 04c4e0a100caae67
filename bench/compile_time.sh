#!/bin/sh
# compile_time.sh - how long bibc takes per model, and how fast the
# reference interpreter and the generated C run.  Prints one row per model:
#   model, nodes, bibc -o time, cc -O2 time, 'bibc run' per sample (whole
#   process: load, compile, interpret N samples), generated C per sample
#   (whole bench process).  QONNX models use --fixed.
# Times are wall-clock means over repeated runs on this (shared, noisy)
# machine: compare ratios within one run, not absolute numbers across runs.
#
#   sh bench/compile_time.sh [BIBC] [MODEL...]
# Default models: examples/jet_mlp.onnx, tests/fixed/models/*.onnx and, if
# present, the float and QONNX models in ../shared/testdata.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bibc=${1:-$top/build/bibc}
[ $# -gt 0 ] && shift
if [ $# -eq 0 ]; then
  set -- "$top/examples/jet_mlp.onnx" "$top"/tests/fixed/models/*.onnx
  shared=$top/../shared/testdata/models
  for m in example-models/onnx/three_layer_keras.onnx example-models/onnx/conv2d_small_keras.onnx \
           qonnx/src/qonnx/data/onnx/mnist-conv/model.onnx \
           QONNX_model_zoo/models/JetTagging/QKeras_hls4ml_3layer/qkeras_jettagging.onnx \
           QONNX_model_zoo/models/MNIST/Brevitas_FINN_TFC/TFC/TFC_2W2A.onnx \
           QONNX_model_zoo/models/GSCV2/kwsmlp_w3a3/kwsmlp_w3a3.onnx; do
    [ -f "$shared/$m" ] && set -- "$@" "$shared/$m"
  done
fi
randnpy=$top/build/tests/randnpy
[ -x "$bibc" ] && [ -x "$randnpy" ] || { echo "build first: cmake -S . -B build && cmake --build build"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
ms() { echo "$1 $2 $3" | awk '{printf "%.2f", ($2 - $1) * 1000 / $3}'; }
us() { echo "$1 $2 $3" | awk '{printf "%.2f", ($2 - $1) * 1000000 / $3}'; }
n=2000
printf '%-28s %6s %10s %10s %14s %14s\n' model nodes "bibc ms" "cc ms" "run us/sample" "C us/sample"
for model in "$@"; do
  name=$(basename "$model" .onnx)
  [ "$name" = model ] && name=$(basename "$(dirname "$model")")
  fixed=""
  grep -q "Quant" "$model" 2>/dev/null && fixed=--fixed
  "$bibc" "$model" $fixed --dump-ir > "$work/ir.txt" 2>/dev/null || { echo "$name: bibc failed"; continue; }
  nodes=$(grep -c ' = ' "$work/ir.txt")
  shape=$(sed -n 's/^input %[^ ]* : float32\[\(.*\)\]$/\1/p' "$work/ir.txt" | head -1 | tr ',' ' ')
  first=${shape%% *} rest=${shape#"$first"}
  [ "$first" = 1 ] && first=$n
  "$randnpy" "$work/in.npy" f4 1 $first $rest
  rm -f "$work/m_float.c"
  t0=$(now); for i in 1 2 3 4 5; do "$bibc" "$model" $fixed -o "$work/m.c" --main "$work/main.c" 2>/dev/null; done; t1=$(now)
  # an integer-only m.c comes with its float wrapper m_float.c
  cc -std=c99 -O2 "$work/m.c" $([ -f "$work/m_float.c" ] && echo "$work/m_float.c") "$work/main.c" \
    -lm -o "$work/m"; t2=$(now)
  "$bibc" run $fixed "$model" -i "$work/in.npy" -o "$work/out" 2>/dev/null; t3=$(now)
  "$work/m" "$work/in.npy" "$work/c.npy"; t4=$(now)
  samples=$([ "$first" = "$n" ] && echo $n || echo 1)
  printf '%-28s %6s %10s %10s %14s %14s\n' "$name" "$nodes" "$(ms "$t0" "$t1" 5)" "$(ms "$t1" "$t2" 1)" \
    "$(us "$t2" "$t3" "$samples")" "$(us "$t3" "$t4" "$samples")"
done
