#!/usr/bin/python3
"""check_fanin.py BASE.onnx PRUNED.onnx N - fan-in pruning against numpy.

BASE is a model exported before fan-in pruning (bibc MODEL -o BASE.onnx,
or after --prune F's global step), PRUNED the same model exported after
bibc's prune pass with --prune-fanin N.  Here the rule is computed again
from ONNX's definitions, with numpy views instead of bibc's index
arithmetic: the neurons of a MatMul are the columns of each matrix of B
[..., in, out] (the rows of a constant A [..., out, in]), of a Gemm the
columns of B (its rows under transB), of a Conv the output channels of W
[out, in/group, k...].  Each neuron keeps its N nonzero weights of largest
|w| (NaN first, then lower index on ties) and the others become 0.

Prints, per layer, the nonzero weights of every neuron before and after,
and the total zeroed ("zeroed: K"); exit 1 if a weight of PRUNED differs
from the rule (bit for bit, NaN as NaN), if a neuron keeps other than
min(N, nonzero before) weights, or if any other constant changed.
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def constants(model):
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def neurons(node, k, w):
    """Views of w, one row per neuron (its weights in index order)."""
    if node.op_type == "Conv":
        return w.reshape(w.shape[0], -1)
    if node.op_type == "Gemm":
        return w if attr(node, "transB", 0) else w.T
    if w.ndim == 1:
        return w.reshape(1, -1)
    if k == 1:  # B [..., in, out]: columns of each matrix
        return np.swapaxes(w, -1, -2).reshape(-1, w.shape[-2])
    return w.reshape(-1, w.shape[-1])  # A [..., out, in]: rows


def fanin_rule(rows, n):
    out = rows.copy()
    for r in out:
        nz = [i for i in range(len(r)) if r[i] != 0 or np.isnan(r[i])]
        nz.sort(key=lambda i: (0, 0, i) if np.isnan(r[i]) else (1, -abs(float(r[i])), i))
        for i in nz[n:]:
            r[i] = 0
    return out


def same(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and \
        np.array_equal(np.isnan(a), np.isnan(b)) and np.array_equal(np.nan_to_num(a), np.nan_to_num(b))


def main():
    base, pruned, n = onnx.load(sys.argv[1]), onnx.load(sys.argv[2]), int(sys.argv[3])
    cb, cp = constants(base), constants(pruned)
    if len(base.graph.node) != len(pruned.graph.node):
        sys.exit("FAIL: the models have different nodes")
    ok, zeroed, seen = True, 0, set()
    for nb, npr in zip(base.graph.node, pruned.graph.node):
        if nb.op_type != npr.op_type:
            sys.exit(f"FAIL: node {nb.name}: {nb.op_type} against {npr.op_type}")
        for k, (ib, ip) in enumerate(zip(nb.input, npr.input)):
            if ib not in cb:
                continue
            wb, wp = cb[ib], cp[ip]
            is_weight = npr.op_type in ("Conv", "Gemm", "MatMul") and \
                (k == 1 or (k == 0 and npr.op_type == "MatMul" and npr.input[1] not in cp))
            if not is_weight:
                if not same(wb, wp):
                    ok = False
                    print(f"FAIL: {npr.op_type} {ip}: a constant that is no weight changed")
                continue
            if ib in seen:
                continue
            seen.add(ib)
            rb, rp = neurons(npr, k, wb), neurons(npr, k, wp)
            want = fanin_rule(rb, n)
            before = [int(np.count_nonzero(r)) for r in rb]
            after = [int(np.count_nonzero(r)) for r in rp]
            print(f"{npr.op_type} {ib} {list(wb.shape)}: nonzero per neuron {before} -> {after}")
            zeroed += sum(before) - sum(after)
            if not same(want, rp):
                ok = False
                print(f"FAIL: {ib}: bibc kept other weights than the rule:\n{rp}\nwant:\n{want}")
            if after != [min(n, b) for b in before]:
                ok = False
                print(f"FAIL: {ib}: a neuron keeps other than min({n}, nonzero before) weights")
    print(f"zeroed: {zeroed}")
    sys.exit(0 if ok and seen else 1)


if __name__ == "__main__":
    main()
