#!/usr/bin/python3
"""make_qcdq_cases.py - writes tests/conformance/qcdq/: ONNX-node-test-shaped
cases (model.onnx, test_data_set_0/input_K.pb, output_0.pb) for the QCDQ
operators, covering what the ONNX node tests do not: every axis, blocked
scales with partial blocks, int32 inputs, precision/output_dtype, per-row
and per-column MatMul parameters with batch broadcasting and 1-D operands,
int32 wrap-around, grouped/strided/dilated/auto-padded 1-D to 3-D
convolutions with per-channel weights and bias, and exact rounding ties
with odd zero points.

Run with Debian's python3 (python3-onnx, python3-numpy):
    /usr/bin/python3 tests/conformance/make_qcdq_cases.py
Expected outputs follow onnx/reference/ops (numpy) step by step, except
that QuantizeLinear saturates values beyond int32 as the spec says (the
reference's float -> int32 cast is undefined there).  Seeded, so the output
is deterministic; the files are committed and the tests need no Python.
"""
import itertools
import os
import shutil

import numpy as np
from onnx import TensorProto as TP, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qcdq")
shutil.rmtree(ROOT, ignore_errors=True)
rng = np.random.default_rng(42)
NP2TP = {np.float32: TP.FLOAT, np.uint8: TP.UINT8, np.int8: TP.INT8, np.uint16: TP.UINT16,
         np.int16: TP.INT16, np.int32: TP.INT32}


def tp(a):
    return NP2TP[a.dtype.type]


def case(name, op, inputs, outputs, attrs, opset, in_names=None):
    """inputs: list of (name, array or None); outputs: list of (name, array)."""
    d = os.path.join(ROOT, "test_qcdq_" + name)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    names = [nm if a is not None else "" for nm, a in inputs]
    while names and names[-1] == "":
        names.pop()
    node = helper.make_node(op, names, [nm for nm, _ in outputs], name="n0", **attrs)
    gin = [helper.make_tensor_value_info(nm, tp(a), a.shape) for nm, a in inputs if a is not None]
    gout = [helper.make_tensor_value_info(nm, tp(a), a.shape) for nm, a in outputs]
    g = helper.make_graph([node], name, gin, gout)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    open(os.path.join(d, "model.onnx"), "wb").write(m.SerializeToString())
    k = 0
    for nm, a in inputs:
        if a is None:
            continue
        t = numpy_helper.from_array(a, nm)
        open(os.path.join(d, "test_data_set_0", "input_%d.pb" % k), "wb").write(t.SerializeToString())
        k += 1
    for k, (nm, a) in enumerate(outputs):
        t = numpy_helper.from_array(a, nm)
        open(os.path.join(d, "test_data_set_0", "output_%d.pb" % k), "wb").write(t.SerializeToString())


RANGES = {np.uint8: (0, 255), np.int8: (-128, 127), np.uint16: (0, 65535), np.int16: (-32768, 32767)}


def reshape_param(v, shape, axis, block):
    # onnx/reference/ops/op_quantize_linear.py _reshape_input
    if len(v.shape) == 0:
        return v
    if v.size == 1:
        return v.reshape(-1)[0]
    if not block:
        dims = [1] * len(shape)
        dims[axis] = v.size
        return v.reshape(dims)
    v = np.repeat(v, repeats=block, axis=axis)
    if shape[axis] != v.shape[axis]:
        v = v.take(indices=range(shape[axis]), axis=axis)
    return v


def ref_quantize(x, s, zp, axis=1, block=0, ydt=np.uint8, precision=None):
    s2 = reshape_param(s, x.shape, axis, block)
    if precision is not None:
        v = x.astype(precision) / np.asarray(s2).astype(precision)
    else:
        v = x / s2
    lo, hi = RANGES[ydt]
    xi = np.clip(np.rint(v).astype(np.float64), -2.0**31, 2.0**31 - 1).astype(np.int32)
    if zp is not None:
        xi = xi + reshape_param(zp, x.shape, axis, block)
    return np.clip(xi, lo, hi).astype(ydt)


def ref_dequantize(x, s, zp, axis=1, block=0):
    if zp is not None:
        dx = x.astype(np.float32) - reshape_param(zp, x.shape, axis, block)
    else:
        dx = x.astype(np.float32)
    y = dx * reshape_param(s, x.shape, axis, block)
    return np.asarray(y).astype(np.float32)


def qdata(dt, shape):
    lo, hi = RANGES[dt] if dt in RANGES else (-1000, 1000)
    return rng.integers(lo, hi + 1, size=shape).astype(dt)


# ---- QuantizeLinear ----
def ql(name, x, s, zp, opset, axis=None, block=None, odt=None, ydt=None, precision=None):
    attrs = {}
    if axis is not None:
        attrs["axis"] = axis
    if block is not None:
        attrs["block_size"] = block
    if odt is not None:
        attrs["output_dtype"] = odt
    if precision is not None:
        attrs["precision"] = {np.float32: TP.FLOAT, np.float64: TP.DOUBLE}[precision]
    ydt = ydt or (zp.dtype.type if zp is not None else np.uint8)
    y = ref_quantize(x, s, zp, axis if axis is not None else 1, block or 0, ydt, precision)
    inputs = [("x", x), ("s", s)] + ([("zp", zp)] if zp is not None else [])
    case("ql_" + name, "QuantizeLinear", inputs, [("y", y)], attrs, opset)


# ties: x/s = k + 0.5 exactly
s = np.float32(0.5)
x = (np.arange(-40, 40, dtype=np.float32) * 0.25).reshape(2, 5, 8)
ql("ties_u8_opset10", x, np.array(s), np.array(7, np.uint8), 10)
ql("ties_i8", x, np.array(s), np.array(-3, np.int8), 13)
ql("ties_nozp", x, np.array(s), None, 13)
ql("sat_u8", np.array([-1e6, -300, -1.5, 0, 254.5, 255.5, 300, 1e6, 3e9, -3e9], np.float32),
   np.array(1, np.float32), np.array(0, np.uint8), 13)
ql("sat_i16", np.array([-40000.4, -32768.5, -32767.5, 32766.5, 32767.5, 40000], np.float32),
   np.array(1, np.float32), np.array(0, np.int16), 21)
ql("sat_u16", np.array([-1, 0.5, 1.5, 65534.5, 65535.5, 70000], np.float32),
   np.array(1, np.float32), np.array(1, np.uint16), 21)
xr = rng.standard_normal((2, 3, 4, 5)).astype(np.float32) * 4
for ax in (0, 1, 2, 3, -1, -3):
    sc = (rng.uniform(0.01, 0.2, xr.shape[ax])).astype(np.float32)
    z = qdata(np.int8, xr.shape[ax]) // 4
    ql("axis%d" % ax if ax >= 0 else "axism%d" % -ax, xr, sc, z.astype(np.int8), 13, axis=ax)
sc = rng.uniform(0.01, 0.2, 3).astype(np.float32)
ql("axis_default_u16", xr * 100, sc, (qdata(np.uint16, 3) // 2).astype(np.uint16), 21)
ql("scale1_rank1", xr, np.array([0.03], np.float32), np.array([5], np.uint8), 13)
# blocked
xb = rng.standard_normal((2, 7, 3)).astype(np.float32) * 3
for blk in (1, 2, 3, 7, 8):
    nb = -(-7 // blk)
    sc = rng.uniform(0.01, 0.1, (2, nb, 3)).astype(np.float32)
    z = qdata(np.int8, (2, nb, 3)) // 8
    ql("blocked_b%d" % blk, xb, sc, z.astype(np.int8), 21, axis=1, block=blk)
sc = rng.uniform(0.01, 0.1, (2, 7, 2)).astype(np.float32)
ql("blocked_last_odt", xb, sc, None, 21, axis=-1, block=2, odt=TP.INT16, ydt=np.int16)
ql("odt_i8", xr, np.array(0.05, np.float32), None, 21, odt=TP.INT8, ydt=np.int8)
# int32 input
xi = rng.integers(-5000, 5000, (3, 4)).astype(np.int32)
ql("x_i32_f32scale", xi, np.array(7.3, np.float32), np.array(3, np.int8), 13)
ql("x_i32_i32scale", xi, np.array(7, np.int32), np.array(120, np.uint8), 19)
ql("x_i32_i32scale_axis", xi, np.array([3, 5, 7, 9], np.int32), np.array([1, 2, 3, 4], np.int8), 21, axis=1)
ql("x_i32_prec_f32", xi * 4000, np.array(7, np.int32), np.array(0, np.int16), 23, precision=np.float32)
ql("x_f32_prec_f64", xr, np.array(0.0123, np.float32), np.array(0, np.int8), 23, precision=np.float64)
ql("rank0", np.array(3.3, np.float32), np.array(0.1, np.float32), np.array(2, np.int8), 13)
ql("empty", np.zeros((2, 0, 3), np.float32), np.zeros(0, np.float32), np.zeros(0, np.uint8), 13, axis=1)


# ---- DequantizeLinear ----
def dql(name, x, s, zp, opset, axis=None, block=None):
    attrs = {}
    if axis is not None:
        attrs["axis"] = axis
    if block is not None:
        attrs["block_size"] = block
    y = ref_dequantize(x, s, zp, axis if axis is not None else 1, block or 0)
    inputs = [("x", x), ("s", s)] + ([("zp", zp)] if zp is not None else [])
    case("dql_" + name, "DequantizeLinear", inputs, [("y", y)], attrs, opset)


for dt in (np.uint8, np.int8, np.uint16, np.int16):
    xq = qdata(dt, (2, 3, 4))
    dql("pt_%s" % dt.__name__, xq, np.array(0.0371, np.float32), qdata(dt, ()), 21)
    dql("ax0_%s" % dt.__name__, xq, rng.uniform(0.001, 1, 2).astype(np.float32), qdata(dt, 2), 21, axis=0)
    dql("ax2_%s" % dt.__name__, xq, rng.uniform(0.001, 1, 4).astype(np.float32), qdata(dt, 4), 21, axis=-1)
    dql("blk_%s" % dt.__name__, xq, rng.uniform(0.001, 1, (2, 3, 2)).astype(np.float32), qdata(dt, (2, 3, 2)), 21, axis=2, block=3)
dql("u8_opset10", qdata(np.uint8, (5,)), np.array(0.5, np.float32), np.array(128, np.uint8), 10)
dql("u8_nozp", qdata(np.uint8, (5,)), np.array(0.5, np.float32), None, 13)
dql("i32_nozp", rng.integers(-2**31, 2**31 - 1, (4, 5)).astype(np.int32), np.array(1.37e-3, np.float32), None, 13)
dql("i32_axis_nozp", rng.integers(-2**31, 2**31 - 1, (4, 5)).astype(np.int32), rng.uniform(0, 1, 5).astype(np.float32), None, 13, axis=1)
dql("i32_zp0", rng.integers(-2**31, 2**31 - 1, (4, 5)).astype(np.int32), np.array(0.3, np.float32), np.array(0, np.int32), 13)
dql("rank0", np.array(200, np.uint8), np.array(0.25, np.float32), np.array(100, np.uint8), 13)


# ---- MatMulInteger / QLinearMatMul ----
def mm_view(p, role):
    """Reshape a per-row 1-D param [M] to [M,1] (role a/y); N-D as is."""
    if p is None:
        return 0
    p = np.asarray(p)
    if p.size == 1:
        return p.reshape(())
    if p.ndim == 1 and role in "ay":
        return p.reshape(-1, 1)
    return p


def ref_mmint(a, b, azp, bzp):
    A = a.astype(np.int32) - np.asarray(mm_view(azp, "a")).astype(np.int32)
    B = b.astype(np.int32) - np.asarray(mm_view(bzp, "b")).astype(np.int32)
    return np.matmul(A, B)  # int32, wraps


def ref_qlmm(a, as_, azp, b, bs, bzp, ys, yzp):
    C = ref_mmint(a, b, azp, bzp)
    mult = (mm_view(as_, "a") * mm_view(bs, "b") / mm_view(ys, "y")).astype(np.float32)
    D = C * mult.astype(np.float64)
    if yzp is not None:
        D = D + mm_view(yzp, "y")
        dt = yzp.dtype
    else:
        dt = a.dtype
    ii = np.iinfo(dt)
    return np.clip(np.rint(D), ii.min, ii.max).astype(dt)


def mmi(name, a, b, azp=None, bzp=None):
    y = ref_mmint(a, b, azp, bzp)
    case("mmi_" + name, "MatMulInteger", [("A", a), ("B", b), ("azp", azp), ("bzp", bzp)], [("Y", y)], {}, 10)


def qlmm(name, a, as_, azp, b, bs, bzp, ys, yzp, opset=10):
    y = ref_qlmm(a, as_, azp, b, bs, bzp, ys, yzp)
    case("qlmm_" + name, "QLinearMatMul",
         [("a", a), ("as", as_), ("azp", azp), ("b", b), ("bs", bs), ("bzp", bzp), ("ys", ys), ("yzp", yzp)],
         [("y", y)], {}, opset)


for ta, tb in itertools.product((np.uint8, np.int8), repeat=2):
    nm = "%s_%s" % (ta.__name__, tb.__name__)
    a, b = qdata(ta, (4, 5)), qdata(tb, (5, 3))
    mmi(nm, a, b, qdata(ta, ()), qdata(tb, ()))
    mmi(nm + "_rowcol", a, b, qdata(ta, (4,)), qdata(tb, (3,)))
    mmi(nm + "_nozp", a, b)
    for ty in (np.uint8, np.int8):
        qlmm(nm + "_" + ty.__name__, a, np.array(0.02, np.float32), qdata(ta, ()), b,
             np.array(0.013, np.float32), qdata(tb, ()), np.array(0.5, np.float32), qdata(ty, ()))
a, b = qdata(np.uint8, (2, 1, 3, 4)), qdata(np.int8, (3, 4, 2))
mmi("batch_bcast", a, b, qdata(np.uint8, (2, 1, 3, 1)), qdata(np.int8, (3, 1, 2)))
mmi("batch_bcast_b", qdata(np.int8, (3, 4)), qdata(np.int8, (2, 3, 4, 5)), qdata(np.int8, (3,)), qdata(np.int8, (2, 1, 1, 5)))
mmi("a1d", qdata(np.uint8, (4,)), qdata(np.uint8, (2, 4, 3)), qdata(np.uint8, ()), qdata(np.uint8, (3,)))
mmi("b1d", qdata(np.int8, (2, 3, 4)), qdata(np.uint8, (4,)), qdata(np.int8, (3,)), np.array([9], np.uint8))
# 34000 * 255 * 255 > 2^31: int32 accumulation wraps
mmi("wrap", np.full((1, 34000), 255, np.uint8), np.full((34000, 1), -128, np.int8), np.array(0, np.uint8),
    np.array(127, np.int8))
# per-row / per-column requantization, ties with odd zero points
a, b = qdata(np.uint8, (4, 6)), qdata(np.int8, (6, 5))
qlmm("rowcol", a, rng.uniform(0.01, 0.03, 4).astype(np.float32), qdata(np.uint8, (4,)), b,
     rng.uniform(0.01, 0.03, 5).astype(np.float32), qdata(np.int8, (5,)), np.array(0.37, np.float32),
     np.array(3, np.uint8))
qlmm("rowcol_y", a, rng.uniform(0.01, 0.03, 4).astype(np.float32), qdata(np.uint8, (4,)), b,
     rng.uniform(0.01, 0.03, 5).astype(np.float32), qdata(np.int8, (5,)), rng.uniform(0.1, 0.5, 4).astype(np.float32),
     qdata(np.uint8, (4,)))
a3, b3 = qdata(np.int8, (2, 3, 4)), qdata(np.int8, (2, 4, 5))
qlmm("nd_rowcol", a3, rng.uniform(0.01, 0.03, (2, 3, 1)).astype(np.float32), qdata(np.int8, (2, 3, 1)), b3,
     rng.uniform(0.01, 0.03, (1, 5)).astype(np.float32), qdata(np.int8, (1, 5)), np.array(0.2, np.float32),
     np.array(-5, np.int8), 21)
small_a, small_b = qdata(np.uint8, (5, 7)) // 16, qdata(np.uint8, (7, 6)) // 16
for zp in (0, 1, 2, 3):
    qlmm("ties_zp%d" % zp, small_a, np.array(0.5, np.float32), np.array(3, np.uint8), small_b,
         np.array(0.25, np.float32), np.array(4, np.uint8), np.array(0.25, np.float32), np.array(zp, np.uint8))
qlmm("nozp", small_a, np.array(0.5, np.float32), None, small_b, np.array(0.25, np.float32), None,
     np.array(0.25, np.float32), None)
qlmm("sat", qdata(np.uint8, (3, 8)), np.array(1.0, np.float32), np.array(0, np.uint8), qdata(np.uint8, (8, 3)),
     np.array(1.0, np.float32), np.array(0, np.uint8), np.array(1.0, np.float32), np.array(0, np.int8))


# ---- ConvInteger / QLinearConv ----
def conv_pads(xs, ks, strides, dil, pads, auto_pad):
    nsp = len(xs)
    pb, pe, outs = [], [], []
    for i in range(nsp):
        e = (ks[i] - 1) * dil[i] + 1
        if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            out = -(-xs[i] // strides[i])
            total = max(0, (out - 1) * strides[i] + e - xs[i])
            b = total // 2 if auto_pad == "SAME_UPPER" else total - total // 2
            pb.append(b); pe.append(total - b)
        elif auto_pad == "VALID":
            pb.append(0); pe.append(0)
        else:
            pb.append(pads[i]); pe.append(pads[nsp + i])
        outs.append((xs[i] + pb[i] + pe[i] - e) // strides[i] + 1)
    return pb, pe, outs


def ref_conv_int(X, W, group, strides, dil, pads, auto_pad, B=None):
    # X, W int64 already zero-point adjusted; zero padding
    N, C = X.shape[:2]
    M = W.shape[0]
    ks = W.shape[2:]
    pb, pe, outs = conv_pads(X.shape[2:], ks, strides, dil, pads, auto_pad)
    Xp = np.pad(X, [(0, 0), (0, 0)] + [(pb[i], pe[i]) for i in range(len(ks))])
    Y = np.zeros([N, M] + outs, np.int64)
    cg, mg = C // group, M // group
    for m in range(M):
        g = m // mg
        for o in itertools.product(*[range(v) for v in outs]):
            sl = tuple(slice(o[i] * strides[i], o[i] * strides[i] + (ks[i] - 1) * dil[i] + 1, dil[i])
                       for i in range(len(ks)))
            patch = Xp[(slice(None), slice(g * cg, (g + 1) * cg)) + sl]
            Y[(slice(None), m) + o] = (patch * W[m][None]).reshape(N, -1).sum(axis=1)
    if B is not None:
        Y += B.reshape([1, M] + [1] * len(ks))
    return Y.astype(np.int32)  # wraps


def conv_attrs(group, strides, dil, pads, auto_pad, nsp, ks):
    at = {}
    if group != 1:
        at["group"] = group
    if strides != [1] * nsp:
        at["strides"] = strides
    if dil != [1] * nsp:
        at["dilations"] = dil
    if auto_pad != "NOTSET":
        at["auto_pad"] = auto_pad
    elif pads != [0] * (2 * nsp):
        at["pads"] = pads
    at["kernel_shape"] = list(ks)
    return at


def convi(name, x, w, xzp, wzp, group=1, strides=None, dil=None, pads=None, auto_pad="NOTSET"):
    nsp = x.ndim - 2
    strides, dil, pads = strides or [1] * nsp, dil or [1] * nsp, pads or [0] * (2 * nsp)
    X = x.astype(np.int64) - (np.int64(xzp) if xzp is not None else 0)
    wz = np.asarray(wzp).astype(np.int64).reshape([-1] + [1] * (x.ndim - 1)) if wzp is not None else 0
    W = w.astype(np.int64) - wz
    y = ref_conv_int(X, W, group, strides, dil, pads, auto_pad)
    case("convi_" + name, "ConvInteger", [("x", x), ("w", w), ("xzp", xzp), ("wzp", wzp)], [("y", y)],
         conv_attrs(group, strides, dil, pads, auto_pad, nsp, w.shape[2:]), 10)


def qlconv(name, x, xs, xzp, w, ws, wzp, ys, yzp, B=None, group=1, strides=None, dil=None, pads=None,
           auto_pad="NOTSET"):
    nsp = x.ndim - 2
    strides, dil, pads = strides or [1] * nsp, dil or [1] * nsp, pads or [0] * (2 * nsp)
    X = x.astype(np.int64) - np.int64(xzp)
    M = w.shape[0]
    W = w.astype(np.int64) - np.asarray(wzp).astype(np.int64).reshape([-1] + [1] * (x.ndim - 1))
    res = ref_conv_int(X, W, group, strides, dil, pads, auto_pad, B)
    mult = (xs * ws / ys).astype(np.float32).reshape([1, -1] + [1] * nsp)
    R = res * mult.astype(np.float64) + yzp
    ii = np.iinfo(yzp.dtype)
    y = np.round(np.clip(R, ii.min, ii.max)).astype(yzp.dtype)
    case("qlconv_" + name, "QLinearConv",
         [("x", x), ("xs", xs), ("xzp", xzp), ("w", w), ("ws", ws), ("wzp", wzp), ("ys", ys), ("yzp", yzp), ("B", B)],
         [("y", y)], conv_attrs(group, strides, dil, pads, auto_pad, nsp, w.shape[2:]), 10)


for tx, tw in itertools.product((np.uint8, np.int8), repeat=2):
    nm = "%s_%s" % (tx.__name__, tw.__name__)
    x, w = qdata(tx, (2, 4, 5, 4)), qdata(tw, (6, 2, 3, 2))
    convi(nm + "_g2_s2_d2_pads", x, w, qdata(tx, ()), qdata(tw, (6,)), group=2, strides=[2, 1], dil=[2, 1], pads=[1, 0, 2, 1])
    convi(nm + "_nozp", x, w, None, None, group=2)
    for ty in (np.uint8, np.int8):
        qlconv(nm + "_" + ty.__name__, x, np.array(0.02, np.float32), qdata(tx, ()), w,
               rng.uniform(0.001, 0.01, 6).astype(np.float32), qdata(tw, (6,)), np.array(0.7, np.float32),
               qdata(ty, ()), B=rng.integers(-5000, 5000, 6).astype(np.int32), group=2, strides=[1, 2], pads=[1, 1, 1, 1])
x1, w1 = qdata(np.uint8, (1, 3, 11)), qdata(np.int8, (4, 3, 3))
for ap in ("SAME_UPPER", "SAME_LOWER", "VALID"):
    convi("1d_" + ap.lower(), x1, w1, qdata(np.uint8, ()), qdata(np.int8, ()), strides=[2], auto_pad=ap)
    qlconv("1d_" + ap.lower(), x1, np.array(0.1, np.float32), qdata(np.uint8, ()), w1,
           np.array(0.05, np.float32), qdata(np.int8, ()), np.array(0.9, np.float32), qdata(np.uint8, ()),
           strides=[2], dil=[2], auto_pad=ap)
x3, w3 = qdata(np.int8, (1, 2, 4, 5, 3)), qdata(np.int8, (2, 2, 2, 3, 2))
convi("3d", x3, w3, qdata(np.int8, ()), qdata(np.int8, (2,)), pads=[1, 0, 1, 0, 2, 1], dil=[1, 1, 2])
qlconv("3d_depthwise", qdata(np.uint8, (1, 3, 4, 4, 4)), np.array(0.04, np.float32), qdata(np.uint8, ()),
       qdata(np.uint8, (3, 1, 2, 2, 2)), rng.uniform(0.001, 0.01, 3).astype(np.float32), qdata(np.uint8, (3,)),
       np.array(0.33, np.float32), qdata(np.int8, ()), group=3, strides=[2, 2, 2])
# ties: power-of-two multiplier with odd zero point
xt, wt = qdata(np.uint8, (1, 2, 5, 5)) // 32, qdata(np.uint8, (3, 2, 2, 2)) // 32
for zp in (0, 1, 2, 3):
    qlconv("ties_zp%d" % zp, xt, np.array(0.5, np.float32), np.array(1, np.uint8), wt, np.array(0.25, np.float32),
           np.array(2, np.uint8), np.array(0.25, np.float32), np.array(zp, np.uint8))

