# yosys_bench.sh - sourced by the bench scripts that run Yosys: sets top
# (the checkout, unless the script set it), bibc (the binary, first argument
# or build/bibc) and work (a scratch folder removed on exit), or stops with
# what to do.
top=${top:-$(cd "$(dirname "$0")/.." && pwd)}
bibc=${1:-$top/build/bibc}
[ -x "$bibc" ] || { echo "build first: cmake -S . -B build && cmake --build build"; exit 1; }
command -v yosys > /dev/null || { echo "needs Yosys (Debian package yosys)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
