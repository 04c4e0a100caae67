#!/bin/sh
# determinism.sh - generated code is byte-deterministic and strictly
# portable: each golden model is compiled twice, in two different scratch
# directories and with different outputs already present, and the two
# NAME.c / NAME.h / bench main.c must be identical; then NAME.c and the
# bench compile with 'cc -std=c99 -Wall -Wextra -Werror -pedantic -c'.
#
#   tests/golden/determinism.sh [--bibc PATH] [--cc CC]
set -u
here=$(cd "$(dirname "$0")" && pwd)
bibc=${BIBC:-$here/../../build/bibc}
cc=${CC:-cc}
while [ $# -gt 0 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --cc) cc=$2; shift 2 ;;
    *) echo "usage: $0 [--bibc PATH] [--cc CC]" >&2; exit 2 ;;
  esac
done
case $bibc in /*) ;; *) bibc=$(pwd)/$bibc ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bibc-determinism.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
total=0
for model in "$here"/models/*.onnx; do
  name=$(basename "$model" .onnx)
  total=$((total + 1))
  ok=1
  for run in 1 2; do
    mkdir -p "$tmp/$run"
    cp "$model" "$tmp/$run/"
    # The second run overwrites stale outputs, which must not matter.
    [ $run = 2 ] && echo stale >"$tmp/2/$name.c" && echo stale >"$tmp/2/$name.h"
    if ! (cd "$tmp/$run" && "$bibc" "$name.onnx" -o "$name.c" --main "main_$name.c" 2>err); then
      echo "FAIL $name: bibc failed (run $run):"
      sed 's/^/    /' "$tmp/$run/err" | head -10
      ok=0
    fi
  done
  if [ $ok = 1 ]; then
    for f in "$name.c" "$name.h" "main_$name.c"; do
      if ! cmp -s "$tmp/1/$f" "$tmp/2/$f"; then
        echo "FAIL $name: $f differs between two identical runs:"
        diff "$tmp/1/$f" "$tmp/2/$f" | head -10
        ok=0
      fi
    done
    for f in "$name.c" "main_$name.c"; do
      if ! (cd "$tmp/1" && $cc -std=c99 -Wall -Wextra -Werror -pedantic -c "$f" -o /dev/null 2>cc.err); then
        echo "FAIL $name: $f does not compile with -std=c99 -Wall -Wextra -Werror -pedantic:"
        sed 's/^/    /' "$tmp/1/cc.err" | head -20
        ok=0
      fi
    done
  fi
  [ $ok = 1 ] && pass=$((pass + 1)) && echo "ok $name"
done
echo "$pass/$total passed"
[ $pass = $total ]
