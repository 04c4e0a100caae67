#!/usr/bin/python3
"""Exact real-number reference for the models of tests/thresholds.

    reference.py MODEL.onnx X.npy [--check DIR] [--write DIR]

Evaluates MODEL on the samples X (leading dimension = samples) with exact
arithmetic, from the semantics alone (no code or algorithm of bibc):
  - the Quant of the graph input runs in float32 exactly as QONNX's numpy
    code does (x / s, + z, clamp, round, each rounded to float32): that is
    what bibc runs too; its integer codes q - z, times the scale, are exact;
  - a Quant of a constant (the weights) and every Quant, BipolarQuant,
    MatMul, Add, Sub, Mul, Div, BatchNormalization and Relu after it is
    computed on exact real numbers: each float32 constant is taken at its
    exact value (Fraction), nothing is rounded, and BatchNormalization's
    (u - mean) * gamma / sqrt(var + eps) + beta is kept as p + q sqrt(w)
    with p, q, w rational.  Every comparison is exact: a + b sqrt(w) >= 0
    is decided by the signs of a and b and, when they differ, by a^2
    against b^2 w;
  - Quant: t = y / s + z, clamped to [min_int, max_int], rounded by the
    QONNX mode with exact ties (ROUND half to even, HALF_UP half away from
    zero, HALF_DOWN half toward zero, UP away from zero, DOWN toward zero,
    CEIL, FLOOR); the value is (code - z) s.  BipolarQuant: s if y >= 0
    else -s;
  - a graph output is its exact value rounded to double, then to float32.
An exact tie is a quantizer input t (inside the clamp range) that lies on
a decision boundary of its mode: a half integer for the nearest modes, an
integer for the directed ones, 0 for BipolarQuant.

--check DIR compares with DIR/output_<i>.npy ('bibc run -o DIR') bit for
bit, prints one summary line (and the first mismatches), and exits 1 on a
mismatch.  --float DIR only counts the values where DIR (the float
interpreter's outputs) differs as numbers: float32 evaluation may round
differently near ties, a final MatMul in float32 rounds its sums, and
QONNX's float rounding makes -0.  --write DIR
saves the expected outputs as DIR/output_<i>.npy.
"""
import os
import sys
from fractions import Fraction as Fr
import numpy as np
import onnx
from onnx import helper, numpy_helper

HALF = Fr(1, 2)


def sgn(a):
    return (a > 0) - (a < 0)


class Surd:
    """The real number p + q sqrt(w) (p, q, w rational, w > 0 if q != 0)."""
    __slots__ = ("p", "q", "w")

    def __init__(self, p, q=Fr(0), w=Fr(0)):
        self.p, self.q, self.w = Fr(p), Fr(q), Fr(w) if q else Fr(0)

    def key(self):
        return (self.p, self.q, self.w)

    def sign(self):
        sa, sb = sgn(self.p), sgn(self.q)
        if sb == 0:
            return sa
        if sa == 0 or sa == sb:
            return sb
        # opposite signs: |p| against |q| sqrt(w), compared squared
        return sa * sgn(self.p * self.p - self.q * self.q * self.w)

    def add(self, c):
        return Surd(self.p + c, self.q, self.w)

    def mul(self, c):
        return Surd(self.p * c, self.q * c, self.w)

    def neg(self):
        return self.mul(-1)

    def cmp(self, c):
        """sign(self - c) for a rational c."""
        return self.add(-c).sign()

    def rational(self):
        if self.q:
            raise ValueError("the value is not rational")
        return self.p


def exact(a):
    """A float32 (or integer) constant at its exact value."""
    return Fr(float(a))


# ---- tensors: Codes (integer codes times a scale) or Exact (Surd per element) ----

class Codes:
    """Real value code * scale; codes int [S, N] (objects), scale per
    column (list of N Fractions, or one) along the last axis."""
    def __init__(self, codes, scale):
        self.codes, self.scale = codes, scale

    def col_scale(self, j):
        return self.scale[j] if isinstance(self.scale, list) else self.scale

    def value(self, i, j):
        return Surd(int(self.codes[i, j]) * self.col_scale(j))


class Exact:
    def __init__(self, vals):
        self.vals = vals  # numpy object array [S, N] of Surd

    def value(self, i, j):
        return self.vals[i, j]


class Model:
    def __init__(self, path):
        self.m = onnx.load(path)
        g = self.m.graph
        self.consts = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        self.ties = {}         # quantizer mode -> exact ties seen
        self.cover = []        # per quantizer: levels reached, clamped values

    def param(self, name, n):
        """Constant name broadcast to the last axis of length n: list of n Fractions."""
        a = np.asarray(self.consts[name]).reshape(-1)
        if a.size == 1:
            return [exact(a[0])] * n
        if a.size != n:
            raise ValueError(f"{name}: {a.size} values for {n} channels")
        return [exact(v) for v in a]

    # -- quantizers --

    def quant_int(self, t, lo, hi, mode):
        """(code, tie) for the exact Surd t: clamp to [lo, hi], then round.
        tie is None when t was clamped."""
        if t.cmp(hi) >= 0:
            return hi, None
        if t.cmp(lo) <= 0:
            return lo, None
        a, b = lo, hi - 1          # floor(t) in [lo, hi - 1]: largest f with t >= f
        while a < b:
            mid = (a + b + 1) // 2
            if t.cmp(mid) >= 0:
                a = mid
            else:
                b = mid - 1
        f = a
        is_int = t.cmp(f) == 0
        half = t.cmp(f + HALF)     # sign(t - (f + 1/2))
        pos = t.sign() > 0
        if mode == "FLOOR":
            return f, is_int
        if mode == "CEIL":
            return (f if is_int else f + 1), is_int
        if mode == "DOWN":
            return (f if is_int or pos else f + 1), is_int
        if mode == "UP":
            return (f + 1 if pos and not is_int else f), is_int
        if half != 0:
            return (f if half < 0 else f + 1), False
        if mode == "ROUND":
            return (f if f % 2 == 0 else f + 1), True
        if mode == "HALF_UP":
            return (f + 1 if pos else f), True
        if mode == "HALF_DOWN":
            return (f if pos else f + 1), True
        raise ValueError(f"rounding_mode {mode}")

    def quant_float32(self, x, node, s, z, lo, hi, mode):
        """QONNX's numpy Quant on float32 x [S, N]: the codes q - z."""
        f32 = np.float32
        s = np.asarray(s, dtype=f32)
        z = f32(z)
        q = (x / s).astype(f32)
        q = (q + z).astype(f32)
        q = np.where(q > f32(hi), f32(hi), q)
        q = np.where(q < f32(lo), f32(lo), q)
        sg = np.sign(q)
        r = {"ROUND": lambda: np.rint(q), "CEIL": lambda: np.ceil(q), "FLOOR": lambda: np.floor(q),
             "UP": lambda: sg * np.ceil(np.abs(q)), "DOWN": lambda: np.trunc(q),
             "HALF_UP": lambda: sg * np.floor((np.abs(q) + f32(0.5)).astype(f32)),
             "HALF_DOWN": lambda: sg * np.ceil((np.abs(q) - f32(0.5)).astype(f32))}[mode]()
        r = (r.astype(f32) - z).astype(f32)
        assert np.all(r == np.round(r)), node.name
        return r.astype(np.int64).astype(object)

    def node_quant(self, node, env):
        a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
        signed, narrow = a.get("signed", 1), a.get("narrow", 0)
        mode = a.get("rounding_mode", b"ROUND")
        mode = (mode.decode() if isinstance(mode, bytes) else mode).upper()
        bits = int(self.consts[node.input[3]].reshape(-1)[0])
        zp = self.consts[node.input[2]].reshape(-1)
        assert np.all(zp == zp[0]) and zp[0] == int(zp[0]), "zeropt must be one integer"
        z = int(zp[0])
        if bits < 2:
            raise ValueError("bitwidth 1 (bipolar Quant) is not used by these models")
        lo = -(1 << (bits - 1)) + narrow if signed else 0
        hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1 - narrow
        x = node.input[0]
        if x in self.consts:  # a weight constant [K, N]: exact
            w = self.consts[x]
            n = w.shape[-1]
            s = self.param(node.input[1], n)
            codes = np.empty(w.shape, dtype=object)
            for (k, j), v in np.ndenumerate(w):
                codes[k, j] = self.quant_int(Surd(exact(v) / s[j] + z), lo, hi, mode)[0] - z
            return Codes(codes, s)
        xv = env[x]
        if isinstance(xv, np.ndarray):  # the float graph input
            n = xv.shape[-1]
            sraw = np.asarray(self.consts[node.input[1]], dtype=np.float32)
            sraw = sraw.reshape(-1) if sraw.size > 1 else sraw.reshape(())
            codes = self.quant_float32(xv, node, sraw, z, lo, hi, mode)
            return Codes(codes, self.param(node.input[1], n))
        S, n = xv_shape(xv)
        s = self.param(node.input[1], n)
        cache, hit, sat = {}, set(), 0
        codes = np.empty((S, n), dtype=object)
        for i in range(S):
            for j in range(n):
                y = xv.value(i, j)
                k = (j, y.key())
                if k not in cache:
                    cache[k] = self.quant_int(y.mul(1 / s[j]).add(z), lo, hi, mode)
                c, tie = cache[k]
                codes[i, j] = c - z
                hit.add((j, c))
                sat += tie is None
                if tie:
                    self.count_tie(mode)
        self.cover.append(f"{len(hit)}/{n * (hi - lo + 1)} levels, {sat} clamped")
        return Codes(codes, s)

    def count_tie(self, mode):
        self.ties[mode] = self.ties.get(mode, 0) + 1

    def node_bipolar(self, node, env):
        xv = env[node.input[0]]
        S, n = xv_shape(xv)
        s = self.param(node.input[1], n)
        codes = np.empty((S, n), dtype=object)
        for i in range(S):
            for j in range(n):
                sg = xv.value(i, j).sign()
                codes[i, j] = 1 if sg >= 0 else -1
                if sg == 0:
                    self.count_tie("BIPOLAR")
        self.cover.append(f"{int((codes < 0).sum())} -1, {int((codes > 0).sum())} +1")
        return Codes(codes, s)

    # -- the rest --

    def node_matmul(self, node, env):
        a, b = env[node.input[0]], env[node.input[1]]
        if not (isinstance(a, Codes) and isinstance(b, Codes)):
            raise ValueError(f"{node.name}: MatMul of integer codes only")
        if isinstance(a.scale, list) and len(set(a.scale)) > 1:
            raise ValueError(f"{node.name}: input scale varies along K")
        sa = a.scale[0] if isinstance(a.scale, list) else a.scale
        acc = a.codes.dot(b.codes)  # Python integers: exact
        n = b.codes.shape[1]
        return Codes(acc, [sa * b.col_scale(j) for j in range(n)])

    def node_elementwise(self, node, env):
        op = node.op_type
        ins = list(node.input)
        if op in ("Relu",):
            x, c = ins[0], None
        elif op == "BatchNormalization":
            x = ins[0]
        else:
            x = ins[0] if ins[0] not in self.consts else ins[1]
            c = ins[1] if x == ins[0] else ins[0]
        xv = env[x]
        S, n = xv_shape(xv)
        if op == "BatchNormalization":
            a = {t.name: helper.get_attribute_value(t) for t in node.attribute}
            eps = Fr(float(np.float32(a.get("epsilon", 1e-5))))
            g, beta, mean, var = (self.param(t, n) for t in ins[1:5])
        elif op != "Relu":
            k = self.param(c, n)

        def f(j, y):
            if op == "Add":
                return y.add(k[j])
            if op == "Sub":
                return y.add(-k[j]) if x == ins[0] else y.neg().add(k[j])
            if op == "Mul":
                return y.mul(k[j])
            if op == "Div":
                if x != ins[0] or k[j] == 0:
                    raise ValueError(f"{node.name}: Div by a nonzero constant only")
                return y.mul(1 / k[j])
            if op == "Relu":
                return y if y.sign() > 0 else Surd(0)
            if op == "BatchNormalization":
                # (u - mean) g / sqrt(w) + beta = beta + ((u - mean) g / w) sqrt(w)
                w = var[j] + eps
                assert w > 0
                return Surd(beta[j], (y.rational() - mean[j]) * g[j] / w, w)
            raise ValueError(f"{node.name}: unsupported op {op}")

        cache = {}
        out = np.empty((S, n), dtype=object)
        for i in range(S):
            for j in range(n):
                y = xv.value(i, j)
                kk = (j, y.key())
                if kk not in cache:
                    cache[kk] = f(j, y)
                out[i, j] = cache[kk]
        return Exact(out)

    def run(self, x):
        g = self.m.graph
        env = {g.input[0].name: x.reshape(x.shape[0], -1).astype(np.float32)}
        for node in g.node:
            if node.op_type == "Quant":
                r = self.node_quant(node, env)
            elif node.op_type == "BipolarQuant":
                r = self.node_bipolar(node, env)
            elif node.op_type == "MatMul":
                r = self.node_matmul(node, env)
            else:
                r = self.node_elementwise(node, env)
            env[node.output[0]] = r
        outs = []
        for o in g.output:
            v = env[o.name]
            S, n = xv_shape(v)
            y = np.empty((S, n), dtype=np.float32)
            for i in range(S):
                for j in range(n):
                    y[i, j] = np.float32(float(v.value(i, j).rational()))
            outs.append(y)
        return outs


def xv_shape(v):
    a = v.codes if isinstance(v, Codes) else v.vals
    return a.shape


def compare(outs, d, x, show, bits=True):
    """Values of outs that differ (in any bit, or as numbers: -0 == 0) from
    d/output_<k>.npy, printing the first show of them; and the number of
    values."""
    bad, nvals = 0, 0
    for k, y in enumerate(outs):
        got = np.load(os.path.join(d, f"output_{k}.npy")).astype(np.float32).reshape(y.shape)
        diff = y.view(np.uint32) != got.view(np.uint32) if bits else y != got
        nvals += y.size
        bad += int(diff.sum())
        for i, j in zip(*np.nonzero(diff)):
            if show > 0:
                print(f"  MISMATCH output {k} sample {i} channel {j}: x = {x[i].tolist()}, "
                      f"expected {y[i, j]!r}, got {got[i, j]!r}")
                show -= 1
    return bad, nvals


def main(argv):
    args, opt = [], {}
    it = iter(argv[1:])
    for a in it:
        if a in ("--check", "--write", "--float"):
            opt[a] = next(it)
        else:
            args.append(a)
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    model = Model(args[0])
    x = np.load(args[1])
    outs = model.run(x)
    name = os.path.basename(args[0]).rsplit(".", 1)[0]
    if "--write" in opt:
        os.makedirs(opt["--write"], exist_ok=True)
        for k, y in enumerate(outs):
            np.save(os.path.join(opt["--write"], f"output_{k}.npy"), y)
    nties = sum(model.ties.values())
    line = (f"{x.shape[0]} samples, %s{nties} exact ties "
            f"({', '.join(f'{m} {c}' for m, c in sorted(model.ties.items())) or 'none'}); "
            f"quantizers: {'; '.join(model.cover) or '-'}")
    if "--float" in opt:  # information only: float32 rounding may differ near ties
        fbad, nvals = compare(outs, opt["--float"], x, 0, bits=False)
        line += f"; float interpreter differs on {fbad}/{nvals}"
    if "--check" not in opt:
        print(f"{name}: [{model.m.doc_string}] " + line % "")
        return 0
    bad, nvals = compare(outs, opt["--check"], x, 8)
    print(f"{'ok' if bad == 0 else 'FAIL'} {name}: [{model.m.doc_string}] "
          + line % f"{nvals} values, {bad} mismatches, ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
