#!/usr/bin/python3
"""Writes the ONNX twins of tests/dsl/models/*.bib and the .npy files they
read (run with /usr/bin/python3, which has python3-onnx and numpy): the same
graph built with onnx.helper, same names, node names and constants, so that
tests/dsl/run_twins.sh can check that bibc gives the .bib and the .onnx the
same outputs and the same generated C.  Weights are random (fixed seed)."""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")


def features():
    rng = np.random.default_rng(7)
    kernel = rng.uniform(-1, 1, (3, 2, 3, 3)).astype(np.float32)
    np.save(os.path.join(HERE, "features_kernel.npy"), kernel)
    bias = np.array([0.25, -0.5, 0.1], np.float32)
    inits = [numpy_helper.from_array(kernel, "kernel"), numpy_helper.from_array(bias, "bias"),
             numpy_helper.from_array(np.array(3.0, np.float32), "cl:in2"),
             numpy_helper.from_array(np.array([1, -1], np.int64), "flat:in1"),
             numpy_helper.from_array(np.array(0.5, np.float32), "s:in1"),
             numpy_helper.from_array(np.array([3], np.int64), "best:in1")]
    nodes = [
        helper.make_node("Conv", ["image:0", "kernel", "bias"], ["c"], name="conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2], dilations=[1, 1],
                         group=1),
        helper.make_node("Clip", ["c", "", "cl:in2"], ["cl"], name="clip"),
        helper.make_node("Reshape", ["cl", "flat:in1"], ["flat"], name=""),
        helper.make_node("Mul", ["flat", "s:in1"], ["s"], name="scale"),
        helper.make_node("TopK", ["s", "best:in1"], ["best", "where"], name="", axis=1, largest=1,
                         sorted=1),
        helper.make_node("Softmax", ["s"], ["soft"], name="", axis=1),
    ]
    g = helper.make_graph(nodes, "features",
                          [helper.make_tensor_value_info("image:0", TensorProto.FLOAT, [1, 2, 5, 5])],
                          [helper.make_tensor_value_info("best", TensorProto.FLOAT, [1, 3]),
                           helper.make_tensor_value_info("where", TensorProto.INT64, [1, 3]),
                           helper.make_tensor_value_info("soft", TensorProto.FLOAT, [1, 27])],
                          inits)
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
         os.path.join(HERE, "features.onnx"))


def tiny_mlp():
    """examples/tiny_mlp.bib's twin: QONNX Quant nodes with float inputs."""
    f = np.float32
    w1 = np.array([[0.5, -0.25, 0.125], [-0.75, 0.5, 0], [0.25, 0.375, -0.5], [0, -0.125, 0.625]], f)
    b1 = np.array([0.125, -0.25, 0], f)
    w2 = np.array([[1, -0.5], [-0.25, 0.75], [0.5, 0.5]], f)
    inits = [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
             numpy_helper.from_array(w2, "w2")]
    for out, scale, bits in (("xq", 0.0625, 8.0), ("rq", 0.125, 6.0)):
        for k, v in ((1, scale), (2, 0.0), (3, bits)):
            inits.append(numpy_helper.from_array(np.array(v, f), "%s:in%d" % (out, k)))
    q = "qonnx.custom_op.general"
    nodes = [
        helper.make_node("Quant", ["x", "xq:in1", "xq:in2", "xq:in3"], ["xq"], name="input_quant",
                         domain=q, signed=1, narrow=0, rounding_mode="ROUND"),
        helper.make_node("MatMul", ["xq", "w1"], ["h"]),
        helper.make_node("Add", ["h", "b1"], ["hb"]),
        helper.make_node("Relu", ["hb"], ["r"]),
        helper.make_node("Quant", ["r", "rq:in1", "rq:in2", "rq:in3"], ["rq"], name="hidden_quant",
                         domain=q, signed=0, narrow=0, rounding_mode="ROUND"),
        helper.make_node("MatMul", ["rq", "w2"], ["y"]),
    ]
    g = helper.make_graph(nodes, "tiny_mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])], inits)
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(q, 1)]),
         os.path.join(HERE, "tiny_mlp.onnx"))


if __name__ == "__main__":
    features()
    tiny_mlp()
