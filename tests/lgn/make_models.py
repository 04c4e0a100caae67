#!/usr/bin/python3
"""Writes the logic-gate network test models (models/*.bib) from a fixed
seed, so they can be regenerated and reviewed: a random network whose
layers use every gate id, and networks that binarize float features in
front of their logic layers (MultiThreshold, a 1-bit Quant).  Also writes
their ONNX twins with onnx.helper (models/*.onnx), made independently of
bibc's writer, to check that bibc reads the bibc.lgn domain."""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "models")


def layer(rng, nin, nout):
    """nout neurons over nin inputs; the gate ids cycle through all 16."""
    gates = [g % 16 for g in range(nout)]
    rng.shuffle(gates)
    a = [rng.randrange(nin) for _ in range(nout)]
    b = [rng.randrange(nin) for _ in range(nout)]
    return a, b, gates


def ints(v):
    return "[" + ", ".join(str(x) for x in v) + "]"


def write_bib(name, head, layers, src, k, tau=None, comment=""):
    lines = ["# " + l for l in comment.strip().splitlines()]
    lines += ["# Written by tests/lgn/make_models.py; do not edit.", "model " + name, "opset 13", ""]
    lines += head
    for i, (a, b, g) in enumerate(layers):
        lines.append('"l%d": h%d = LogicLayer(%s, a=%s, b=%s, gates=%s)' % (i, i, src, ints(a), ints(b), ints(g)))
        src = "h%d" % i
    t = "" if tau is None else ", tau=%s" % tau
    lines.append('"groups": scores = GroupSum(%s, k=%d%s)' % (src, k, t))
    lines.append("output scores")
    with open(os.path.join(OUT, name + ".bib"), "w") as f:
        f.write("\n".join(lines) + "\n")


def write_onnx(name, dtype, nin, layers, k, tau):
    from onnx import TensorProto, checker, helper, save
    nodes, src = [], "x"
    for i, (a, b, g) in enumerate(layers):
        nodes.append(helper.make_node("LogicLayer", [src], ["h%d" % i], name="l%d" % i,
                                      domain="bibc.lgn", a=a, b=b, gates=g))
        src = "h%d" % i
    nodes.append(helper.make_node("GroupSum", [src], ["scores"], name="groups", domain="bibc.lgn",
                                  k=k, tau=tau))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", dtype, [1, nin])],
                              [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, k])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                    helper.make_opsetid("bibc.lgn", 1)])
    checker.check_model(model)
    save(model, os.path.join(OUT, name + ".onnx"))


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(20240611)
    # 16 bool inputs, 3 layers of 64 gates, 4 classes of 16 outputs
    layers, nin = [], 16
    for _ in range(3):
        layers.append(layer(rng, nin, 64))
        nin = 64
    write_bib("random_lgn", ["input x: bool[1, 16]"], layers, "x", 4, comment="""
A random logic-gate network: 16 bool inputs, 3 layers of 64 gates (each
layer uses all 16 gate ids), GroupSum into 4 classes.""")
    write_onnx("random_lgn", 9, 16, layers, 4, 1.0)
    # 8 float features, one threshold each (MultiThreshold: x >= t -> 1)
    th = [round(rng.uniform(-2, 2), 2) for _ in range(8)]
    mt_layers = [layer(rng, 8, 32), layer(rng, 32, 16)]
    write_bib("binarize_mt", ["input x: float32[1, 8]",
                              "const t: float32[8, 1] = " + ints(th), "",
                              '"bits": xb = MultiThreshold(x, t, out_dtype="UINT1")'],
              mt_layers, "xb", 2, tau="4.0", comment="""
Float features binarized by MultiThreshold (one threshold per feature),
two logic layers, GroupSum with tau = 4 (a power of two: exact in fixed
point).""")
    # 8 float features through a 1-bit unsigned Quant (scale 1: 0 or 1)
    q_layers = [layer(rng, 8, 24), layer(rng, 24, 12)]
    write_bib("binarize_quant", ["input x: float32[1, 8]", "",
                                 '"bits": xb = Quant(x, 1.0, 0.0, 1.0, signed=0, narrow=0, rounding_mode="ROUND")'],
              q_layers, "xb", 3, tau="3.0", comment="""
Float features binarized by a 1-bit unsigned Quant (scale 1), two logic
layers, GroupSum with tau = 3 (not a power of two: the scores stay float
after the integer core).""")
    # uint8 inputs straight into a layer
    u_layers = [layer(rng, 12, 16)]
    write_bib("uint8_lgn", ["input x: uint8[1, 12]"], u_layers, "x", 4, comment="""
One logic layer on uint8 0/1 inputs, GroupSum into 4 classes.""")
    # bigger: 64 bool inputs, 3 layers of 512 gates, 8 classes of 64 outputs
    b_layers, nin = [], 64
    for _ in range(3):
        b_layers.append(layer(rng, nin, 512))
        nin = 512
    write_bib("big_lgn", ["input x: bool[1, 64]"], b_layers, "x", 8, comment="""
A bigger random logic-gate network for run_batch.sh: 64 bool inputs, 3
layers of 512 gates, GroupSum into 8 classes of 64.""")
    # ties: 2 gates per class, so class scores 0..2 are often equal; 5
    # classes (an uneven tournament) and 2 rows (two argmax indices)
    t_layers = [layer(rng, 6, 10)]
    write_bib("tie_lgn", ["input x: bool[2, 6]"], t_layers, "x", 5, comment="""
Ties for the Verilog argmax port: 6 bool inputs per row, 2 rows, one layer
of 10 gates, GroupSum into 5 classes of 2 (scores 0..2: equal scores are
common, and the lowest index must win).""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
