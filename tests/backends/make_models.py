#!/usr/bin/python3
"""Makes the test models of tests/backends (run with /usr/bin/python3, which
has python3-onnx and python3-numpy), with tests/fixed/make_models.py's
Builder.  Weights are random (fixed seeds).  Output: tests/backends/models/
*.onnx (committed)."""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixed"))
import make_models as fm  # noqa: E402

fm.OUT = os.path.join(HERE, "models")


def layout_sparse():
    """Transpose and Reshape (element references in the HLS code), a MatMul
    whose weights are 60 % zeros (SparseMatMul), Add of a value to itself,
    Mul of two fixed values, Sub of a constant, two rounding modes."""
    b = fm.Builder(11)
    h = b.quant("x", 2.0 ** -4, 8)
    h = b.node("Transpose", [h], perm=[0, 2, 1, 3])
    h = b.node("Reshape", [h, b.const(b.fresh("shape"), np.array([1, 24], dtype=np.int64))])
    w = b.rng.integers(-32, 32, size=(24, 10)).astype(np.float32)
    w[b.rng.random(w.shape) < 0.6] = 0
    w = b.quant(b.const(b.fresh("W"), w * np.float32(2.0 ** -5)), 2.0 ** -5, 6)
    bias = b.quant(b.weights((10,), 6, 8), 2.0 ** -6, 8)
    h = b.node("Add", [b.node("MatMul", [h, w]), bias])
    h = b.quant(b.node("Relu", [h]), 2.0 ** -3, 6, signed=0, mode="FLOOR")
    h = b.node("Add", [h, h])
    h = b.node("Mul", [h, b.quant(b.node("Relu", [h]), 2.0 ** -2, 4, signed=0, mode="HALF_UP")])
    h = b.node("Sub", [h, b.const(b.fresh("c"), np.full((10,), 0.75, np.float32))])
    y = b.quant(h, 2.0 ** -1, 8, mode="HALF_DOWN")
    b.save("layout_sparse", "x", [1, 2, 3, 4], y, [1, 10])


def float_between():
    """A Sigmoid between two fixed-point regions: no integer-only form."""
    b = fm.Builder(12)
    h = b.quant("x", 2.0 ** -4, 8)
    h = b.node("Sigmoid", [fm.dense(b, h, 8, 8, 5, 6, 5)])
    h = b.quant(h, 2.0 ** -7, 8, signed=0)
    y = b.quant(fm.dense(b, h, 8, 4, 5, 6, 5), 2.0 ** -4, 8)
    b.save("float_between", "x", [1, 8], y, [1, 4])


def scaled_conv():
    """Scales that are not powers of two (Brevitas style): input scale 0.37,
    Conv weights with one scale per output channel and a bias, then
    BatchNormalization (a negative and a zero gamma), Relu and a 4-bit
    unsigned Quant with scale 0.21 (thresholds), MaxPool, and a MatMul with
    per-column weight scales ending the graph (scaled output)."""
    b = fm.Builder(13)
    h = b.quant("x", 0.37, 8)
    ws = (0.011 + 0.02 * b.rng.random((6, 1, 1, 1))).astype(np.float32)
    w = b.rng.integers(-7, 8, size=(6, 3, 3, 3)).astype(np.float32) * ws
    w = b.quant(b.const(b.fresh("W"), w), ws, 4)
    bias = b.const(b.fresh("B"), (0.3 * b.rng.standard_normal(6)).astype(np.float32))
    h = b.node("Conv", [h, w, bias], pads=[1, 1, 1, 1])
    gamma = (0.5 + b.rng.random(6)).astype(np.float32)
    gamma[1], gamma[4] = -0.8, 0.0
    bn = [b.const(b.fresh("bn"), a.astype(np.float32)) for a in
          (gamma, 0.2 * b.rng.standard_normal(6), 2 * b.rng.standard_normal(6), 1 + 4 * b.rng.random(6))]
    h = b.node("BatchNormalization", [h] + bn)
    h = b.quant(b.node("Relu", [h]), 0.21, 4, signed=0)
    h = b.node("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])
    h = b.node("Flatten", [h])
    ws2 = (0.01 + 0.03 * b.rng.random((1, 4))).astype(np.float32)
    w2 = b.rng.integers(-3, 4, size=(6 * 3 * 3, 4)).astype(np.float32) * ws2
    y = b.node("MatMul", [h, b.quant(b.const(b.fresh("W"), w2), ws2, 3)])
    b.save("scaled_conv", "x", [1, 3, 6, 6], y, [1, 4])


def multithreshold():
    """MultiThreshold as a quantizer (FINN dialect): after a power-of-two
    MatMul with out_scale 1 (integer codes: thresholds bit-exact with the
    float model), then with out_scale 0.3 and out_bias -0.6 (scaled codes),
    then on a scaled accumulator (exact thresholds), with +-inf thresholds
    and a row shared by every channel."""
    b = fm.Builder(14)
    h = b.quant("x", 2.0 ** -4, 8)

    def mt(h, n, k, scale, bias, shared=False, inf=False):
        t = np.sort(b.rng.standard_normal((1 if shared else n, k)) * 2, axis=1).astype(np.float32)
        if inf:
            t[0, 0], t[1, -1] = -np.inf, np.inf
        y = b.fresh("mt")
        b.nodes.append(fm.helper.make_node("MultiThreshold", [h, b.const(b.fresh("T"), t)], [y],
                                           domain=fm.QD, out_scale=scale, out_bias=bias,
                                           name=b.fresh("MultiThreshold_")))
        return y

    w = b.quant(b.weights((8, 8), 5, 4), 2.0 ** -5, 4)
    h = mt(b.node("MatMul", [h, w]), 8, 3, 1.0, -1.0, inf=True)
    w = b.quant(b.weights((8, 6), 3, 3), 2.0 ** -3, 3)
    h = mt(b.node("MatMul", [h, w]), 6, 4, 0.3, -0.6)
    w = b.quant(b.weights((6, 6), 2, 3), 2.0 ** -2, 3)
    h = mt(b.node("MatMul", [h, w]), 6, 2, 2.0, -1.0, shared=True)
    w = b.quant(b.weights((6, 3), 2, 4), 2.0 ** -2, 4)
    y = b.node("MatMul", [h, w])
    b.save("multithreshold", "x", [1, 8], y, [1, 3])


def scaled_fallbacks():
    """Two scaled sections bibc must leave in float rather than map: an
    Add of +inf before a Quant (exact arithmetic takes finite numbers), and
    a MatMul whose input scale times its weight scale is not exact in
    double (a single-column scaled MatMul feeding another)."""
    b = fm.Builder(15)
    h = b.quant("x", 0.37, 6)
    ws = np.array([[0.3, 0.17, 0.45, 0.21]], np.float32)
    w = b.rng.integers(-3, 4, size=(3, 4)).astype(np.float32) * ws
    y = b.node("MatMul", [h, b.quant(b.const(b.fresh("W"), w), ws, 3)])
    y = b.node("Add", [y, b.const(b.fresh("c"), np.array([np.inf, 0, 0, 0], np.float32))])
    y = b.quant(y, 0.61, 3)
    b.save("scaled_inf", "x", [1, 3], y, [1, 4])
    b = fm.Builder(16)
    h = b.quant("x", 0.37, 6)
    w1 = b.rng.integers(-3, 4, size=(3, 1)).astype(np.float32) * np.float32(0.3)
    y = b.node("MatMul", [h, b.quant(b.const(b.fresh("W"), w1), np.float32(0.3), 3)])
    y = b.node("Relu", [y])
    w2 = b.rng.integers(-3, 4, size=(1, 2)).astype(np.float32) * np.float32(0.17)
    y = b.node("MatMul", [y, b.quant(b.const(b.fresh("W"), w2), np.float32(0.17), 3)])
    b.save("scaled_product", "x", [1, 3], y, [1, 2])


def run_outputs():
    """For bibc run's output files: many_outputs has 100 graph outputs
    (y_i = x + i, so 200 files), wide_output's one output is 1024 times its
    input ([1, 64] -> [1, 65536], a Concat of 1024 copies)."""
    b = fm.Builder(0)
    outs = []
    for i in range(100):
        y = b.node("Add", ["x", b.const(b.fresh("c"), np.full((4,), i, np.float32))])
        outs.append((y, fm.TensorProto.FLOAT, [1, 4]))
    b.save("many_outputs", "x", [1, 4], None, None, outs)
    b = fm.Builder(0)
    y = b.node("Concat", ["x"] * 1024, axis=1)
    b.save("wide_output", "x", [1, 64], y, [1, 65536])


def zero_size():
    """A float Add whose output has an axis of extent 0 (c_loops.c leaves it
    to the kernel, whose loops run 0 times), beside one that has elements."""
    b = fm.Builder(11)
    c = b.const("c", np.arange(3, dtype=np.float32))
    y = b.node("Add", ["x", c])
    g = fm.helper.make_graph(b.nodes, "zero_size",
                             [fm.helper.make_tensor_value_info("x", fm.TensorProto.FLOAT, [0, 3])],
                             [fm.helper.make_tensor_value_info(y, fm.TensorProto.FLOAT, [0, 3])],
                             b.inits)
    m = fm.helper.make_model(g, opset_imports=[fm.helper.make_opsetid("", 13)])
    fm.onnx.checker.check_model(m)
    fm.onnx.save(m, os.path.join(fm.OUT, "zero_size.onnx"))


if __name__ == "__main__":
    os.makedirs(fm.OUT, exist_ok=True)
    layout_sparse()
    float_between()
    scaled_conv()
    multithreshold()
    scaled_fallbacks()
    run_outputs()
    zero_size()
