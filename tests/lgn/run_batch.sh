#!/bin/sh
# run_batch.sh - NAME_run_batch, the bit-parallel entry of a logic-gate
# network's integer C (backends/c_lgn.c), on one model of models/: the C
# from 'bibc MODEL --fixed -o m.c' compiles warning-free (-std=c99 -Wall
# -Wextra -pedantic -Werror) with one-uint64_t words (m_LGN_WORDS=1) and
# with the default vector words, and for n = 0, 1, 63, 64, 65, 511, 513
# and 1000 samples (blocks full, partial and empty) its n x k counts equal
# reference.py's numpy counts of the same binarized inputs and, sample by
# sample, the counts of m_run_int (the rt_logic kernels), bit for bit;
# nothing after y[n*k] is written, and x need not be aligned; the
# instructions sit in step functions of at most 256 each.  With
# --naive, the same for 'bibc --lgn-naive' (difflogic's scheme: one
# statement per gate as written, so at least as many as the model's gates).
#
#   run_batch.sh --bibc B --cc CC --cflags F [--naive] MODEL.bib
set -u
bibc='' cc=cc cflags=-O1 naive=''
while [ $# -gt 1 ]; do
  case $1 in
    --naive) naive=--lgn-naive; shift ;;
    --bibc) bibc=$2; shift 2 ;;
    --cc) cc=$2; shift 2 ;;
    --cflags) cflags=$2; shift 2 ;;
    *) break ;;
  esac
done
model=$1
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $(basename "$model"): $*" >&2; exit 1; }

"$py" "$here/reference.py" "$model" 1000 "$work" || fail "reference.py"
"$bibc" "$model" --fixed $naive -o "$work/m.c" || fail "bibc --fixed $naive -o m.c"
if [ -n "$naive" ]; then
  gates=$(grep -o 'a=\[[^]]*\]' "$model" | tr -cd ',[' | wc -c)
  stmts=$(grep -c '^  lgn_s\[[0-9]*\] = ' "$work/m.c")
  [ "$stmts" -ge "$gates" ] || fail "--lgn-naive: $stmts statements for $gates gates"
  grep -q 'one per gate and adder gate as written' "$work/m.c" || fail "--lgn-naive: not the naive form"
fi
# the instructions in step functions of at most 256 (compile time linear
# in gates: gcc -O3 is superlinear in a function's size), every one once
nins=$(sed -n 's/^\/\* [0-9]* gates: \([0-9]*\) instructions.*/\1/p' "$work/m.c")
[ -n "$nins" ] || fail "m.c does not say how many instructions run_batch has"
# shellcheck disable=SC2046
set -- $(awk '/^LGN_STEP lgn_step[0-9]+\(void\) \{$/ { s++; n = 0; in_step = 1; next }
              in_step && /^}$/ { in_step = 0; next }
              in_step && /^  (const lgn_word t[0-9]+|lgn_s\[[0-9]+\]) = / { t++; if (++n > max) max = n }
              END { print s + 0, max + 0, t + 0 }' "$work/m.c")
[ "$1" -eq $(((nins + 255) / 256)) ] && [ "$2" -le 256 ] && [ "$3" -eq "$nins" ] \
  || fail "$nins instructions in $1 step functions of at most $2 ($3 in all), not in steps of 256"
grep -q 'void m_run_batch(const uint8_t \*x, int32_t \*y, size_t n);' "$work/m.h" \
  || fail "m.h declares no m_run_batch"
otype=$(sed -n 's/^void m_run_int(const [a-z0-9_]* \*in0, \([a-z0-9_]*\) \*out0);$/\1/p' "$work/m.h")
[ -n "$otype" ] || fail "no m_run_int(in0, out0) in m.h"
cat > "$work/drv.c" <<DRV
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "m.h"
#define NIN m_BATCH_IN_SIZE
#define K m_BATCH_OUT_SIZE
#define GUARD 64
static uint8_t xb[1000 * NIN + 1];
static int32_t want[1000 * K], y[1000 * K + GUARD];

int main(int argc, char **argv) {
  size_t n, i, c, e;
  FILE *f, *g;
  if (argc != 4)
    return 2;
  n = (size_t)atol(argv[3]);
  f = fopen(argv[1], "rb");
  g = fopen(argv[2], "rb");
  if (!f || !g || fread(xb + 1, 1, 1000 * NIN, f) != 1000 * NIN ||
      fread(want, sizeof *want, 1000 * K, g) != 1000 * K)
    return 2;
  for (i = 0; i < 1000 * K + GUARD; i++)
    y[i] = -7;
  m_run_batch(xb + 1, y, n);  /* xb + 1: x unaligned */
  for (i = n * K; i < 1000 * K + GUARD; i++)
    if (y[i] != -7) {
      printf("y[%zu] written, beyond the n x k counts\n", i);
      return 1;
    }
  for (i = 0; i < n; i++) {
    static $otype out[m_INT_OUT0_SIZE];
    int32_t cnt[K];
    m_run_int(xb + 1 + i * NIN, out);
    for (c = 0; c < K; c++) {  /* out0: the counts, or the last layer's bits */
      cnt[c] = 0;
      for (e = 0; e < m_INT_OUT0_SIZE / K; e++)
        cnt[c] += (int32_t)out[c * (m_INT_OUT0_SIZE / K) + e];
    }
    for (c = 0; c < K; c++)
      if (y[i * K + c] != want[i * K + c] || y[i * K + c] != cnt[c]) {
        printf("sample %zu class %zu: run_batch %d, numpy %d, run_int %d\n", i, c,
               (int)y[i * K + c], (int)want[i * K + c], (int)cnt[c]);
        return 1;
      }
  }
  return 0;
}
DRV
for words in 1 default; do
  def=''
  [ "$words" = default ] || def="-Dm_LGN_WORDS=$words"
  # shellcheck disable=SC2086
  "$cc" -std=c99 -Wall -Wextra -pedantic -Werror $cflags $def -I"$work" "$work/m.c" "$work/drv.c" \
    -o "$work/drv" || fail "m.c does not compile warning-free (words: $words)"
  for n in 0 1 63 64 65 511 513 1000; do
    "$work/drv" "$work/bits.u8" "$work/counts.i32" $n > "$work/out.txt" \
      || { cat "$work/out.txt" >&2; fail "run_batch differs, n = $n, words: $words"; }
  done
done
echo "ok: $(basename "$model")"
