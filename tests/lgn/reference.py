#!/usr/bin/python3
"""An independent reference for the logic-gate network test models: reads
a models/*.bib file written by make_models.py (its LogicLayer lists, the
binarizer in front, GroupSum's k and tau), draws N random inputs with a
fixed seed and writes them (x.npy, the stacked batch) and the expected
scores (want.npy) computed in numpy from the gate definitions of
../shared/REFERENCE.md section 4, not from bibc's code.  Also the binarized inputs (bits.u8, n x N_in bytes)
and the group counts (counts.i32, n x k int32, raw) for run_batch.sh.

    reference.py MODEL.bib N OUTDIR"""
import re
import sys

import numpy as np


def ints(text, name):
    return [int(v) for v in re.search(r"\b%s=\[([^\]]*)\]" % name, text).group(1).split(",")]


def gate(g, a, b):
    return (g >> (3 - (2 * a + b))) & 1


def main(path, n, out):
    src = open(path).read()
    rng = np.random.default_rng(7)
    m = re.search(r"input x: (\w+)\[1, (\d+)\]", src)
    dtype, nin = m.group(1), int(m.group(2))
    if dtype == "float32":
        x = rng.uniform(-4, 4, size=(n, nin)).astype(np.float32)
    else:
        x = rng.integers(0, 2, size=(n, nin)).astype({"bool": np.bool_, "uint8": np.uint8}[dtype])
    bits = x.astype(np.int64)
    if "MultiThreshold" in src:
        t = np.array([float(v) for v in re.search(r"const t: float32\[\d+, 1\] = \[([^\]]*)\]", src)
                      .group(1).split(",")], dtype=np.float32)
        bits = (x >= t).astype(np.int64)
    elif "Quant(" in src:
        bits = np.clip(np.rint(x), 0, 1).astype(np.int64)
    bits0 = bits.astype(np.uint8)  # the first logic layer's input: run_batch's x
    for line in src.splitlines():
        if "LogicLayer(" in line:
            a, b, g = ints(line, "a"), ints(line, "b"), ints(line, "gates")
            bits = np.stack([gate(g[j], bits[:, a[j]], bits[:, b[j]]) for j in range(len(g))], axis=1)
    m = re.search(r"GroupSum\(\w+, k=(\d+)(?:, tau=([0-9.]+))?\)", src)
    k, tau = int(m.group(1)), float(m.group(2) or 1)
    counts = bits.reshape(n, k, -1).sum(axis=2)
    want = (counts / tau).astype(np.float32)  # one rounding, as GroupSum's definition
    np.save(out + "/x.npy", x)
    np.save(out + "/want.npy", want)
    bits0.tofile(out + "/bits.u8")  # raw, for tests/lgn/run_batch.sh's C driver
    counts.astype(np.int32).tofile(out + "/counts.i32")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
