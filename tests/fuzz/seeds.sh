#!/bin/sh
# seeds.sh DIR [--small] - fills DIR/onnx, DIR/tensor and DIR/dsl with seed
# inputs for fuzz_onnx, fuzz_tensor and fuzz_dsl: the project's model-language
# files (tests/**/*.bib, examples/*.bib), its test models (tests/**/*.onnx),
# its error-test data (tests/errors/data) and tensors (tests/**/*.npy, *.pb)
# and, unless --small, the models and tensors of ../shared/testdata (or
# $BIBC_TESTDATA).
# A tensor seed is one byte for fuzz_tensor's format choice (0: .npy,
# 1: .pb) followed by the file.  Nothing is copied into the repository.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1
[ -n "$dir" ] || { echo "usage: seeds.sh DIR [--small]" >&2; exit 2; }
small=0
[ "$2" = --small ] && small=1
shared=${BIBC_TESTDATA:-$top/../shared/testdata}
mkdir -p "$dir/onnx" "$dir/tensor" "$dir/dsl"

n=0
add() {  # add KIND FILE [FORMAT-BYTE-OCTAL]
  [ -f "$2" ] || return 0
  n=$((n + 1))
  if [ -n "$3" ]; then
    { printf "\\$3"; cat "$2"; } > "$dir/$1/s$n"
  else
    cp "$2" "$dir/$1/s$n"
  fi
}

tensor() {  # the format byte by extension
  case $1 in
  *.npy) add tensor "$1" 000 ;;
  *) add tensor "$1" 001 ;;
  esac
}

for f in $(find "$top/tests" "$top/examples" -name '*.bib' -type f); do
  add dsl "$f"
done
for f in $(find "$top/tests" -name '*.onnx' -type f) "$top"/tests/errors/data/*; do
  add onnx "$f"
done
for f in $(find "$top/tests" \( -name '*.npy' -o -name '*.pb' \) -type f) \
         "$top"/tests/errors/data/*; do
  tensor "$f"
done
if [ $small = 0 ] && [ -d "$shared" ]; then
  for f in $(find "$shared" -name '*.onnx' -type f); do
    add onnx "$f"
  done
  for f in $(find "$shared" \( -name '*.npy' -o -name '*.pb' \) -type f); do
    tensor "$f"
  done
fi
echo "seeds: $(ls "$dir/onnx" | wc -l) onnx, $(ls "$dir/tensor" | wc -l) tensor, $(ls "$dir/dsl" | wc -l) dsl in $dir"
