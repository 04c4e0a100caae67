#!/bin/sh
# run.sh [--bibc B] [--cflags F] [--only random|digits] [--emit bibc|naive]
#        [--keep DIR]
# - the logic-gate network benchmark (issue 12, item 5), one table for two
# networks:
#   digits  bench/lgn/digits.bib, 4 x 2,000 gates trained on scikit-learn's
#           digits by tools/train_lgn.py (digits.sh checks it and prints
#           its test accuracy, also printed here)
#   random  784 inputs, 6 layers x 8,000 random gates, GroupSum over 10
#           classes (make.py, seed 1): MNIST-sized
# and for each, bibc's emission and, when bibc accepts --lgn-naive,
# difflogic's own emission scheme (no gate-level optimisation) beside it:
#   gates      the network's gates, then every line of 'bibc estimate
#              --no-synth' that counts gates (one per optimisation step),
#              listed under the table
#   LUT, FF    Yosys (bibc estimate --json: synth_xilinx, xc7), and its
#              Fmax estimate (fmax_mhz) and Yosys's time
#   run_batch  samples/s of NAME_run_batch, the integer C's bit-parallel
#              entry, on one core (batch.sh: gcc -O3 -march=native, 16,384
#              random samples of the logic layers' 0/1 inputs, checked
#              against NAME_run_int and difflogic-style C), and dl-style,
#              difflogic's style of C for the same network (make.py); and
#              the compiler's time on each C file, listed under the table
# The whole run takes about 10 minutes on a 2-core machine (at 6d0ee34:
# 552 s, 1.9 GB at most), most of it Yosys on the 48,000-gate network
# and gcc on its --lgn-naive and difflogic-style C (1-2 minutes each).
# --keep DIR keeps every tool's output there (made if missing; else a
# temporary folder, removed).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/bench/lgn
bibc=$top/build/bibc cflags="-O3 -march=native" only='' emit='' keep=''
while [ $# -gt 0 ]; do
  case $1 in
  --bibc) bibc=$2; shift 2 ;;
  --cflags) cflags=$2; shift 2 ;;
  --only) only=$2; shift 2 ;;
  --emit) emit=$2; shift 2 ;;
  --keep) keep=$2; shift 2 ;;
  *) echo "usage: run.sh [--bibc B] [--cflags F] [--only random|digits] [--emit bibc|naive] [--keep DIR]" >&2
     exit 1 ;;
  esac
done
if [ -n "$keep" ]; then
  work=$keep
  mkdir -p "$work" || exit 1
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
py=/usr/bin/python3
modes=bibc
if "$bibc" --help 2>&1 | grep -q -- '--lgn-naive'; then
  modes="bibc naive"
else
  echo "note: $bibc does not accept --lgn-naive: no naive column"
fi
[ -z "$emit" ] || modes=$emit
nets=''
[ "$only" = random ] || nets="digits"
[ "$only" = digits ] || {
  mkdir -p "$work/random" || exit 1
  "$py" "$here/make.py" 784 6 8000 10 1 "$work/random" || exit 1
  nets="$nets random"
}

# one row: NET MODE MODEL -> $work/NET.MODE.{est,json,batch}
measure() {
  flag=''
  [ "$2" = naive ] && flag=--lgn-naive
  # shellcheck disable=SC2086
  sh "$here/batch.sh" --bibc "$bibc" --cflags "$cflags" ${flag:+--bibc-flag $flag} "$3" \
    > "$work/$1.$2.batch" 2>&1 || echo "batch.sh failed: $(tail -1 "$work/$1.$2.batch")" >&2
  # shellcheck disable=SC2086
  "$bibc" estimate "$3" --no-synth $flag > "$work/$1.$2.est" 2>&1
  # shellcheck disable=SC2086
  "$bibc" estimate "$3" --json $flag > "$work/$1.$2.json" 2> "$work/$1.$2.err" \
    || echo "bibc estimate --json $flag $3 failed: $(tail -1 "$work/$1.$2.err")" >&2
}
for n in $nets; do
  case $n in
  random) model=$work/random/net.bib ;;
  digits) model=$here/digits.bib
          sh "$here/digits.sh" --bibc "$bibc" > "$work/digits.acc" 2>&1 \
            || { cat "$work/digits.acc" >&2; exit 1; } ;;
  esac
  echo "$model" > "$work/$n.model"
  for m in $modes; do
    echo "measuring $n ($m) ..." >&2
    measure "$n" "$m" "$model"
  done
done

"$py" - "$work" "$nets" "$modes" <<'PY'
import json, os, re, sys
work, nets, modes = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
title = {"random": "random 784 x 6 x 8000", "digits": "digits 4 x 2000 (trained)"}
def model_gates(n):
    """The network's gates: the entries of its LogicLayers' gate lists."""
    text = open(open(os.path.join(work, n + ".model")).read().strip()).read()
    return sum(len(g.split(",")) for g in re.findall(r"gates=\[([^]]*)\]", text))
def read(n, m, ext):
    p = os.path.join(work, "%s.%s.%s" % (n, m, ext))
    return open(p).read() if os.path.exists(p) else ""
def rate(text, what):
    r = re.search(r"^%s\s+(\d+) samples/s" % what, text, re.M)
    return int(r.group(1)) if r else None
def gates_left(text):
    """The last count of estimate's 'gates: N built, M after PASS, ...' line."""
    r = re.search(r"^gates: (.*)$", text, re.M)
    return int(re.findall(r"\d+", r.group(1))[-1]) if r and re.findall(r"\d+", r.group(1)) else None
fmt = "%-27s %-6s %7s %9s %8s %9s %8s %13s %13s %7s"
print(fmt % ("network", "emit", "gates", "LUT", "FF", "Fmax MHz", "Yosys s", "run_batch/s", "dl-style C/s", "ratio"))
rows, rates, layer_luts = {}, {}, {}
for n in nets:
    for m in modes:
        try:
            j = json.loads(read(n, m, "json"))
        except ValueError:
            j = {}
        b = read(n, m, "batch")
        rb, dl = rate(b, "run_batch"), rate(b, "difflogic")
        rows[n, m] = j.get("lut")
        if j.get("layers"):
            layer_luts[n, m] = sum(l["lut"] for l in j["layers"] if l["op"] == "LogicLayer")
        rates[n, m] = rb, dl
        cell = lambda v, f="%d": "-" if v is None else f % v
        print(fmt % (title[n], m, cell(gates_left(read(n, m, "est"))), cell(j.get("lut")), cell(j.get("ff")), cell(j.get("fmax_mhz"), "%.0f"),
                     cell(j.get("yosys_seconds"), "%.0f"), cell(rb), cell(dl),
                     "-" if not (rb and dl) else "%.2fx" % (rb / dl)))
print("(ratio: run_batch / dl-style C, both in one binary; dl-style: make.py's copy of difflogic's C)")
for n in nets:
    if rows.get((n, "bibc")) and rows.get((n, "naive")):
        print("%s: Yosys LUTs %d (bibc) vs %d (naive): %.1f %% fewer"
              % (title[n], rows[n, "bibc"], rows[n, "naive"], 100.0 * (1 - rows[n, "bibc"] / rows[n, "naive"])))
        a, b = layer_luts.get((n, "bibc")), layer_luts.get((n, "naive"))
        if a and b:
            print("%s: of them in the logic layers (GroupSum's adders aside) %d vs %d: %.1f %% fewer"
                  % (title[n], a, b, 100.0 * (1 - a / b)))
    if rates.get((n, "bibc"), (None,))[0] and rates.get((n, "naive"), (None,))[0]:
        print("%s: run_batch %.2fx the samples/s of --lgn-naive's run_batch (difflogic's scheme)"
              % (title[n], rates[n, "bibc"][0] / rates[n, "naive"][0]))
print()
print("gates after each step (bibc estimate --no-synth, lines that count gates):")
for n in nets:
    print("  %s: %d gates in the model" % (title[n], model_gates(n)))
    for m in modes:
        lines = [l.strip() for l in read(n, m, "est").splitlines() if re.search(r"\bgates?\b", l)]
        print("  %s, %s:" % (title[n], m))
        for l in lines or ["(no line mentions gates)"]:
            print("    " + l)
        nb = re.search(r"\d+ instructions after folding", read(n, m, "batch"))
        if nb:
            print("    run_batch C: " + nb.group(0))
        cc = re.search(r"^compile: (.*)$", read(n, m, "batch"), re.M)
        if cc:
            print("    C compile time: " + cc.group(1))
if "digits" in nets:
    print()
    print("digits: " + " ".join(open(os.path.join(work, "digits.acc")).read().split("\n")).strip())
PY
