#!/usr/bin/python3
"""Makes the QONNX test models of tests/fixed (run with /usr/bin/python3,
which has python3-onnx and python3-numpy).  Each model is quantized with
power-of-two scales, so bibc's float reference ('bibc run') and its
fixed-point pipeline ('bibc run --fixed') must agree on every bit.  The
weights are random (fixed seeds): these models test arithmetic, not
accuracy.  Output: tests/fixed/models/*.onnx (committed)."""
import os
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "models")
QD = "qonnx.custom_op.general"


class Builder:
    def __init__(self, seed):
        self.nodes, self.inits, self.rng, self.k = [], [], np.random.default_rng(seed), 0

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def fresh(self, p):
        self.k += 1
        return f"{p}{self.k}"

    def quant(self, x, scale, bits, signed=1, narrow=0, mode="ROUND", zp=0.0, domain=QD):
        s = self.const(self.fresh("scale"), np.asarray(scale, dtype=np.float32))
        z = self.const(self.fresh("zp"), np.asarray(zp, dtype=np.float32))
        b = self.const(self.fresh("bw"), np.float32(bits))
        y = self.fresh("q")
        self.nodes.append(helper.make_node("Quant", [x, s, z, b], [y], domain=domain,
                                           signed=signed, narrow=narrow, rounding_mode=mode,
                                           name=self.fresh("Quant_")))
        return y

    def weights(self, shape, frac, bits):
        lim = 2 ** (bits - 1)
        w = self.rng.integers(-lim, lim, size=shape).astype(np.float32) * np.float32(2.0 ** -frac)
        return self.const(self.fresh("W"), w)

    def node(self, op, ins, **attrs):
        y = self.fresh(op.lower())
        self.nodes.append(helper.make_node(op, ins, [y], name=self.fresh(op + "_"), **attrs))
        return y

    def save(self, name, x, xshape, y, yshape, outs=None):
        """outs: [(name, TensorProto type, shape)] instead of one float y."""
        outs = outs or [(y, TensorProto.FLOAT, yshape)]
        g = helper.make_graph(self.nodes, name, [helper.make_tensor_value_info(x, TensorProto.FLOAT, xshape)],
                              [helper.make_tensor_value_info(*o) for o in outs], self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(QD, 1)],
                              producer_name="bibc-tests")
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(OUT, name + ".onnx"))


def dense(b, x, nin, nout, wfrac, wbits, bfrac, gemm=False):
    w = b.quant(b.weights((nout, nin) if gemm else (nin, nout), wfrac, wbits), 2.0 ** -wfrac, wbits)
    bias = b.quant(b.weights((nout,), bfrac, 8), 2.0 ** -bfrac, 8)
    if gemm:
        return b.node("Gemm", [x, w, bias], transB=1)
    return b.node("Add", [b.node("MatMul", [x, w]), bias])


def jet_like():
    """16-64-32-32-5 like the QKeras jet tagger: 6-bit weights, 6-bit
    unsigned activations, softmax on top."""
    b = Builder(1)
    h = b.quant("x", 2.0 ** -4, 10)
    for nin, nout in [(16, 64), (64, 32), (32, 32)]:
        h = b.quant(b.node("Relu", [dense(b, h, nin, nout, 5, 6, 5)]), 2.0 ** -3, 6, signed=0)
    y = b.node("Softmax", [dense(b, h, 32, 5, 5, 6, 5)], axis=-1)
    b.save("jet_like", "x", [1, 16], y, [1, 5])


def rounding_modes():
    """One Quant per rounding mode on an accumulator, narrow/unsigned
    variants, a per-channel weight scale and a Gemm with transB."""
    b = Builder(2)
    h = b.quant("x", 2.0 ** -5, 8)
    acc = dense(b, h, 12, 8, 4, 5, 6, gemm=True)
    outs = []
    for i, mode in enumerate(["ROUND", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP", "HALF_DOWN"]):
        outs.append(b.quant(acc, 2.0 ** -(i % 3 + 1), 5 + i % 3, signed=i % 2, narrow=i // 4, mode=mode))
    w = b.weights((8, 6), 5, 6)
    sc = np.float32(2.0) ** -np.array([3, 4, 5, 5, 6, 2], dtype=np.float32)
    wq = b.quant(w, sc.reshape(1, 6), 6)
    ys = [b.node("MatMul", [o, wq]) for o in outs]
    s = ys[0]
    for t in ys[1:]:
        s = b.node("Add", [s, t])
    s = b.node("Sub", [s, b.const(b.fresh("c"), np.full((6,), 0.375, np.float32))])
    s = b.node("Mul", [s, b.const(b.fresh("c"), np.float32(0.5))])
    y = b.quant(s, [[2.0 ** -2, 2.0 ** -3, 2.0 ** -2, 2.0 ** -1, 2.0 ** -2, 2.0 ** -4]], 8)
    b.save("rounding_modes", "x", [1, 12], y, [1, 6])


def conv_net():
    """Conv1d-style and Conv2d layers on quantized inputs: integer
    convolution with padding, stride, groups; MaxPool; Flatten; Gemm."""
    b = Builder(3)
    h = b.quant("x", 2.0 ** -5, 8)
    w = b.quant(b.weights((8, 2, 3, 3), 4, 5), 2.0 ** -4, 5)
    bias = b.quant(b.weights((8,), 6, 7), 2.0 ** -6, 7)
    h = b.node("Conv", [h, w, bias], pads=[1, 1, 1, 1], strides=[1, 1], group=2)
    h = b.quant(b.node("Relu", [h]), 2.0 ** -3, 6, signed=0, mode="FLOOR")
    h = b.node("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])
    w2 = b.quant(b.weights((4, 8, 2, 2), 5, 6), 2.0 ** -5, 6)
    h = b.node("Conv", [h, w2], strides=[2, 2])
    h = b.node("Flatten", [h], axis=1)
    y = b.quant(dense(b, h, 4 * 2 * 2, 3, 5, 6, 5, gemm=True), 2.0 ** -4, 8)
    b.save("conv_net", "x", [1, 4, 8, 8], y, [1, 3])


def zero_points():
    """Quantizers with nonzero zero points on fixed values: round(t + z) - z
    is not round(t) for most modes (odd z, ties), so these go through
    thresholds; a 1-bit signed Quant with zero point 1 (codes 0, -2); a
    zero point per channel."""
    b = Builder(4)
    h = b.quant("x", 2.0 ** -1, 6)
    outs = []
    for i, (mode, z) in enumerate([("ROUND", 3), ("HALF_UP", 3), ("HALF_DOWN", -1), ("UP", 1),
                                   ("DOWN", 3), ("CEIL", 2), ("ROUND", 2)]):
        a = dense(b, h, 6, 4, 2, 3, 2)
        outs.append(b.quant(a, 1.0, 4, signed=i % 2, mode=mode, zp=z))
    outs.append(b.quant(dense(b, h, 6, 4, 2, 3, 2), 0.5, 1, zp=1))
    outs.append(b.quant(dense(b, h, 6, 4, 2, 3, 2), 0.25, 4, mode="HALF_UP",
                        zp=np.array([[0, 1, -2, 3]], dtype=np.float32)))
    s = outs[0]
    for t in outs[1:]:
        s = b.node("Concat", [s, t], axis=1)
    y = b.quant(dense(b, s, 36, 3, 2, 3, 2), 2.0 ** -2, 8)
    b.save("zero_points", "x", [1, 6], y, [1, 3])


def select():
    """FINN-style model ends: ArgMax (first and last index of the maximum)
    and TopK with k = 1 (largest and smallest, values and indices) on 3-bit
    codes, so ties are frequent and their rule is tested."""
    b = Builder(5)
    h = b.quant("x", 2.0 ** -4, 8)
    h = b.quant(b.node("Relu", [dense(b, h, 8, 12, 4, 4, 4)]), 2.0 ** -1, 3, signed=0)
    h = b.node("Reshape", [h, b.const("shape", np.array([1, 3, 4], dtype=np.int64))])
    am = b.node("ArgMax", [h], axis=-1, keepdims=0)
    al = b.node("ArgMax", [h], axis=1, keepdims=1, select_last_index=1)
    k1 = b.const("k1", np.array([1], dtype=np.int64))
    tv, ti = "topk_values", "topk_indices"
    b.nodes.append(helper.make_node("TopK", [h, k1], [tv, ti], axis=-1, largest=1, name="TopK_max"))
    sv, si = "topk_min_values", "topk_min_indices"
    b.nodes.append(helper.make_node("TopK", [h, k1], [sv, si], axis=1, largest=0, name="TopK_min"))
    i64, f32 = TensorProto.INT64, TensorProto.FLOAT
    b.save("select", "x", [1, 8], None, None,
           outs=[(am, i64, [1, 3]), (al, i64, [1, 1, 4]), (tv, f32, [1, 3, 1]), (ti, i64, [1, 3, 1]),
                 (sv, f32, [1, 1, 4]), (si, i64, [1, 1, 4])])


def negative_range():
    """A Gemm whose bias makes every output negative for every input, so
    the accumulator, its requantization and the next layer's sums have
    all-negative intervals (their widths must count the magnitude: such a
    range was once given 1 bit)."""
    b = Builder(6)
    h = b.quant("x", 2.0 ** -3, 4)
    w = b.quant(b.weights((6, 5), 3, 3), 2.0 ** -3, 3)
    bias = b.const("bias", np.array([-6.0, -7.5, -9.25, -12.0, -6.125, -20.0], dtype=np.float32))
    a = b.node("Gemm", [h, w, bias], transB=1)
    q = b.quant(a, 2.0 ** -2, 8)
    w2 = b.quant(b.weights((6, 3), 3, 4), 2.0 ** -3, 4)
    c = b.const("c2", np.array([-1.5, 2.0, -0.25], dtype=np.float32))
    y = b.quant(b.node("Add", [b.node("MatMul", [q, w2]), c]), 2.0 ** -3, 10)
    b.save("negative_range", "x", [1, 5], y, [1, 3])


def clips():
    """Clip with constant bounds: before a Quant (the codes narrow to the
    bounds; one Clip has min > max, which ONNX makes max everywhere) and
    on fixed-point codes (bounds on the grid: a clamp of the codes)."""
    b = Builder(7)
    lo1, hi1 = b.const("lo1", np.float32(1.0)), b.const("hi1", np.float32(-3.0))
    lo2, hi2 = b.const("lo2", np.float32(-1.0)), b.const("hi2", np.float32(1.5))
    qa = b.quant(b.node("Clip", ["x", lo1, hi1]), 2.0 ** -5, 8)
    qb = b.quant(b.node("Clip", ["x", lo2, hi2]), 2.0 ** -5, 8)
    h = b.node("MatMul", [b.node("Add", [qa, qb]), b.weights([8, 4], 3, 6)])
    hq = b.quant(h, 2.0 ** -4, 10)
    lo3, hi3 = b.const("lo3", np.float32(-2.0)), b.const("hi3", np.float32(3.0))
    y = b.node("Clip", [hq, lo3, hi3])
    b.save("clips", "x", [1, 8], y, [1, 4])


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    jet_like()
    rounding_modes()
    conv_net()
    zero_points()
    select()
    negative_range()
    clips()
