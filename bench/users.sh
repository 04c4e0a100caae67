#!/bin/sh
# users.sh - the users' models of ../shared/REFERENCE.md section 1 through
# bibc's main job and 'bibc estimate' (Yosys 0.23, xc7), next to hls4ml's
# published figures (LUT + 55 DSP, the issue's yardstick for a DSP):
#   smartpixel   53 -> 24 -> 12 -> 1, 10-bit, 40 % zero   (synthetic weights,
#   vae_encoder  53 -> 24 -> 8, 8-bit, 40 % zero            bench/make_users.py)
#   qkeras_jettagging   ../shared/testdata (skipped when absent)
# Per model: LUT, FF, DSP, latency in cycles and ns at the estimated Fmax,
# compile time (bibc MODEL -o x.v), Yosys time, the hls4ml figure and the
# ratio.  Targets (issue 8): <= 0.30 x hls4ml's LUT + 55 DSP, 0 DSP, latency
# <= 25 ns, compile <= 1 s, Yosys <= 60 s.  Extra options (e.g.
# --clock-ns 8) go to both bibc commands.
#
#   sh bench/users.sh [BIBC] [-- OPTIONS]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bibc=$top/build/bibc
[ $# -gt 0 ] && [ "$1" != "--" ] && { bibc=$1; shift; }
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
opts="$*"
[ -x "$bibc" ] || { echo "build first: cmake -S . -B build && cmake --build build"; exit 1; }
command -v yosys > /dev/null || { echo "needs Yosys (Debian package yosys)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
field() { sed -n "s/^  \"$1\": \\([^,]*\\),*\$/\\1/p" "$2"; }
/usr/bin/python3 "$top/bench/make_users.py" "$work" 1 > /dev/null || exit 1
cp "$top/../shared/testdata/models/QONNX_model_zoo/models/JetTagging/QKeras_hls4ml_3layer/qkeras_jettagging.onnx" \
  "$work/" 2> /dev/null ||
  echo "(../shared/testdata/qkeras_jettagging.onnx absent: skipped)"
printf '%-18s %7s %6s %4s %7s %8s %9s %8s | %14s %6s\n' model LUT FF DSP cycles "ns" "compile s" \
  "yosys s" "hls4ml L+55D" ratio
# hls4ml (REFERENCE.md section 1): smart pixel 38,394 LUT + 723 DSP (high-precision inputs);
# VAE 28,653 LUT + 652 DSP (10-bit inputs); the jet tagger has no figure there.
for spec in "smartpixel 38394 723" "vae_encoder 28653 652" "qkeras_jettagging - -"; do
  set -- $spec
  m=$work/$1.onnx
  [ -f "$m" ] || continue
  s=$(date +%s.%N)
  (cd "$work" && "$bibc" "$m" -o "$1.v" $opts > /dev/null 2>&1)
  e=$(date +%s.%N)
  "$bibc" estimate "$m" --json $opts > "$work/$1.json" 2> "$work/err" || { echo "$1: $(tail -1 "$work/err")"; continue; }
  j=$work/$1.json lut=$(field lut "$work/$1.json")
  if [ "$2" = - ]; then ref=- ratio=-; else
    ref=$(($2 + 55 * $3)); ratio=$(printf '%.3f' "$(echo "$lut / $ref" | bc -l)"); fi
  printf '%-18s %7s %6s %4s %7s %8.1f %9.3f %8.1f | %14s %6s\n' "$1" "$lut" "$(field ff "$j")" \
    "$(field dsp "$j")" "$(field latency_cycles "$j")" "$(field latency_ns "$j")" \
    "$(echo "$e - $s" | bc -l)" "$(field yosys_seconds "$j")" "$ref" "$ratio"
done
echo "targets: ratio <= 0.30, 0 DSP, latency <= 25 ns, compile <= 1 s, Yosys <= 60 s (2 cores)"
