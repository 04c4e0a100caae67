#!/bin/sh
# batch.sh [--bibc B] [--cc CC] [--cflags F] [NIN LAYERS GATES K] - the
# samples/s of a logic-gate network's NAME_run_batch (backends/c_lgn.c,
# bit-parallel), of NAME_run_int called per sample, and of difflogic's own
# style of C for the same network (make.py: one statement per gate on
# 64-sample words, per-sample packing, ripple-carry counters), one core,
# one binary (harness.c), the same 16,384 random samples, the three
# checked to give the same counts.  Default network: 784 inputs, 4 layers
# of 2,000 random gates, k = 10 (MNIST-sized), gcc -O3 -march=native.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/bench/lgn
bibc=$top/build/bibc cc=gcc cflags="-O3 -march=native" words=''
while [ $# -gt 0 ]; do
  case $1 in
  --bibc) bibc=$2; shift 2 ;;
  --cc) cc=$2; shift 2 ;;
  --cflags) cflags=$2; shift 2 ;;
  --words) words="-Dm_LGN_WORDS=$2"; shift 2 ;;
  *) break ;;
  esac
done
nin=${1:-784} layers=${2:-4} gates=${3:-2000} k=${4:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/make.py" "$nin" "$layers" "$gates" "$k" 1 "$work"
"$bibc" "$work/net.bib" --fixed -o "$work/m.c"
otype=$(sed -n 's/^void m_run_int(const [a-z0-9_]* \*in0, \([a-z0-9_]*\) \*out0);$/\1/p' "$work/m.h")
echo "network: $nin inputs, $layers x $gates gates, k = $k; $cc $cflags $words"
grep -o '[0-9]* instructions after folding' "$work/m.c" | sed 's/^/run_batch: /'
# shellcheck disable=SC2086
"$cc" $cflags $words -DOUT_T="$otype" -I"$work" "$work/m.c" "$work/difflogic.c" "$here/harness.c" \
  -o "$work/bench"
taskset -c 0 "$work/bench" 16384 2>/dev/null || "$work/bench" 16384
