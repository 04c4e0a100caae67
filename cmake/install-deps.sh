#!/bin/sh
# install-deps.sh - installs the Debian 12 packages bibc needs, if missing.
# Build: cmake, gcc, protobuf-c (protoc-c + library), libonnx-dev (onnx.proto),
# libyaml-dev (--config files).
# Tests: libonnx-testdata (ONNX node tests), python3-onnx/numpy (scripts that
# make test models).  Verilog: yosys (bibc estimate), iverilog and verilator
# (bibc verify --target verilog, lint), nextpnr-ice40 (iCE40 timing); clang
# (libFuzzer, the float-cast-overflow sanitizer build), time (GNU time: peak
# memory of the error tests).  Later: flex, bison (the model language).
set -e
pkgs="cmake gcc g++ make protobuf-c-compiler libprotobuf-c-dev libonnx-dev libyaml-dev libonnx-testdata \
python3-onnx python3-numpy flex bison yosys iverilog verilator nextpnr-ice40 clang time"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
