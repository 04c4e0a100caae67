#!/usr/bin/python3
"""make_users.py - two SYNTHETIC QONNX models with the shapes and precisions
of published smart-pixel (on-sensor ML) networks, for bibc's benchmarks:

  smartpixel.onnx   on-chip cluster classifier: 53 inputs -> Dense 24 -> ReLU
                    -> Dense 12 -> ReLU -> Dense 1 -> Sigmoid; 10-bit inputs,
                    weights, biases and activations
  vae_encoder.onnx  VAE encoder: 53 -> Dense 24 -> ReLU -> Dense 8 (latent
                    means); 8-bit inputs, weights, biases and activations

Architecture and precision follow the papers; the WEIGHTS ARE RANDOM
(numpy default_rng(SEED), He-uniform, biases uniform in [-1/4, 1/4]), not
trained, so the outputs mean nothing physically.  In every layer the 40 % of
the weights with the smallest magnitude are set to exactly zero (magnitude
pruning, before quantization), round(0.4 * n) of n per layer.

Layout as QKeras/QONNX export it (see examples/make_jet_tagger.py): Quant
nodes of domain qonnx.custom_op.general, Quant(x, scale, zero_point,
bitwidth) with signed/narrow/rounding_mode; weights and biases are float
constants that are exact multiples of a power-of-two scale, each passed
through its own Quant; MatMul + Add; Relu then an unsigned Quant.  All
scales are powers of two, so bibc maps the core to exact fixed point:
  inputs       signed, scale 2^-6 (10 bits: [-8, 8)) or 2^-4 (8 bits: [-8, 8))
  weights      signed narrow, the smallest power of two whose largest code
               2^(b-1)-1 covers the layer's max |w|
  biases       signed narrow, likewise
  activations  unsigned after ReLU: the smallest power of two with
               (2^b - 1) * scale >= the 99th percentile of the ReLU output in a
               float forward pass of 10,000 inputs uniform over the input
               quantizer's range (what 'bibc verify' draws)
  outputs      signed, the same rule on the 99th percentile of |y|
The classifier's Sigmoid is a float step after the integer core (as the jet
tagger's Softmax); the logit Quant before it is the firmware's output.

    /usr/bin/python3 bench/make_users.py OUTDIR [SEED]     (default seed 1)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QD = "qonnx.custom_op.general"
PRUNE = 0.4
NCAL = 10000  # calibration samples
# name, layer sizes, bits, log2 of the input scale, final float op
MODELS = [("smartpixel", [53, 24, 12, 1], 10, -6, "Sigmoid"),
          ("vae_encoder", [53, 24, 8], 8, -4, None)]


def pow2_scale(maxabs, maxcode):
    """The smallest power of two s with maxcode * s >= maxabs."""
    return 2.0 ** int(np.ceil(np.log2(max(maxabs, 1e-12) / maxcode)))


def quantize(x, s, lo, hi):
    return np.clip(np.round(x / s), lo, hi) * s


class Model:
    def __init__(self):
        self.nodes, self.inits, self.k = [], [], 0

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr, np.float32), name))
        return name

    def quant(self, x, scale, bits, signed=1, narrow=0):
        self.k += 1
        s = self.const("scale%d" % self.k, scale)
        z = self.const("zeropt%d" % self.k, 0)
        b = self.const("bitwidth%d" % self.k, bits)
        y = "%s_q" % x
        self.nodes.append(helper.make_node("Quant", [x, s, z, b], [y], domain=QD,
                                           name="Quant_%d" % self.k, signed=signed, narrow=narrow,
                                           rounding_mode="ROUND"))
        return y


def build(name, sizes, bits, in_log2, final_op, rng):
    m = Model()
    smax, umax = 2 ** (bits - 1) - 1, 2 ** bits - 1
    x = m.quant("x", 2.0 ** in_log2, bits)
    lo, hi = -2.0 ** (bits - 1 + in_log2), (2 ** (bits - 1) - 1) * 2.0 ** in_log2
    a = quantize(rng.uniform(lo, hi, (NCAL, sizes[0])), 2.0 ** in_log2, -smax - 1, smax)  # calibration
    nzero = nweights = 0
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        bound = np.sqrt(6.0 / n_in)
        w = rng.uniform(-bound, bound, (n_in, n_out))
        w.flat[np.argsort(np.abs(w), axis=None)[:int(round(PRUNE * w.size))]] = 0  # magnitude pruning
        ws = pow2_scale(np.abs(w).max(), smax)
        w = quantize(w, ws, -smax, smax)
        b = rng.uniform(-0.25, 0.25, n_out)
        bs = pow2_scale(np.abs(b).max(), smax)
        b = quantize(b, bs, -smax, smax)
        nzero, nweights = nzero + int((w == 0).sum()), nweights + w.size
        wq = m.quant(m.const("dense%d.kernel" % (i + 1), w), ws, bits, narrow=1)
        bq = m.quant(m.const("dense%d.bias" % (i + 1), b), bs, bits, narrow=1)
        mm, y = "dense%d_matmul" % (i + 1), "dense%d" % (i + 1)
        m.nodes.append(helper.make_node("MatMul", [x, wq], [mm], name="MatMul_%d" % (i + 1)))
        m.nodes.append(helper.make_node("Add", [mm, bq], [y], name="Add_%d" % (i + 1)))
        a = a @ w + b
        if i + 2 < len(sizes):  # hidden layer: ReLU, unsigned requantization
            r = "relu%d" % (i + 1)
            m.nodes.append(helper.make_node("Relu", [y], [r], name="Relu_%d" % (i + 1)))
            a = np.maximum(a, 0)
            s = pow2_scale(np.percentile(a, 99), umax)
            x, a = m.quant(r, s, bits, signed=0), quantize(a, s, 0, umax)
        else:  # output layer: signed requantization
            s = pow2_scale(np.percentile(np.abs(a), 99), smax)
            x = m.quant(y, s, bits)
    out = x
    if final_op:
        out = final_op.lower()
        m.nodes.append(helper.make_node(final_op, [x], [out], name=out))
    graph = helper.make_graph(m.nodes, name,
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, sizes[0]])],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, [1, sizes[-1]])],
                              m.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                    helper.make_opsetid(QD, 1)],
                              producer_name="bibc bench/make_users.py (synthetic weights)")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, nzero, nweights


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: " + __doc__.strip().splitlines()[-1].strip())
    outdir, seed = sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 1
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(seed)
    for spec in MODELS:
        model, nzero, n = build(*spec, rng)
        path = os.path.join(outdir, spec[0] + ".onnx")
        onnx.save(model, path)
        print("%s: %d of %d weights zero (%.1f %%)" % (path, nzero, n, 100.0 * nzero / n))


if __name__ == "__main__":
    main()
