#!/bin/sh
# run_ptq.sh - the post-training quantization checks that are not the
# closure test (that one is tests/fixed/run_fixed.sh --flags ...):
#
#   run_ptq.sh TOOLS fold MODEL KEEP
#       folding BatchNormalization changes the outputs by at most 1e-5 (x
#       max(1, |y|)) on 1000 random inputs, and KEEP BatchNormalizations
#       remain (those that follow no Conv/Gemm/MatMul).
#   run_ptq.sh TOOLS prune MODEL FRACTION ZEROS
#       --prune FRACTION zeroes exactly ZEROS weights (bibc's note and the
#       --dump-ir zero counts agree), and the integer accumulators of the
#       pruned model have ranges no wider than the unpruned ones.
#   run_ptq.sh TOOLS accuracy MODEL 'FLAGS' MAXERR MINAGREE [calibrate]
#       bibc run FLAGS against the float model on 2000 random inputs in
#       [-4, 4): max |error| <= MAXERR and argmax agreement >= MINAGREE;
#       with 'calibrate', --calibrate gets 2000 other samples.
#   run_ptq.sh TOOLS modes
#       models/identity.onnx with --precision fixed<8,4,R,S> turns
#       data/ties.npy into data/ties_R_S.npy exactly, for every hls4ml
#       rounding R and saturation S (the expected files are computed by
#       make_models.py from the definitions); so does models/tie_weights.onnx
#       (weights data/ties.npy, rounded at compile time) on data/one.npy.
#   run_ptq.sh TOOLS errors
#       each line of errors.txt fails with exit status 1 and the one line
#       of expected/NAME.stderr (--update rewrites those files).
#
# TOOLS: --bibc B --randnpy R --npycmp C --ptqcmp P.  Exit 77 (skipped) when
# MODEL does not exist (shared test data absent).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bibc='' randnpy='' npycmp='' ptqcmp='' update=0
while [ $# -gt 0 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    --randnpy) randnpy=$2; shift 2 ;;
    --npycmp) npycmp=$2; shift 2 ;;
    --ptqcmp) ptqcmp=$2; shift 2 ;;
    --update) update=1; shift ;;
    *) break ;;
  esac
done
mode=${1:?usage: run_ptq.sh TOOLS fold|prune|accuracy|errors ...}
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

need_model() {
  if [ ! -f "$1" ]; then
    echo "SKIP: $1 not found (shared test data absent?)"
    exit 77
  fi
}

# random_input MODEL N SEED FILE: N samples for the model's one input.
random_input() {
  shape=$("$bibc" "$1" --dump-ir 2>/dev/null | sed -n 's/^input %[^ ]* : float32\[\(.*\)\]$/\1/p')
  [ -n "$shape" ] || fail "no float32 graph input in $1"
  dims=$(echo "$shape" | tr ',' ' ')
  rest=${dims#"${dims%% *}"}
  "$randnpy" -r -4 4 "$4" f4 "$3" "$2" $rest || fail "randnpy"
}

case $mode in
fold)
  model=$1 keep=$2
  need_model "$model"
  random_input "$model" 1000 5 "$work/x.npy"
  "$bibc" run "$model" -i "$work/x.npy" -o "$work/a" || fail "bibc run"
  "$bibc" run "$model" --fold-batchnorm -i "$work/x.npy" -o "$work/b" || fail "bibc run --fold-batchnorm"
  "$npycmp" -r "$work/a/output_0.npy" "$work/b/output_0.npy" 1e-5 || fail "folded model differs"
  left=$("$bibc" "$model" --fold-batchnorm --dump-ir | grep -c '= BatchNormalization(')
  echo "BatchNormalization left after folding: $left (expected $keep)"
  [ "$left" = "$keep" ] || fail "expected $keep BatchNormalization nodes to stay"
  ;;
prune)
  model=$1 fraction=$2 zeros=$3
  need_model "$model"
  "$bibc" "$model" --prune "$fraction" --dump-ir > "$work/ir.txt" 2> "$work/note.txt" \
    || fail "bibc --prune"
  cat "$work/note.txt"
  grep -q "prune: $zeros of " "$work/note.txt" || fail "expected $zeros pruned weights"
  counted=$(sed -n 's/^const %[^ ]*\.pruned .*# \([0-9]*\) of [0-9]* zero$/\1/p' "$work/ir.txt" \
            | awk '{ s += $1 } END { print s + 0 }')
  echo "zero weights in --dump-ir: $counted"
  [ "$counted" = "$zeros" ] || fail "--dump-ir counts $counted zero weights, expected $zeros"
  # Interval analysis: a zero weight adds nothing to an accumulator's range.
  for p in "" "--prune $fraction"; do
    # shellcheck disable=SC2086
    "$bibc" "$model" --precision 'fixed<16,6,RND,SAT>' $p --dump-ir 2>/dev/null \
      | sed -n 's/^%[^ ]* : fixed<[^>]*>{\(-*[0-9]*\)\.\.\([0-9]*\)}.* = \(MatMul\|Conv\)(.*/\1 \2/p' \
      | awk '{ s += $2 - $1 } END { print s + 0 }'
  done > "$work/ranges.txt"
  full=$(sed -n 1p "$work/ranges.txt") pruned=$(sed -n 2p "$work/ranges.txt")
  echo "sum of MatMul and Conv accumulator range widths: $full unpruned, $pruned pruned"
  [ "$pruned" -lt "$full" ] || fail "pruning did not narrow the accumulator ranges"
  ;;
accuracy)
  model=$1 flags=$2 maxerr=$3 minagree=$4 calib=${5:-}
  need_model "$model"
  random_input "$model" 2000 7 "$work/x.npy"
  if [ "$calib" = calibrate ]; then
    random_input "$model" 2000 99 "$work/calib.npy"
    flags="$flags --calibrate $work/calib.npy"
  fi
  "$bibc" run "$model" -i "$work/x.npy" -o "$work/float" 2>/dev/null || fail "bibc run"
  # shellcheck disable=SC2086
  "$bibc" run "$model" $flags -i "$work/x.npy" -o "$work/fixed" || fail "bibc run $flags"
  echo "$flags:"
  "$ptqcmp" "$work/float/output_0.npy" "$work/fixed/output_0.npy" "$maxerr" "$minagree" \
    || fail "quantized model too far from the float model"
  ;;
modes)
  cd "$here" || exit 2
  total=0 passed=0
  for exp in data/ties_*.npy; do
    rs=${exp#data/ties_}
    rs=${rs%.npy}
    sat=${rs##*_}
    case $rs in *_SAT_SYM) sat=SAT_SYM ;; esac
    rnd=${rs%_"$sat"}
    for m in identity:ties tie_weights:one; do
      total=$((total + 1))
      if "$bibc" run "models/${m%:*}.onnx" --precision "fixed<8,4,$rnd,$sat>" -i "data/${m#*:}.npy" \
           -o "$work/$rs" && "$npycmp" "$work/$rs/output_0.npy" "$exp" 0 > "$work/cmp.txt" 2>&1; then
        passed=$((passed + 1))
      else
        echo "FAIL ${m%:*} fixed<8,4,$rnd,$sat>:"
        "$npycmp" -v "$work/$rs/output_0.npy" "$exp" 0
      fi
    done
  done
  echo "$passed/$total passed"
  [ $passed = $total ] || exit 1
  ;;
errors)
  cd "$here" || exit 2
  total=0 passed=0
  while read -r name args; do
    case $name in ''|\#*) continue ;; esac
    total=$((total + 1))
    set -f
    # shellcheck disable=SC2086
    "$bibc" $args > "$work/stdout" 2> "$work/stderr"
    rc=$?
    set +f
    [ $update = 1 ] && cp "$work/stderr" "expected/$name.stderr"
    if [ $rc = 1 ] && [ "$(wc -l < "$work/stderr")" = 1 ] && [ ! -s "$work/stdout" ] &&
       cmp -s "$work/stderr" "expected/$name.stderr"; then
      passed=$((passed + 1))
    else
      echo "FAIL $name (exit $rc):"
      sed 's/^/  got: /' "$work/stderr"
      sed 's/^/  expected: /' "expected/$name.stderr" 2>/dev/null
    fi
  done < errors.txt
  echo "$passed/$total passed"
  [ $passed = $total ] || exit 1
  ;;
*)
  fail "unknown mode '$mode'"
  ;;
esac
exit 0
