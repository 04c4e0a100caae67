#!/usr/bin/python3
"""The shape of a logic-gate network's GroupSum hardware, read from the
netlist that the Verilog backend gets (bibc MODEL --target verilog
--dump-net --pipeline 0):

 - every class score is a balanced adder tree: ceil(log2 n) adders deep
   over its n leaves (its variable bits, a repeated bit shifted, and one
   constant for the bits decided at compile time; a constant added after
   the tree would be one level more);
 - every argmax index is a tournament at most ceil(log2 k) selects deep
   over the row's k classes (a linear scan would be k - 1);
and, from bibc estimate --no-synth --json, that --pipeline N registers
both level by level: at most N logic levels between registers and
ceil(D / N) - 1 register ranks, D being the logic depth without registers.

    trees.py BIBC MODEL.bib
Prints what it checked; exit 1 with the first violation."""
import json
import math
import re
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(*args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout


def parse_net(text):
    nodes, layer, outs, amax = {}, None, [], []
    for line in text.splitlines():
        m = re.match(r'# node \d+ \(([\w.]+) ', line)
        if m:
            layer = m.group(1)
            continue
        m = re.match(r'n(\d+) = (\w+)(.*?)  :', line)
        if m:
            args = [int(a) for a in re.findall(r'n(\d+)', m.group(3))]
            nodes[int(m.group(1))] = (m.group(2), args, layer)
            continue
        m = re.match(r'output port (\d+) .*\[(\d+)\] = \{(.*)\}', line)
        if m:
            outs.append([int(a) for a in re.findall(r'n(\d+)', m.group(3))])
            continue
        m = re.match(r'argmax port \d+ of output port (\d+) .*\[(\d+)\] = \{(.*)\}', line)
        if m:
            amax.append((int(m.group(1)), int(m.group(2)),
                         [int(a) for a in re.findall(r'n(\d+)', m.group(3))]))
    return nodes, outs, amax


def adder_tree(nodes, i):
    """(leaves, adder depth) of the PopCount sum rooted at node i."""
    op, args, layer = nodes[i]
    if layer == "bibc.PopCount" and op == "add":
        subs = [adder_tree(nodes, a) for a in args]
        return sum(s[0] for s in subs), 1 + max(s[1] for s in subs)
    return 1, 0  # a bit, a shifted bit (shl: wires) or the constant


def select_depth(nodes, i):
    op, args, _ = nodes[i]
    if op != "mux":
        return 0
    return 1 + max(select_depth(nodes, a) for a in args[1:])


def main():
    bibc, model = sys.argv[1], sys.argv[2]
    nodes, outs, amax = parse_net(run(bibc, model, "--target", "verilog", "--pipeline", "0",
                                      "--dump-net"))
    if not amax:
        fail("no argmax port in the netlist of %s" % model)
    scores = 0
    for port, rows, el in amax:
        k = len(outs[port]) // rows
        for r in range(rows):
            for c in range(k):
                leaves, depth = adder_tree(nodes, outs[port][r * k + c])
                want = math.ceil(math.log2(leaves)) if leaves > 1 else 0
                if depth != want:
                    fail("row %d class %d: %d leaves, %d adders deep, want %d" % (r, c, leaves, depth, want))
                scores += 1
            d = select_depth(nodes, el[r])
            if d > math.ceil(math.log2(k)):
                fail("argmax of row %d: %d selects deep over %d classes" % (r, d, k))
    ranks = {}
    for n in (0, 1, 2):
        e = json.loads(run(bibc, "estimate", model, "--no-synth", "--json", "--pipeline", str(n)))
        ranks[n] = (e["logic_depth"], e["register_ranks"], e["latency_cycles"])
    depth = ranks[0][0]
    for n in (1, 2):
        d, k, lat = ranks[n]
        if d > n or k != math.ceil(depth / n) - 1 or lat != k + 2:
            fail("--pipeline %d: depth %d, %d register ranks, latency %d (unpipelined depth %d)"
                 % (n, d, k, lat, depth))
    print("ok: %d scores balanced, %d argmax ports, depth %d; --pipeline 1: %d ranks, 2: %d ranks"
          % (scores, len(amax), depth, ranks[1][1], ranks[2][1]))


if __name__ == "__main__":
    main()
