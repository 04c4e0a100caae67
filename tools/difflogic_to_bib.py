#!/usr/bin/python3
"""difflogic_to_bib.py - a trained difflogic network (Petersen et al.,
NeurIPS 2022) as a bibc model: the model language (-o model.bib) or ONNX
with the logic-gate operators in the domain bibc.lgn (-o model.onnx), the
format chosen by the output's extension.  doc/dsl.md, "Logic-gate
networks", defines LogicLayer and GroupSum.

    difflogic_to_bib.py NET.npz -o model.bib|model.onnx [--name N] [--input-dtype D]
    difflogic_to_bib.py NET.pt  -o model.bib|model.onnx|NET.npz [--n-inputs N] [--k K] [--tau T]

The .npz layout (np.savez; every key below, no other key):

    n_inputs        int scalar     width of the binary input vector x
    n_layers        int scalar     L >= 1, the number of logic layers
    layer{i}_a      int [n_i]      for i = 0 .. L-1: neuron j's first input is
    layer{i}_b      int [n_i]        output a[j] (b[j]) of layer i-1, or x[a[j]]
                                     for i = 0; 0 <= a[j], b[j] < that width
    layer{i}_gates  int [n_i]      neuron j's gate id, 0-15
    k               int scalar     GroupSum's classes; k divides n_{L-1}
    tau             float scalar   optional (default 1): score = count / tau, > 0
    thresholds      float [n_inputs]  optional: x is float32 and bit i is
                                     x[i] >= thresholds[i] (MultiThreshold)
    features        int [n_inputs] optional, with thresholds: bit i is
                                     x[features[i]] >= thresholds[i] instead,
                                     and x has max(features) + 1 elements
                                     (several thresholds per feature: a
                                     thermometer code; Gather, then
                                     MultiThreshold)

Integer fields must have an integer dtype (a float array of whole numbers
is refused: it usually means a tensor was saved before argmax).  Gate ids
are ../shared/REFERENCE.md section 4's: output (g >> (3 - (2a + b))) & 1,
0 zero, 1 a AND b, 2 a AND NOT b, 3 a, 4 NOT a AND b, 5 b, 6 XOR, 7 OR,
8 NOR, 9 XNOR, 10 NOT b, 11 a OR NOT b, 12 NOT a, 13 NOT a OR b, 14 NAND,
15 one.  This is difflogic's own order (difflogic/functional.py, bin_op:
id 2 is a - ab, id 4 is b - ab, id 11 is 1 - b + ab, id 13 is 1 - a + ab,
with a = x[indices[0]] and b = x[indices[1]]), so ids are copied as they
are: no remapping.  GroupSum splits the last layer into k consecutive
groups, as difflogic's GroupSum does.

A torch checkpoint (.pt/.pth; torch is imported only then) is read as
difflogic saves it.  difflogic keeps a LogicLayer's connections in a plain
attribute (LogicLayer.indices, a pair of int64 tensors (a, b)), not in the
state dict, so a state dict alone lacks them.  Accepted:
  - a dict {"state_dict": model.state_dict(), "indices": [layer.indices
    for each LogicLayer, in order], "n_inputs": N, "k": K, "tau": T}
    ("thresholds" and "features" too; "model_state_dict" is read as
    "state_dict"); or
  - a state dict in which each layer P has P.weights and a P.indices of
    shape [2, n] (stacked a, b), n_inputs/k/tau given by the options; or
  - the pickled model itself (torch.save(model); needs --allow-pickle, runs
    the pickle's code, and needs difflogic importable): its modules with
    'weights' and 'indices' are the layers, one with 'k' and 'tau' GroupSum.
Layers are the P.weights of shape [n, 16] in the state dict's order (the
order of registration, i.e. of the forward pass in an nn.Sequential); a
neuron's gate is weights.argmax(-1), as difflogic's eval mode takes it.
-o NET.npz writes the layout above, to convert later without torch.

Bad input exits 1 with one line 'FILE: FIELD: error: ...'.  The output is
deterministic: the same input gives the same bytes."""
import argparse
import io
import os
import re
import sys
import zipfile

import numpy as np


class BadInput(Exception):
    """A field of the input that breaks the layout: (field, message)."""


ORDER = ("n_inputs", "n_layers", "k", "tau", "thresholds", "features")  # scalars, then layers


def scalar(d, key, kind):
    """d[key] as a Python int (kind 'int') or float ('float')."""
    if key not in d:
        raise BadInput(key, "missing (the layout needs it; see the script's docstring)")
    v = np.asarray(d[key])
    if v.size != 1:
        raise BadInput(key, "must be a scalar, has shape %s" % (list(v.shape),))
    if kind == "int" and (v.dtype == np.bool_ or not np.issubdtype(v.dtype, np.integer)):
        raise BadInput(key, "must be an integer, has dtype %s" % v.dtype)
    if kind == "float" and not (np.issubdtype(v.dtype, np.integer) or np.issubdtype(v.dtype, np.floating)):
        raise BadInput(key, "must be a number, has dtype %s" % v.dtype)
    return int(v.reshape(())) if kind == "int" else float(v.reshape(()))


def int_vector(d, key):
    if key not in d:
        raise BadInput(key, "missing (the layout needs it; see the script's docstring)")
    v = np.asarray(d[key])
    if v.dtype == np.bool_ or not np.issubdtype(v.dtype, np.integer):
        raise BadInput(key, "must be an integer array, has dtype %s" % v.dtype)
    if v.ndim != 1 or v.size == 0:
        raise BadInput(key, "must be a non-empty 1-D array, has shape %s" % (list(v.shape),))
    return [int(e) for e in v]


def in_range(key, v, lo, hi, what):
    for j, e in enumerate(v):
        if not lo <= e < hi:
            raise BadInput("%s[%d]" % (key, j), "%d is outside [%d, %d) (%s)" % (e, lo, hi, what))


def validate(d):
    """The network described by d (a mapping in the .npz layout), checked:
    {n_inputs, layers: [(a, b, gates)], k, tau, thresholds or None}."""
    n_inputs = scalar(d, "n_inputs", "int")
    if n_inputs < 1:
        raise BadInput("n_inputs", "must be >= 1, is %d" % n_inputs)
    n_layers = scalar(d, "n_layers", "int")
    if n_layers < 1:
        raise BadInput("n_layers", "must be >= 1, is %d" % n_layers)
    known = set(ORDER) | {"layer%d_%s" % (i, f) for i in range(n_layers) for f in ("a", "b", "gates")}
    for key in sorted(d):
        if key not in known:
            raise BadInput(key, "not a field of the layout (n_layers is %d)" % n_layers)
    layers, width = [], n_inputs
    for i in range(n_layers):
        a, b, g = (int_vector(d, "layer%d_%s" % (i, f)) for f in ("a", "b", "gates"))
        for key, v in (("layer%d_b" % i, b), ("layer%d_gates" % i, g)):
            if len(v) != len(a):
                raise BadInput(key, "has %d entries, layer%d_a has %d" % (len(v), i, len(a)))
        what = "the width of layer %d" % (i - 1) if i else "n_inputs"
        in_range("layer%d_a" % i, a, 0, width, what)
        in_range("layer%d_b" % i, b, 0, width, what)
        in_range("layer%d_gates" % i, g, 0, 16, "gate ids")
        layers.append((a, b, g))
        width = len(a)
    k = scalar(d, "k", "int")
    if k < 1:
        raise BadInput("k", "must be >= 1, is %d" % k)
    if width % k:
        raise BadInput("k", "%d does not divide the last layer's width %d" % (k, width))
    tau = scalar(d, "tau", "float") if "tau" in d else 1.0
    if not (np.isfinite(np.float32(tau)) and np.float32(tau) > 0):
        raise BadInput("tau", "must be a finite float32 > 0, is %r" % tau)
    thresholds = None
    if "thresholds" in d:
        t = np.asarray(d["thresholds"])
        if not (np.issubdtype(t.dtype, np.floating) or np.issubdtype(t.dtype, np.integer)) \
                or t.dtype == np.bool_:
            raise BadInput("thresholds", "must be a number array, has dtype %s" % t.dtype)
        if t.shape != (n_inputs,):
            raise BadInput("thresholds", "must have shape [%d] (n_inputs), has %s" % (n_inputs, list(t.shape)))
        t = t.astype(np.float32)
        if not np.all(np.isfinite(t)):
            raise BadInput("thresholds", "must be finite float32 values")
        thresholds = [float(v) for v in t]
    features = None
    if "features" in d:
        if thresholds is None:
            raise BadInput("features", "needs thresholds (bit i is x[features[i]] >= thresholds[i])")
        features = int_vector(d, "features")
        if len(features) != n_inputs:
            raise BadInput("features", "has %d entries, n_inputs is %d" % (len(features), n_inputs))
        in_range("features", features, 0, 1 << 20, "feature indices")
    return {"n_inputs": n_inputs, "layers": layers, "k": k, "tau": float(np.float32(tau)),
            "thresholds": thresholds, "features": features}


def gathers(net):
    """The features that bit i thresholds, or None when bit i is x[i] (no Gather)."""
    f = net["features"]
    return None if f is None or f == list(range(len(f))) else f


def read_npz(path):
    if not zipfile.is_zipfile(path):
        raise BadInput("(file)", "not an .npz file (np.savez writes a zip archive)" if os.path.exists(path)
                       else "no such file")
    try:
        with np.load(path, allow_pickle=False) as z:
            return {key: z[key] for key in z.files}
    except (OSError, ValueError) as e:
        raise BadInput("(file)", "not a readable .npz without pickled objects: %s" % e)


def to_numpy(t):
    """A torch tensor (or anything array-like) as a numpy array."""
    if hasattr(t, "detach"):
        t = t.detach().cpu().numpy()
    return np.asarray(t)


def read_checkpoint(path, allow_pickle):
    """A difflogic checkpoint (see the docstring) in the .npz layout."""
    try:
        import torch
    except ImportError:
        raise BadInput("(file)", "reading a torch checkpoint needs PyTorch, which is not installed "
                       "(convert it with -o NET.npz where torch is, then convert the .npz here)")
    try:
        try:
            obj = torch.load(path, map_location="cpu", weights_only=not allow_pickle)
        except TypeError:  # a torch without weights_only (< 1.13)
            obj = torch.load(path, map_location="cpu")
    except Exception as e:  # torch raises many kinds; all mean "cannot read"
        why = (str(e).splitlines() or [type(e).__name__])[0]
        hint = "" if allow_pickle else " (a pickled model needs --allow-pickle)"
        raise BadInput("(file)", "torch.load failed%s: %s" % (hint, why))
    out, weights, indices = {}, [], []
    if hasattr(obj, "modules"):  # the pickled model
        for m in obj.modules():
            if hasattr(m, "weights") and hasattr(m, "indices"):
                weights.append(m.weights)
                indices.append(m.indices)
                if len(weights) == 1 and hasattr(m, "in_dim"):
                    out["n_inputs"] = np.int64(m.in_dim)
            elif hasattr(m, "k") and hasattr(m, "tau"):
                out["k"], out["tau"] = np.int64(m.k), np.float64(m.tau)
    elif isinstance(obj, dict):
        sd = obj.get("state_dict", obj.get("model_state_dict", obj))
        for key in sd:
            if (key == "weights" or key.endswith(".weights")) and to_numpy(sd[key]).ndim == 2:
                weights.append(sd[key])
                p = key[:-len("weights")] + "indices"
                if p in sd:
                    indices.append(sd[p])
        if "indices" in obj:
            indices = list(obj["indices"])
        for key in ("n_inputs", "k", "tau", "thresholds", "features"):
            if key in obj:
                out[key] = to_numpy(obj[key])
    else:
        raise BadInput("(file)", "holds a %s, not a state dict or a model" % type(obj).__name__)
    if not weights:
        raise BadInput("weights", "no layer with a [n, 16] 'weights' tensor in the checkpoint")
    if len(indices) != len(weights):
        raise BadInput("indices", "%d layers have weights but %d have indices (difflogic keeps "
                       "LogicLayer.indices out of the state dict: save them too)" % (len(weights), len(indices)))
    out["n_layers"] = np.int64(len(weights))
    for i, (w, ab) in enumerate(zip(weights, indices)):
        w = to_numpy(w)
        if w.ndim != 2 or w.shape[1] != 16:
            raise BadInput("layer %d weights" % i, "must have shape [n, 16], has %s" % (list(w.shape),))
        ab = [to_numpy(v) for v in ab]
        if len(ab) != 2:
            raise BadInput("layer %d indices" % i, "must be a pair (a, b), has %d parts" % len(ab))
        out["layer%d_gates" % i] = w.argmax(-1).astype(np.int64)
        out["layer%d_a" % i], out["layer%d_b" % i] = ab
    return out


def f32(v):
    """The shortest decimal that reads back as float32 v, always with a '.' or 'e'."""
    x = np.float32(v)
    for p in range(1, 10):
        s = "%.*g" % (p, x)
        if np.float32(s) == x:
            break
    return s if ("." in s or "e" in s) else s + ".0"


def ints(v):
    return "[" + ", ".join(str(e) for e in v) + "]"


def write_bib(net, name, source):
    nl = net["layers"]
    lines = ["# %s: a logic-gate network written by tools/difflogic_to_bib.py from %s:" % (name, source),
             "# %d inputs, %d logic layers of %s gates, GroupSum into %d classes (tau %s)."
             % (net["n_inputs"], len(nl), ", ".join(str(len(l[0])) for l in nl), net["k"], f32(net["tau"])),
             "model " + name, "opset 13", ""]
    src, f = "x", gathers(net)
    if net["thresholds"] is None:
        lines.append("input x: %s[1, %d]" % (net["dtype"], net["n_inputs"]))
    elif f is None:
        lines += ["input x: float32[1, %d]" % net["n_inputs"],
                  "const t: float32[%d, 1] = [%s]" % (net["n_inputs"], ", ".join(f32(v) for v in net["thresholds"])),
                  '"bits": xb = MultiThreshold(x, t, out_dtype="UINT1")          # x >= t: 1, else 0']
        src = "xb"
    else:
        lines += ["input x: float32[1, %d]" % (max(f) + 1),
                  "const f: int64[%d] = %s" % (len(f), ints(f)),
                  "const t: float32[%d, 1] = [%s]" % (net["n_inputs"], ", ".join(f32(v) for v in net["thresholds"])),
                  '"features": xf = Gather(x, f, axis=1)                      # xf[i] = x[f[i]]',
                  '"bits": xb = MultiThreshold(xf, t, out_dtype="UINT1")         # xf >= t: 1, else 0']
        src = "xb"
    for i, (a, b, g) in enumerate(nl):
        lines.append('"l%d": h%d = LogicLayer(%s, a=%s, b=%s, gates=%s)' % (i, i, src, ints(a), ints(b), ints(g)))
        src = "h%d" % i
    lines += ['"groups": scores = GroupSum(%s, k=%d, tau=%s)' % (src, net["k"], f32(net["tau"])),
              "output scores"]
    return ("\n".join(lines) + "\n").encode()


def write_onnx(net, name, source):
    from onnx import TensorProto, checker, helper, numpy_helper
    nodes, inits, src, f = [], [], "x", gathers(net)
    dtype = {"bool": TensorProto.BOOL, "uint8": TensorProto.UINT8, "float32": TensorProto.FLOAT}[net["dtype"]]
    opsets = [helper.make_opsetid("", 13), helper.make_opsetid("bibc.lgn", 1)]
    width = net["n_inputs"]
    if net["thresholds"] is not None:
        dtype = TensorProto.FLOAT
        t = np.array(net["thresholds"], dtype=np.float32).reshape(-1, 1)
        if f is not None:
            width = max(f) + 1
            inits.append(numpy_helper.from_array(np.array(f, dtype=np.int64), "f"))
            nodes.append(helper.make_node("Gather", ["x", "f"], ["xf"], name="features", axis=1))
        inits.append(numpy_helper.from_array(t, "t"))
        nodes.append(helper.make_node("MultiThreshold", ["x" if f is None else "xf", "t"], ["xb"], name="bits",
                                      domain="qonnx.custom_op.general", out_dtype="UINT1"))
        opsets.append(helper.make_opsetid("qonnx.custom_op.general", 1))
        src = "xb"
    for i, (a, b, g) in enumerate(net["layers"]):
        nodes.append(helper.make_node("LogicLayer", [src], ["h%d" % i], name="l%d" % i,
                                      domain="bibc.lgn", a=a, b=b, gates=g))
        src = "h%d" % i
    nodes.append(helper.make_node("GroupSum", [src], ["scores"], name="groups", domain="bibc.lgn",
                                  k=net["k"], tau=net["tau"]))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", dtype, [1, width])],
                              [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, net["k"]])],
                              inits, doc_string="from %s by tools/difflogic_to_bib.py" % source)
    model = helper.make_model(graph, opset_imports=opsets, producer_name="difflogic_to_bib.py")
    checker.check_model(model)
    return model.SerializeToString()


def write_npz(net, out):
    """The layout, as np.savez writes it but with fixed zip dates (the same bytes each run)."""
    d = {"n_inputs": np.int64(net["n_inputs"]), "n_layers": np.int64(len(net["layers"])),
         "k": np.int64(net["k"]), "tau": np.float64(net["tau"])}
    for i, (a, b, g) in enumerate(net["layers"]):
        d["layer%d_a" % i], d["layer%d_b" % i] = np.array(a, np.int64), np.array(b, np.int64)
        d["layer%d_gates" % i] = np.array(g, np.int64)
    if net["thresholds"] is not None:
        d["thresholds"] = np.array(net["thresholds"], np.float32)
    if net["features"] is not None:
        d["features"] = np.array(net["features"], np.int64)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for key, v in d.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(v), allow_pickle=False)
            z.writestr(zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0)), buf.getvalue(),
                       zipfile.ZIP_DEFLATED)


def main(argv):
    ap = argparse.ArgumentParser(prog="difflogic_to_bib.py", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="The layout: the script's docstring (doc/dsl.md, 'Logic-gate networks').")
    ap.add_argument("input", help="NET.npz (the layout) or a difflogic checkpoint .pt/.pth")
    ap.add_argument("-o", dest="output", required=True, help="model.bib, model.onnx, or NET.npz")
    ap.add_argument("--name", help="the model's name (default: the output's file name)")
    ap.add_argument("--input-dtype", choices=("bool", "uint8", "float32"), default="bool",
                    help="x's element type without thresholds (default bool)")
    ap.add_argument("--n-inputs", type=int, help="a checkpoint's n_inputs, when it does not hold it")
    ap.add_argument("--k", type=int, help="a checkpoint's GroupSum classes, when it does not hold them")
    ap.add_argument("--tau", type=float, help="a checkpoint's GroupSum tau (default 1)")
    ap.add_argument("--allow-pickle", action="store_true",
                    help="read a pickled model (torch.save(model)); runs the file's code")
    args = ap.parse_args(argv)
    ext = os.path.splitext(args.output)[1].lower()
    try:
        if ext not in (".bib", ".onnx", ".npz"):
            raise BadInput("-o", "%s: the output must end in .bib, .onnx or .npz" % args.output)
        if os.path.splitext(args.input)[1].lower() in (".pt", ".pth"):
            d = read_checkpoint(args.input, args.allow_pickle)
            for key, v in (("n_inputs", args.n_inputs), ("k", args.k), ("tau", args.tau)):
                if v is not None:
                    d[key] = np.asarray(v)
        else:
            d = read_npz(args.input)
        net = validate(d)
        if net["thresholds"] is not None and args.input_dtype != "bool":
            raise BadInput("thresholds", "x is float32 with thresholds; --input-dtype does not apply")
    except BadInput as e:
        print("%s: %s: error: %s" % (args.input, e.args[0], e.args[1]), file=sys.stderr)
        return 1
    net["dtype"] = args.input_dtype
    name = args.name or os.path.splitext(os.path.basename(args.output))[0]
    name = re.sub(r"\W", "_", name, flags=re.ASCII)
    if not re.match(r"[A-Za-z_]", name):
        name = "m_" + name
    source = os.path.basename(args.input)
    if ext == ".npz":
        write_npz(net, args.output)
        return 0
    data = write_bib(net, name, source) if ext == ".bib" else write_onnx(net, name, source)
    with open(args.output, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
