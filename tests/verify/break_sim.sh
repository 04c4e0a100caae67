#!/bin/sh
# break_sim.sh - a simulator that simulates a broken module on purpose, for
# the negative tests of 'bibc verify --target verilog'.  run_verify.sh puts
# a script named iverilog (or verilator) first on PATH that runs
#   sh break_sim.sh MODE REAL_PROGRAM ARGS...
# and the argument named .../m.v is the module, edited before REAL_PROGRAM
# runs:
#   flip     out_data's bit 0 inverted: core output 0, element 0, lowest
#            bit, in every vector (the data path is wrong)
#   latency  the valid pipeline one stage longer than the data path
#            (LATENCY + 1): out_valid comes one cycle late
#   ties     every '>=' comparison becomes '>': in a logic-gate network's
#            module these are the argmax tournament's only comparisons,
#            so equal scores go to the higher index (the wrong tie rule)
#   hang     the program never returns (for --timeout)
# verify must name exactly what was broken.
set -eu
mode=$1 real=$2
shift 2
[ "$mode" = hang ] && exec sleep 600
for a in "$@"; do
  case $a in
    */m.v)
      case $mode in
        flip) sed 's/^  assign out_data = out_q;$/  assign out_data = out_q ^ 1;/' "$a" > "$a.brk" ;;
        ties) sed 's/ >= / > /' "$a" > "$a.brk" ;;
        latency) awk '/^  localparam LATENCY = [0-9]+;$/ { sub(/[0-9]+/, $4 + 1) } { print }' \
                   "$a" > "$a.brk" ;;
        *) echo "break_sim.sh: error: unknown mode $mode" >&2; exit 1 ;;
      esac
      if cmp -s "$a" "$a.brk"; then
        rm -f "$a.brk"
        echo "break_sim.sh: error: found nothing to break in $a (module changed?)" >&2
        exit 1
      fi
      mv "$a.brk" "$a" ;;
  esac
done
exec "$real" "$@"
