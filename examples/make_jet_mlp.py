#!/usr/bin/python3
"""make_jet_mlp.py - writes examples/jet_mlp.onnx and examples/jet_input.npy.

The model has the shape of hls4ml's jet-tagging benchmark MLP: 16 inputs
(jet substructure features) -> 64 -> 32 -> 32 -> 5 classes, ReLU after each
hidden layer and Softmax at the end, as Gemm nodes (PyTorch's Linear export:
Y = X W^T + b).  The weights are random (fixed seed, He-uniform scaled), not
trained: the example shows the compile flow, not physics.  jet_input.npy
holds 8 random samples, shape (8, 16), float32; bibc's test bench and
'bibc run' both read a leading dimension of 8 on this batch-1 model as 8
samples.

Run with Debian's python3 (python3-onnx, python3-numpy):
    /usr/bin/python3 examples/make_jet_mlp.py
The outputs are deterministic and committed.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = [16, 64, 32, 32, 5]


def main():
    rng = np.random.default_rng(20240611)
    nodes, inits = [], []
    x = "features"
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        bound = np.sqrt(6.0 / n_in)
        inits.append(numpy_helper.from_array(
            rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32), "fc%d.weight" % (i + 1)))
        inits.append(numpy_helper.from_array(
            rng.uniform(-0.1, 0.1, n_out).astype(np.float32), "fc%d.bias" % (i + 1)))
        y = "fc%d" % (i + 1)
        nodes.append(helper.make_node("Gemm", [x, "fc%d.weight" % (i + 1), "fc%d.bias" % (i + 1)],
                                      [y], name=y, transB=1))
        x = y
        if i + 2 < len(SIZES):
            nodes.append(helper.make_node("Relu", [x], ["relu%d" % (i + 1)], name="relu%d" % (i + 1)))
            x = "relu%d" % (i + 1)
    nodes.append(helper.make_node("Softmax", [x], ["probabilities"], name="softmax", axis=1))
    graph = helper.make_graph(
        nodes, "jet_mlp",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 5])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="bibc examples/make_jet_mlp.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    with open(os.path.join(HERE, "jet_mlp.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    np.save(os.path.join(HERE, "jet_input.npy"), rng.standard_normal((8, 16)).astype(np.float32))


if __name__ == "__main__":
    main()
