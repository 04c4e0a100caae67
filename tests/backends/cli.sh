#!/bin/sh
# cli.sh - the command line of the integer C and HLS backends, one check
# per case below; prints "N/M passed".
#   mixed_c_note     a float op between fixed-point regions: -o m.c writes
#                    mixed C (no m_float.c) with a note naming the node
#   hls_no_int_form  the same model with -o m.hls.c: error naming the node,
#                    exit 1, no file left behind
#   hls_float_model  a float model with --target hls: error, exit 1
#   bad_target       --target vhdl: error, exit 1
#   hls_cpp_name     -o m.hls.cpp writes m.hls.cpp, m.h, m_float.c
#   target_hls       --target hls -o t.c writes HLS C (t_top) to t.c
#   emit_onnx        --emit onnx -o t.model writes ONNX (the model as read)
#                    that bibc reads back to the same printed model
#   deterministic    two runs give byte-identical files (C, HLS and ONNX)
#   quant_attr_float bibc_overflow on a Quant of a float value: a located
#                    error and exit 1, no file (it was an internal error)
#   clip_inf         Clip by +inf from below or -inf from above is a bound,
#                    not an open side: 'run --fixed' equals 'run' exactly
#   zero_size        a float Add with an empty output is a kernel call, not
#                    loops over the axes of extent > 1 (they read and wrote
#                    3 elements of empty buffers), and the C compiles
#   conv_loops       convolutions in float C loops (models/conv_loops.bib:
#                    groups, strides, dilation, asymmetric pads, non-square,
#                    Transposes read and written through, 1-D) are clean C99
#                    and equal bibc run bit for bit on 300 random inputs
#   dev_stdout       -o /dev/stdout into a pipe writes the model with its
#                    weights inline, into a file (a redirect) that file and
#                    its .npy files beside it: each gives the C of the print
#                    with -o m.bib; /dev/stdout stays a link (a rename over
#                    it would make it a file, as root); -o /dev/null works
#   scaled_inf       a scaled section with an Add of +inf stays float (no
#                    Threshold) and 'run --fixed' equals 'run' exactly
#   scaled_product   a scale product that is not exact in double: the MatMul
#                    computes in float, 'run --fixed' equals 'run' to 1e-6
#
#   run_many_outputs bibc run of a model with 100 outputs and 3 stacked
#                    samples writes all 200 files, each with the right values
#   run_streams      bibc run of 400 samples whose outputs take 100 MB per
#                    file streams them: the files are complete and equal,
#                    and (with GNU time) the peak memory stays under 64 MB
#                    (under AddressSanitizer with a 16 MB quarantine: its
#                    default 256 MB keeps each sample's freed buffers)
#
#   cli.sh --bibc B [--cc CC] [--randnpy R --npycmp C]
set -u
bibc='' cc=${CC:-cc} randnpy='' npycmp=''
while [ $# -gt 0 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --cc) cc=$2; shift 2 ;;
    --randnpy) randnpy=$2; shift 2 ;;
    --npycmp) npycmp=$2; shift 2 ;;
    *) echo "usage: cli.sh --bibc B [--cc CC]" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
between=$here/models/float_between.onnx
jet=$here/../fixed/models/jet_like.onnx
float=$here/../../examples/jet_mlp.onnx
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 total=0

# check NAME CONDITION-COMMAND...: runs it in a fresh directory.
check() {
  name=$1
  shift
  total=$((total + 1))
  rm -rf "$work/d" && mkdir "$work/d"
  if (cd "$work/d" && eval "$*") > "$work/log" 2>&1; then
    pass=$((pass + 1))
  else
    echo "FAIL $name"
    sed 's/^/    /' "$work/log" | head -10
  fi
}

check mixed_c_note '"$bibc" "$between" --fixed -o m.c --main main.c 2> err &&
  grep -q "node [0-9]* (Sigmoid \"Sigmoid_[0-9]*\"): note: computes in float between fixed-point regions" err &&
  [ ! -e m_float.c ] && "$cc" -std=c99 -Wall -Wextra -Werror m.c main.c -lm -o m'
check hls_no_int_form '! "$bibc" "$between" -o m.hls.c 2> err && cat err &&
  grep -q "node [0-9]* (Sigmoid \"Sigmoid_[0-9]*\"): error: computes in float between fixed-point regions" err &&
  [ "$(ls)" = err ]'
check hls_float_model '! "$bibc" "$float" --target hls -o m.c 2> err && cat err &&
  grep -q "no fixed-point part" err && [ "$(ls)" = err ]'
check bad_target '! "$bibc" "$jet" --target vhdl -o m.c 2> err && grep -q "unknown backend" err'
check hls_cpp_name '"$bibc" "$jet" -o m.hls.cpp && [ -f m.hls.cpp ] && [ -f m.h ] && [ -f m_float.c ] &&
  grep -q "^void m_top(" m.hls.cpp'
check target_hls '"$bibc" "$jet" --target hls -o t.c && grep -q "^void t_top(" t.c &&
  grep -q "^#pragma HLS pipeline II=1" t.c && [ -f t_float.c ] && [ -f t.h ]'
check emit_onnx '"$bibc" "$jet" --emit onnx -o t.model && [ "$(ls)" = t.model ] && mkdir a b &&
  (cd a && "$bibc" "$jet" -o m.bib) && (cd b && "$bibc" ../t.model --emit dsl -o m.bib) &&
  [ "$(diff -r a b | grep -c "^[<>]")" = 2 ] && [ "$(diff -r a b | grep "^<")" = "$(head -1 a/m.bib | sed "s/^/< /")" ]'
check dev_stdout 'before=$(ls -ld /dev/stdout | cut -c1) && mkdir a r && "$bibc" "$jet" -o a/m.bib &&
  { "$bibc" "$jet" --emit dsl -o /dev/stdout || echo failed; } | cat > out.bib &&
  (cd r && "$bibc" "$jet" --emit dsl -o /dev/stdout > m.bib) && [ "$(ls)" = "a
out.bib
r" ] && [ "$(ls r)" = "$(ls a)" ] && [ "$(ls -ld /dev/stdout | cut -c1)" = "$before" ] &&
  (cd a && "$bibc" m.bib -o m.c) && (cd r && "$bibc" m.bib -o m.c) && mkdir o &&
  (cd o && "$bibc" ../out.bib -o m.c) && [ "$(tail -n +2 a/m.c)" = "$(tail -n +2 o/m.c)" ] &&
  [ "$(tail -n +2 a/m.c)" = "$(tail -n +2 r/m.c)" ] &&
  "$bibc" "$jet" --emit dsl -o /dev/null && [ -c /dev/null ]'
check clip_inf '"$randnpy" -r -4 4 x.npy f4 3 50 4 &&
  "$bibc" run "$here/models/clip_inf.bib" -i x.npy -o f &&
  "$bibc" run "$here/models/clip_inf.bib" --fixed -i x.npy -o q &&
  "$npycmp" f/output_0.npy q/output_0.npy 0'
check zero_size '"$bibc" "$here/models/zero_size.onnx" -o m.c && ! grep -q "in loops" m.c &&
  grep -q "rt_nary_f32(ip" m.c && "$cc" -std=c99 -Wall -Wextra -Werror -c m.c'
cl=$here/models/conv_loops.bib
check conv_loops '"$bibc" "$cl" -o m.c --main main.c && [ "$(grep -c "Conv \"\" in loops" m.c)" = 4 ] &&
  "$cc" -std=c99 -Wall -Wextra -Werror -pedantic -c m.c && "$cc" -std=c99 -O2 m.c main.c -lm -o prog &&
  "$randnpy" x.npy f4 1 300 9 7 4 && "$randnpy" z.npy f4 2 300 11 3 &&
  ./prog x.npy z.npy o0.npy o1.npy o2.npy && "$bibc" run "$cl" -i x.npy -i z.npy -o r &&
  for j in 0 1 2; do "$npycmp" r/output_$j.npy o$j.npy 0 || exit 1; done'
check quant_attr_float '"$bibc" "$here/models/quant_attr_float.bib" --fixed -o m.c 2> err; [ $? = 1 ] &&
  grep -q "quant_attr_float.bib:5:5: node 0 (Quant \"\"): error: bibc_round and bibc_overflow" err &&
  [ -z "$(ls)" -o "$(ls)" = err ]'
check deterministic 'mkdir a b && for d in a b; do (cd $d && "$bibc" "$jet" --fixed -o m.c &&
  "$bibc" "$jet" -o m.hls.c && "$bibc" "$jet" -o m.onnx) || exit 1; done && diff -r a b'
sinf=$here/models/scaled_inf.onnx sprod=$here/models/scaled_product.onnx
check scaled_inf '"$bibc" "$sinf" --fixed --dump-ir > ir && grep -q "= Add(" ir &&
  ! grep -q "bibc.Threshold" ir && "$randnpy" -r -40 40 x.npy f4 7 300 3 &&
  "$bibc" run "$sinf" -i x.npy -o f && "$bibc" run "$sinf" --fixed -i x.npy -o q &&
  "$npycmp" f/output_0.npy q/output_0.npy 0'
check scaled_product '"$bibc" "$sprod" --fixed --dump-ir > ir && grep -q "float32\[1,2\] = MatMul(" ir &&
  "$randnpy" -r -40 40 x.npy f4 8 300 3 && "$bibc" run "$sprod" -i x.npy -o f &&
  "$bibc" run "$sprod" --fixed -i x.npy -o q && "$npycmp" -r f/output_0.npy q/output_0.npy 1e-6'
many=$here/models/many_outputs.onnx wide=$here/models/wide_output.onnx
check run_many_outputs '"$randnpy" -r 5 5 x.npy f4 1 3 4 && "$randnpy" -r 104 104 want.npy f4 1 3 4 &&
  "$bibc" run "$many" -i x.npy -o o && [ "$(ls o | wc -l)" = 200 ] && [ -f o/output_99.pb ] &&
  "$npycmp" o/output_99.npy want.npy 0 && ! ls o | grep -q tmp'
check run_streams '"$randnpy" x.npy f4 2 400 64 && peak=0 &&
  if [ -x /usr/bin/time ] && /usr/bin/time -f %M true > /dev/null 2>&1; then
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16 \
      /usr/bin/time -o mem -f %M "$bibc" run "$wide" -i x.npy -o o && peak=$(cat mem); else
    "$bibc" run "$wide" -i x.npy -o o; fi &&
  data=$((400 * 65536 * 4)) && n=$(wc -c < o/output_0.npy) && p=$(wc -c < o/output_0.pb) &&
  [ $n = $((128 + data)) ] && cmp -i $((n - data)):$((p - data)) o/output_0.npy o/output_0.pb &&
  echo "peak $peak KB" && [ "$peak" -lt 65536 ]'
echo "$pass/$total passed"
[ $pass = $total ]
