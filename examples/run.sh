#!/bin/sh
# run.sh - the main job, from a fresh clone: installs missing Debian
# packages, builds bibc in build/, then on examples/jet_tagger.onnx (a
# quantized QONNX jet tagger, 16 -> 64 -> 32 -> 32 -> 5, made by
# make_jet_tagger.py):
#   1. compiles it to Verilog (build/example/jet_tagger.v) and lints that
#      with Verilator and Icarus Verilog;
#   2. co-simulates the Verilog against bibc's integer reference on 10,000
#      random and corner vectors, every output bit (bibc verify);
#   3. prints the resource estimate: Yosys on the same Verilog for an AMD
#      7-series FPGA, beside bibc's cost model (bibc estimate).
#
#   sh examples/run.sh
#
# Exit status 0 only if every step worked and the simulation matched bit
# for bit.  Takes a few minutes, most of it Yosys.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

echo "== installing missing packages (cmake/install-deps.sh)"
sh cmake/install-deps.sh
echo "== building bibc in build/"
cmake -S . -B build >/dev/null
cmake --build build -j "$jobs" --target bibc >/dev/null
out=build/example
rm -rf "$out"
mkdir -p "$out"

echo "== bibc examples/jet_tagger.onnx -o $out/jet_tagger.v"
build/bibc examples/jet_tagger.onnx -o "$out/jet_tagger.v"
sed -n '/^ \* jet_tagger:/,/^ \* Stages/p' "$out/jet_tagger.v"
echo "== verilator --lint-only -Wall; iverilog -g2005 -Wall"
verilator --lint-only -Wall "$out/jet_tagger.v"
iverilog -g2005 -Wall -o /dev/null "$out/jet_tagger.v"
echo "lint: no warnings"

echo "== bibc verify examples/jet_tagger.onnx --target verilog"
build/bibc verify examples/jet_tagger.onnx --target verilog

echo "== bibc estimate examples/jet_tagger.onnx"
build/bibc estimate examples/jet_tagger.onnx
echo "example OK: Verilog written, bit-exact in simulation, estimated"
