#!/usr/bin/python3
"""make_models.py - writes the small, deliberately broken ONNX models and
tensor files that tests/errors/cases.txt runs bibc on.

Run with Debian's python3 (python3-onnx, python3-numpy) from any directory:
    /usr/bin/python3 tests/errors/make_models.py
Output is deterministic; the generated files are committed, so the tests
themselves need no Python.  Each model is the smallest graph that triggers
one error; its name says which.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")
DATA = os.path.join(HERE, "data")
F = TensorProto.FLOAT


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, inits=(), opset=13, extra_opsets=()):
    graph = helper.make_graph(list(nodes), "g", list(inputs), list(outputs), list(inits))
    ops = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=ops, producer_name="bibc-tests")
    m.ir_version = 8
    return m


def save(name, m):
    with open(os.path.join(MODELS, name), "wb") as f:
        f.write(m.SerializeToString())


def npy(name, array):
    np.save(os.path.join(DATA, name), array)


QD = "qonnx.custom_op.general"


def quant(name, scale=0.5, bits=4.0, inputs=(), **attrs):
    """One QONNX Quant node 'quant0' on input x [1,4]; scale and bitwidth are
    initializers unless given as None (then graph inputs of that name)."""
    inits = [init("zeropt", np.float32(0))]
    if scale is not None:
        inits.append(init("scale", np.asarray(scale, np.float32)))
    if bits is not None:
        inits.append(init("bitwidth", np.float32(bits)))
    attrs = dict(dict(signed=1, narrow=0, rounding_mode="ROUND"), **attrs)
    node = helper.make_node("Quant", ["x", "scale", "zeropt", "bitwidth"], ["y"], name="quant0",
                            domain=QD, **attrs)
    save(name, model([node], [vi("x", F, [1, 4])] + list(inputs), [vi("y", F, None)], inits,
                     extra_opsets=[(QD, 1)]))


def main():
    os.makedirs(MODELS, exist_ok=True)
    os.makedirs(DATA, exist_ok=True)
    rng = np.random.default_rng(1234)
    x23 = vi("x", F, [2, 3])
    y = vi("y", F, None)

    # Valid helpers for command-line and input-file errors.
    save("relu.onnx", model([helper.make_node("Relu", ["x"], ["y"], name="relu0")], [x23], [y]))
    save("add2.onnx", model([helper.make_node("Add", ["a", "b"], ["y"], name="add0")],
                            [vi("a", F, [2, 3]), vi("b", F, [2, 3])], [y]))
    npy("f32_2x3.npy", rng.standard_normal((2, 3)).astype(np.float32))
    npy("f32_4.npy", rng.standard_normal((4,)).astype(np.float32))
    npy("i32_2x3.npy", np.arange(6, dtype=np.int32).reshape(2, 3))
    with open(os.path.join(DATA, "garbage.pb"), "wb") as f:
        f.write(bytes([0xff] * 16))

    # Unsupported operators and domains.
    save("unsupported_foo.onnx", model([helper.make_node("Foo", ["x"], ["y"], name="foo0")], [x23], [y]))
    W = init("W", rng.standard_normal((1, 12, 4)).astype(np.float32))
    R = init("R", rng.standard_normal((1, 12, 3)).astype(np.float32))
    save("unsupported_lstm.onnx", model(
        [helper.make_node("LSTM", ["x", "W", "R"], ["y"], name="lstm0", hidden_size=3)],
        [vi("x", F, [5, 1, 4])], [y], [W, R]))
    save("custom_domain.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu0", domain="com.example.custom")],
        [x23], [y], extra_opsets=[("com.example.custom", 1)]))

    # Files that are not (complete) models.
    with open(os.path.join(MODELS, "garbage.onnx"), "wb") as f:
        f.write(np.random.default_rng(7).integers(0, 256, 512, dtype=np.uint8).tobytes())
    whole = model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm0")],
                  [vi("x", F, [1, 16])], [y],
                  [init("W", rng.standard_normal((16, 16)).astype(np.float32))]).SerializeToString()
    with open(os.path.join(MODELS, "truncated.onnx"), "wb") as f:
        f.write(whole[: len(whole) // 2])
    open(os.path.join(MODELS, "empty.onnx"), "wb").close()

    # Shape errors found by inference.
    save("add_broadcast.onnx", model([helper.make_node("Add", ["a", "b"], ["y"], name="add0")],
                                     [vi("a", F, [2, 3]), vi("b", F, [4])], [y]))
    save("matmul_inner.onnx", model([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm0")],
                                    [vi("x", F, [1, 4])], [y],
                                    [init("W", np.ones((5, 3), np.float32))]))
    save("conv_channels.onnx", model([helper.make_node("Conv", ["x", "W"], ["y"], name="conv0")],
                                     [vi("x", F, [1, 3, 8, 8])], [y],
                                     [init("W", np.ones((4, 2, 3, 3), np.float32))]))
    save("gemm_transA.onnx", model(
        [helper.make_node("Gemm", ["a", "B"], ["y"], name="gemm0", transA=1)],
        [vi("a", F, [2, 3])], [y], [init("B", np.ones((3, 4), np.float32))]))

    # Attributes out of range.
    save("transpose_perm.onnx", model(
        [helper.make_node("Transpose", ["x"], ["y"], name="tr0", perm=[0, 2])], [x23], [y]))
    save("softmax_axis.onnx", model(
        [helper.make_node("Softmax", ["x"], ["y"], name="sm0", axis=2)], [x23], [y]))
    save("constant_string.onnx", model(
        [helper.make_node("Constant", [], ["c"], name="const0", value_string="hello"),
         helper.make_node("Identity", ["x"], ["y"], name="id0")],
        [x23], [y, vi("c", TensorProto.STRING, None)]))

    # Static shapes only.
    save("reshape_dynamic.onnx", model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape0")],
        [x23, vi("shape", TensorProto.INT64, [2])], [y]))
    save("symbolic_dim.onnx", model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
                                    [vi("x", F, [1, "N"])], [y]))
    save("float16_input.onnx", model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
                                     [vi("x", TensorProto.FLOAT16, [1, 4])],
                                     [vi("y", TensorProto.FLOAT16, None)]))

    # Broken graphs.
    save("undefined_tensor.onnx", model(
        [helper.make_node("Relu", ["x"], ["r"], name="relu0"),
         helper.make_node("Add", ["r", "nowhere"], ["y"], name="add0")], [x23], [y]))
    save("duplicate_name.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu0"),
         helper.make_node("Sigmoid", ["x"], ["y"], name="sigmoid0")], [x23], [y]))
    save("missing_input.onnx", model([helper.make_node("Add", ["x", ""], ["y"], name="add0")],
                                     [x23], [y]))
    save("output_undefined.onnx", model([helper.make_node("Relu", ["x"], ["r"], name="relu0")],
                                        [x23], [y]))
    bad = init("W", np.ones((2, 3), np.float32))
    bad.raw_data = bad.raw_data[:8]
    save("identity_two_outputs.onnx", model(
        [helper.make_node("Identity", ["x"], ["y", "z"], name="id0")], [x23], [y]))
    save("cast_missing_to.onnx", model([helper.make_node("Cast", ["x"], ["y"], name="cast0")],
                                       [x23], [y]))
    # Non-printable characters in model-supplied names must not break the
    # one-line message.
    save("newline_name.onnx", model([helper.make_node("Fo\no", ["x"], ["y"], name="a\nb")],
                                    [x23], [y]))

    # Sizes whose element count overflows or cannot be allocated.
    huge = TensorProto(name="W", dims=[65536, 65536, 65536], data_type=F)
    save("initializer_too_large.onnx", model(
        [helper.make_node("Add", ["x", "W"], ["y"], name="add0")], [x23], [y], [huge]))
    save("input_too_large.onnx", model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
                                       [vi("x", F, [1, 4000000000000000000, 4])], [y]))
    save("conv_huge_pads.onnx", model(
        [helper.make_node("Conv", ["x", "W"], ["y"], name="conv0", pads=[2**63 - 1] * 4)],
        [vi("x", F, [1, 1, 4, 4])], [y], [init("W", np.ones((1, 1, 3, 3), np.float32))]))
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }"
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    with open(os.path.join(DATA, "huge_shape.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + bytes(24))

    # An empty initializer (Resize's unused roi) must load cleanly; then
    # the unsupported op is the error.
    roi = TensorProto(name="roi", dims=[0], data_type=F, raw_data=b"")
    save("resize_empty_roi.onnx", model(
        [helper.make_node("Resize", ["x", "roi", "scales"], ["y"], name="resize0")],
        [vi("x", F, [1, 1, 2, 2])], [y],
        [roi, init("scales", np.array([1, 1, 2, 2], np.float32))]))

    save("raw_data_short.onnx", model([helper.make_node("Add", ["x", "W"], ["y"], name="add0")],
                                      [x23], [y], [bad]))

    # QONNX quantizers: parameters must be constants in range.
    quant("quant_bitwidth_zero.onnx", bits=0.0)
    quant("quant_bitwidth_33.onnx", bits=33.0)
    quant("quant_bitwidth_fractional.onnx", bits=2.5)
    quant("quant_scale_zero.onnx", scale=0.0)
    quant("quant_scale_negative.onnx", scale=[0.5, 0.25, -0.5, 0.125])
    quant("quant_scale_input.onnx", scale=None, inputs=[vi("scale", F, [])])
    quant("quant_bitwidth_input.onnx", bits=None, inputs=[vi("bitwidth", F, [])])
    quant("quant_rounding_nearest.onnx", rounding_mode="NEAREST")
    # --fixed reads a scale that is not a power of two back as integer
    # codes, which must stay below 2^21.
    quant("quant_scaled_24bit.onnx", scale=0.3, bits=24.0)
    save("bipolar_scale_input.onnx", model(
        [helper.make_node("BipolarQuant", ["x", "scale"], ["y"], name="bipolar0", domain=QD)],
        [vi("x", F, [1, 4]), vi("scale", F, [])], [y], extra_opsets=[(QD, 1)]))
    save("multithreshold_shape.onnx", model(
        [helper.make_node("MultiThreshold", ["x", "thresholds"], ["y"], name="mt0", domain=QD,
                          out_scale=1.0, out_bias=0.0)],
        [vi("x", F, [1, 4])], [y], [init("thresholds", np.zeros((3, 7), np.float32))],
        extra_opsets=[(QD, 1)]))

    # For run.sh --warnings (warnings.txt): weights already on the signed 8-bit
    # grid, but the Quant says signed=0 narrow=1, as Brevitas once exported.
    w = np.arange(-8, 8, dtype=np.float32).reshape(4, 4) * np.float32(0.5)
    save("quant_weights_swapped.onnx", model(
        [helper.make_node("Quant", ["W", "scale", "zeropt", "bitwidth"], ["Wq"], name="quant0",
                          domain=QD, signed=0, narrow=1, rounding_mode="ROUND"),
         helper.make_node("MatMul", ["x", "Wq"], ["y"], name="mm0")],
        [vi("x", F, [1, 4])], [y],
        [init("W", w), init("scale", np.float32(0.5)), init("zeropt", np.float32(0)),
         init("bitwidth", np.float32(8))], extra_opsets=[(QD, 1)]))

    # The hardware backends: a quantized MaxPool whose Indices output the
    # netlist does not map.
    save("maxpool_indices_fixed.onnx", model(
        [helper.make_node("Quant", ["x", "scale", "zeropt", "bitwidth"], ["xq"], name="quant0",
                          domain=QD, signed=1, narrow=0, rounding_mode="ROUND"),
         helper.make_node("MaxPool", ["xq"], ["y", "ind"], name="pool0", kernel_shape=[2])],
        [vi("x", F, [1, 1, 4])], [vi("y", F, None), vi("ind", TensorProto.INT64, None)],
        [init("scale", np.float32(0.5)), init("zeropt", np.float32(0)),
         init("bitwidth", np.float32(4))], extra_opsets=[(QD, 1)]))


if __name__ == "__main__":
    main()
