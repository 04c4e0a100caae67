#!/bin/sh
# flip_bit_cc.sh - a C compiler that builds a wrong program on purpose, for
# the negative test of 'bibc verify' (CC="sh flip_bit_cc.sh"): it edits the
# test bench (the argument named .../bench.c) so that it flips the lowest
# bit of output 0's first element before writing it, then runs the real
# compiler, $REAL_CC (default cc).  verify must report exactly that bit.
set -eu
for a in "$@"; do
  case $a in
    */bench.c)
      sed 's/write_npy(argv\[[0-9]*\], "[^"]*", shape, out0, /((unsigned char *)out0)[0] ^= 1; &/' \
        "$a" > "$a.flip"
      if ! grep -q 'out0)\[0\] ^= 1' "$a.flip"; then
        rm -f "$a.flip"
        echo "flip_bit_cc.sh: error: no write_npy call for out0 in $a (bench changed?)" >&2
        exit 1
      fi
      mv "$a.flip" "$a" ;;
  esac
done
exec ${REAL_CC:-cc} "$@"
