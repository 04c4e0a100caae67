#!/bin/sh
# run_errors.sh - the model language's error cases: for each errors/NAME.bib
# (files named *.inc.bib are only included by others), `bibc
# errors/NAME.bib -o OUT/m.c` run from this folder must
#   - exit with status 1 (not a crash, abort or sanitizer report),
#   - print exactly expected/NAME.stderr: "FILE:LINE:COL: error: ...", the
#     source line and a caret under the column,
#   - print nothing on stdout and write nothing into OUT,
#   - within 20 s and, where GNU time is installed, 500 MB of peak memory
#     (a few bytes may declare gigabytes).
#
#   tests/dsl/run_errors.sh [--update] [--bibc PATH] [CASE...]
#
# --update rewrites expected/NAME.stderr from bibc's output (review the
# diff before committing it).  PATH defaults to $BIBC, else build/bibc.
# Prints "N/M passed"; exit status 0 only if all passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
update=0
bibc=${BIBC:-$here/../../build/bibc}
while [ $# -gt 0 ]; do
  case $1 in
    --update) update=1; shift ;;
    --bibc) bibc=$2; shift 2 ;;
    -*) echo "usage: $0 [--update] [--bibc PATH] [CASE...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
case $bibc in /*) ;; *) bibc=$(pwd)/$bibc ;; esac
[ -x "$bibc" ] || { echo "run_errors.sh: no bibc at $bibc" >&2; exit 2; }
cd "$here" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bibc-dsl.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ $# -eq 0 ]; then
  set -- $(ls errors | sed -n 's/\.bib$//p' | grep -v '\.inc$')
fi
gnutime=""
[ -x /usr/bin/time ] && /usr/bin/time -f %M true 2>/dev/null && gnutime=/usr/bin/time
pass=0 total=0
for name in "$@"; do
  total=$((total + 1))
  out=$tmp/$name
  mkdir -p "$out"
  start=$(date +%s)
  if [ -n "$gnutime" ]; then
    $gnutime -o "$tmp/mem" -f %M "$bibc" "errors/$name.bib" -o "$out/m.c" > "$tmp/stdout" 2> "$tmp/stderr"
  else
    "$bibc" "errors/$name.bib" -o "$out/m.c" > "$tmp/stdout" 2> "$tmp/stderr"
  fi
  status=$?
  secs=$(($(date +%s) - start))
  if [ $update = 1 ]; then
    cp "$tmp/stderr" "expected/$name.stderr"
  fi
  why=""
  [ $status = 1 ] || why="exit status $status, not 1"
  [ -z "$why" ] && [ -s "$tmp/stdout" ] && why="printed on stdout"
  [ -z "$why" ] && [ -n "$(ls -A "$out")" ] && why="wrote $(ls -A "$out" | tr '\n' ' ')"
  [ -z "$why" ] && [ "$secs" -gt 20 ] && why="took $secs s"
  [ -z "$why" ] && [ -n "$gnutime" ] && [ "$(tail -1 "$tmp/mem")" -gt 512000 ] &&
    why="took $(tail -1 "$tmp/mem") KB"
  if [ -z "$why" ] && ! cmp -s "$tmp/stderr" "expected/$name.stderr"; then
    why="stderr differs from expected/$name.stderr:"
  fi
  if [ -n "$why" ]; then
    echo "FAIL $name: $why"
    diff "expected/$name.stderr" "$tmp/stderr" 2>&1 | sed 's/^/    /' | head -10
  else
    pass=$((pass + 1))
  fi
done
echo "$pass/$total passed"
[ $pass = $total ]
