#!/bin/sh
# hostile.sh - time and peak memory of bibc on hostile inputs (issue 9):
# tiny files that declare gigabytes, folds and broadcasts that multiply
# sizes, a Sum of 10,000 to 100,000 inputs, a batch whose outputs are 2^20
# times its inputs, and one whose 900 samples give 236 MB per output file
# (streamed to disk, not held in memory), and a 1.4 KB fuzzing input whose
# 10-bit scaled quantizer folds into 1,023 thresholds per element (its
# exhaustive check counted them linearly).  One row per case: exit status, wall time, peak RSS,
# the first words of the message.  Give an older bibc to compare (the
# closing note of issue 9 quotes both).  Each run is bounded (timeout
# SECONDS, default 120; ulimit -v 4 GB) so that an unfixed bibc cannot take
# the machine down; "killed" then stands for what it would have done.
#
#   sh bench/hostile.sh [BIBC] [SECONDS]
# Needs GNU time (Debian package time) and /usr/bin/python3 with onnx for
# the Sum models.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bibc=${1:-$top/build/bibc}
secs=${2:-120}
case $bibc in /*) ;; *) bibc=$(pwd)/$bibc ;; esac
[ -x "$bibc" ] || { echo "no bibc at $bibc (build first)"; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt install time)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work" <<'EOF' || exit 1
import sys
from onnx import TensorProto, helper, save
for n in (10000, 20000, 100000):
    xs = ["x%d" % i for i in range(n)]
    g = helper.make_graph([helper.make_node("Sum", xs, ["y"], name="sum0")], "g",
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 2]) for x in xs],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
         "%s/sum%d.onnx" % (sys.argv[1], n))
import numpy as np
np.save("%s/x900.npy" % sys.argv[1], np.ones((900, 64), np.float32))
EOF
e=$top/tests/errors
printf '%-26s %6s %9s %9s  %s\n' case status seconds "peak MB" message
run() {
  name=$1
  shift
  (ulimit -v 4194304; cd "$work" && timeout -k 5 "$secs" /usr/bin/time -f "%e %M" -o "$work/t" \
    "$bibc" "$@" > /dev/null 2> "$work/err")
  rc=$?
  set -- $(tail -1 "$work/t" 2>/dev/null) - -
  case $rc in 124|137) st=killed ;; *) st=$rc ;; esac
  msg=$(grep -v "^Command" "$work/err" | head -1 | sed 's/^[^ ]*: //' | cut -c1-60)
  printf '%-26s %6s %9s %9s  %s\n' "$name" "$st" "$1" "$(( ${2:-0} / 1024 ))" "$msg"
  rm -rf "$work/out" "$work"/*.c "$work"/*.h
}
run init_huge_nodata   "$e/models/hostile_init_huge_nodata.onnx" -o m.c
run npy_huge_run       run "$e/models/relu.onnx" -i "$e/data/hostile_npy_huge.npy" -o out
run pb_huge_run        run "$e/models/relu.onnx" -i "$e/data/hostile_huge.pb" -o out
run fold_pad           "$e/models/hostile_fold_pad.onnx" -o m.c
run broadcast_verify   verify "$e/models/hostile_broadcast.onnx"
run stacked_outputs    run "$e/models/hostile_run_amplify.onnx" -i "$e/data/hostile_1024x1.npy" -o out
run stream_900_samples   run "$top/tests/backends/models/wide_output.onnx" -i "$work/x900.npy" -o out
run fuzz_slow_thresholds  "$e/models/fuzz_slow_thresholds.onnx" --fixed -o m.c
run fuzz_slow_thresholds2 "$e/models/fuzz_slow_thresholds2.onnx" --fixed -o m.c
run fuzz_slow_conv        "$e/models/fuzz_slow_conv.onnx" --fixed -o m.c
run dev_zero           /dev/zero -o m.c
run sum_10000          "$work/sum10000.onnx" -o m.c
run sum_20000          "$work/sum20000.onnx" -o m.c
run sum_100000         "$work/sum100000.onnx" -o m.c
