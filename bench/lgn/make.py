#!/usr/bin/python3
"""Writes the run_batch benchmark's network and its difflogic-style C:

    make.py NIN LAYERS GATES K SEED OUTDIR
    make.py --from MODEL.bib OUTDIR

OUTDIR/net.bib: a random logic-gate network (uint8 0/1 inputs, LAYERS
layers of GATES gates, each gate's inputs and id drawn uniformly, GroupSum
into K classes; not written with --from, which reads the LogicLayer and
GroupSum lines of a model in the model language, e.g. one written by
tools/difflogic_to_bib.py, and takes NIN as the width its first logic
layer reads: the bits after any binarization), and OUTDIR/difflogic.c: the
same network as difflogic's
CompiledLogicNet emits it (difflogic/compiled_model.py, 64-bit words):
one 'const' statement per gate on words of 64 samples, the input packed
sample by sample (64 loads per input word), GroupSum as a ripple-carry
bit-sliced counter per class, counts unpacked bit by bit.
dl_apply(x, y, nblocks) reads nblocks x 64 samples of NIN bytes (the
layout of NAME_run_batch's x) and writes their k counts each."""
import os
import random
import re
import sys

GATE = ["0", "a & b", "a & ~b", "a", "b & ~a", "b", "a ^ b", "a | b", "~(a | b)", "~(a ^ b)",
        "~b", "~b | a", "~a", "~a | b", "~(a & b)", "~0"]


def random_net(nin, nlayers, gates, k, seed, out):
    """The random network, written to OUT/net.bib: its layers [(a, b, gates)]."""
    rng = random.Random(seed)
    layers, n = [], nin
    for _ in range(nlayers):
        layers.append(([rng.randrange(n) for _ in range(gates)], [rng.randrange(n) for _ in range(gates)],
                       [rng.randrange(16) for _ in range(gates)]))
        n = gates
    ls = lambda v: "[" + ", ".join(map(str, v)) + "]"
    src = ["model net", "opset 13", "", "input x: uint8[1, %d]" % nin]
    prev = "x"
    for i, (a, b, g) in enumerate(layers):
        src.append("h%d = LogicLayer(%s, a=%s, b=%s, gates=%s)" % (i, prev, ls(a), ls(b), ls(g)))
        prev = "h%d" % i
    src += ["scores = GroupSum(%s, k=%d)" % (prev, k), "output scores"]
    open(os.path.join(out, "net.bib"), "w").write("\n".join(src) + "\n")
    return layers


def read_bib(path):
    """(nin, layers, k) of a .bib's chain of LogicLayers and its GroupSum; nin
    is the width the first layer reads (a model-language file declares it:
    the input's or the MultiThreshold thresholds' shape)."""
    text = open(path).read()
    vec = lambda s: [int(v) for v in s.split(",")]
    layers = [(vec(m.group(2)), vec(m.group(3)), vec(m.group(4))) for m in
              re.finditer(r"LogicLayer\((\w+), a=\[([^]]*)\], b=\[([^]]*)\], gates=\[([^]]*)\]\)", text)]
    k = re.search(r"GroupSum\(\w+, k=(\d+)", text)
    if not layers or not k:
        sys.exit("%s: no LogicLayer ... GroupSum chain in the model language" % path)
    first = re.search(r"LogicLayer\((\w+),", text).group(1)
    width = re.search(r"^(?:const|input) %s: \w+\[1, (\d+)\]" % first, text, re.M)
    if not width:  # binarized: the thresholds' shape, [N, 1]
        mt = re.search(r"%s = MultiThreshold\(\w+, (\w+)" % first, text)
        width = mt and re.search(r"^const %s: \w+\[(\d+), 1\]" % mt.group(1), text, re.M)
    if not width:
        sys.exit("%s: cannot tell the width of %s, the first logic layer's input" % (path, first))
    return int(width.group(1)), layers, int(k.group(1))


def difflogic_c(nin, layers, k, out):
    gates = len(layers[-1][0])
    gs = gates // k
    nbits = max(1, gs.bit_length())
    c = ["#include <stdint.h>", "#include <stdlib.h>", "#include <stddef.h>", "",
         "static void logic_gate_net(const int64_t *inp, int64_t *out) {"]
    names = ["inp[%d]" % i for i in range(nin)]
    for li, (a, b, g) in enumerate(layers):
        cur = []
        for j in range(len(a)):
            expr = GATE[g[j]].replace("a", "A").replace("b", "B")
            expr = expr.replace("A", names[a[j]]).replace("B", names[b[j]])
            if li == len(layers) - 1:
                c.append("  out[%d] = %s;" % (j, expr))
            else:
                c.append("  const int64_t v%d_%d = %s;" % (li, j, expr))
                cur.append("v%d_%d" % (li, j))
        names = cur
    c += ["}", "",
          "void dl_apply(const uint8_t *inp, int32_t *out, size_t len) {",
          "  int64_t *inp_temp = malloc(%d * sizeof(int64_t));" % nin,
          "  int64_t *out_temp = malloc(%d * sizeof(int64_t));" % gates,
          "  int64_t *out_temp_o = malloc(%d * sizeof(int64_t));" % nbits,
          "  size_t i, d, b, c, a;",
          "  for (i = 0; i < len; ++i) {",
          "    for (d = 0; d < %d; ++d) {" % nin,
          "      int64_t res = 0;",
          "      for (b = 0; b < 64; ++b) {",
          "        res = (int64_t)((uint64_t)res << 1);",
          "        res += !!(inp[i * %d * 64 + (64 - b - 1) * %d + d]);" % (nin, nin),
          "      }",
          "      inp_temp[d] = res;",
          "    }",
          "    logic_gate_net(inp_temp, out_temp);",
          "    for (c = 0; c < %d; ++c) {" % k,
          "      int dd;",
          "      for (d = 0; d < %d; ++d)" % nbits,
          "        out_temp_o[d] = 0;",
          "      for (a = 0; a < %d; ++a) {" % gs,
          "        int64_t carry = out_temp[c * %d + a], o;" % gs,
          "        for (dd = %d - 1; dd >= 0; --dd) {" % nbits,
          "          o = out_temp_o[dd];",
          "          out_temp_o[dd] = carry ^ o;",
          "          carry = carry & o;",
          "        }",
          "      }",
          "      for (b = 0; b < 64; ++b) {",
          "        const int64_t bit_mask = (int64_t)((uint64_t)1 << b);",
          "        int32_t res = 0;",
          "        for (d = 0; d < %d; ++d) {" % nbits,
          "          res <<= 1;",
          "          res += !!(out_temp_o[d] & bit_mask);",
          "        }",
          "        out[(i * 64 + b) * %d + c] = res;" % k,
          "      }",
          "    }",
          "  }",
          "  free(inp_temp);", "  free(out_temp);", "  free(out_temp_o);", "}"]
    open(os.path.join(out, "difflogic.c"), "w").write("\n".join(c) + "\n")


def main(a):
    if len(a) == 3 and a[0] == "--from":
        nin, layers, k = read_bib(a[1])
        out = a[2]
    elif len(a) == 6:
        nin, k, out = int(a[0]), int(a[3]), a[5]
        layers = random_net(nin, int(a[1]), int(a[2]), k, int(a[4]), out)
    else:
        sys.exit("usage: make.py NIN LAYERS GATES K SEED OUTDIR | make.py --from MODEL.bib OUTDIR")
    difflogic_c(nin, layers, k, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
