#!/bin/sh
# run.sh - golden-file tests: for each models/NAME.onnx, bibc's IR dump
# (--dump-ir) and generated C (NAME.c, NAME.h) must equal
# expected/NAME.ir, expected/NAME.c and expected/NAME.h byte for byte.
# Models named fixed_* are compiled with --fixed (integer pipeline).
# Models listed in FOLDED below must also have no shape-computation node
# left in the dump (the exporter idiom Shape -> Gather -> Unsqueeze ->
# Concat -> Reshape folds to a constant shape).
#
#   tests/golden/run.sh [--update] [--bibc PATH] [NAME...]
#
# --update rewrites the expected files from bibc's current output; review
# the diff before committing it.  bibc runs inside a scratch directory on a
# copy named NAME.onnx, so the command line quoted in the generated files
# ("bibc NAME.onnx -o NAME.c") does not depend on where the tree lives.
# Prints "N/M passed"; exit 0 only if all passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
update=0
bibc=${BIBC:-$here/../../build/bibc}
FOLDED="shape_chain"
while [ $# -gt 0 ]; do
  case $1 in
    --update) update=1; shift ;;
    --bibc) bibc=$2; shift 2 ;;
    -*) echo "usage: $0 [--update] [--bibc PATH] [NAME...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
case $bibc in /*) ;; *) bibc=$(pwd)/$bibc ;; esac
if [ ! -x "$bibc" ]; then
  echo "run.sh: no bibc binary at $bibc (build it, or pass --bibc PATH)" >&2
  exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bibc-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ $# = 0 ]; then
  set -- $(cd "$here/models" && ls *.onnx | sed 's/\.onnx$//')
fi

# check NAME: prints what differs, returns 1 on failure.
check() {
  name=$1
  dir=$tmp/$name
  mkdir -p "$dir"
  if [ ! -f "$here/models/$name.onnx" ]; then
    echo "  no model $here/models/$name.onnx"
    return 1
  fi
  cp "$here/models/$name.onnx" "$dir/"
  ok=1
  fx=
  case $name in fixed_*) fx=--fixed ;; esac
  if ! (cd "$dir" && "$bibc" "$name.onnx" $fx --dump-ir >"$name.ir" 2>ir.err); then
    echo "  bibc $name.onnx --dump-ir failed:"
    sed 's/^/    /' "$dir/ir.err" | head -20
    return 1
  fi
  if ! (cd "$dir" && "$bibc" "$name.onnx" $fx -o "$name.c" 2>c.err); then
    echo "  bibc $name.onnx -o $name.c failed:"
    sed 's/^/    /' "$dir/c.err" | head -20
    return 1
  fi
  case " $FOLDED " in
    *" $name "*)
      if grep -E '= (Shape|Gather|Unsqueeze|Concat|Constant)\(' "$dir/$name.ir" >"$dir/left"; then
        echo "  shape computation not folded away:"
        sed 's/^/    /' "$dir/left"
        ok=0
      fi ;;
  esac
  exts="ir c h"
  case $name in fixed_*)  # the netlist and the Verilog too (two logic levels per stage)
    if ! (cd "$dir" && "$bibc" "$name.onnx" --dump-net --target verilog --pipeline 2 >"$name.net" 2>net.err &&
          "$bibc" "$name.onnx" -o "$name.v" --pipeline 2 >v.out 2>v.err); then
      echo "  bibc $name.onnx --dump-net / -o $name.v failed:"
      sed 's/^/    /' "$dir/net.err" "$dir/v.err" 2>/dev/null | head -20
      return 1
    fi
    exts="ir c h net v" ;;
  esac
  for ext in $exts; do
    exp=$here/expected/$name.$ext
    if [ $update = 1 ]; then
      cp "$dir/$name.$ext" "$exp"
    elif [ ! -f "$exp" ]; then
      echo "  no expected file expected/$name.$ext (run with --update to create it)"
      ok=0
    elif ! cmp -s "$dir/$name.$ext" "$exp"; then
      echo "  $name.$ext differs from expected/$name.$ext (first lines of the diff):"
      diff -u "$exp" "$dir/$name.$ext" | sed -n '3,42s/^/    /p'
      ok=0
    fi
  done
  [ $ok = 1 ]
}

pass=0
total=0
for name in "$@"; do
  total=$((total + 1))
  if msg=$(check "$name"); then
    pass=$((pass + 1))
    [ $update = 1 ] && echo "updated $name"
  else
    echo "FAIL $name"
    printf '%s\n' "$msg"
  fi
done
echo "$pass/$total passed"
[ $pass = $total ]
