#!/usr/bin/python3
"""make_models.py - SYNTHETIC QONNX models in the style of LogicNets' jet
substructure classifiers (Umuroglu et al., FPL 2020), for the --lut-neurons
benchmark (bench/lut_neurons/run.sh):

  jsc_s.onnx   16 -> 64 -> 32 -> 32 -> 32 -> 5, every neuron reading exactly
               F = 3 inputs of the layer before, 2-bit inputs and activations
               (2-bit outputs), 3-bit weights: 3 x 2 = 6 input bits per neuron
  jsc_m.onnx   the same sizes, F = 4, 3-bit inputs and activations (3-bit
               outputs), 4-bit weights: 4 x 3 = 12 input bits per neuron

The sizes, bit widths and fan-ins are the "jsc-s" and "jsc-m" entries of
LogicNets' examples/jet_substructure/train.py (hidden layers [64, 32, 32,
32], input 16 features, output 5 classes); the input, hidden and output
fan-ins are equal there.  The WEIGHTS ARE RANDOM (numpy default_rng(SEED)),
not trained: the outputs classify nothing.  What is kept is the structure
that matters to hardware:

  - each neuron reads a fixed random subset of exactly F distinct inputs of
    the previous layer (LogicNets' RandomFixedSparsityMask2D), with nonzero
    weights; every other weight of its column is exactly 0;
  - weights are signed narrow codes (nonzero: +-1 .. +-(2^(b-1) - 1)) times a
    power-of-two scale, each weight matrix through its own QONNX Quant;
  - after each MatMul, a MultiThreshold: FINN's form of what LogicNets
    trains after the sum (a BatchNormalization and the activation
    quantizer), code = out_bias + out_scale * count(acc >= T_k) with
    2^b - 1 thresholds per neuron: unsigned codes 0 .. 2^b - 1 in hidden
    layers (QuantReLU), signed -2^(b-1) .. 2^(b-1) - 1 in the output layer
    (QuantHardTanh).  A neuron's thresholds are spread evenly over its
    accumulator's range (5th to 95th percentile over all 2^(F*b)
    combinations of its input codes), each moved at random by up to a
    quarter step, so that no neuron's truth table is constant by
    construction;
  - the input quantizer is a signed Quant on the model input (LogicNets also
    normalizes the inputs by a BatchNormalization first; left out here).

Layout: domain qonnx.custom_op.general for Quant (Quant(x, scale,
zero_point, bitwidth) with signed/narrow/rounding_mode, as
bench/make_users.py) and MultiThreshold (out_scale, out_bias), opset 13.
Every scale is a power of two (inputs and activations 2^-(b-1), weights
2^-(w-1)), so bibc maps the whole network to one integer core: each
MatMul and MultiThreshold is a sum of F products and an integer Threshold
node.  The script checks that every neuron reads exactly F inputs
totalling <= 12 bits.

    /usr/bin/python3 bench/lut_neurons/make_models.py OUTDIR [SEED]   (default seed 1)
"""
import itertools
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QD = "qonnx.custom_op.general"
SIZES = [16, 64, 32, 32, 32, 5]
# name, fan-in, activation (and input, output) bits, weight bits
MODELS = [("jsc_s", 3, 2, 3), ("jsc_m", 4, 3, 4)]
MAX_BITS = 12  # what --lut-neurons turns into a truth table


class Model:
    def __init__(self):
        self.nodes, self.inits, self.k = [], [], 0

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr, np.float32), name))
        return name

    def node(self, op, ins, out, domain="", **attrs):
        self.k += 1
        self.nodes.append(helper.make_node(op, ins, [out], name="%s_%d" % (op, self.k),
                                           domain=domain, **attrs))
        return out

    def quant(self, x, y, scale, bits, signed, narrow=0):
        k = self.k + 1
        ins = [x, self.const("scale%d" % k, scale), self.const("zeropt%d" % k, 0),
               self.const("bitwidth%d" % k, bits)]
        return self.node("Quant", ins, y, QD, signed=signed, narrow=narrow, rounding_mode="ROUND")


def codes(bits, signed):
    """The integer codes of a quantizer (narrow 0)."""
    return np.arange(-2 ** (bits - 1), 2 ** (bits - 1)) if signed else np.arange(2 ** bits)


def build(name, fanin, abits, wbits, rng):
    m = Model()
    in_scale = 2.0 ** -(abits - 1)      # signed inputs in [-1, 1): HardTanh, max_val 1
    act_scale = 2.0 ** -(abits - 1)     # activations: unsigned (ReLU) in [0, 2), outputs signed
    w_scale = 2.0 ** -(wbits - 1)
    wmax = 2 ** (wbits - 1) - 1         # narrow: codes -wmax .. wmax
    x = m.quant("x", "x_q", in_scale, abits, signed=1)
    prev_codes, prev_scale = codes(abits, signed=True), in_scale
    nlayers = len(SIZES) - 1
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        last = i == nlayers - 1
        w = np.zeros((n_in, n_out))
        for j in range(n_out):
            rows = rng.choice(n_in, fanin, replace=False)
            w[rows, j] = rng.choice([-1, 1], fanin) * rng.integers(1, wmax + 1, fanin)
        w *= w_scale
        wq = m.quant(m.const("fc%d.weight" % (i + 1), w), "fc%d.weight_q" % (i + 1), w_scale, wbits,
                     signed=1, narrow=1)
        acc = m.node("MatMul", [x, wq], "fc%d" % (i + 1))
        # Per neuron: 2^b - 1 thresholds spread over its accumulator's range
        # (5th to 95th percentile over every combination of its inputs'
        # codes), each moved at random by up to a quarter step.
        combos = np.array(list(itertools.product(prev_codes, repeat=fanin)), np.float64) * prev_scale
        nthr = 2 ** abits - 1
        t = np.zeros((n_out, nthr))
        for j in range(n_out):
            a = combos @ w[np.nonzero(w[:, j])[0], j]
            lo, hi = np.percentile(a, 5), np.percentile(a, 95)
            step = (hi - lo) / nthr
            t[j] = lo + step * (np.arange(nthr) + 0.5 + rng.uniform(-0.25, 0.25, nthr))
        out_bias = -2.0 ** (abits - 1) * act_scale if last else 0.0
        x = m.node("MultiThreshold", [acc, m.const("thr%d" % (i + 1), t)],
                   "y" if last else "act%d" % (i + 1), QD, out_scale=act_scale, out_bias=out_bias)
        check_fanin(name, i, w, fanin, abits)
        prev_codes, prev_scale = codes(abits, signed=last), act_scale
    graph = helper.make_graph(m.nodes, name,
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, SIZES[0]])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, SIZES[-1]])],
                              m.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                    helper.make_opsetid(QD, 1)],
                              producer_name="bibc bench/lut_neurons/make_models.py (synthetic weights)")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def check_fanin(name, layer, w, fanin, abits):
    nz = (w != 0).sum(axis=0)
    if not (nz == fanin).all() or fanin * abits > MAX_BITS:
        sys.exit("%s layer %d: a neuron reads %s inputs of %d bits, want %d totalling <= %d bits"
                 % (name, layer + 1, sorted(set(nz.tolist())), abits, fanin, MAX_BITS))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: " + __doc__.strip().splitlines()[-1].strip())
    outdir, seed = sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 1
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(seed)
    for name, fanin, abits, wbits in MODELS:
        model = build(name, fanin, abits, wbits, rng)
        path = os.path.join(outdir, name + ".onnx")
        onnx.save(model, path)
        print("%s: %s, fan-in %d, %d-bit activations (%d bits per neuron), %d-bit weights"
              % (path, " -> ".join(map(str, SIZES)), fanin, abits, fanin * abits, wbits))


if __name__ == "__main__":
    main()
