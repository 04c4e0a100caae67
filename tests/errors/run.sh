#!/bin/sh
# run.sh - error-message tests: runs bibc on each broken input listed in
# cases.txt and checks that it fails the way a user needs it to:
#   - exit status 1 (not a crash, abort or sanitizer report),
#   - exactly one line on stderr, equal to expected/NAME.stderr,
#   - nothing on stdout,
#   - no output file left behind in @OUT (NAME.c, NAME.h, *.tmp, run outputs),
#   - the input files under @IN unchanged (a fresh folder per case holding
#     m.onnx, m.h and m.c, copies of models/relu.onnx, x.npy, a copy of
#     data/f32_2x3.npy, link.c, a symbolic link to m.onnx, and hard.c, a
#     hard link to it: outputs that name an input by another name),
#   - within BIBC_ERR_SECONDS (20) and, where GNU time is installed (Debian
#     package time), BIBC_ERR_MB (500) of peak memory: hostile inputs
#     declare gigabytes in a few bytes.
# With --warnings it runs warnings.txt instead: models bibc must compile
# while saying one thing about them, so exit status 0, the one line, nothing
# on stdout, and the file given with -o written (not empty).
#
#   tests/errors/run.sh [--warnings] [--update] [--bibc PATH] [CASE...]
#
# --update rewrites expected/NAME.stderr from bibc's current output (review
# the diff before committing it).  Without CASE names every case runs.
# PATH defaults to $BIBC, else build/bibc.  Prints "N/M passed"; exit 0 only
# if all passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
update=0 list=cases.txt want=1
bibc=${BIBC:-$here/../../build/bibc}
while [ $# -gt 0 ]; do
  case $1 in
    --update) update=1; shift ;;
    --warnings) list=warnings.txt want=0; shift ;;
    --bibc) bibc=$2; shift 2 ;;
    -*) echo "usage: $0 [--warnings] [--update] [--bibc PATH] [CASE...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
case $bibc in /*) ;; *) bibc=$(pwd)/$bibc ;; esac
if [ ! -x "$bibc" ]; then
  echo "run.sh: no bibc binary at $bibc (build it, or pass --bibc PATH)" >&2
  exit 2
fi
cd "$here" || exit 2
secs=${BIBC_ERR_SECONDS:-20} mb=${BIBC_ERR_MB:-500}
gnutime=""
[ -x /usr/bin/time ] && /usr/bin/time -f %M true 2>/dev/null && gnutime=/usr/bin/time
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bibc-errors.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# run_case NAME ARGS: prints what went wrong, returns 1 on failure.
run_case() {
  name=$1
  shift
  out=$tmp/$name in=$tmp/$name.in
  mkdir -p "$out" "$in"
  cp models/relu.onnx "$in/m.onnx"
  cp models/relu.onnx "$in/m.h"
  cp models/relu.onnx "$in/m.c"
  cp data/f32_2x3.npy "$in/x.npy"
  ln -s m.onnx "$in/link.c"
  ln "$in/m.onnx" "$in/hard.c"
  set -f
  # shellcheck disable=SC2046
  set -- $(printf '%s\n' "$*" | sed "s|@OUT|$out|g; s|@IN|$in|g")
  set +f
  if [ -n "$gnutime" ]; then
    timeout -k 5 "$secs" "$gnutime" -f %M -o "$tmp/rss" "$bibc" "$@" >"$tmp/stdout" 2>"$tmp/stderr.raw"
  else
    timeout -k 5 "$secs" "$bibc" "$@" >"$tmp/stdout" 2>"$tmp/stderr.raw"
  fi
  rc=$?
  sed "s|$in|@IN|g; s|$out|@OUT|g" "$tmp/stderr.raw" >"$tmp/stderr"
  exp=expected/$name.stderr
  if [ $update = 1 ]; then
    cp "$tmp/stderr" "$exp"
  fi
  ok=1
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "  still running after $secs s (killed)"
    ok=0
  fi
  if [ -n "$gnutime" ]; then
    kb=$(tail -1 "$tmp/rss")
    if [ "$kb" -gt $((mb * 1024)) ] 2>/dev/null; then
      echo "  peak memory $((kb / 1024)) MB, over the bound of $mb MB"
      ok=0
    fi
  fi
  for f in m.onnx m.h m.c hard.c; do
    if ! cmp -s "$in/$f" models/relu.onnx; then
      echo "  the input file @IN/$f was changed"
      ok=0
    fi
  done
  if ! cmp -s "$in/x.npy" data/f32_2x3.npy || [ ! -L "$in/link.c" ]; then
    echo "  the input file @IN/x.npy or the link @IN/link.c was changed"
    ok=0
  fi
  extra=$(cd "$in" && ls -A | grep -v -x -e m.onnx -e m.h -e m.c -e x.npy -e link.c -e hard.c | tr '\n' ' ')
  if [ -n "$extra" ]; then
    echo "  written into @IN: $extra"
    ok=0
  fi
  if [ $rc -ne $want ]; then
    echo "  exit status $rc, expected $want"
    ok=0
  fi
  lines=$(wc -l <"$tmp/stderr")
  if [ "$lines" -ne 1 ]; then
    echo "  stderr has $lines lines, expected exactly 1"
    ok=0
  fi
  if [ -s "$tmp/stdout" ]; then
    echo "  stdout is not empty:"
    sed 's/^/    /' "$tmp/stdout" | head -5
    ok=0
  fi
  if [ $want = 1 ]; then
    left=$(cd "$out" && find . -mindepth 1 | sort | tr '\n' ' ')
    if [ -n "$left" ]; then
      echo "  left behind in @OUT: $left"
      ok=0
    fi
  else
    target=""
    while [ $# -gt 1 ]; do
      [ "$1" = -o ] && target=$2
      shift
    done
    if [ -z "$target" ] || [ ! -s "$target" ]; then
      echo "  output file ${target:-(no -o given)} not written"
      ok=0
    fi
  fi
  if [ ! -f "$exp" ]; then
    echo "  no expected file $exp (run with --update to create it)"
    ok=0
  elif ! cmp -s "$tmp/stderr" "$exp"; then
    echo "  stderr differs from $exp:"
    echo "    expected: $(cat "$exp")"
    echo "    got:      $(head -20 "$tmp/stderr" | sed '2,$s/^/              /')"
    ok=0
  fi
  [ $ok = 1 ]
}

pass=0
total=0
failed=""
wanted=" $* "
while read -r name args; do
  case $name in ''|'#'*) continue ;; esac
  if [ "$wanted" != "  " ]; then
    case $wanted in *" $name "*) ;; *) continue ;; esac
  fi
  total=$((total + 1))
  if msg=$(run_case "$name" $args); then
    pass=$((pass + 1))
    [ $update = 1 ] && echo "updated $name"
  else
    echo "FAIL $name: bibc $args"
    printf '%s\n' "$msg"
    failed="$failed $name"
  fi
done <"$list"
if [ $total = 0 ]; then
  echo "run.sh: no case named:$wanted" >&2
  exit 2
fi
echo "$pass/$total passed"
[ $pass = $total ]
