#!/usr/bin/python3
"""make_hostile.py - writes the hostile inputs of tests/errors/cases.txt (the
lines under "# hostile inputs"): files of a few hundred bytes that declare
gigabytes, protobuf fields with impossible values, and .npy headers that break
the format.  Each must get bibc's one-line error within the time and memory
bounds that tests/errors/run.sh enforces, without anything written.

    /usr/bin/python3 tests/errors/make_hostile.py

Output is deterministic and committed (the tests need no Python); file names
start with "hostile_".
"""
import os
import struct

from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")
DATA = os.path.join(HERE, "data")
F = TensorProto.FLOAT
HUGE = 1 << 28  # elements: 1 GiB of float32, 2 GiB of int64


def relu_model(inits=(), nodes=(), opsets=(("", 13),)):
    """Relu on x [2, 3] plus whatever hostile parts are given."""
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu0")] + list(nodes),
                              "g", [helper.make_tensor_value_info("x", F, [2, 3])],
                              [helper.make_tensor_value_info("y", F, None)], list(inits))
    m = helper.make_model(graph, producer_name="bibc-tests")
    del m.opset_import[:]
    for d, v in opsets:
        op = m.opset_import.add()
        op.domain = d
        op.version = v
    m.ir_version = 8
    return m


def save_model(name, m):
    with open(os.path.join(MODELS, name), "wb") as f:
        f.write(m.SerializeToString())


def empty_tensor(name, dtype, dims):
    """A TensorProto that declares dims but carries no data at all."""
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    return t


def save_npy(name, header, data=b"", version=(1, 0)):
    """A .npy file written byte by byte, so the header can break the rules."""
    h = header.encode("latin-1")
    size = struct.pack("<H" if version[0] == 1 else "<I", len(h))
    with open(os.path.join(DATA, name), "wb") as f:
        f.write(b"\x93NUMPY" + bytes(version) + size + h + data)


QD = "qonnx.custom_op.general"


def quant_add_model(c, scale=0.5):
    """Quant -> Add(constant c) -> Quant, the fixed path's smallest core."""
    nodes = [helper.make_node("Quant", ["x", "s", "z", "b"], ["xq"], name="q0", domain=QD,
                              signed=1, narrow=0, rounding_mode="ROUND"),
             helper.make_node("Add", ["xq", "c"], ["a"], name="add0"),
             helper.make_node("Quant", ["a", "s2", "z", "b"], ["y"], name="q1", domain=QD,
                              signed=1, narrow=0, rounding_mode="ROUND")]
    inits = [helper.make_tensor("s", F, [], [scale]), helper.make_tensor("s2", F, [], [0.5]),
             helper.make_tensor("z", F, [], [0.0]), helper.make_tensor("b", F, [], [8.0]),
             helper.make_tensor("c", F, [2], c)]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", F, [1, 2])],
                              [helper.make_tensor_value_info("y", F, None)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                helper.make_opsetid(QD, 1)])
    m.ir_version = 8
    return m


def main():
    os.makedirs(MODELS, exist_ok=True)
    os.makedirs(DATA, exist_ok=True)
    # sizes declared, data absent: rejected before any allocation
    save_model("hostile_init_huge_nodata.onnx",
               relu_model([empty_tensor("big", TensorProto.INT64, [HUGE])]))
    raw = empty_tensor("big", F, [HUGE, 1])
    raw.raw_data = b"\0" * 16
    save_model("hostile_init_huge_raw.onnx", relu_model([raw]))
    save_model("hostile_constant_huge.onnx", relu_model(nodes=[helper.make_node(
        "Constant", [], ["c"], name="const0", value=empty_tensor("v", F, [1 << 14, 1 << 14]))]))
    save_model("hostile_init_dims_overflow.onnx",
               relu_model([empty_tensor("big", F, [1 << 31, 1 << 31, 1 << 31])]))
    # opsets no ONNX release has
    save_model("hostile_opset_huge.onnx", relu_model(opsets=[("", 1 << 62)]))
    save_model("hostile_opset_negative.onnx", relu_model(opsets=[("", -5)]))
    save_model("hostile_opset_zero_qonnx.onnx",
               relu_model(opsets=[("", 13), ("qonnx.custom_op.general", 0)]))
    # non-finite numbers on the fixed path
    save_model("hostile_fixed_nan_constant.onnx", quant_add_model([float("nan"), 1.0]))
    save_model("hostile_fixed_nan_scale.onnx", quant_add_model([1.0, 1.0], float("nan")))
    # a few bytes that ask for gigabytes: a folded Pad, a broadcast
    def small(nodes, inits, x_shape):
        graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", F, x_shape)],
                                  [helper.make_tensor_value_info("y", F, None)], inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        return m
    one = helper.make_tensor("one", F, [1, 1], [1.0])
    save_model("hostile_fold_pad.onnx", small(
        [helper.make_node("Pad", ["one", "pads"], ["big"], name="pad0"),
         helper.make_node("Add", ["big", "x"], ["y"], name="add0")],
        [one, helper.make_tensor("pads", TensorProto.INT64, [4], [0, 0, 1 << 13, 1 << 13])], [1, 1]))
    one3 = helper.make_tensor("one", F, [1, 1, 1], [1.0])
    save_model("hostile_broadcast.onnx", small(
        [helper.make_node("Pad", ["one", "pa"], ["a"], name="pad_a"),
         helper.make_node("Pad", ["one", "pb"], ["b"], name="pad_b"),
         helper.make_node("Add", ["a", "x"], ["ax"], name="add0"),
         helper.make_node("Add", ["ax", "b"], ["y"], name="add1")],
        [one3, helper.make_tensor("pa", TensorProto.INT64, [6], [0, 0, 0, 0, 0, (1 << 14) - 1]),
         helper.make_tensor("pb", TensorProto.INT64, [6], [0, 0, 0, 0, (1 << 14) - 1, 0])],
        [1, 1, 1]))
    # batch 1, output 2^20 times the input: 1024 stacked samples would be 4 GiB
    save_model("hostile_run_amplify.onnx", small(
        [helper.make_node("Pad", ["x", "pads"], ["y"], name="pad0")],
        [helper.make_tensor("pads", TensorProto.INT64, [4], [0, 0, 0, (1 << 20) - 1])], [1, 1]))
    with open(os.path.join(DATA, "hostile_1024x1.npy"), "wb") as f:
        h = b"{'descr': '<f4', 'fortran_order': False, 'shape': (1024, 1), }"
        h += b" " * (63 - (10 + len(h)) % 64) + b"\n"
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + b"\0" * 4096)
    # graph outputs declared with another type or shape than computed
    m = relu_model()
    m.graph.output[0].CopyFrom(helper.make_tensor_value_info("y", TensorProto.INT64, [2, 3]))
    save_model("hostile_output_wrong_type.onnx", m)
    m = relu_model()
    m.graph.output[0].CopyFrom(helper.make_tensor_value_info("y", F, [2, 4]))
    save_model("hostile_output_wrong_shape.onnx", m)
    m = relu_model()
    m.graph.output[0].CopyFrom(helper.make_tensor_value_info("y", F, [2, 3, 1]))
    save_model("hostile_output_wrong_rank.onnx", m)
    # hostile names (control characters, an escape sequence) and a cycle
    m = relu_model()
    m.graph.node[0].op_type = "Foo"
    m.graph.node[0].name = "evil\nname\x1b[31m"
    save_model("hostile_name_control_chars.onnx", m)
    m = relu_model(nodes=[helper.make_node("Relu", ["y"], ["z"], name="back")])
    m.graph.node[0].input[0] = "z"
    save_model("hostile_cycle.onnx", m)
    # a serialized tensor that declares 1 GiB
    with open(os.path.join(DATA, "hostile_huge.pb"), "wb") as f:
        f.write(empty_tensor("x", F, [HUGE]).SerializeToString())
    # .npy headers
    ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    save_npy("hostile_npy_huge.npy",
             "{'descr': '<f8', 'fortran_order': False, 'shape': (%d,), }\n" % HUGE)
    save_npy("hostile_npy_noparen.npy",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, }\n", b"\0" * 24)
    save_npy("hostile_npy_version4.npy", ok + "\n", b"\0" * 24, (4, 0))
    save_npy("hostile_npy_version0.npy", ok + "\n", b"\0" * 24, (0, 0))
    save_npy("hostile_npy_minor.npy", ok + "\n", b"\0" * 24, (1, 5))
    save_npy("hostile_npy_extra_bytes.npy", ok + "\n", b"\0" * 32)
    save_npy("hostile_npy_truncated.npy", ok + "\n", b"\0" * 20)
    save_npy("hostile_npy_negative_dim.npy",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3), }\n", b"\0" * 24)
    save_npy("hostile_npy_dim_overflow.npy",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }\n")
    save_npy("hostile_npy_big_endian.npy",
             "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }\n", b"\0" * 24)
    save_npy("hostile_npy_control_chars.npy",
             "{'descr':\r\n'<c8',\x01 'fortran_order': False, 'shape': (2, 3), }\n", b"\0" * 48)
    save_npy("hostile_npy_header_beyond.npy", "{'descr': '<f4'")  # length says more than is there
    with open(os.path.join(DATA, "hostile_npy_header_beyond.npy"), "r+b") as f:
        f.seek(8)
        f.write(struct.pack("<H", 4000))
    save_npy("hostile_npy_v2_header_huge.npy", ok, b"", (2, 0))
    with open(os.path.join(DATA, "hostile_npy_v2_header_huge.npy"), "r+b") as f:
        f.seek(8)
        f.write(struct.pack("<I", 0xFFFFFFF0))
    save_npy("hostile_npy_rank9.npy",
             "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }\n",
             b"\0" * 4)
    with open(os.path.join(DATA, "hostile_npy_magic_only.npy"), "wb") as f:
        f.write(b"\x93NUMPY")


if __name__ == "__main__":
    main()
