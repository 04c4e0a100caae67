#!/bin/sh
# run_model.sh - one real-model test (a line of models.txt):
#   error models: bibc exits 1 with exactly the line in expected/NAME.stderr
#     (notes aside) and leaves no output file;
#   ok models: compiles to C with the --main bench, runs the bench and
#     'bibc run' on the same random inputs (randnpy, leading batch dim 1
#     replaced by the sample count) and requires max |diff| <= 1e-4 (npycmp);
#   exact models: the same with no difference at all (the generated C's
#     loops add in the kernels' order: backends/c_loops.c);
#     the generated C must also compile cleanly with -std=c99 -Wall -Wextra
#     -Werror -pedantic; if test_data_set_0/ sits next to the model, 'bibc run' must reproduce
#     its output_K.pb within 1e-4 relative (tolerance * max(1, |ref|)).
# Prints the ops and parameter count (from --dump-ir) and the differences.
# Exit 77 (CTest SKIP_RETURN_CODE) when the shared test data is absent.
#
#   run_model.sh --bibc B --randnpy R --npycmp C [--cc CC] [--cflags FLAGS]
#                [--data DIR] [--update] NAME
set -u
here=$(cd "$(dirname "$0")" && pwd)
bibc='' randnpy='' npycmp='' cc=${CC:-cc} cflags=-O1 data=$here/../../../shared/testdata update=0
while [ $# -gt 1 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --randnpy) randnpy=$2; shift 2 ;;
    --npycmp) npycmp=$2; shift 2 ;;
    --cc) cc=$2; shift 2 ;;
    --cflags) cflags=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --update) update=1; shift ;;
    *) break ;;
  esac
done
# Tool paths are used after cd, so make them absolute.
abs() { case $1 in /*|'') echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
bibc=$(abs "$bibc") randnpy=$(abs "$randnpy") npycmp=$(abs "$npycmp") data=$(abs "$data")
name=${1:?usage: run_model.sh --bibc B --randnpy R --npycmp C [--cc CC] [--cflags F] [--data DIR] NAME}
line=$(grep "^$name " "$here/models.txt") || { echo "no model '$name' in models.txt"; exit 2; }
set -- $line
path=$2 expect=$3 samples=${4:-1000}
if [ ! -d "$data/models" ]; then
  echo "SKIP: shared test data not found at $data/models (these tests need ../shared/testdata)"
  exit 77
fi
if [ ! -f "$data/models/$path" ]; then
  echo "SKIP: $path is not in $data/models"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bibc-model.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$data/models" || exit 2
fail() { echo "FAIL $name: $*"; exit 1; }

if [ "$expect" = error ]; then
  "$bibc" "$path" -o "$tmp/$name.c" >"$tmp/stdout" 2>"$tmp/stderr.all"
  rc=$?
  grep -v ': note: ' "$tmp/stderr.all" >"$tmp/stderr"
  if [ $update = 1 ]; then
    cp "$tmp/stderr" "$here/expected/$name.stderr"
  fi
  echo "$name: $(cat "$tmp/stderr.all")"
  [ $rc = 1 ] || fail "exit status $rc, expected 1"
  [ "$(wc -l <"$tmp/stderr")" = 1 ] || fail "expected exactly one error line"
  left=$(cd "$tmp" && ls | grep -v '^std')
  [ -z "$left" ] || fail "left behind: $left"
  cmp -s "$tmp/stderr" "$here/expected/$name.stderr" ||
    fail "message differs from expected/$name.stderr: $(cat "$here/expected/$name.stderr")"
  echo "ok $name (rejected as expected)"
  exit 0
fi

"$bibc" "$path" --dump-ir >"$tmp/ir" 2>"$tmp/err" || fail "bibc --dump-ir failed: $(cat "$tmp/err")"
ops=$(sed -n 's/^%.* = \([A-Za-z]*\)(.*  # node .*/\1/p' "$tmp/ir" | sort | uniq -c |
      awk '{printf "%s%s x%d", sep, $2, $1; sep=", "}')
params=$(sed -n 's/^const %.* : [a-z0-9]*\[\([0-9,]*\)\] = .*/\1/p' "$tmp/ir" |
         awk -F, '{n = 1; for (i = 1; i <= NF; i++) n *= $i; s += n} END {print s + 0}')
echo "$name: ops: $ops; params: $params"

"$bibc" "$path" -o "$tmp/$name.c" --main "$tmp/main.c" 2>"$tmp/err" ||
  fail "bibc -o failed: $(cat "$tmp/err")"
# The generated C must be clean C99 (checked, then the numeric test goes
# on so one failure does not hide the other).
status=0
for f in "$name.c" main.c; do
  if ! (cd "$tmp" && $cc -std=c99 -Wall -Wextra -Werror -pedantic -c "$f" -o /dev/null 2>strict.err); then
    echo "FAIL $name: generated $f is not clean under -std=c99 -Wall -Wextra -Werror -pedantic:"
    head -10 "$tmp/strict.err"
    status=1
  fi
done
# shellcheck disable=SC2086
$cc -std=c99 $cflags -o "$tmp/prog" "$tmp/$name.c" "$tmp/main.c" -lm 2>"$tmp/err" ||
  fail "generated C does not compile: $(head -20 "$tmp/err")"

# Random inputs, one file per graph input, N samples stacked.
set --
k=0
for spec in $(sed -n 's/^input %.* : \([a-z0-9]*\)\[\([0-9,]*\)\]$/\1:\2/p' "$tmp/ir"); do
  dt=${spec%%:*} dims=$(echo "${spec#*:}" | tr ',' ' ')
  case $dt in
    float32) code=f4 ;; float64) code=f8 ;; int8) code=i1 ;; uint8) code=u1 ;;
    int16) code=i2 ;; int32) code=i4 ;; int64) code=i8 ;;
    *) fail "no random generator for input element type $dt" ;;
  esac
  first=${dims%% *}
  if [ "$first" = 1 ] && [ "$dims" != 1 ]; then
    dims="$samples ${dims#* }"
  elif [ "$first" = 1 ]; then
    dims=$samples
  fi
  # shellcheck disable=SC2086
  "$randnpy" "$tmp/in$k.npy" $code $((1000 + k)) $dims || fail "randnpy failed"
  set -- "$@" "$tmp/in$k.npy"
  k=$((k + 1))
done
nout=$(grep -c '^output ' "$tmp/ir")
outs='' iargs=''
for f in "$@"; do iargs="$iargs -i $f"; done
j=0
while [ $j -lt "$nout" ]; do outs="$outs $tmp/out$j.npy"; j=$((j + 1)); done
# shellcheck disable=SC2086
"$tmp/prog" "$@" $outs 2>"$tmp/err" || fail "generated program failed: $(head -20 "$tmp/err")"
# shellcheck disable=SC2086
"$bibc" run "$path" $iargs -o "$tmp/run" 2>"$tmp/err" || fail "bibc run failed: $(cat "$tmp/err")"
j=0
while [ $j -lt "$nout" ]; do
  tol=1e-4
  [ "$expect" = exact ] && tol=0
  r=$("$npycmp" "$tmp/run/output_$j.npy" "$tmp/out$j.npy" $tol) || status=1
  echo "$name: output $j, generated C vs bibc run, $samples random inputs: $r"
  j=$((j + 1))
done

# Reference data shipped with the model.
ref=$(dirname "$path")/test_data_set_0
if [ -d "$ref" ]; then
  iargs=''
  k=0
  while [ -f "$ref/input_$k.pb" ]; do iargs="$iargs -i $ref/input_$k.pb"; k=$((k + 1)); done
  # shellcheck disable=SC2086
  "$bibc" run "$path" $iargs -o "$tmp/ref" 2>"$tmp/err" || fail "bibc run on $ref failed: $(cat "$tmp/err")"
  j=0
  while [ -f "$ref/output_$j.pb" ]; do
    r=$("$npycmp" -r "$tmp/ref/output_$j.pb" "$ref/output_$j.pb" 1e-4) || status=1
    echo "$name: output $j vs $ref/output_$j.pb: $r"
    j=$((j + 1))
  done
fi
[ $status = 0 ] || fail "see above"
echo "ok $name"
