#!/bin/sh
# batch.sh [--bibc B] [--cc CC] [--cflags F] [--words W] [--bibc-flag F]...
#          [NIN LAYERS GATES K | MODEL.bib] - the samples/s of a logic-gate
# network's NAME_run_batch (backends/c_lgn.c, bit-parallel), of NAME_run_int
# called per sample, and of difflogic's own style of C for the same network
# (make.py: one statement per gate on 64-sample words, per-sample packing,
# ripple-carry counters), one core, one binary (harness.c), the same 16,384
# random samples of the logic layers' 0/1 inputs, the three checked to give
# the same counts.  The network: a random one (make.py, seed 1; default 784
# inputs, 4 layers of 2,000 gates, k = 10, MNIST-sized) or MODEL.bib, a
# LogicLayer ... GroupSum chain in the model language (e.g. bench/lgn/
# digits.bib; its C is timed from the binarized bits on).  --bibc-flag
# passes a flag to bibc when it writes the C (e.g. --lgn-naive); gcc -O3
# -march=native.  Also prints how long the compiler took on m.c and on
# difflogic.c (wall clock).
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/bench/lgn
bibc=$top/build/bibc cc=gcc cflags="-O3 -march=native" words='' bflags=''
while [ $# -gt 0 ]; do
  case $1 in
  --bibc) bibc=$2; shift 2 ;;
  --cc) cc=$2; shift 2 ;;
  --cflags) cflags=$2; shift 2 ;;
  --words) words="-Dm_LGN_WORDS=$2"; shift 2 ;;
  --bibc-flag) bflags="$bflags $2"; shift 2 ;;
  *) break ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case ${1:-} in
*.bib)
  cp "$1" "$work/net.bib"
  /usr/bin/python3 "$here/make.py" --from "$1" "$work"
  what="$(basename "$1")" ;;
*)
  nin=${1:-784} layers=${2:-4} gates=${3:-2000} k=${4:-10}
  /usr/bin/python3 "$here/make.py" "$nin" "$layers" "$gates" "$k" 1 "$work"
  what="$nin inputs, $layers x $gates gates, k = $k" ;;
esac
# shellcheck disable=SC2086
"$bibc" "$work/net.bib" --fixed $bflags -o "$work/m.c"
otype=$(sed -n 's/^void m_run_int(const [a-z0-9_]* \*in0, \([a-z0-9_]*\) \*out0);$/\1/p' "$work/m.h")
echo "network: $what; bibc$bflags; $cc $cflags $words"
grep -o '[0-9]* instructions after folding' "$work/m.c" | sed 's/^/run_batch: /'
# each C file compiled on its own, timed (wall clock, seconds)
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
t0=$(date +%s.%N)
# shellcheck disable=SC2086
"$cc" $cflags $words -c "$work/m.c" -o "$work/m.o"
tm=$(secs "$t0")
t0=$(date +%s.%N)
# shellcheck disable=SC2086
"$cc" $cflags -c "$work/difflogic.c" -o "$work/difflogic.o"
echo "compile: m.c $tm s, difflogic.c $(secs "$t0") s ($cc $cflags)"
# shellcheck disable=SC2086
"$cc" $cflags $words -DOUT_T="$otype" -I"$work" "$work/m.o" "$work/difflogic.o" "$here/harness.c" \
  -o "$work/bench"
taskset -c 0 "$work/bench" 16384 2>/dev/null || "$work/bench" 16384
