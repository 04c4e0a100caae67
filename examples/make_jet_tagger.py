#!/usr/bin/python3
"""make_jet_tagger.py - writes examples/jet_tagger.onnx, the main job's model.

A quantized QONNX model with the shape of hls4ml's jet-tagging benchmark:
16 jet-substructure features -> 64 -> 32 -> 32 -> 5 classes, ReLU after each
hidden layer, Softmax at the end, as QKeras/QONNX export it (MatMul + Add,
finn.custom_op.general Quant nodes with power-of-two scales):

  inputs       Quant 8 bits signed, scale 2^-4 (features in [-8, 8))
  weights      Quant 4 bits signed narrow, scale 2^-3, 50 % pruned
  biases       Quant 8 bits signed, scale 2^-5
  activations  Quant 6 bits unsigned, scale 2^-3, after each ReLU
  logits       Quant 8 bits signed, scale 2^-3, then a float Softmax

The weights are random (fixed seed, He-uniform, then the half with the
smallest magnitude set to zero), not trained: the example shows the flow
from a quantized model to firmware, not physics.  Everything up to the
logits is integer arithmetic, which bibc turns into Verilog; the Softmax
stays a float step outside the firmware (the logits' order is the
classification).

Run with Debian's python3 (python3-onnx, python3-numpy):
    /usr/bin/python3 examples/make_jet_tagger.py
The output is deterministic and committed.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = [16, 64, 32, 32, 5]
QD = "finn.custom_op.general"


class Model:
    def __init__(self):
        self.nodes, self.inits, self.k = [], [], 0

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def quant(self, x, scale_log2, bits, signed=1, narrow=0):
        self.k += 1
        s = self.const("scale%d" % self.k, np.float32(2.0 ** scale_log2))
        z = self.const("zeropt%d" % self.k, np.float32(0))
        b = self.const("bitwidth%d" % self.k, np.float32(bits))
        y = "%s_q" % x
        self.nodes.append(helper.make_node("Quant", [x, s, z, b], [y], domain=QD, signed=signed,
                                           narrow=narrow, rounding_mode="ROUND",
                                           name="Quant_%d" % self.k))
        return y


def main():
    rng = np.random.default_rng(20261206)
    m = Model()
    x = m.quant("features", -4, 8)
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        bound = np.sqrt(6.0 / n_in)
        w = rng.uniform(-bound, bound, (n_in, n_out)).astype(np.float32)
        w[np.abs(w) < np.median(np.abs(w))] = 0  # 50 % pruned
        b = rng.uniform(-0.25, 0.25, n_out).astype(np.float32)
        wq = m.quant(m.const("dense%d.kernel" % (i + 1), w), -3, 4, narrow=1)
        bq = m.quant(m.const("dense%d.bias" % (i + 1), b), -5, 8)
        mm, y = "dense%d_matmul" % (i + 1), "dense%d" % (i + 1)
        m.nodes.append(helper.make_node("MatMul", [x, wq], [mm], name="MatMul_%d" % (i + 1)))
        m.nodes.append(helper.make_node("Add", [mm, bq], [y], name="Add_%d" % (i + 1)))
        if i + 2 < len(SIZES):
            r = "relu%d" % (i + 1)
            m.nodes.append(helper.make_node("Relu", [y], [r], name="Relu_%d" % (i + 1)))
            x = m.quant(r, -3, 6, signed=0)
        else:
            x = m.quant(y, -3, 8)
    m.nodes.append(helper.make_node("Softmax", [x], ["probabilities"], name="softmax", axis=-1))
    graph = helper.make_graph(
        m.nodes, "jet_tagger",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 5])], m.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                    helper.make_opsetid(QD, 1)],
                              producer_name="bibc examples/make_jet_tagger.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    with open(os.path.join(HERE, "jet_tagger.onnx"), "wb") as f:
        f.write(model.SerializeToString())


if __name__ == "__main__":
    main()
