#!/bin/sh
# run.sh - the distributed-arithmetic benchmark (issue 8, ../shared/
# REFERENCE.md section 3): random N x N int8 matrices, N = 4, 8, 16, 32,
# 100 fixed seeds each; mean and max adders, adder bits, depth and time per
# matrix for bibc's default, then the variants it was chosen from (pattern
# weights, randomized tie-break retries, depth limits, no sharing), then
# da4ml's and H_cmvm's published means for comparison.  Every graph is
# checked against W x by cmvm_bench itself.
#
#   sh bench/cmvm/run.sh [BUILD_DIR]      (default: build; quick: SEEDS=20)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
b=${1:-$top/build}/cmvm_bench
[ -x "$b" ] || { echo "build first: cmake -S . -B build && cmake --build build"; exit 1; }
seeds=${SEEDS:-100}
echo "== bibc's default (what the da pass runs) =="
"$b" --seeds "$seeds" || exit 1
echo
echo "== variants, N = 8 and 16 =="
for v in "--cost luts" "--weight count" "--weight width" "--weight narrow" "--oldest-first" "--tries 4" "--no-decompose" \
         "--no-decompose --tries 16" "--depth 0" "--depth 1" "--depth 2" "--no-cse"; do
  echo "-- $v"
  "$b" -n 8,16 --seeds "$seeds" $v | tail -2 || exit 1
done
echo
echo "published means (random 8-bit N x N, 1000 trials; REFERENCE.md section 3):"
echo "   N=8:  da4ml 98.1 adders (1.5 ms), H_cmvm 96.3 (~15 s)"
echo "   N=16: da4ml 343.2 adders (13.6 ms), H_cmvm 338.3 (~20 min)"
echo "da4ml's cmvm core (wmc weight, spanning-tree decomposition over its five delay limits,"
echo "heap reduction), re-implemented from its source for a check (not shipped), on these"
echo "same seeds 1..100 (2026-12-06): N=4 26.7, N=8 99.4, N=16 364.9 adders"
