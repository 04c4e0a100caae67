#!/bin/sh
# run_fixed.sh - the two references must agree: for a model quantized with
# power-of-two scales, the float interpreter ('bibc run') and the integer
# pipeline ('bibc run --fixed') must give bit-identical outputs, on N
# pseudo-random inputs (uniform in [-4, 4), so quantizers saturate too).
# The C generated from the fixed-point graph (with its --main bench) must
# give the same bits again.  Prints the fixed-point types the pipeline chose.
#
# Post-training quantization (tests/ptq): --flags 'F' replaces --fixed by
# the bibc options F (e.g. "--precision fixed<16,6>"); the float model then
# differs from the quantized one, so that comparison only prints the largest
# difference, and the check is the generated C against 'bibc run F'.
# --calibrate adds "--calibrate FILE" with other random samples (seed 99).
#
# --check LIST (comma-separated, default float,c) picks the checks:
#   float  the float reference against the fixed-point pipeline (above)
#   c      the generated C (NAME.c, plus NAME_float.c if written) with its
#          --main bench against 'bibc run --fixed', bit for bit
#   net    the netlist evaluator ('bibc run --net': the integer core unrolled
#          into scalar operations), as built and after the Verilog backend's
#          netlist passes (--target verilog: distributed arithmetic, registers),
#          against 'bibc run --fixed', bit for bit; a model without an
#          integer core is reported, not checked
#   int    as c, and the model must have an integer-only form: NAME.c has
#          no floating-point type, literal or math call (comments aside)
#          and compiles alone (tests/backends)
#   hls    the HLS C (NAME.hls.c, NAME_float.c, bench) the same way, compiled
#          as C99 and, if a C++ compiler (CXX, default c++) exists, as C++
#          and as C++ with -D__SYNTHESIS__ against tests/backends/mock's
#          ap_int.h; it must hold the HLS pragmas and ap_int types
#
#   run_fixed.sh --bibc B --randnpy R --npycmp C [--cc CC] [--cflags F]
#                [--flags F [--calibrate]] [--check LIST] [--cxx CXX] MODEL [N]
# Exit 77 (skipped) when MODEL does not exist (shared test data absent).
set -u
bibc='' randnpy='' npycmp='' cc=${CC:-cc} cflags=-O1 flags=--fixed calib=0 check=float,c,net
cxx=${CXX:-c++}
while [ $# -gt 1 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --randnpy) randnpy=$2; shift 2 ;;
    --npycmp) npycmp=$2; shift 2 ;;
    --cc) cc=$2; shift 2 ;;
    --cflags) cflags=$2; shift 2 ;;
    --flags) flags=$2; shift 2 ;;
    --calibrate) calib=1; shift ;;
    --check) check=,$2,; shift 2 ;;
    --cxx) cxx=$2; shift 2 ;;
    *) break ;;
  esac
done
model=${1:?usage: run_fixed.sh --bibc B --randnpy R --npycmp C MODEL [N]}
n=${2:-1000}
if [ ! -f "$model" ]; then
  echo "SKIP: $model not found (shared test data absent?)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
checks() { case ,$check, in *,$1,*) return 0 ;; esac; return 1; }

"$bibc" "$model" --dump-ir > "$work/ir.txt" || fail "bibc --dump-ir"
# One random input per graph input, leading batch dim 1 replaced by N.
set --
k=0
for shape in $(sed -n 's/^input %[^ ]* : float32\[\(.*\)\]$/\1/p' "$work/ir.txt"); do
  dims=$(echo "$shape" | tr ',' ' ')
  first=${dims%% *}
  rest=${dims#"$first"}
  [ "$first" = 1 ] && first=$n
  "$randnpy" -r -4 4 "$work/in$k.npy" f4 $((k + 11)) $first $rest || fail "randnpy"
  if [ $calib = 1 ] && [ $k = 0 ]; then
    "$randnpy" -r -4 4 "$work/calib.npy" f4 99 $first $rest || fail "randnpy"
    flags="$flags --calibrate $work/calib.npy"
  fi
  set -- "$@" -i "$work/in$k.npy"
  k=$((k + 1))
done
[ $k -gt 0 ] || fail "no float32 graph input found in the --dump-ir output"

if checks float; then
  "$bibc" run "$model" "$@" -o "$work/float" || fail "bibc run"
fi
# shellcheck disable=SC2086
"$bibc" run $flags "$model" "$@" -o "$work/fixed" || fail "bibc run $flags"
# shellcheck disable=SC2086
"$bibc" "$model" $flags --dump-ir > "$work/ir.txt" || fail "bibc $flags --dump-ir"
echo "fixed-point values (format {integer range}):"
grep -o 'fixed<[^>]*>{[^}]*}' "$work/ir.txt" | sort | uniq -c | sort -rn | head -12
status=0
for f in "$work"/float/output_*.npy; do
  [ -f "$f" ] || continue
  out=$(basename "$f")
  tol=0
  [ "$flags" = --fixed ] || tol=1e30  # quantized on purpose: report only
  "$npycmp" "$f" "$work/fixed/$out" $tol > "$work/cmp.txt" 2>&1 || status=1
  echo "$out: float reference vs fixed-point pipeline ($flags), $n inputs: $(head -1 "$work/cmp.txt")"
done
[ $status = 0 ] || { cat "$work/cmp.txt"; fail "fixed-point pipeline differs from the float reference"; }

if checks net; then
  # shellcheck disable=SC2086
  if "$bibc" run --net $flags "$model" "$@" -o "$work/net" 2> "$work/net.txt"; then
    # shellcheck disable=SC2086
    "$bibc" run --net --target verilog $flags "$model" "$@" -o "$work/netv" 2> "$work/net.txt" \
      || { cat "$work/net.txt"; fail "bibc run --net --target verilog $flags"; }
    for f in "$work"/fixed/output_*.npy; do
      out=$(basename "$f")
      "$npycmp" "$f" "$work/net/$out" 0 > "$work/cmp.txt" 2>&1 || { cat "$work/cmp.txt"; fail "the netlist evaluator differs"; }
      echo "$out: netlist evaluator vs bibc run $flags: $(head -1 "$work/cmp.txt")"
      "$npycmp" "$f" "$work/netv/$out" 0 > "$work/cmp.txt" 2>&1 || { cat "$work/cmp.txt"; fail "the Verilog netlist differs"; }
      echo "$out: Verilog's netlist (distributed arithmetic, registers) vs bibc run $flags: $(head -1 "$work/cmp.txt")"
    done
  elif grep -q 'has no fixed-point part\|has no integer-only form' "$work/net.txt"; then
    echo "netlist: not checked, no integer core: $(grep -m1 "error:" "$work/net.txt")"
  else
    cat "$work/net.txt"
    fail "bibc run --net $flags"
  fi
fi

# bench PROG LABEL: runs a compiled bench on the inputs; its outputs must
# equal 'bibc run $flags' bit for bit.
bench() {
  prog=$work/$1 label=$2
  set --
  i=0
  while [ $i -lt $k ]; do set -- "$@" "$work/in$i.npy"; i=$((i + 1)); done
  for f in "$work"/fixed/output_*.npy; do set -- "$@" "$work/c_$(basename "$f")"; done
  "$prog" "$@" || fail "running the $label"
  for f in "$work"/fixed/output_*.npy; do
    out=$(basename "$f")
    "$npycmp" "$f" "$work/c_$out" 0 > "$work/cmp.txt" 2>&1 || { cat "$work/cmp.txt"; fail "$label differs"; }
    echo "$out: $label vs bibc run $flags: $(head -1 "$work/cmp.txt")"
  done
}

if checks c || checks int; then
  # The C generated from the fixed-point graph computes the same bits.
  # shellcheck disable=SC2086
  "$bibc" "$model" $flags -o "$work/m.c" --main "$work/main.c" || fail "bibc $flags -o m.c"
  wrapper=
  [ -f "$work/m_float.c" ] && wrapper=$work/m_float.c
  if checks int; then
    [ -n "$wrapper" ] || fail "no integer-only C (see the note above)"
    # Code without comments must not mention a float type, literal or math call.
    perl -0777 -pe 's{/\*.*?\*/}{}gs' "$work/m.c" > "$work/core.txt"
    pat='\b(float|double|ldexpf?|powf?|expf?|sqrtf?|tanhf?|rintf?|floorf?|ceilf?|fabsf?|NAN|INFINITY|HUGE_VALF?)\b'
    pat="$pat|math\\.h|[0-9]\\.[0-9]*|\\.[0-9]|\\b[0-9]+[eE][-+]?[0-9]"
    if grep -nE "$pat" "$work/core.txt" > "$work/float.txt"; then
      head -5 "$work/float.txt"
      fail "the integer-only C mentions floating point"
    fi
    $cc -std=c99 -Wall -Wextra -Werror -pedantic $cflags -c "$work/m.c" -o "$work/core.o" \
      || fail "compiling the integer-only C alone"
    echo "integer-only C: $(wc -l < "$work/core.txt") lines without comments, no floating point"
  fi
  # shellcheck disable=SC2086
  $cc -std=c99 -Wall -Wextra -Werror -pedantic $cflags "$work/m.c" $wrapper "$work/main.c" -lm \
    -o "$work/m" || fail "compiling the generated C"
  bench m "generated C"
fi

if checks hls; then
  rm -f "$work/m.h" "$work/m_float.c" "$work/main.c"
  # shellcheck disable=SC2086
  "$bibc" "$model" $flags -o "$work/m.hls.c" --main "$work/main.c" || fail "bibc -o m.hls.c"
  h=$work/m.hls.c
  for p in '^#pragma HLS pipeline II=1$' '^#pragma HLS array_partition variable=in0 complete$' \
           '^void m_top('; do
    grep -q "$p" "$h" || fail "m.hls.c lacks $p"
  done
  sed -n '/^#ifdef __SYNTHESIS__$/,/^#else$/p' "$h" > "$work/synth.txt"
  grep -q '^#include <ap_int.h>$' "$work/synth.txt" || fail "no <ap_int.h> under __SYNTHESIS__"
  grep -q '^typedef ap_u\{0,1\}int<[0-9]*> t_' "$work/synth.txt" || fail "no ap_int types under __SYNTHESIS__"
  echo "HLS C: $(wc -c < "$h") bytes, $(grep -c '^HLS_NODE' "$h") node functions, $(grep -c ap_ "$work/synth.txt") ap_int types"
  warn="-Wall -Wextra -Werror -Wno-unknown-pragmas"
  # shellcheck disable=SC2086
  $cc -std=c99 $warn -pedantic $cflags -c "$work/m_float.c" -o "$work/wrap.o" && \
    $cc -std=c99 $warn -pedantic $cflags -c "$work/main.c" -o "$work/main.o" || fail "compiling the float wrapper"
  # shellcheck disable=SC2086
  $cc -std=c99 $warn -pedantic $cflags -c "$h" -o "$work/hls.o" || fail "compiling the HLS C as C99"
  # shellcheck disable=SC2086
  $cc $cflags "$work/hls.o" "$work/wrap.o" "$work/main.o" -lm -o "$work/mh" || fail "linking the HLS C"
  bench mh "HLS C (C99)"
  if command -v "$cxx" > /dev/null 2>&1; then
    mock=$(cd "$(dirname "$0")/../backends/mock" && pwd)
    # shellcheck disable=SC2086
    $cxx -x c++ -std=c++11 $warn $cflags -c "$h" -o "$work/hlsxx.o" || fail "compiling the HLS C as C++"
    # shellcheck disable=SC2086
    $cxx $cflags "$work/hlsxx.o" "$work/wrap.o" "$work/main.o" -lm -o "$work/mhxx" || fail "linking the C++"
    bench mhxx "HLS C (C++)"
    # shellcheck disable=SC2086
    $cxx -x c++ -std=c++11 -D__SYNTHESIS__ -I"$mock" $warn $cflags -c "$h" -o "$work/hlsap.o" \
      || fail "compiling the HLS C with -D__SYNTHESIS__ (mock ap_int)"
    # shellcheck disable=SC2086
    $cxx $cflags "$work/hlsap.o" "$work/wrap.o" "$work/main.o" -lm -o "$work/mhap" \
      || fail "linking the ap_int build"
    bench mhap "HLS C (ap_int types, mock)"
  else
    echo "note: no C++ compiler '$cxx'; the C++ and ap_int builds were not checked"
  fi
fi
exit 0
