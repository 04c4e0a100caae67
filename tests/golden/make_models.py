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
  fixed_scaled.onnx (compared with --fixed) QONNX Quant with scales that are
                    not powers of two: input 0.37, per-column weight scales,
                    BatchNormalization + Relu + a 3-bit Quant of scale 1/7
                    (one Threshold node), then a scaled MatMul output
  fixed_argmax.onnx (--fixed, and Verilog) a 4 -> 3 -> 3 quantized MLP ending
                    in ArgMax: its netlist (--dump-net) and Verilog are golden
                    too, as for every fixed_* model
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


def save(name, nodes, inputs, outputs, inits, opset=13, extra=()):
    graph = helper.make_graph(nodes, name.split(".")[0], inputs, outputs, inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)] +
                          [helper.make_opsetid(d, 1) for d in extra], producer_name="bibc-tests")
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

    rng = np.random.default_rng(2026)
    qd = "qonnx.custom_op.general"
    c = lambda name, a: numpy_helper.from_array(np.asarray(a, np.float32), name)  # noqa: E731

    def quant(x, s, bits, y, signed=1):
        return helper.make_node("Quant", [x, s, "zero", bits], [y], domain=qd, name=y,
                                signed=signed, narrow=0, rounding_mode="ROUND")
    s1 = np.float32([[0.0213, 0.0187, 0.0311]])
    s2 = np.float32([[0.0402, 0.0275]])
    save("fixed_scaled.onnx",
         [quant("x", "sx", "b8", "xq"),
          quant("W1", "s1", "b3", "W1q"),
          helper.make_node("MatMul", ["xq", "W1q"], ["h"], name="fc1"),
          helper.make_node("BatchNormalization", ["h", "g", "beta", "mean", "var"], ["bn"],
                           name="bn"),
          helper.make_node("Relu", ["bn"], ["r"], name="relu"),
          quant("r", "sa", "b3", "a", signed=0),
          quant("W2", "s2", "b3", "W2q"),
          helper.make_node("MatMul", ["a", "W2q"], ["y"], name="fc2")],
         [helper.make_tensor_value_info("x", F, [1, 4])],
         [helper.make_tensor_value_info("y", F, [1, 2])],
         [c("sx", 0.37), c("zero", 0), c("b8", 8), c("b3", 3), c("sa", np.float32(1) / 7),
          c("s1", s1), c("W1", rng.integers(-3, 4, (4, 3)) * s1),
          c("s2", s2), c("W2", rng.integers(-3, 4, (3, 2)) * s2),
          c("g", [0.9, -0.7, 1.1]), c("beta", [0.1, 0.2, -0.3]), c("mean", [0.05, -0.1, 0.2]),
          c("var", [0.4, 0.9, 0.25])], extra=[qd])

    rng = np.random.default_rng(7)
    save("fixed_argmax.onnx",
         [quant("x", "s4", "b6", "xq"),
          quant("W1", "s3", "b4", "W1q"),
          helper.make_node("MatMul", ["xq", "W1q"], ["h"], name="fc1"),
          quant("bias", "s5", "b6", "bq"),
          helper.make_node("Add", ["h", "bq"], ["hb"], name="bias_add"),
          helper.make_node("Relu", ["hb"], ["r"], name="relu"),
          quant("r", "s2", "b3", "a", signed=0),
          quant("W2", "s3", "b4", "W2q"),
          helper.make_node("MatMul", ["a", "W2q"], ["z"], name="fc2"),
          helper.make_node("ArgMax", ["z"], ["y"], name="argmax", axis=1, keepdims=0)],
         [helper.make_tensor_value_info("x", F, [1, 4])],
         [helper.make_tensor_value_info("y", TensorProto.INT64, [1])],
         [c("s4", 2.0 ** -4), c("s3", 2.0 ** -3), c("s5", 2.0 ** -5), c("s2", 2.0 ** -2),
          c("zero", 0), c("b6", 6), c("b4", 4), c("b3", 3),
          c("W1", rng.integers(-7, 8, (4, 3)) / 8.0), c("bias", rng.integers(-31, 32, (3,)) / 32.0),
          c("W2", rng.integers(-7, 8, (3, 3)) / 8.0)], extra=[qd])


if __name__ == "__main__":
    main()
