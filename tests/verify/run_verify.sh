#!/bin/sh
# run_verify.sh - one 'bibc verify' test.  CASE is what it checks:
#   ok MODEL       exit 0, every backend 0 mismatching bits, JSON well formed
#   data MODEL     the same on --data (50 samples from randnpy)
#   flipped MODEL  the bench is built by flip_bit_cc.sh, which flips one bit:
#                  exit 1, exactly 1 mismatching bit, first mismatch named
#   bad_shape MODEL  --data of the wrong shape: one-line error, exit 1
#   hls MODEL      --target c --target hls: both bit-exact, exit 0
# In every case no temporary file may be left behind (TMPDIR is checked),
# and a failing run leaves no JSON file.
#
#   run_verify.sh --bibc B --randnpy R [--cc CC] [--cflags F] CASE MODEL
set -u
bibc='' randnpy='' cc=${CC:-cc} cflags=-O1
while [ $# -gt 2 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --randnpy) randnpy=$2; shift 2 ;;
    --cc) cc=$2; shift 2 ;;
    --cflags) cflags=$2; shift 2 ;;
    *) break ;;
  esac
done
case=${1:?usage: run_verify.sh --bibc B --randnpy R CASE MODEL}
model=${2:?usage: run_verify.sh --bibc B --randnpy R CASE MODEL}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp"
fail() { echo "FAIL: $*"; cat "$work/out.txt" "$work/err.txt" 2>/dev/null; exit 1; }

# verify [ARGS...]: runs bibc verify on the model; sets rc.
verify() {
  TMPDIR=$work/tmp CC=${vcc:-$cc} CFLAGS=$cflags "$bibc" verify "$model" "$@" \
    > "$work/out.txt" 2> "$work/err.txt"
  rc=$?
  [ -z "$(ls -A "$work/tmp")" ] || fail "temporary files left behind: $(ls -A "$work/tmp")"
}

# Well formed enough: one object, balanced brackets, the keys we report.
check_json() {
  j=$work/v.json
  [ -f "$j" ] || fail "no JSON written"
  [ "$(head -c 1 "$j")" = '{' ] && [ "$(tail -n 1 "$j")" = '}' ] || fail "JSON is not one object"
  [ "$(tr -cd '{' < "$j" | wc -c)" = "$(tr -cd '}' < "$j" | wc -c)" ] || fail "unbalanced {} in JSON"
  [ "$(tr -cd '[' < "$j" | wc -c)" = "$(tr -cd ']' < "$j" | wc -c)" ] || fail "unbalanced [] in JSON"
  for key in model samples inputs fixed_vs_float max_abs_error argmax_agreement backends \
             mismatching_bits first_mismatch ok; do
    grep -q "\"$key\": " "$j" || fail "JSON lacks \"$key\""
  done
}

case $case in
  ok|data)
    if [ "$case" = data ]; then
      "$randnpy" -r -8 8 "$work/x.npy" f4 7 50 16 || fail "randnpy"
      verify --data "$work/x.npy" --json "$work/v.json"
    else
      verify --json "$work/v.json"
    fi
    [ $rc = 0 ] || fail "bibc verify exited $rc"
    check_json
    grep -q '"ok": true' "$work/v.json" || fail "JSON does not say ok"
    grep -q '"mismatching_bits": [1-9]' "$work/v.json" && fail "JSON reports mismatching bits"
    grep -q '^result: OK' "$work/out.txt" || fail "no OK result line"
    ;;
  flipped)
    vcc="sh $here/flip_bit_cc.sh" REAL_CC=$cc
    export REAL_CC
    verify --json "$work/v.json"
    [ $rc = 1 ] || fail "bibc verify exited $rc on a bench with a flipped bit, want 1"
    check_json
    grep -q '"ok": false' "$work/v.json" || fail "JSON does not say ok: false"
    grep -q '"target": "c", "mismatching_bits": 1, "mismatching_elements": 1,' "$work/v.json" \
      || fail "JSON does not count exactly 1 mismatching bit"
    grep -q '"first_mismatch": {"sample": 0, "output": 0, "index": 0,' "$work/v.json" \
      || fail "JSON names the wrong first mismatch"
    grep -q 'first mismatch: sample 0 (all minimum), output 0, element 0: got ' "$work/out.txt" \
      || fail "the report does not name the first mismatch"
    grep -q '^result: FAIL' "$work/out.txt" || fail "no FAIL result line"
    grep -q 'error: target c: 1 mismatching bit (first: sample 0, output 0, element 0)' \
      "$work/err.txt" || fail "no one-line error on stderr"
    ;;
  bad_shape)
    "$randnpy" "$work/x.npy" f4 7 2 3 || fail "randnpy"
    verify --data "$work/x.npy" --json "$work/v.json"
    [ $rc = 1 ] || fail "bibc verify exited $rc on --data of the wrong shape, want 1"
    grep -q "x.npy: error: input 0 ('[^']*') has shape \[2,3\], the model expects \[1," \
      "$work/err.txt" || fail "wrong error message"
    [ "$(wc -l < "$work/err.txt")" = 1 ] || fail "the error is not one line"
    [ ! -e "$work/v.json" ] || fail "JSON written on error"
    ;;
  hls)
    verify --target c --target hls --samples 500 --json "$work/v.json"
    [ $rc = 0 ] || fail "bibc verify --target c --target hls exited $rc, want 0"
    grep -q '^  hls  ' "$work/out.txt" || fail "no hls row in the report"
    grep -q '"hls"' "$work/v.json" || fail "no hls entry in the JSON"
    ;;
  *) fail "unknown case $case" ;;
esac
echo "PASS: verify $case $(basename "$model")"
sed -n '/^fixed-point vs/,$p' "$work/out.txt"
exit 0
