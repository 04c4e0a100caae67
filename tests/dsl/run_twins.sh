#!/bin/sh
# run_twins.sh - model-language files against their ONNX twins
# (make_twins.py builds the same graphs with onnx.helper): for each pair
# below, `bibc run` on 500 random samples gives byte-identical outputs from
# the .bib, the .onnx and the .bib exported as ONNX (`bibc X.bib -o
# m.onnx`), in float and (for quantized models) with --fixed, and `bibc -o
# m.c` compiles the .bib.  Then every models/*.bib is printed
# (`bibc X.bib -o p1.bib`), the print printed again (p2.bib): p1 and p2
# are the same but for the first line, and X and p1 give the same C.
# ranged.bib's input range must be the Clip ranged_twin.bib writes, and
# narrow x to 7 bits.  annotated.bib's @precision and @prune must act as --config and a pruned
# constant do (annotated_twin.bib, annotated.yml).  And the model after
# quantize_ptq (--dump-after), printed and exported, runs with --fixed as
# the post-training quantization did.
#
#   tests/dsl/run_twins.sh --bibc B --randnpy R
set -u
here=$(cd "$(dirname "$0")" && pwd)
bibc='' randnpy=''
while [ $# -gt 0 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --randnpy) randnpy=$2; shift 2 ;;
    *) echo "usage: run_twins.sh --bibc B --randnpy R" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 total=0
# twin BIB ONNX SHAPE FLAGS...: SHAPE is one sample's input shape after the batch
twin() {
  bib=$1 onnx=$2 shape=$3
  shift 3
  total=$((total + 1))
  rm -rf "$work/a" "$work/b" && mkdir "$work/a" "$work/b"
  why=""
  "$randnpy" -r -3 3 "$work/x.npy" f4 11 500 $shape || why="randnpy failed"
  rm -rf "$work/x" && mkdir "$work/x"
  (cd "$work/x" && "$bibc" "$bib" -o m.onnx) 2> "$work/err" || why="the ONNX export of $bib failed"
  for flags in "" "$@"; do
    [ -n "$why" ] && break
    rm -rf "$work/a" "$work/b" "$work/c"
    "$bibc" run "$bib" -i "$work/x.npy" -o "$work/a" $flags 2> "$work/err" || why="run $flags on $bib failed"
    "$bibc" run "$onnx" -i "$work/x.npy" -o "$work/b" $flags 2>> "$work/err" || why="run $flags on $onnx failed"
    "$bibc" run "$work/x/m.onnx" -i "$work/x.npy" -o "$work/c" $flags 2>> "$work/err" || why="run $flags on its export failed"
    [ -z "$why" ] && ! diff -r "$work/a" "$work/b" > /dev/null && why="outputs differ ($flags)"
    [ -z "$why" ] && ! diff -r "$work/a" "$work/c" > /dev/null && why="its ONNX export's outputs differ ($flags)"
  done
  [ -z "$why" ] && { (cd "$work/a" && "$bibc" "$bib" -o m.c) 2>> "$work/err" || why="-o m.c failed"; }
  if [ -n "$why" ]; then
    echo "FAIL $(basename "$bib"): $why"
    sed 's/^/    /' "$work/err" | head -5
  else
    pass=$((pass + 1))
  fi
}
m=$here/models
twin "$m/features.bib" "$m/features.onnx" "2 5 5"
twin "$here/../../examples/tiny_mlp.bib" "$m/tiny_mlp.onnx" "4" --fixed
# an input's range is the Clip ranged_twin.bib writes out (inputs in [-3, 3]
# cross the range [-1, 1.5]), and interval analysis sizes from it
twin "$m/ranged.bib" "$m/ranged_twin.bib" "4" --fixed
# narrow BIB LINE: the --fixed IR of BIB has a line starting with LINE
narrow() {
  total=$((total + 1))
  if "$bibc" "$m/$1" --fixed --dump-ir 2> "$work/err" | grep -qF "$2"; then
    pass=$((pass + 1))
  else
    echo "FAIL $1: no '$2' (the range [-1, 1.5] at 2^-5)"
  fi
}
narrow ranged.bib "%xq.fixed : fixed<s,7,5>{-32..48} "
narrow ranged_fixed.bib '%x.in_range : fixed<s,7,5>{-32..48} '
# annotations: annotated.bib's @precision and @prune give what --config
# annotated.yml and a hand-pruned w1 give (annotated_twin.bib), on 500
# samples; the float twin differs (the annotations do something)
total=$((total + 1))
rm -rf "$work/a" "$work/b" "$work/c" "$work/d"
why=""
"$randnpy" -r -3 3 "$work/x.npy" f4 12 500 4 || why="randnpy failed"
[ -z "$why" ] && { "$bibc" run "$m/annotated.bib" -i "$work/x.npy" -o "$work/a" 2> "$work/err" &&
  "$bibc" run "$m/annotated_twin.bib" --config "$m/annotated.yml" -i "$work/x.npy" -o "$work/b" &&
  "$bibc" run "$m/annotated_twin.bib" -i "$work/x.npy" -o "$work/c"; } 2>> "$work/err" || why="a run failed"
[ -z "$why" ] && ! grep -q "note: prune: 6 of 18 weights are zero now, 1 layer pruned by its own @prune" \
  "$work/err" && why="no note of the layer's @prune"
[ -z "$why" ] && ! diff -r "$work/a" "$work/b" > /dev/null && why="outputs differ from the --config twin"
# the input's type written as an annotation instead: the same model
sed 's/^input x: fixed<8,3,RND>\[1, 4\].*/@precision(result="fixed<8,3,RND>")\ninput x: float32[1, 4]/' \
  "$m/annotated.bib" > "$work/annotated_at.bib"
grep -q '^@precision(result=' "$work/annotated_at.bib" || why="annotated.bib has no input x: fixed<8,3,RND>"
[ -z "$why" ] && { "$bibc" run "$work/annotated_at.bib" -i "$work/x.npy" -o "$work/d" 2>> "$work/err" &&
  diff -r "$work/a" "$work/d" > /dev/null || why="@precision before the input differs from its type"; }
[ -z "$why" ] && diff -r "$work/a" "$work/c" > /dev/null && why="the annotations changed nothing"
if [ -n "$why" ]; then
  echo "FAIL annotated.bib: $why"
  sed 's/^/    /' "$work/err" | head -5
else
  pass=$((pass + 1))
fi
# after a pass: --dump-after quantize_ptq -o X.bib / X.onnx writes the
# quantized model (QONNX Quant nodes), which --fixed runs as the
# post-training quantization did (annotated.bib; jet_mlp.onnx with
# --precision), and nothing on stdout; after lower_fixed (bibc's own
# operators) it is an error that leaves no file
after() {  # NAME MODEL SHAPE OPTIONS...
  name=$1 model=$2 shape=$3
  shift 3
  total=$((total + 1))
  rm -rf "$work/p" && mkdir -p "$work/p"
  why=""
  "$randnpy" -r -3 3 "$work/p/x.npy" f4 13 500 $shape || why="randnpy failed"
  [ -z "$why" ] && { "$bibc" run "$model" "$@" -i "$work/p/x.npy" -o "$work/p/want" 2> "$work/err" ||
    why="run failed"; }
  for f in q.bib q.onnx; do
    [ -n "$why" ] && break
    (cd "$work/p" && "$bibc" "$model" "$@" --dump-after quantize_ptq -o $f > out) 2>> "$work/err" ||
      why="--dump-after quantize_ptq -o $f failed"
    [ -z "$why" ] && [ -s "$work/p/out" ] && why="--dump-after -o $f printed on stdout"
    [ -z "$why" ] && ! grep -q Quant "$work/p/q.bib" && why="no Quant in q.bib"
    [ -z "$why" ] && { "$bibc" run "$work/p/$f" --fixed -i "$work/p/x.npy" -o "$work/p/got" 2>> "$work/err" &&
      diff -r "$work/p/want" "$work/p/got" > /dev/null || why="$f --fixed differs"; }
    rm -rf "$work/p/got"
  done
  if [ -z "$why" ]; then
    mkdir "$work/p/lf"
    (cd "$work/p/lf" && ! "$bibc" "$model" "$@" --dump-after lower_fixed -o m.bib 2> err &&
      grep -q "bibc's own" err && [ "$(ls)" = err ]) || why="--dump-after lower_fixed -o m.bib did not fail cleanly"
  fi
  if [ -n "$why" ]; then
    echo "FAIL after $name: $why"
    sed 's/^/    /' "$work/err" | head -5
  else
    pass=$((pass + 1))
  fi
}
after annotated "$m/annotated.bib" 4
after jet_mlp "$here/../../examples/jet_mlp.onnx" 16 --precision "fixed<16,6,RND,SAT>"
# reprint BIB: printing is a fixed point, and keeps the model
reprint() {
  total=$((total + 1))
  rm -rf "$work/p" && mkdir -p "$work/p/a" "$work/p/b"
  why=""
  (cd "$work/p" && "$bibc" "$1" -o p1.bib && "$bibc" p1.bib -o p2.bib) > "$work/err" 2>&1 || why="printing failed"
  [ -z "$why" ] && { tail -n +2 "$work/p/p1.bib" > "$work/p/t1"; tail -n +2 "$work/p/p2.bib" > "$work/p/t2";
    cmp -s "$work/p/t1" "$work/p/t2" || why="the print of the print differs"; }
  [ -z "$why" ] && { (cd "$work/p/a" && "$bibc" "$1" -o m.c && cd ../b && "$bibc" ../p1.bib -o m.c) >> "$work/err" 2>&1 ||
    why="-o m.c failed"; }
  [ -z "$why" ] && { tail -n +2 "$work/p/a/m.c" > "$work/p/ta"; tail -n +2 "$work/p/b/m.c" > "$work/p/tb";
    cmp -s "$work/p/ta" "$work/p/tb" || why="different C"; }
  if [ -n "$why" ]; then
    echo "FAIL reprint $(basename "$1"): $why"
    sed 's/^/    /' "$work/err" | head -5
  else
    pass=$((pass + 1))
  fi
}
for b in "$m"/*.bib "$here/../../examples"/*.bib; do
  case $b in *.inc.bib) ;; *) reprint "$b" ;; esac
done
echo "$pass/$total passed"
[ $pass = $total ]
