#!/usr/bin/python3
"""Makes the models of tests/thresholds and their inputs (run with
/usr/bin/python3, which has onnx and numpy).

    make_models.py DIR [NAME...]      writes DIR/NAME.onnx and DIR/NAME.x.npy
    make_models.py --list             prints the model names

Every model is a QONNX graph whose input or weight quantizer scales are
not powers of two, so 'bibc run --fixed' computes its MatMuls on scaled
integers (codes times a real scale):

    x [1, K] float -> Quant (8-bit signed) -> MatMul with Quant(W) (per-column
    scale, 2..4 bits) -> chain of 0..4 per-element ops (Add, Sub both ways,
    Mul, Div, BatchNormalization, Relu) -> Quant or BipolarQuant
    [-> MatMul -> chain -> quantizer, or end on the MatMul]

The ties_* and bn_square models are built by hand so that the quantizer's
input x / s + z is exactly a half integer (or an integer, for the directed
modes) for many samples; near_ties puts it just off the half integer,
where float32 evaluation would land on it.  The rand* models and
po2_quant (power-of-two quantizer scales straight after the scaled
accumulator) have random float32 constants (fixed seeds) and quantizer
scales chosen from the float distribution of their input, so most levels
and both saturations are reached.  The inputs are uniform over 1.25 times
the input quantizer's range, or for the hand-made models small exact
multiples of its scale (a few far out, to saturate).  The generated files
are not committed: tests.cmake makes them at test time.  The doc_string
of each model names its layers; reference.py prints it.
"""
import os
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

QD = "qonnx.custom_op.general"
MODES = ["ROUND", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP", "HALF_DOWN"]
SAMPLES = 2000
F32 = np.float32


def is_po2(v):
    return float(np.frexp(np.float64(v))[0]) in (0.5, -0.5)


def not_po2(v):
    """v as float32, nudged off a power of two."""
    v = F32(v)
    return F32(v * F32(1.0625)) if is_po2(v) else v


def qrange(bits, signed, narrow):
    if signed:
        return -(1 << (bits - 1)) + narrow, (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1 - narrow


class Builder:
    def __init__(self, name, seed):
        self.name, self.nodes, self.inits, self.k = name, [], [], 0
        self.rng = np.random.default_rng(seed)
        self.outputs, self.desc = [], []

    def fresh(self, p):
        self.k += 1
        return f"{p}{self.k}"

    def const(self, arr, p="c"):
        name = self.fresh(p)
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def node(self, op, ins, domain=None, **attrs):
        y = self.fresh(op.lower())
        self.nodes.append(helper.make_node(op, ins, [y], name=self.fresh(op + "_"), domain=domain,
                                           **attrs))
        return y

    def quant(self, x, scale, bits, signed=1, narrow=0, mode="ROUND", zp=0):
        s = self.const(np.asarray(scale, dtype=F32), "scale")
        z = self.const(F32(zp), "zp")
        b = self.const(F32(bits), "bw")
        return self.node("Quant", [x, s, z, b], domain=QD, signed=signed, narrow=narrow,
                         rounding_mode=mode)

    def bipolar(self, x, scale):
        return self.node("BipolarQuant", [x, self.const(np.asarray(scale, dtype=F32), "scale")],
                         domain=QD)

    def weights(self, codes, scale, bits, narrow=0):
        """A float weight constant through a Quant with per-column scale
        [1, N]: W = (code + u) * s with 0.1 <= |u| <= 0.4, so W / s is far
        from every rounding boundary of every mode (float32 or exact).
        Codes one beyond the range make the quantizer clamp."""
        scale = np.asarray(scale, dtype=F32).reshape(1, -1)
        u = self.rng.uniform(0.1, 0.4, size=codes.shape)
        u *= self.rng.choice([-1, 1], size=codes.shape)
        w = ((codes + u) * scale.astype(np.float64)).astype(F32)
        return self.quant(self.const(w, "W"), scale, bits, 1, narrow, "ROUND")

    def rand_codes(self, shape, bits, narrow=0):
        lo, hi = qrange(bits, 1, narrow)
        return self.rng.integers(lo - 1, hi + 2, size=shape).astype(np.float64)

    def save(self, out, x_shape, xs):
        g = helper.make_graph(self.nodes, self.name,
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
                              [helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, None])
                               for y in self.outputs], self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13),
                                                helper.make_opsetid(QD, 1)],
                              producer_name="bibc-tests")
        m.doc_string = "; ".join(self.desc)
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(out, self.name + ".onnx"))
        np.save(os.path.join(out, self.name + ".x.npy"), np.asarray(xs, dtype=F32))


# ---- hand-made models with many exact ties ----

def ties_modes(out):
    """Input scale 1, weight scale 0.75, Div by 3, quantizer scale 0.5:
    x / s = acc / 2, a half integer for every odd accumulator (and an
    integer, the boundary of the directed modes, for every even one).
    One branch (own weights) and one output per rounding mode."""
    b = Builder("ties_modes", 101)
    K, N = 4, 3
    h = b.quant("x", 1.0, 8)
    variants = [(4, 1, 0, 0), (4, 0, 0, 3), (3, 1, 1, 0), (4, 1, 0, -2), (3, 0, 1, 2),
                (4, 1, 1, 1), (3, 1, 0, 0)]
    for mode, (bits, signed, narrow, zp) in zip(MODES, variants):
        w = b.weights(b.rand_codes((K, N), 3), np.full(N, 0.75), 3)
        y = b.node("Div", [b.node("MatMul", [h, w]), b.const(np.array([3, 3, -3], F32))])
        b.outputs.append(b.quant(y, 0.5, bits, signed, narrow, mode, zp))
        b.desc.append(f"MatMul(w 0.75) Div(3,3,-3) Quant({mode},s0.5,{bits}b,"
                      f"{'s' if signed else 'u'}{',narrow' if narrow else ''},z{zp})")
    # small integers (exact multiples of the scale 1), some far out to saturate
    xs = b.rng.integers(-4, 5, size=(SAMPLES, K))
    far = b.rng.random(SAMPLES) < 0.05
    xs[far] = b.rng.integers(-200, 201, size=(far.sum(), K))
    b.save(out, [1, K], xs)


def ties_scaled(out):
    """Input scale 0.75, weight scales 1.5 and 0.375 (products 1.125 and
    0.28125), x - c with c on the product grid, Mul by -2 (0 on one
    channel), Relu, per-channel quantizer scale 4 x product: x / s =
    -(acc - k) / 2.  All scales differ from powers of two."""
    b = Builder("ties_scaled", 102)
    K, N = 5, 4
    ws = np.array([1.5, 0.375, 1.5, 0.375], F32)
    p = 0.75 * ws
    h = b.quant("x", 0.75, 8, mode="HALF_DOWN")
    w = b.weights(b.rand_codes((K, N), 3), ws, 3)
    c = (p * np.array([1, -2, 0, 3])).astype(F32)
    y = b.node("Sub", [b.node("MatMul", [h, w]), b.const(c)])
    y = b.node("Mul", [y, b.const(np.array([-2, -2, 0, -2], F32))])
    y = b.node("Relu", [y])
    b.outputs.append(b.quant(y, (4 * p).reshape(1, N), 3, 0, 0, "HALF_UP"))
    b.desc.append("MatMul(w 1.5,0.375) Sub(x-c) Mul(-2,-2,0,-2) Relu "
                  "Quant(HALF_UP,s4.5|1.125,3b,u)")
    xs = 0.75 * b.rng.integers(-3, 4, size=(SAMPLES, K))
    far = b.rng.random(SAMPLES) < 0.05
    xs[far] = b.rng.uniform(-150, 150, size=(far.sum(), K))
    b.save(out, [1, K], xs)


def near_ties(out):
    """As ties_modes, but Mul by float32(1/3) then by 3 (the first slightly
    above 1/3): the exact x / s = 1.5 acc (1 + 2^-25 or so) is just off the
    half integer, so ROUND and HALF_DOWN round it away from zero, while
    float32 evaluation lands on the tie itself: the float interpreter
    differs from the exact semantics on many samples."""
    b = Builder("near_ties", 104)
    K, N = 4, 3
    h = b.quant("x", 1.0, 8)
    third = F32(1.0) / F32(3.0)
    for mode in ("ROUND", "HALF_DOWN"):
        w = b.weights(b.rand_codes((K, N), 3), np.full(N, 0.75), 3)
        c = np.array([third, -third, third], F32)
        y = b.node("Mul", [b.node("MatMul", [h, w]), b.const(c)])
        y = b.node("Mul", [y, b.const(np.array([3, 3, -3], F32))])
        b.outputs.append(b.quant(y, 0.5, 4, 1, 0, mode, 0))
        b.desc.append(f"MatMul(w 0.75) Mul(f32(1/3),-f32(1/3),f32(1/3)) Mul(3,3,-3) "
                      f"Quant({mode},s0.5,4b,s)")
    xs = b.rng.integers(-2, 3, size=(SAMPLES, K))
    b.save(out, [1, K], xs)


def bn_square(out):
    """BatchNormalization whose sqrt(var + eps) is rational (eps = 2^-8,
    var = r^2 - eps): x / s = (acc - k) g / r + m + 1/2 with g / r in
    {1, -1, 1/2, 0}: ties on (nearly) every sample.  Then a second layer
    that ends on its MatMul."""
    b = Builder("bn_square", 103)
    K, N, N2 = 4, 4, 3
    h = b.quant("x", 0.75, 8)
    w = b.weights(b.rand_codes((K, N), 3), np.full(N, 1.5), 3)  # product 1.125
    r = np.array([1.5, 0.75, 3.0, 2.0])
    g = np.array([1.5, -0.75, 1.5, 0.0])
    eps = 2.0 ** -8
    mean = 1.125 * np.array([1, -2, 3, 0])
    beta = 1.125 * np.array([0.5, -1.5, 2.5, 1.5])
    bn = [b.const(a.astype(F32)) for a in (g, beta, mean, r * r - eps)]
    y = b.node("BatchNormalization", [b.node("MatMul", [h, w])] + bn, epsilon=eps)
    y = b.quant(y, 1.125, 4, mode="ROUND")
    w2 = b.weights(b.rand_codes((N, N2), 4), np.array([0.6, 0.3, 0.45]), 4)
    b.outputs.append(b.node("MatMul", [y, w2]))
    b.desc.append("MatMul(w 1.5) BatchNorm(sqrt(var+eps) = 1.5,0.75,3,2; gamma 1.5,-0.75,1.5,0) "
                  "Quant(ROUND,s1.125,4b,s) MatMul(w 0.6,0.3,0.45)")
    xs = 0.75 * b.rng.integers(-3, 4, size=(SAMPLES, K))
    far = b.rng.random(SAMPLES) < 0.05
    xs[far] = b.rng.uniform(-150, 150, size=(far.sum(), K))
    b.save(out, [1, K], xs)


# ---- random models ----

def rand_chain(b, y, yf, ops, N):
    """Appends the per-element ops to y (yf: its float64 samples [S, N])."""
    rng = b.rng
    desc = []
    for op in ops:
        spread = np.maximum(yf.std(axis=0), 1e-3)
        center = yf.mean(axis=0)
        if op == "Add":
            c = (-center + rng.normal(0, 0.5, N) * spread).astype(F32)
            y, yf = b.node("Add", [y, b.const(c)]), yf + c
        elif op == "SubL":   # x - c
            c = (center + rng.normal(0, 0.5, N) * spread).astype(F32)
            y, yf = b.node("Sub", [y, b.const(c)]), yf - c
        elif op == "SubR":   # c - x
            c = (center + rng.normal(0, 0.5, N) * spread).astype(F32)
            y, yf = b.node("Sub", [b.const(c), y]), c - yf
        elif op == "Mul":
            c = (rng.uniform(0.3, 3, N) * rng.choice([-1, 1], N)).astype(F32)
            c[rng.integers(N)] = 0
            c[0] = -abs(c[0])
            y, yf = b.node("Mul", [y, b.const(c)]), yf * c
        elif op == "Div":
            c = (rng.uniform(0.2, 4, N) * rng.choice([-1, 1], N)).astype(F32)
            c[0] = -abs(c[0])
            y, yf = b.node("Div", [y, b.const(c)]), yf / c
        elif op == "BN":
            g = (rng.uniform(0.2, 3, N) * rng.choice([-1, 1], N)).astype(F32)
            g[0] = -abs(g[0])
            g[rng.integers(1, N)] = 0
            beta = rng.normal(0, 1, N).astype(F32)
            mean = (center + rng.normal(0, 0.3, N) * spread).astype(F32)
            var = (spread ** 2 * rng.uniform(0.3, 3, N)).astype(F32)
            ins = [b.const(a) for a in (g, beta, mean, var)]
            y = b.node("BatchNormalization", [y] + ins, epsilon=1e-5)
            yf = (yf - mean) * g / np.sqrt(var.astype(np.float64) + F32(1e-5)) + beta
        elif op == "Relu":
            y, yf = b.node("Relu", [y]), np.maximum(yf, 0)
        else:
            raise ValueError(op)
        desc.append(op)
    return y, yf, desc


def rand_quant(b, y, yf, q):
    """Quantizer q = (kind, mode, per_channel, bits, signed, narrow, zp, po2)
    on y, its scale from the samples yf so the levels and saturation occur
    (rounded to a power of two if po2)."""
    kind, mode, perch, bits, signed, narrow, zp, po2 = q
    N = yf.shape[1]
    if kind == "Bipolar":
        s = not_po2(b.rng.uniform(0.2, 2))
        scale = np.array([not_po2(b.rng.uniform(0.2, 2)) for _ in range(N)], F32) if perch else s
        yq = np.where(yf >= 0, 1.0, -1.0) * scale
        return b.bipolar(y, scale if not perch else scale.reshape(1, N)), yq, \
            f"BipolarQuant({'per-channel' if perch else 'per-tensor'})"
    lo, hi = qrange(bits, signed, narrow)
    lev = hi - lo
    span = np.percentile(yf, 93, axis=0) - np.percentile(yf, 7, axis=0)
    if not perch:
        span = np.full(N, np.median(span))
    sc = np.array([max(sp, 1e-2) / max(lev, 1) * b.rng.uniform(0.9, 1.1) for sp in span])
    if po2:
        sc = np.exp2(np.round(np.log2(sc))).astype(F32)
    else:
        sc = np.array([not_po2(v) for v in sc], F32)
    yq = (np.clip(np.round(yf / sc + zp), lo, hi) - zp) * sc
    scale = sc.reshape(1, N) if perch else sc[0]
    return b.quant(y, scale, bits, signed, narrow, mode, zp), yq, \
        (f"Quant({mode},{'per-channel' if perch else 'per-tensor'},{'po2 ' if po2 else ''}{bits}b,"
         f"{'s' if signed else 'u'}{',narrow' if narrow else ''},z{zp})")


def rand_model(out, name, seed, K, N, xscale, wscale, ops, q, layer2=None):
    """layer2 = (N2, ops2, q2 or None): a second MatMul, its chain and
    quantizer (None: the model ends on the MatMul)."""
    b = Builder(name, seed)
    rng = b.rng
    xs_ = F32(xscale)
    lo, hi = -128, 127
    xs = rng.uniform(1.25 * lo * xs_, 1.25 * hi * xs_, size=(SAMPLES, K)).astype(F32)
    xq = np.clip(np.round(xs / xs_), lo, hi) * xs_
    h = b.quant("x", xs_, 8, mode=MODES[seed % 7])
    desc = [f"Quant(x s{xs_:.6g},{MODES[seed % 7]})"]
    y, yf = h, xq.astype(np.float64)
    layers = [(N, ops, q, wscale)]
    if layer2:
        layers.append((layer2[0], layer2[1], layer2[2], None))
    for n, ops_, q_, ws in layers:
        kin = yf.shape[1]
        bits = int(rng.integers(2, 5))
        if isinstance(ws, str):  # "po2": power-of-two weight scales (input scale is not)
            ws = np.array([2.0 ** -int(rng.integers(1, 4)) for _ in range(n)], F32)
        else:
            ws = np.array([not_po2(v) for v in rng.uniform(0.05, 0.5, n)], F32)
        narrow = int(rng.integers(2))
        codes = b.rand_codes((kin, n), bits, narrow)
        w = b.weights(codes, ws, bits, narrow)
        lo_, hi_ = qrange(bits, 1, narrow)
        y = b.node("MatMul", [y, w])
        yf = yf @ (np.clip(codes, lo_, hi_) * ws)
        desc.append(f"MatMul(w {bits}b)")
        y, yf, d = rand_chain(b, y, yf, ops_, n)
        desc += d
        if q_ is None:
            break
        y, yf, d = rand_quant(b, y, yf, q_)
        desc.append(d)
    b.outputs.append(y)
    b.desc.append(" ".join(desc))
    b.save(out, [1, K], xs)


def R(name, seed, *a, **k):
    return lambda out: rand_model(out, name, seed, *a, **k)


def Q(kind, mode, perch, bits=3, signed=1, narrow=0, zp=0, po2=False):
    return (kind, mode, perch, bits, signed, narrow, zp, po2)


MODELS = {
    "ties_modes": ties_modes,
    "ties_scaled": ties_scaled,
    "near_ties": near_ties,
    "bn_square": bn_square,
    "rand1": R("rand1", 1, 6, 4, 0.37, None, [], Q("Quant", "ROUND", 0, 3, 1)),
    "rand2": R("rand2", 2, 5, 5, 0.21, None, ["Add"], Q("Quant", "CEIL", 1, 4, 0, 0, 1)),
    "rand3": R("rand3", 3, 8, 4, 0.37, None, ["SubR", "Relu"], Q("Quant", "FLOOR", 0, 2, 0, 1),
               (3, [], None)),
    "rand4": R("rand4", 4, 6, 5, 0.29, "po2", ["Mul", "Add"], Q("Quant", "UP", 1, 3, 1, 1, -1)),
    "rand5": R("rand5", 5, 7, 4, 0.43, None, ["Div", "SubL"], Q("Quant", "DOWN", 0, 4, 1, 0, 2),
               (3, ["BN"], Q("Quant", "HALF_UP", 1, 3, 1, 0, 0))),
    "rand6": R("rand6", 6, 6, 6, 0.37, None, ["BN", "Relu"], Q("Quant", "HALF_DOWN", 1, 3, 0)),
    "rand7": R("rand7", 7, 5, 4, 0.19, None, ["Relu", "BN", "Mul", "Add"], Q("Bipolar", None, 0),
               (4, [], None)),
    "rand8": R("rand8", 8, 6, 5, 0.33, None, ["Add", "BN", "Div", "Relu"],
               Q("Quant", "ROUND", 0, 4, 0, 1, 0),
               (4, ["Add", "Relu", "Mul"], Q("Bipolar", None, 1))),
    "rand9": R("rand9", 9, 6, 4, 0.25, None, ["SubL", "Mul", "BN", "SubR"],
               Q("Quant", "HALF_UP", 0, 2, 1, 0, 0)),
    # power-of-two quantizer scales right after a scaled accumulator (no
    # float op between them), then after an integer Relu
    "po2_quant": R("po2_quant", 10, 5, 3, 0.37, None, [],
                   Q("Quant", "HALF_UP", 0, 4, 1, 0, 0, True),
                   (3, ["Relu"], Q("Quant", "FLOOR", 1, 3, 0, 0, 0, True))),
}


def main(argv):
    if argv[1:] == ["--list"]:
        print("\n".join(MODELS))
        return 0
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out, names = argv[1], argv[2:] or list(MODELS)
    os.makedirs(out, exist_ok=True)
    for n in names:
        if n not in MODELS:
            print(f"make_models.py: unknown model {n}", file=sys.stderr)
            return 2
        MODELS[n](out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
