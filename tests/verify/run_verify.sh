#!/bin/sh
# run_verify.sh - one 'bibc verify' test.  CASE is what it checks:
#   ok MODEL       exit 0, every backend 0 mismatching bits, JSON well formed
#   data MODEL     the same on --data (50 samples from randnpy)
#   flipped MODEL  the bench is built by flip_bit_cc.sh, which flips one bit:
#                  exit 1, exactly 1 mismatching bit, first mismatch named
#   bad_shape MODEL  --data of the wrong shape: one-line error, exit 1
#   hls MODEL      --target c --target hls: both bit-exact, exit 0
# Co-simulation of the Verilog backend (--target verilog), with the
# simulator the case names (BIBC_SIM) and any further ARGS for verify
# (--samples, --pipeline):
#   sim_iverilog, sim_verilator MODEL ARGS
#                  exit 0, the verilog row and its simulator and LATENCY
#                  lines, 0 mismatching out_data bits, JSON well formed
#   all MODEL ARGS --target all: c, hls and verilog in one run, exit 0
#                  (this and sim_iverilog/sim_verilator: no argmax port)
#   all_argmax MODEL ARGS   the same, and the module has an argmax port
#                  (a GroupSum output) whose every index was checked: 0 wrong
#   sim_argmax MODEL ARGS   sim_iverilog with all_argmax's argmax checks
#   sim_argmax_ties MODEL ARGS   break_sim.sh makes the argmax tournament
#                  pick the higher index on ties: exit 1, only argmax
#                  indices wrong, the first named on stdout and stderr
#   sim_flipped MODEL ARGS   break_sim.sh inverts out_data's bit 0: exit 1,
#                  one wrong bit per vector, the first named (sample 0,
#                  core output 0, element 0) on stdout, stderr and in JSON
#   sim_latency MODEL ARGS   break_sim.sh delays out_valid by a cycle: exit
#                  1, the testbench's timing error in one line
#   sim_timeout MODEL ARGS   the simulator hangs; --timeout 1: one line
#   sim_missing MODEL        no simulator on PATH: the one-line message
# A model under ../shared that is absent skips the test (exit 77).
# In every case no temporary file may be left behind (TMPDIR is checked),
# and a failing run leaves no JSON file unless the failure is a mismatch.
#
#   run_verify.sh --bibc B --randnpy R [--cc CC] [--cflags F] CASE MODEL [ARGS...]
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
case=${1:?usage: run_verify.sh --bibc B --randnpy R CASE MODEL [ARGS...]}
model=${2:?usage: run_verify.sh --bibc B --randnpy R CASE MODEL [ARGS...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
unset BIBC_SIM  # each case sets it
if [ ! -f "$model" ]; then
  case $model in
    */../shared/*) echo "SKIP: $model is absent (no ../shared test data)"; exit 77 ;;
  esac
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp"
fail() { echo "FAIL: $*"; cat "$work/out.txt" "$work/err.txt" 2>/dev/null; exit 1; }

# verify [ARGS...]: runs bibc verify on the model; sets rc.  PATH is
# $vpath when set (a simulator wrapper first, or no simulator at all).
verify() {
  PATH=${vpath:-$PATH} TMPDIR=$work/tmp CC=${vcc:-$cc} CFLAGS=$cflags "$bibc" verify "$model" "$@" \
    > "$work/out.txt" 2> "$work/err.txt"
  rc=$?
  [ -z "$(ls -A "$work/tmp")" ] || fail "temporary files left behind: $(ls -A "$work/tmp")"
}

# break SIM MODE: PATH with a SIM that runs break_sim.sh MODE first.
break_sim() {
  real=$(command -v "$1") || { echo "SKIP: $1 is not installed"; exit 77; }
  mkdir -p "$work/bin"
  printf '#!/bin/sh\nexec sh "%s/break_sim.sh" %s "%s" "$@"\n' "$here" "$2" "$real" > "$work/bin/$1"
  chmod +x "$work/bin/$1"
  vpath=$work/bin:$PATH
  BIBC_SIM=$1
  export BIBC_SIM
}

# The one-line error on stderr: stderr is exactly one line matching $1.
one_line_error() {
  [ "$(wc -l < "$work/err.txt")" = 1 ] || fail "the error is not one line"
  grep -q "$1" "$work/err.txt" || fail "wrong error message (want: $1)"
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
  sim_iverilog|sim_verilator|all|all_argmax|sim_argmax)
    sim=${case#sim_}
    case $case in all*|sim_argmax) sim=iverilog ;; esac
    BIBC_SIM=$sim
    export BIBC_SIM
    if [ "$case" = all ] || [ "$case" = all_argmax ]; then
      verify --target all "$@" --json "$work/v.json"
    else
      verify --target verilog "$@" --json "$work/v.json"
    fi
    [ $rc = 0 ] || fail "bibc verify exited $rc"
    check_json
    grep -q '"ok": true' "$work/v.json" || fail "JSON does not say ok"
    grep -q '"mismatching_bits": [1-9]' "$work/v.json" && fail "JSON reports mismatching bits"
    grep -q '"code_mismatching_bits": 0,' "$work/v.json" || fail "JSON lacks the out_data count"
    grep -q '^  verilog  ' "$work/out.txt" || fail "no verilog row in the report"
    grep -q "^  verilog: simulated with .* ($sim), LATENCY [0-9]* cycles: out_valid on time" \
      "$work/out.txt" || fail "no simulator and LATENCY line"
    grep -q '^  verilog: out_data: 0 mismatching bits in [1-9][0-9]* core output codes$\|^  verilog: out_data and argmax: 0 mismatching bits in [1-9][0-9]* core output codes and [1-9][0-9]* argmax indices$' \
      "$work/out.txt" || fail "no out_data line"
    if [ "$case" = all ] || [ "$case" = "sim_$sim" ]; then
      grep -q '^  verilog: .*argmax' "$work/out.txt" && fail "an argmax port where the case expects none"
    fi
    if [ "$case" = all_argmax ] || [ "$case" = sim_argmax ]; then
      grep -q '^  verilog: argmax: 0 of [1-9][0-9]* indices wrong' "$work/out.txt" \
        || fail "no argmax line, or wrong argmax indices"
      grep -q '"argmax_codes": [1-9][0-9]*, "argmax_wrong": 0,' "$work/v.json" \
        || fail "JSON lacks the argmax counts"
    fi
    if [ "$case" = all ] || [ "$case" = all_argmax ]; then
      grep -q '^  c   ' "$work/out.txt" && grep -q '^  hls   ' "$work/out.txt" \
        || fail "--target all lacks the c or hls row"
    fi
    grep -q '^result: OK' "$work/out.txt" || fail "no OK result line"
    ;;
  sim_flipped)
    break_sim iverilog flip
    verify --target verilog "$@" --json "$work/v.json"
    [ $rc = 1 ] || fail "bibc verify exited $rc on a module with a flipped bit, want 1"
    check_json
    n=$(sed -n 's/^samples: \([0-9]*\) .*/\1/p' "$work/out.txt")
    grep -q '"ok": false' "$work/v.json" || fail "JSON does not say ok: false"
    grep -q "\"code_mismatching_bits\": $n, \"code_mismatching_elements\": $n," "$work/v.json" \
      || fail "JSON does not count one wrong out_data bit per vector ($n)"
    grep -q '"first_code_mismatch": {"sample": 0, "port": 0, "name": "[^"]*", "index": 0,' \
      "$work/v.json" || fail "JSON names the wrong first mismatch"
    grep -q '^  verilog: first out_data mismatch: sample 0 (all minimum), core output 0 .*, element 0: got ' \
      "$work/out.txt" || fail "the report does not name the first mismatch"
    grep -q '^  verilog: in_data of sample 0: 0x[0-9a-f]*$' "$work/out.txt" \
      || fail "the report does not show the vector"
    grep -q '^result: FAIL' "$work/out.txt" || fail "no FAIL result line"
    one_line_error "error: target verilog: $n mismatching out_data bits (first: sample 0, core output 0 '[^']*', element 0: got "
    ;;
  sim_argmax_ties)
    break_sim iverilog ties
    verify --target verilog "$@" --json "$work/v.json"
    [ $rc = 1 ] || fail "bibc verify exited $rc on a module whose argmax breaks ties upwards, want 1"
    check_json
    wrong=$(sed -n 's/^  verilog: argmax: \([0-9]*\) of [0-9]* indices wrong.*/\1/p' "$work/out.txt")
    [ -n "$wrong" ] && [ "$wrong" -gt 0 ] || fail "the report does not count wrong argmax indices"
    grep -q "\"code_mismatching_elements\": $wrong," "$work/v.json" \
      || fail "JSON: the mismatching elements are not the $wrong argmax indices"
    grep -q "\"argmax_wrong\": $wrong," "$work/v.json" || fail "JSON lacks argmax_wrong $wrong"
    grep -q "^  verilog: first out_data mismatch: sample [0-9]* .*'argmax of [^']*', element [0-9]*: got " \
      "$work/out.txt" || fail "the report does not name the first wrong index"
    one_line_error "error: target verilog: [0-9]* mismatching out_data and argmax bits (first: sample [0-9]*, core output [0-9]* 'argmax of "
    ;;
  sim_latency)
    break_sim iverilog latency
    verify --target verilog "$@" --json "$work/v.json"
    [ $rc = 1 ] || fail "bibc verify exited $rc on a module whose out_valid is late, want 1"
    one_line_error 'error: target verilog: the testbench reports a timing error (simulated with Icarus Verilog, LATENCY \([0-9]*\)): result 0 after [0-9]* cycles, LATENCY is \1$'
    [ ! -e "$work/v.json" ] || fail "JSON written on error"
    ;;
  sim_timeout)
    break_sim iverilog hang
    verify --target verilog "$@" --timeout 1 --json "$work/v.json"
    [ $rc = 1 ] || fail "bibc verify exited $rc on a simulator that hangs, want 1"
    one_line_error 'error: target verilog: building the simulation with Icarus Verilog (iverilog) failed: timed out after 1 s (--timeout S allows more)$'
    [ ! -e "$work/v.json" ] || fail "JSON written on error"
    ;;
  sim_missing)
    mkdir "$work/nobin"
    vpath=$work/nobin
    verify --target verilog --samples 10
    [ $rc = 1 ] || fail "bibc verify exited $rc without a simulator, want 1"
    one_line_error 'error: target verilog: co-simulation needs Icarus Verilog or Verilator: install the Debian package iverilog (or verilator)$'
    BIBC_SIM=verilator
    export BIBC_SIM
    verify --target verilog --samples 10
    [ $rc = 1 ] || fail "bibc verify exited $rc without verilator, want 1"
    one_line_error 'error: target verilog: BIBC_SIM=verilator, but Verilator is not on PATH: install the Debian package verilator$'
    ;;
  *) fail "unknown case $case" ;;
esac
echo "PASS: verify $case $(basename "$model")"
sed -n '/^fixed-point vs/,$p' "$work/out.txt"
exit 0
