#!/usr/bin/python3
"""make_cmvm.py - one-layer QONNX models for the Verilog benchmarks: y = W x
with W an R x C matrix of 8-bit signed integers, uniform in [-128, 127]
(numpy's default_rng(seed)), and x 8-bit signed inputs; the output is the
exact sum (no requantization), so the firmware is one constant
matrix-vector product, as in ../shared/REFERENCE.md section 7.

    /usr/bin/python3 bench/make_cmvm.py OUT.onnx ROWS COLS SEED
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QD = "qonnx.custom_op.general"


def main():
    out, rows, cols, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = np.random.default_rng(seed)
    w = rng.integers(-128, 128, size=(cols, rows)).astype(np.float32)  # MatMul: x[1,C] W[C,R]
    c = lambda n, a: numpy_helper.from_array(np.asarray(a, np.float32), n)  # noqa: E731
    nodes = [helper.make_node("Quant", ["x", "one", "zero", "eight"], ["xq"], domain=QD, name="qx",
                              signed=1, narrow=0, rounding_mode="ROUND"),
             helper.make_node("MatMul", ["xq", "W"], ["y"], name="cmvm")]
    g = helper.make_graph(nodes, "cmvm%dx%d" % (rows, cols),
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, cols])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, rows])],
                          [c("one", 1), c("zero", 0), c("eight", 8), c("W", w)])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(QD, 1)],
                          producer_name="bibc bench/make_cmvm.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, out)


if __name__ == "__main__":
    main()
