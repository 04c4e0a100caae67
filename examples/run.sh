#!/bin/sh
# run.sh - the main job, from a fresh clone: installs missing Debian
# packages, builds bibc in build/, compiles examples/jet_mlp.onnx (a
# 16 -> 64 -> 32 -> 32 -> 5 jet-tagging MLP, made by make_jet_mlp.py) to
# portable C with a test bench, builds that with a strict C99 compiler
# line, runs it on examples/jet_input.npy (8 samples), runs bibc's reference
# interpreter on the same input, and checks that the two agree.
#
#   sh examples/run.sh
#
# Outputs land in build/example/: jet_mlp.c, jet_mlp.h (the model),
# jet_main.c (the bench), jet_mlp (the program), c_output.npy (its result)
# and run/output_0.npy (the interpreter's).  Exit status 0 only if all
# steps worked and the outputs agree within 1e-6.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

echo "== installing missing packages (cmake/install-deps.sh)"
sh cmake/install-deps.sh
echo "== building bibc in build/"
cmake -S . -B build >/dev/null
cmake --build build -j "$jobs" --target bibc npycmp >/dev/null
out=build/example
rm -rf "$out"
mkdir -p "$out"

echo "== bibc examples/jet_mlp.onnx -o $out/jet_mlp.c --main $out/jet_main.c"
build/bibc examples/jet_mlp.onnx -o "$out/jet_mlp.c" --main "$out/jet_main.c"
sed -n '/^ \* input/,/^ \* output/p' "$out/jet_mlp.h"
grep '^void' "$out/jet_mlp.h"

cflags="-std=c99 -Wall -Wextra -Werror -pedantic -O2"
echo "== cc $cflags -o $out/jet_mlp jet_mlp.c jet_main.c -lm"
cc $cflags -o "$out/jet_mlp" "$out/jet_mlp.c" "$out/jet_main.c" -lm

echo "== $out/jet_mlp examples/jet_input.npy $out/c_output.npy"
"$out/jet_mlp" examples/jet_input.npy "$out/c_output.npy"
echo "== bibc run examples/jet_mlp.onnx -i examples/jet_input.npy -o $out/run"
build/bibc run examples/jet_mlp.onnx -i examples/jet_input.npy -o "$out/run"

echo "== class probabilities per sample: A = generated C, B = bibc run"
if build/tests/npycmp -v "$out/c_output.npy" "$out/run/output_0.npy" 1e-6; then
  echo "example OK: the generated C computes what bibc run computes"
else
  echo "example FAILED: the generated C and bibc run disagree" >&2
  exit 1
fi
