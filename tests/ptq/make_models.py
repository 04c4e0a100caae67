#!/usr/bin/python3
"""Makes the float test models of tests/ptq (run with /usr/bin/python3, which
has python3-onnx and python3-numpy).  Weights are random with fixed seeds.
Output: tests/ptq/models/*.onnx (committed).

  bn_mlp     MatMul+Add -> BN -> Relu -> Gemm -> Unsqueeze -> BN -> Squeeze
             -> Relu -> MatMul -> BN (no bias Add) -> Softmax
  bn_conv    Conv -> BN -> Relu -> Conv (no bias) -> BN -> Relu -> Flatten
             -> Gemm(transB) ; plus a standalone BN on the input (stays)
  jet_mlp    16 -> 32 -> 32 -> 5 Gemm/Relu/Softmax, weights scaled like a
             trained jet tagger (for the accuracy test)
  identity   x -> Identity: --precision quantizes only the input, so the
             output shows the rounding and saturation modes themselves;
             data/ties.npy holds ties, near-ties and out-of-range values and
             data/ties_MODE.npy what fixed<8,4,MODE> must give (computed here
             from the definitions, in exact rational arithmetic)
  tie_weights  x[1,1] -> MatMul by the constant data/ties.npy: with x = 1
             (data/one.npy) the output is the weights as --precision rounds
             them at compile time, so the same expected files apply
"""
from fractions import Fraction
import math
import os
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "models")


class Builder:
    def __init__(self, seed):
        self.nodes, self.inits, self.rng, self.k = [], [], np.random.default_rng(seed), 0

    def const(self, name, arr, dtype=np.float32):
        self.inits.append(numpy_helper.from_array(np.asarray(arr, dtype=dtype), name))
        return name

    def fresh(self, p):
        self.k += 1
        return f"{p}{self.k}"

    def rand(self, shape, scale):
        return self.const(self.fresh("w"), self.rng.normal(0, scale, size=shape))

    def node(self, op, ins, name=None, **attrs):
        y = self.fresh(op.lower())
        self.nodes.append(helper.make_node(op, ins, [y], name=name or self.fresh(op + "_"), **attrs))
        return y

    def bn(self, x, c):
        r = self.rng
        ps = [self.const(self.fresh("bn"), a) for a in
              (r.uniform(0.5, 2, c), r.normal(0, 0.5, c), r.normal(0, 0.5, c), r.uniform(0.2, 3, c))]
        return self.node("BatchNormalization", [x] + ps, epsilon=1e-3)

    def save(self, name, x, xshape, y, yshape, opset=13):
        g = helper.make_graph(self.nodes, name, [helper.make_tensor_value_info(x, TensorProto.FLOAT, xshape)],
                              [helper.make_tensor_value_info(y, TensorProto.FLOAT, yshape)], self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="bibc-tests")
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(OUT, name + ".onnx"))


def bn_mlp():
    b = Builder(1)
    h = b.node("MatMul", ["x", b.rand((10, 12), 0.4)], name="dense1")
    h = b.node("Add", [h, b.rand((12,), 0.2)])
    h = b.node("Relu", [b.bn(h, 12)])
    h = b.node("Gemm", [h, b.rand((12, 8), 0.4), b.rand((8,), 0.2)], name="dense2")
    h = b.node("Unsqueeze", [h, b.const("axes", [2], np.int64)])
    h = b.node("Squeeze", [b.bn(h, 8), "axes"])
    h = b.node("Relu", [h])
    h = b.node("MatMul", [h, b.rand((8, 4), 0.4)], name="dense3")
    y = b.node("Softmax", [b.bn(h, 4)])
    b.save("bn_mlp", "x", [1, 10], y, [1, 4])


def bn_conv():
    b = Builder(2)
    h = b.bn("x", 2)
    h = b.node("Conv", [h, b.rand((4, 2, 3, 3), 0.3), b.rand((4,), 0.1)], name="conv1", pads=[1, 1, 1, 1])
    h = b.node("Relu", [b.bn(h, 4)])
    h = b.node("Conv", [h, b.rand((3, 4, 3, 3), 0.3)], name="conv2")
    h = b.node("Relu", [b.bn(h, 3)])
    h = b.node("Flatten", [h])
    y = b.node("Gemm", [h, b.rand((5, 48), 0.2), b.rand((5,), 0.1)], name="dense", transB=1)
    b.save("bn_conv", "x", [1, 2, 6, 6], y, [1, 5])


def jet_mlp():
    b = Builder(3)
    h = "x"
    sizes = [16, 32, 32, 5]
    for i in range(3):
        nin, nout = sizes[i], sizes[i + 1]
        h = b.node("Gemm", [h, b.rand((nin, nout), 1.0 / np.sqrt(nin)), b.rand((nout,), 0.1)],
                   name=f"fc{i + 1}")
        h = b.node("Relu" if i < 2 else "Softmax", [h], name=f"act{i + 1}")
    b.save("jet_mlp", "x", [1, 16], h, [1, 5])


def tie_weights():
    b = Builder(5)
    w = b.const("W", np.load(os.path.join(HERE, "data", "ties.npy")))
    y = b.node("MatMul", ["x", w], name="dense")
    b.save("tie_weights", "x", [1, 1], y, [1, 10])


def identity():
    b = Builder(4)
    y = b.node("Identity", ["x"], name="id")
    b.save("identity", "x", [1, 10], y, [1, 10])


# hls4ml rounding of a rational q (in LSBs) and overflow of the integer v.
ROUND = {
    "TRN": lambda q: math.floor(q),
    "TRN_ZERO": lambda q: math.trunc(q),
    "RND": lambda q: math.floor(q + Fraction(1, 2)),
    "RND_MIN_INF": lambda q: math.ceil(q - Fraction(1, 2)),
    "RND_INF": lambda q: math.floor(q + Fraction(1, 2)) if q >= 0 else math.ceil(q - Fraction(1, 2)),
    "RND_ZERO": lambda q: math.ceil(q - Fraction(1, 2)) if q >= 0 else math.floor(q + Fraction(1, 2)),
    "RND_CONV": lambda q: round(q),  # Fraction rounds half to even
}


def overflow(v, mode, w=8):
    lo, hi = -2 ** (w - 1), 2 ** (w - 1) - 1
    if mode == "WRAP":
        return (v - lo) % 2 ** w + lo
    return min(max(v, lo + (mode == "SAT_SYM")), hi)


def ties():
    data = os.path.join(HERE, "data")
    os.makedirs(data, exist_ok=True)
    lsb = 2.0 ** -4
    x = np.array([[0.5 * lsb, -0.5 * lsb, 1.5 * lsb, -1.5 * lsb, 0.49999997 * lsb, -2.5 * lsb,
                   0.3, -0.3, 100.0, -100.0]], dtype=np.float32)
    np.save(os.path.join(data, "ties.npy"), x)
    np.save(os.path.join(data, "one.npy"), np.ones((1, 1), dtype=np.float32))
    for rnd in ROUND:
        for sat in ("SAT", "WRAP", "SAT_SYM"):
            y = [overflow(ROUND[rnd](Fraction(float(v)) * 16), sat) / 16 for v in x[0]]
            np.save(os.path.join(data, f"ties_{rnd}_{sat}.npy"), np.array([y], dtype=np.float32))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    identity()
    ties()
    tie_weights()
    bn_mlp()
    bn_conv()
    jet_mlp()
