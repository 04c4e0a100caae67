#!/usr/bin/python3
"""Writes the logic-gate network error models (models/lgn_*.onnx) for
cases.txt's lgn_* cases with onnx.helper: each breaks one rule of
LogicLayer or GroupSum (domain bibc.lgn), or puts an op in a domain
where bibc must not accept it."""
import math
import os

from onnx import TensorProto, helper, save

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
F = TensorProto.FLOAT


def model(name, nodes, shape, out_shape, inits=(), domain="bibc.lgn"):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", F, shape)],
                          [helper.make_tensor_value_info("y", F, out_shape)], initializer=list(inits))
    opsets = [helper.make_opsetid("", 13)]
    if domain:
        opsets.append(helper.make_opsetid(domain, 1))
    save(helper.make_model(g, opset_imports=opsets), os.path.join(HERE, "lgn_%s.onnx" % name))


def logic(src="x", domain="bibc.lgn", **attrs):
    return helper.make_node("LogicLayer", [src], ["y"], name="l0", domain=domain, **attrs)


def groupsum(**attrs):
    return helper.make_node("GroupSum", ["x"], ["y"], name="g", domain="bibc.lgn", **attrs)


def quant(bits, scale):
    c = [helper.make_tensor(n, F, [], [v]) for n, v in (("s", scale), ("z", 0.0), ("b", bits))]
    q = helper.make_node("Quant", ["x", "s", "z", "b"], ["xq"], name="q",
                         domain="qonnx.custom_op.general", signed=0, narrow=0, rounding_mode="ROUND")
    return q, c


def main():
    ab = dict(a=[0, 1], b=[1, 2], gates=[1, 6])
    model("a_out_of_range", [logic(a=[0, 4], b=[1, 2], gates=[1, 6])], [1, 4], [1, 2])
    model("b_negative", [logic(a=[0, 1], b=[1, -1], gates=[1, 6])], [1, 4], [1, 2])
    model("gate_id", [logic(a=[0, 1], b=[1, 2], gates=[1, 16])], [1, 4], [1, 2])
    model("lengths_differ", [logic(a=[0, 1, 2], b=[1, 2], gates=[1, 6])], [1, 4], [1, 2])
    model("gates_missing", [logic(a=[0, 1], b=[1, 2])], [1, 4], [1, 2])
    model("input_rank", [logic(**ab)], [4], [2])
    model("k_zero", [groupsum(k=0)], [1, 8], [1, 1])
    model("k_not_dividing", [groupsum(k=3)], [1, 8], [1, 3])
    model("k_missing", [groupsum(tau=2.0)], [1, 8], [1, 1])
    model("tau_zero", [groupsum(k=2, tau=0.0)], [1, 8], [1, 2])
    model("tau_negative", [groupsum(k=2, tau=-1.0)], [1, 8], [1, 2])
    model("tau_inf", [groupsum(k=2, tau=math.inf)], [1, 8], [1, 2])
    model("groupsum_rank", [groupsum(k=2)], [1, 2, 4], [1, 2])
    model("run_nonbinary", [logic(**ab)], [2, 3], [2, 2])
    model("run_groupsum_nonbinary", [groupsum(k=3)], [2, 3], [2, 3])
    for name, bits, scale in (("fixed_two_bits", 2.0, 1.0), ("fixed_half", 1.0, 0.5)):
        q, c = quant(bits, scale)
        g = helper.make_graph([q, logic("xq", **ab)], name, [helper.make_tensor_value_info("x", F, [1, 4])],
                              [helper.make_tensor_value_info("y", F, [1, 2])], initializer=c)
        save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13),
                                                 helper.make_opsetid("qonnx.custom_op.general", 1),
                                                 helper.make_opsetid("bibc.lgn", 1)]),
             os.path.join(HERE, "lgn_%s.onnx" % name))
    model("default_domain", [logic(domain="", **ab)], [1, 4], [1, 2], domain=None)
    model("qonnx_domain", [logic(domain="qonnx.custom_op.general", **ab)], [1, 4], [1, 2],
          domain="qonnx.custom_op.general")
    model("relu_in_lgn_domain", [helper.make_node("Relu", ["x"], ["y"], name="r", domain="bibc.lgn")],
          [1, 2], [1, 2])


if __name__ == "__main__":
    main()
