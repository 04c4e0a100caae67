#!/bin/sh
# roundtrip.sh - every model bibc compiles, printed in the model language
# and read back: for each ONNX file under the given folders that
# `bibc M -o m.c` compiles, `bibc M -o m.bib` prints it (large constants
# to .npy files beside it), and then
#   - `bibc m.bib -o m.c` writes the same C as `bibc M -o m.c` (all files,
#     byte for byte but the first line, which quotes the command), in float
#     and, where M compiles with --fixed, with --fixed (integer-only C);
#   - for a model with one float input, `bibc run` on 50 random samples
#     gives byte-identical outputs from m.bib and M (float, and --fixed);
#   - `bibc M -o m.onnx` exports it as ONNX, and that file printed in the
#     model language is m.bib again (the same IR: names, types, data,
#     attributes, order; the `model` line aside when M's graph has no
#     name), its .npy files byte for byte.
# With --check-onnx PY, PY (python3 with the onnx package) runs
# onnx.checker on every exported file (tests/dsl/onnx_check.py), and on
# the model it came from when it fails: an invalid input exports invalid.
# Prints one line per failure, then "N/M round trips identical (K models
# bibc does not compile skipped)".  With --every K only every K-th model
# runs (the sanitizer builds' short form).
#
#   tests/dsl/roundtrip.sh --bibc B --randnpy R [--every K] [--check-onnx PY] DIR...
set -u
bibc='' randnpy='' every=1 py=''
while [ $# -gt 0 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --randnpy) randnpy=$2; shift 2 ;;
    --every) every=$2; shift 2 ;;
    --check-onnx) py=$2; shift 2 ;;
    *) break ;;
  esac
done
[ -n "$bibc" ] && [ -n "$randnpy" ] || { echo "usage: roundtrip.sh --bibc B --randnpy R [--every K] DIR..." >&2; exit 2; }
case $bibc in /*) ;; *) bibc=$(pwd)/$bibc ;; esac
case $randnpy in /*) ;; *) randnpy=$(pwd)/$randnpy ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
found=0
for d in "$@"; do [ -d "$d" ] && found=1; done
[ $found = 1 ] || { echo "roundtrip.sh: skipped: none of $* exists"; exit 77; }
pass=0 total=0 skipped=0 k=0
mkdir "$work/exported"
# same DIR_A DIR_B: the files of both, equal but for their first lines
same() {
  [ "$(ls "$1")" = "$(ls "$2")" ] || return 1
  for f in "$1"/*; do
    tail -n +2 "$f" > "$work/ta"
    tail -n +2 "$2/$(basename "$f")" > "$work/tb"
    cmp -s "$work/ta" "$work/tb" || { echo "    differs: $(basename "$f")"; return 1; }
  done
}
for m in $(for d in "$@"; do [ -d "$d" ] && find "$(cd "$d" && pwd)" -name '*.onnx'; done | sort); do
  k=$((k + 1))
  [ $((k % every)) = 0 ] || continue
  rm -rf "$work/m" && mkdir -p "$work/m/o" "$work/m/b" "$work/m/p"
  if ! (cd "$work/m/o" && "$bibc" "$m" -o m.c) > /dev/null 2>&1; then
    skipped=$((skipped + 1))
    continue
  fi
  total=$((total + 1))
  why=""
  (cd "$work/m/p" && "$bibc" "$m" -o m.bib) > "$work/log" 2>&1 || why="printing failed"
  bib=$work/m/p/m.bib
  [ -z "$why" ] && { (cd "$work/m/b" && "$bibc" "$bib" -o m.c) >> "$work/log" 2>&1 || why="the printed model does not compile"; }
  [ -z "$why" ] && { same "$work/m/o" "$work/m/b" >> "$work/log" || why="different C"; }
  fixed=""
  if [ -z "$why" ] && (mkdir "$work/m/of" && cd "$work/m/of" && "$bibc" "$m" --fixed -o m.c) > /dev/null 2>&1; then
    fixed=--fixed
    mkdir "$work/m/bf"
    (cd "$work/m/bf" && "$bibc" "$bib" --fixed -o m.c) >> "$work/log" 2>&1 || why="--fixed: the printed model does not compile"
    [ -z "$why" ] && { same "$work/m/of" "$work/m/bf" >> "$work/log" || why="--fixed: different C"; }
  fi
  inputs=$(grep -c '^input ' "$bib")
  shape=$(sed -n 's/^input [^:]*: float32\[1, \(.*\)\]$/\1/p' "$bib" | tr -d ',')
  if [ -z "$why" ] && [ "$inputs" = 1 ] && [ -n "$shape" ]; then
    "$randnpy" "$work/x.npy" f4 3 50 $shape
    for flags in "" $fixed; do
      [ -n "$why" ] && break
      rm -rf "$work/ra" "$work/rb"
      "$bibc" run "$m" -i "$work/x.npy" -o "$work/ra" $flags > /dev/null 2>&1 || continue  # e.g. a size bound
      "$bibc" run "$bib" -i "$work/x.npy" -o "$work/rb" $flags >> "$work/log" 2>&1 &&
        diff -r "$work/ra" "$work/rb" > /dev/null || why="bibc run $flags: different outputs"
    done
  fi
  if [ -z "$why" ]; then
    mkdir "$work/m/x" "$work/m/xp"
    if ! (cd "$work/m/x" && "$bibc" "$m" -o m.onnx) >> "$work/log" 2>&1; then
      why="the ONNX export failed"
    elif ! (cd "$work/m/xp" && "$bibc" "$work/m/x/m.onnx" -o m.bib) >> "$work/log" 2>&1; then
      why="the exported ONNX does not read back"
    else
      grep -q '^model ' "$bib" || sed -i '/^model m$/d' "$work/m/xp/m.bib"
      same "$work/m/p" "$work/m/xp" >> "$work/log" || why="the exported ONNX reads back to another IR"
      [ -n "$py" ] && cp "$work/m/x/m.onnx" "$work/exported/$k.onnx" && echo "$m" > "$work/exported/$k.src"
    fi
  fi
  if [ -n "$why" ]; then
    echo "FAIL $m: $why"
    tail -5 "$work/log" | sed 's/^/    /'
  else
    pass=$((pass + 1))
  fi
done
echo "$pass/$total round trips identical ($skipped models bibc does not compile skipped)"
checked=0
if [ -n "$py" ] && ! "$py" -c 'import onnx' 2> /dev/null; then
  echo "onnx.checker skipped: $py has no onnx package (Debian package python3-onnx)"
elif [ -n "$py" ]; then
  "$py" "$(dirname "$0")/onnx_check.py" "$work/exported"/*.onnx || checked=1
fi
[ $pass = $total ] && [ $checked = 0 ]
