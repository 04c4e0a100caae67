#!/bin/sh
# run.sh [--bibc B] [--cc CC] [--cflags "FLAGS"] - the speed of bibc's generated C
# (issue 11), in one run, one core, same compiler and flags for every side:
#   1. float C against onnx2c's C of the same model (../shared/bench/onnx2c:
#      three_layer_keras, two_layer_keras, conv2d_small_keras,
#      autoencoder_gemm_transb), compiled into one binary (harness.c) and
#      timed on the same 64 inputs; the outputs must agree (1e-4);
#   2. integer C (--fixed) against the float C of the same quantized model:
#      the jet tagger, TFC (2W2A) and KWS of ../shared/testdata; the outputs
#      must agree (1e-4: both compute the quantized model);
# and for each the multiply-accumulates per inference (macs.awk) and MAC/s
# as a share of the core's float32 FMA peak, assumed to be 2 FMA units x
# the vector lanes /proc/cpuinfo's flags allow (avx512f 16, avx2 8, else 4)
# x the "cpu MHz" it reports (nominal on a VM; turbo makes the share
# optimistic).  Prints one table; inferences/s are the best of 5 rounds.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/bench/c_speed
bibc=$top/build/bibc cc=${CC:-gcc} cflags="-O3 -march=native"
while [ $# -gt 0 ]; do
  case $1 in
  --bibc) bibc=$2; shift 2 ;;
  --cc) cc=$2; shift 2 ;;
  --cflags) cflags=$2; shift 2 ;;
  *) echo "usage: run.sh [--bibc B] [--cc CC] [--cflags FLAGS]" >&2; exit 2 ;;
  esac
done
shared=$top/../shared
[ -d "$shared/bench/onnx2c" ] || { echo "run.sh: needs ../shared/bench/onnx2c" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lanes=4
grep -qw avx2 /proc/cpuinfo && lanes=8
grep -qw avx512f /proc/cpuinfo && lanes=16
mhz=$(awk -F: '/^cpu MHz/ { printf "%.0f", $2; exit }' /proc/cpuinfo)
peak=$(awk -v m="$mhz" -v l="$lanes" 'BEGIN { printf "%.0f", m * 1e6 * 2 * l }')
echo "bibc $("$bibc" --version 2>&1 | head -1), $("$cc" --version | head -1), $cflags, one core"
echo "peak assumed: 2 FMA x $lanes float32 lanes x $mhz MHz = $(awk -v p="$peak" 'BEGIN { printf "%.1f", p / 1e9 }') GMAC/s"
# numel WHICH MODEL: elements of the first input or output
numel() {
  "$bibc" "$2" --dump-ir | awk -v w="$1" '$1 == w { s = $4; sub(/^[^\[]*\[/, "", s); sub(/\].*/, "", s);
    n = split(s, a, ","); p = 1; for (i = 1; i <= n; i++) p *= a[i]; print p; exit }'
}
# pair NAME MODEL A_FLAGS B (B: "o2c FILE" or "bibc FLAGS"): prints a row
pair() {
  name=$1 model=$2 aflags=$3 bkind=$4 barg=$5
  d=$work/$name
  mkdir -p "$d"
  (cd "$d" && "$bibc" "$model" $aflags -o a.c)
  defs="-DA_RUN=a_run -DN_IN=$(numel input "$model") -DN_OUT=$(numel output "$model")"
  srcs="$d/a.c"
  [ -f "$d/a_float.c" ] && srcs="$srcs $d/a_float.c"  # --fixed: the float wrapper
  if [ "$bkind" = o2c ]; then
    defs="$defs -DB_RUN=o2c_run -DO2C_FILE=\"$barg\""
  else
    (cd "$d" && "$bibc" "$model" $barg -o b.c)
    defs="$defs -DB_RUN=b_run"
    srcs="$srcs $d/b.c"
  fi
  # shellcheck disable=SC2086
  "$cc" -std=c99 $cflags -w $defs -I"$d" "$here/harness.c" $srcs -lm -o "$d/h"
  macs=$("$bibc" "$model" --dump-ir | awk -f "$here/macs.awk")
  set -- $("$d/h")
  awk -v n="$name" -v a="$1" -v b="$2" -v d="$3" -v m="$macs" -v p="$peak" 'BEGIN {
    printf "%-26s %9d %12.0f %12.0f %7.2f %8.2f%% %9s\n", n, m, a, b, a / b, 100 * a * m / p, d }'
}
o2c=$shared/bench/onnx2c
ex=$shared/testdata/models/example-models/onnx
zoo=$shared/testdata/models/QONNX_model_zoo/models
echo
echo "1. float C: bibc vs onnx2c                 MACs   bibc inf/s  onnx2c inf/s   ratio  bibc%peak  max|diff|"
pair three_layer_keras "$ex/three_layer_keras.onnx" "" o2c "$o2c/three_layer_keras.c"
pair two_layer_keras "$ex/two_layer_keras.onnx" "" o2c "$o2c/two_layer_keras.c"
pair conv2d_small_keras "$ex/conv2d_small_keras.onnx" "" o2c "$o2c/conv2d_small_keras.c"
pair autoencoder_gemm_transb "$shared/testdata/models/generated/autoencoder_gemm_transb.onnx" "" o2c \
  "$o2c/autoencoder_gemm_transb.c"
echo
echo "2. integer C (--fixed) vs float C          MACs    int inf/s   float inf/s   ratio   int%peak  max|diff|"
pair jet_tagger "$zoo/JetTagging/QKeras_hls4ml_3layer/qkeras_jettagging.onnx" --fixed bibc ""
pair tfc_2w2a "$zoo/MNIST/Brevitas_FINN_TFC/TFC/TFC_2W2A.onnx" --fixed bibc ""
pair kws_w3a3 "$zoo/GSCV2/kwsmlp_w3a3/kwsmlp_w3a3.onnx" --fixed bibc ""
