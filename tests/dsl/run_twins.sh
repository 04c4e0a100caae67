#!/bin/sh
# run_twins.sh - model-language files against their ONNX twins
# (make_twins.py builds the same graphs with onnx.helper): for each pair
# below, `bibc run` on 500 random samples gives byte-identical outputs from
# the .bib and the .onnx, in float and (for quantized models) with --fixed,
# and `bibc -o m.c` compiles both.
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
  for flags in "" "$@"; do
    [ -n "$why" ] && break
    "$bibc" run "$bib" -i "$work/x.npy" -o "$work/a" $flags 2> "$work/err" || why="run $flags on $bib failed"
    "$bibc" run "$onnx" -i "$work/x.npy" -o "$work/b" $flags 2>> "$work/err" || why="run $flags on $onnx failed"
    [ -z "$why" ] && ! diff -r "$work/a" "$work/b" > /dev/null && why="outputs differ ($flags)"
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
echo "$pass/$total passed"
[ $pass = $total ]
