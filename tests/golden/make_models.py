#!/usr/bin/python3
"""make_models.py - writes the small models whose IR dump and generated C
tests/golden/run.sh compares byte for byte with tests/golden/expected/.

Run with Debian's python3 (python3-onnx, python3-numpy):
    /usr/bin/python3 tests/golden/make_models.py
Weights come from fixed seeds, so the output is deterministic; the .onnx
files are committed and the tests need no Python.

  mlp.onnx          Gemm + Relu + Gemm + Softmax (an 8 -> 6 -> 4 classifier)
  conv1d_pool.onnx  Conv (1-D, padded) + Relu + MaxPool + Flatten + Gemm
  shape_chain.onnx  the exporter flatten idiom Shape -> Gather -> Unsqueeze ->
                    Concat -> Reshape, which bibc must fold to a constant shape
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
F = TensorProto.FLOAT


def weights(rng, name, shape):
    # Two decimals keep the golden C readable.
    return numpy_helper.from_array(np.round(rng.uniform(-1, 1, shape), 2).astype(np.float32), name)


def save(name, nodes, inputs, outputs, inits, opset=13):
    graph = helper.make_graph(nodes, name.split(".")[0], inputs, outputs, inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="bibc-tests")
    m.ir_version = 8
    onnx.checker.check_model(m)
    with open(os.path.join(HERE, "models", name), "wb") as f:
        f.write(m.SerializeToString())


def main():
    os.makedirs(os.path.join(HERE, "models"), exist_ok=True)
    rng = np.random.default_rng(2024)
    save("mlp.onnx",
         [helper.make_node("Gemm", ["x", "W1", "b1"], ["h1"], name="fc1", transB=1),
          helper.make_node("Relu", ["h1"], ["a1"], name="relu1"),
          helper.make_node("Gemm", ["a1", "W2", "b2"], ["h2"], name="fc2", transB=1),
          helper.make_node("Softmax", ["h2"], ["y"], name="softmax", axis=-1)],
         [helper.make_tensor_value_info("x", F, [1, 8])],
         [helper.make_tensor_value_info("y", F, [1, 4])],
         [weights(rng, "W1", [6, 8]), weights(rng, "b1", [6]),
          weights(rng, "W2", [4, 6]), weights(rng, "b2", [4])])

    rng = np.random.default_rng(2025)
    save("conv1d_pool.onnx",
         [helper.make_node("Conv", ["x", "Wc", "bc"], ["c"], name="conv", kernel_shape=[3],
                           pads=[1, 1]),
          helper.make_node("Relu", ["c"], ["r"], name="relu"),
          helper.make_node("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2], strides=[2]),
          helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1),
          helper.make_node("Gemm", ["f", "Wd", "bd"], ["y"], name="dense")],
         [helper.make_tensor_value_info("x", F, [1, 2, 12])],
         [helper.make_tensor_value_info("y", F, [1, 3])],
         [weights(rng, "Wc", [4, 2, 3]), weights(rng, "bc", [4]),
          weights(rng, "Wd", [24, 3]), weights(rng, "bd", [3])])

    save("shape_chain.onnx",
         [helper.make_node("Shape", ["x"], ["s"], name="shape"),
          helper.make_node("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
          helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsqueeze"),
          helper.make_node("Concat", ["n1", "minus1"], ["newshape"], name="concat", axis=0),
          helper.make_node("Reshape", ["x", "newshape"], ["flat"], name="reshape"),
          helper.make_node("Relu", ["flat"], ["y"], name="relu")],
         [helper.make_tensor_value_info("x", F, [1, 3, 2, 2])],
         [helper.make_tensor_value_info("y", F, [1, 12])],
         [numpy_helper.from_array(np.array(0, np.int64), "zero"),
          numpy_helper.from_array(np.array([0], np.int64), "axes0"),
          numpy_helper.from_array(np.array([-1], np.int64), "minus1")])


if __name__ == "__main__":
    main()
