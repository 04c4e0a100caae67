#!/bin/sh
# run_short.sh [--bin DIR | --cc CLANG] [--work DIR] [--seconds N]
#
# The short fuzz test (CTest fuzz/short): runs fuzz_onnx, fuzz_tensor and
# fuzz_dsl for N seconds each (default 20) on the project's own test files as seeds
# (seeds.sh --small) and fails on the first crash, timeout, out-of-memory
# or leak, whose input it names.  --bin DIR takes harnesses already built
# (a -DBIBC_FUZZ=ON build); otherwise they are built with clang (--cc, or
# clang on PATH) in WORK/build, kept between runs so a rebuild is
# incremental.  Exit status 77 (CTest: skipped), with a message, when there
# is no clang with libFuzzer.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
bin="" cc=clang work="" secs=20
while [ $# -gt 0 ]; do
  case $1 in
  --bin) bin=$2; shift 2 ;;
  --cc) cc=$2; shift 2 ;;
  --work) work=$2; shift 2 ;;
  --seconds) secs=$2; shift 2 ;;
  *) echo "usage: run_short.sh [--bin DIR | --cc CLANG] [--work DIR] [--seconds N]" >&2; exit 2 ;;
  esac
done
work=${work:-$top/build-fuzz-short}
mkdir -p "$work"
work=$(cd "$work" && pwd)

if [ -z "$bin" ]; then
  echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return d && n; }' > "$work/probe.c"
  if ! command -v "$cc" >/dev/null 2>&1 ||
     ! "$cc" -fsanitize=fuzzer,address,undefined "$work/probe.c" -o "$work/probe" >/dev/null 2>&1
  then
    echo "fuzz/short: skipped: no clang with libFuzzer ($cc -fsanitize=fuzzer failed;" \
         "Debian package clang)"
    exit 77
  fi
  bin=$work/build
  cmake -S "$top" -B "$bin" -DCMAKE_C_COMPILER="$cc" -DBIBC_FUZZ=ON -DBIBC_WERROR=ON >/dev/null
  cmake --build "$bin" --target fuzz_onnx fuzz_tensor fuzz_dsl -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
fi

rm -rf "$work/seeds" "$work/findings"
mkdir -p "$work/findings"
sh "$top/tests/fuzz/seeds.sh" "$work/seeds" --small
status=0
for h in onnx tensor dsl; do
  maxlen=65536
  [ $h = onnx ] && maxlen=1048576
  log=$work/$h.log
  if "$bin/fuzz_$h" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=$maxlen \
       -artifact_prefix="$work/findings/" "$work/seeds/$h" > "$log" 2>&1; then
    echo "fuzz_$h: $(grep -E '^#[0-9]+' "$log" | tail -1)"
  else
    status=1
    echo "fuzz_$h: FAILED, log $log:"
    grep -E 'ERROR|runtime error|internal error|Test unit written|fuzz_' "$log" | head -20
  fi
done
exit $status
