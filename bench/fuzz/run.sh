#!/bin/sh
# run.sh [SECONDS] [--rss MB] [--timeout S] [--only onnx|tensor|dsl] [--out DIR]
#        [--jobs N] [--corpus DIR] [--max-len BYTES]
#
# The long fuzzing run: builds tests/fuzz's libFuzzer harnesses with clang
# in build-fuzz/ (-DBIBC_FUZZ=ON), makes a temporary corpus from the seeds
# (tests/fuzz/seeds.sh: the project's test files and ../shared/testdata),
# and runs each harness in turn for SECONDS (default 300) on N cores
# (--jobs, default 1): -fork=N worker processes with crashes, timeouts and
# out-of-memory ignored, so a finding is saved and the run goes on.  With
# --corpus DIR the corpus lives in DIR/HARNESS instead (seeded the first
# time) and is kept, so a later run goes on from it.
# Limits: -rss_limit_mb=2048 and -timeout=10 unless given; -max_len 1.5 MB
# for ONNX models (the largest seed models are just over 1 MB) unless
# --max-len is given, 64 KB for tensors and model-language files.  --max-len 65536 covers the same
# edges (3,528 on one corpus) at about 3x the executions per second: the
# executions of a few large models' mutants, folding their weights, take
# most of the time.  Findings (crash-, timeout-, oom-, leak- files) go to
# DIR/HARNESS/ (default build-fuzz/findings-DATE), the logs to
# DIR/HARNESS.log.  Prints per harness: executions, coverage (edges covered
# by the seeds and by the final corpus, libFuzzer's features), findings and
# libFuzzer's exit status.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=300 rss=2048 tmo=10 only="" out="" jobs=1 corpus="" onnxlen=1572864
while [ $# -gt 0 ]; do
  case $1 in
  --rss) rss=$2; shift 2 ;;
  --timeout) tmo=$2; shift 2 ;;
  --only) only=$2; shift 2 ;;
  --out) out=$2; shift 2 ;;
  --jobs) jobs=$2; shift 2 ;;
  --corpus) corpus=$2; shift 2 ;;
  --max-len) onnxlen=$2; shift 2 ;;
  [0-9]*) secs=$1; shift ;;
  *) echo "usage: run.sh [SECONDS] [--rss MB] [--timeout S] [--only onnx|tensor|dsl] [--out DIR]" \
          "[--jobs N] [--corpus DIR] [--max-len BYTES]" >&2
     exit 2 ;;
  esac
done
command -v clang >/dev/null || { echo "run.sh: needs clang (Debian package clang)" >&2; exit 1; }
build=$top/build-fuzz
cmake -S "$top" -B "$build" -DCMAKE_C_COMPILER=clang -DBIBC_FUZZ=ON >/dev/null
cmake --build "$build" --target fuzz_onnx fuzz_tensor fuzz_dsl -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
out=${out:-$build/findings-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
sh "$top/tests/fuzz/seeds.sh" "$work/seeds"
echo "findings and logs: $out"
# Edges covered by one plain pass over a corpus (libFuzzer's "cov:" outside
# fork mode; the fork-mode parent's "cov:" counts features instead).
edges() {
  "$build/fuzz_$1" -runs=0 -rss_limit_mb="$rss" -timeout="$tmo" -max_len=$maxlen "$2" 2>&1 |
    grep INITED | tail -1 | sed -E 's/.*cov: ([0-9]+).*/\1/'
}
for h in onnx tensor dsl; do
  [ -n "$only" ] && [ "$only" != $h ] && continue
  maxlen=65536
  [ $h = onnx ] && maxlen=$onnxlen
  mkdir -p "$out/$h"
  before=$(edges $h "$work/seeds/$h")
  dir=$work/seeds/$h
  if [ -n "$corpus" ]; then
    dir=$corpus/$h
    [ -d "$dir" ] || { mkdir -p "$dir" && cp "$work/seeds/$h"/* "$dir"/; }
  fi
  set +e
  "$build/fuzz_$h" -fork="$jobs" -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -max_total_time="$secs" -rss_limit_mb="$rss" -timeout="$tmo" -max_len=$maxlen \
    -artifact_prefix="$out/$h/" "$dir" > "$out/$h.log" 2>&1
  status=$?
  set -e
  last=$(grep -E '^#[0-9]+' "$out/$h.log" | tail -1)
  execs=$(echo "$last" | sed -E 's/^#([0-9]+).*/\1/')
  ft=$(echo "$last" | sed -E 's/.* ft: ([0-9]+).*/\1/')
  after=$(edges $h "$dir")
  found=$(ls "$out/$h" | grep -cE '^(crash|timeout|oom|leak)-' || true)
  echo "fuzz_$h: $secs s, ${execs:-?} executions, edges covered ${before:-?} (seeds) ->" \
       "${after:-?}, ${ft:-?} features, $found finding(s) in $out/$h, exit status $status"
done
