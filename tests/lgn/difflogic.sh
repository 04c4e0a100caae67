#!/bin/sh
# difflogic.sh - tools/difflogic_to_bib.py, the converter of trained
# difflogic networks (the .npz layout of its docstring), checked against a
# numpy forward pass written here from difflogic's own gate formulas
# (difflogic/functional.py bin_op: a - ab, 1 - b + ab, ...), not from the
# converter or from REFERENCE.md's shift formula:
#   power      the test data can tell every mislabelled gate id (each of the
#              240 relabellings g -> h) and a swap of a and b: the
#              reference of each such mistake differs from the reference
#   npz        a random network (20 bool inputs, 3 layers of 64 gates using
#              every id, a != b, k = 4, tau = 2) converted to .bib and to
#              .onnx (onnx.checker-valid, domain bibc.lgn imported): 'bibc
#              run' on 2,000 random 0/1 inputs equals the reference bit for
#              bit, for both; --input-dtype uint8 too
#   thresholds a network with float inputs binarized by 'thresholds' (x >= t,
#              inputs that hit a threshold exactly), 2 layers, k = 3,
#              tau = 3: the same, for .bib and .onnx
#   features   thresholds on chosen features (several per feature, shuffled):
#              5 float inputs, Gather then MultiThreshold; the same, for
#              .bib and .onnx, and -o .npz keeps the features
#   checkpoint a difflogic checkpoint read through a stand-in 'torch' module
#              (pickle.load: dicts of arrays, gates = argmax of weights,
#              indices out of the state dict, or P.indices in it with -k
#              and --n-inputs given): the same outputs; with no torch it
#              stops with a message that says so
#   determinism converting twice gives the same bytes; -o NET.npz written
#              twice is the same file and converts to the same model
#   errors     bad .npz files (index out of range, gate id outside 0-15,
#              lengths that differ, k not dividing, missing or unknown keys,
#              non-integer arrays, ...) each exit 1 with one line naming the
#              file and the field, and write no output
# Skips (exit 77) without numpy or onnx.
#
#   difflogic.sh --bibc B
set -u
bibc=''
while [ $# -gt 1 ]; do
  case $1 in
    --bibc) bibc=$2; shift 2 ;;
    *) break ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
conv="$here/../../tools/difflogic_to_bib.py"
py=/usr/bin/python3
"$py" -c 'import numpy, onnx' 2> /dev/null || { echo "SKIP: /usr/bin/python3 lacks numpy or onnx"; exit 77; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: difflogic: $*" >&2; exit 1; }

cat > "$work/t.py" <<'PY'
import os, pickle, sys
import numpy as np

# difflogic's bin_op, in difflogic's id order, on floats as it trains
OPS = [lambda a, b: 0 * a, lambda a, b: a * b, lambda a, b: a - a * b, lambda a, b: a,
       lambda a, b: b - a * b, lambda a, b: b, lambda a, b: a + b - 2 * a * b,
       lambda a, b: a + b - a * b, lambda a, b: 1 - (a + b - a * b),
       lambda a, b: 1 - (a + b - 2 * a * b), lambda a, b: 1 - b, lambda a, b: 1 - b + a * b,
       lambda a, b: 1 - a, lambda a, b: 1 - a + a * b, lambda a, b: 1 - a * b, lambda a, b: 0 * a + 1]
TABLE = np.array([[[OPS[g](float(a), float(b)) for b in (0, 1)] for a in (0, 1)] for g in range(16)],
                 dtype=np.int64)  # TABLE[g, a, b]


def forward(bits, layers, k, tau):
    for a, b, g in layers:
        bits = TABLE[g[None, :], bits[:, a], bits[:, b]]
    counts = bits.reshape(len(bits), k, -1).sum(axis=2)
    return (counts / np.float64(np.float32(tau))).astype(np.float32)


def net(rng, nin, widths):
    layers = []
    for w in widths:
        g = rng.permutation(np.arange(w) % 16)
        a = rng.integers(0, nin, w)
        b = rng.integers(0, nin, w)
        b = np.where(a == b, (b + 1) % nin, b)
        layers.append((a, b, g))
        nin = w
    return layers


def layout(nin, layers, k, tau, thresholds=None):
    d = {"n_inputs": np.int64(nin), "n_layers": np.int64(len(layers)), "k": np.int64(k), "tau": np.float64(tau)}
    for i, (a, b, g) in enumerate(layers):
        d["layer%d_a" % i], d["layer%d_b" % i], d["layer%d_gates" % i] = a, b, g
    if thresholds is not None:
        d["thresholds"] = thresholds
    return d


def make(out):
    rng = np.random.default_rng(20240612)
    layers = net(rng, 20, [64, 64, 64])
    np.savez(out + "/net.npz", **layout(20, layers, 4, 2.0))
    x = rng.integers(0, 2, size=(2000, 20)).astype(np.bool_)
    want = forward(x.astype(np.int64), layers, 4, 2.0)
    np.save(out + "/x.npy", x)
    np.save(out + "/x_u8.npy", x.astype(np.uint8))
    np.save(out + "/want.npy", want)
    # power: every mislabelling and the swap changes some score of the
    # first 300 samples (so of all 2,000)
    x3, w3 = x[:300].astype(np.int64), want[:300]
    for g in range(16):
        for h in range(16):
            if g != h and np.array_equal(w3, forward(x3, [(a, b, np.where(gg == g, h, gg))
                                                          for a, b, gg in layers], 4, 2.0)):
                sys.exit("the data cannot tell gate %d from %d" % (g, h))
    if np.array_equal(w3, forward(x3, [(b, a, g) for a, b, g in layers], 4, 2.0)):
        sys.exit("the data cannot tell a swap of a and b")
    # thresholds: float features, some exactly on their threshold
    tl = net(rng, 12, [48, 24])
    t = np.round(rng.uniform(-1, 1, 12), 2).astype(np.float32)
    xt = rng.uniform(-2, 2, size=(2000, 12)).astype(np.float32)
    xt[::7] = t
    np.savez(out + "/net_t.npz", **layout(12, tl, 3, 3.0, t))
    np.save(out + "/xt.npy", xt)
    np.save(out + "/want_t.npy", forward((xt >= t).astype(np.int64), tl, 3, 3.0))
    # features: 12 bits from 5 features, two or three thresholds each, in a
    # shuffled order (a thermometer code); some features hit a threshold
    f = rng.permutation(np.array([0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4]))
    tf = np.round(rng.uniform(-1, 1, 12), 2).astype(np.float32)
    xf = rng.uniform(-2, 2, size=(2000, 5)).astype(np.float32)
    xf[::5, f[0]] = tf[0]
    xf[1::5, f[7]] = tf[7]
    fl = net(rng, 12, [40, 20])
    d = layout(12, fl, 2, 4.0, tf)
    d["features"] = f
    np.savez(out + "/net_f.npz", **d)
    np.save(out + "/xf.npy", xf)
    np.save(out + "/want_f.npy", forward((xf[:, f] >= tf).astype(np.int64), fl, 2, 4.0))
    bad_f = dict(d)
    del bad_f["thresholds"]
    np.savez(out + "/features_alone.npz", **bad_f)
    print("features_alone.npz features")
    bad_f = dict(d, features=f[:-1])
    np.savez(out + "/features_len.npz", **bad_f)
    print("features_len.npz features")
    bad_f = dict(d, features=np.where(f == 3, -1, f))
    np.savez(out + "/features_neg.npz", **bad_f)
    print("features_neg.npz features[")
    # checkpoints for the stand-in torch: weights whose argmax is the gate
    def weights(g):
        w = rng.normal(size=(len(g), 16)).astype(np.float32)
        w[np.arange(len(g)), g] += 10
        return w
    sd = {"%d.weights" % i: weights(g) for i, (a, b, g) in enumerate(layers)}
    with open(out + "/ck.pt", "wb") as f:
        pickle.dump({"state_dict": sd, "indices": [(a, b) for a, b, g in layers],
                     "n_inputs": 20, "k": 4, "tau": 2.0}, f)
    sd2 = {}
    for i, (a, b, g) in enumerate(layers):
        sd2["layers.%d.weights" % i], sd2["layers.%d.indices" % i] = sd["%d.weights" % i], np.stack([a, b])
    with open(out + "/sd.pt", "wb") as f:
        pickle.dump(sd2, f)
    os.makedirs(out + "/faketorch/torch")
    with open(out + "/faketorch/torch/__init__.py", "w") as f:
        f.write("import pickle\n\ndef load(path, map_location=None, weights_only=None):\n"
                "    with open(path, 'rb') as f:\n        return pickle.load(f)\n")
    os.makedirs(out + "/notorch/torch")
    with open(out + "/notorch/torch/__init__.py", "w") as f:
        f.write("raise ImportError('no torch here')\n")
    bad(out, layout(20, layers, 4, 2.0))


def bad(out, good):
    """FILE FIELD lines: one broken copy of the good layout each."""
    def edit(name, field, **change):
        d = dict(good)
        for key, v in change.items():
            if v is None:
                del d[key]
            else:
                d[key] = v
        np.savez(out + "/" + name, **d)
        print(name, field)
    l1a, l0g, l2g = good["layer1_a"].copy(), good["layer0_gates"].copy(), good["layer2_gates"].copy()
    l1a[5], l0g[3], l2g[0] = 64, 16, -1
    edit("index_range.npz", "layer1_a", layer1_a=l1a)
    edit("gate_16.npz", "layer0_gates", layer0_gates=l0g)
    edit("gate_neg.npz", "layer2_gates", layer2_gates=l2g)
    edit("short_b.npz", "layer2_b", layer2_b=good["layer2_b"][:-1])
    edit("long_gates.npz", "layer1_gates", layer1_gates=np.append(good["layer1_gates"], 0))
    edit("k_5.npz", "k", k=np.int64(5))
    edit("k_0.npz", "k", k=np.int64(0))
    edit("k_float.npz", "k", k=np.float64(4))
    edit("no_gates.npz", "layer1_gates", layer1_gates=None)
    edit("no_n_inputs.npz", "n_inputs", n_inputs=None)
    edit("no_k.npz", "k", k=None)
    edit("float_a.npz", "layer0_a", layer0_a=good["layer0_a"].astype(np.float64))
    edit("bool_gates.npz", "layer2_gates", layer2_gates=good["layer2_gates"] > 3)
    edit("gates_2d.npz", "layer0_gates", layer0_gates=good["layer0_gates"].reshape(2, -1))
    edit("n_layers_float.npz", "n_layers", n_layers=np.float32(3))
    edit("n_layers_2.npz", "layer2_a", n_layers=np.int64(2))
    edit("extra_layer.npz", "layer3_a", layer3_a=good["layer0_a"])
    edit("tau_0.npz", "tau", tau=np.float64(0))
    edit("thresholds_len.npz", "thresholds", thresholds=np.zeros(19, np.float32))
    edit("thresholds_nan.npz", "thresholds", thresholds=np.full(20, np.nan, np.float32))
    edit("n_inputs_neg.npz", "n_inputs", n_inputs=np.int64(-1))
    with open(out + "/text.npz", "w") as f:
        f.write("not a zip\n")
    print("text.npz (file)")


def same(got, want):
    g, w = np.load(got), np.load(want)
    if g.dtype != w.dtype or g.shape != w.shape:
        sys.exit("%s: %s %s, want %s %s" % (got, g.dtype, g.shape, w.dtype, w.shape))
    d = np.argwhere(g.view(np.uint32) != w.view(np.uint32))
    if len(d):
        i = tuple(d[0])
        sys.exit("%s: %d values differ, first at %s: %r, want %r" % (got, len(d), i, g[i], w[i]))


def onnx_ok(path):
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    lgn = [n for n in m.graph.node if n.op_type in ("LogicLayer", "GroupSum")]
    assert lgn and all(n.domain == "bibc.lgn" for n in lgn), [n.domain for n in lgn]
    assert any(o.domain == "bibc.lgn" and o.version == 1 for o in m.opset_import), m.opset_import


def npz_same(p, q):
    a, b = np.load(p), np.load(q)
    assert sorted(a.files) == sorted(b.files), (a.files, b.files)
    for key in a.files:
        assert np.array_equal(a[key], b[key]), key


if __name__ == "__main__":
    {"make": make, "same": same, "onnx_ok": onnx_ok, "npz_same": npz_same}[sys.argv[1]](*sys.argv[2:])
PY

"$py" "$work/t.py" make "$work" > "$work/bad.txt" || fail "making the networks (or the power check)"

# run MODEL X WANT TAG: bibc run equals the reference bit for bit
run() {
  rm -rf "$work/out"
  "$bibc" run "$1" -i "$2" -o "$work/out" > "$work/run.log" 2>&1 \
    || { cat "$work/run.log" >&2; fail "$4: bibc run"; }
  "$py" "$work/t.py" same "$work/out/output_0.npy" "$3" || fail "$4: bibc run differs from the reference"
}
# convert IN OUT [OPTIONS]: the converter succeeds
convert() {
  i=$1 o=$2; shift 2
  "$py" "$conv" "$i" -o "$o" "$@" 2> "$work/conv.err" \
    || { cat "$work/conv.err" >&2; fail "converting $(basename "$i") to $(basename "$o")"; }
}

convert "$work/net.npz" "$work/m.bib"
convert "$work/net.npz" "$work/m.onnx"
grep -q 'LogicLayer(' "$work/m.bib" && grep -q 'GroupSum(' "$work/m.bib" || fail "m.bib lacks the ops"
"$py" "$work/t.py" onnx_ok "$work/m.onnx" || fail "m.onnx is not valid bibc.lgn ONNX"
run "$work/m.bib" "$work/x.npy" "$work/want.npy" "npz -> .bib"
run "$work/m.onnx" "$work/x.npy" "$work/want.npy" "npz -> .onnx"
convert "$work/net.npz" "$work/u8.bib" --input-dtype uint8
run "$work/u8.bib" "$work/x_u8.npy" "$work/want.npy" "npz -> .bib (uint8 input)"

convert "$work/net_t.npz" "$work/t.bib"
convert "$work/net_t.npz" "$work/t.onnx"
grep -q 'MultiThreshold(' "$work/t.bib" || fail "t.bib does not binarize"
"$py" "$work/t.py" onnx_ok "$work/t.onnx" || fail "t.onnx is not valid bibc.lgn ONNX"
run "$work/t.bib" "$work/xt.npy" "$work/want_t.npy" "thresholds -> .bib"
run "$work/t.onnx" "$work/xt.npy" "$work/want_t.npy" "thresholds -> .onnx"

convert "$work/net_f.npz" "$work/f.bib"
convert "$work/net_f.npz" "$work/f.onnx"
grep -q '^input x: float32\[1, 5\]$' "$work/f.bib" && grep -q 'Gather(x, f, axis=1)' "$work/f.bib" \
  || fail "f.bib does not gather 5 features"
"$py" "$work/t.py" onnx_ok "$work/f.onnx" || fail "f.onnx is not valid bibc.lgn ONNX"
run "$work/f.bib" "$work/xf.npy" "$work/want_f.npy" "features -> .bib"
run "$work/f.onnx" "$work/xf.npy" "$work/want_f.npy" "features -> .onnx"
convert "$work/net_f.npz" "$work/f2.npz"
"$py" "$work/t.py" npz_same "$work/f2.npz" "$work/net_f.npz" || fail "features -> .npz is not the network"

# checkpoints, through the stand-in torch
PYTHONPATH="$work/faketorch"; export PYTHONPATH
convert "$work/ck.pt" "$work/ck.bib"
run "$work/ck.bib" "$work/x.npy" "$work/want.npy" "checkpoint -> .bib"
convert "$work/sd.pt" "$work/sd.onnx" --n-inputs 20 --k 4 --tau 2
run "$work/sd.onnx" "$work/x.npy" "$work/want.npy" "state dict -> .onnx"
convert "$work/ck.pt" "$work/ck.npz"
"$py" "$work/t.py" npz_same "$work/ck.npz" "$work/net.npz" || fail "checkpoint -> .npz is not the network"
PYTHONPATH="$work/notorch" "$py" "$conv" "$work/ck.pt" -o "$work/nt.bib" 2> "$work/nt.err"
rc=$?
[ $rc -eq 1 ] && grep -q 'ck.pt: (file): error: .*needs PyTorch' "$work/nt.err" && [ ! -e "$work/nt.bib" ] \
  || { cat "$work/nt.err" >&2; fail "a checkpoint without torch: exit $rc, not the message"; }
unset PYTHONPATH

# determinism
mkdir "$work/d2"
convert "$work/net.npz" "$work/d2/m.bib"
convert "$work/net.npz" "$work/d2/m.onnx"
cmp -s "$work/m.bib" "$work/d2/m.bib" || fail "two conversions to .bib differ"
cmp -s "$work/m.onnx" "$work/d2/m.onnx" || fail "two conversions to .onnx differ"
convert "$work/net.npz" "$work/r1.npz"
convert "$work/net.npz" "$work/r2.npz"
cmp -s "$work/r1.npz" "$work/r2.npz" || fail "two conversions to .npz differ"
convert "$work/r1.npz" "$work/m.bib" --name m
convert "$work/net.npz" "$work/m2.bib" --name m
tail -n +2 "$work/m.bib" > "$work/a.txt"
tail -n +2 "$work/m2.bib" > "$work/b.txt"
cmp -s "$work/a.txt" "$work/b.txt" || fail "the rewritten .npz converts to another model"

# errors: exit 1, one line naming the file and the field, no output
n=0
while read -r name field; do
  n=$((n + 1))
  rm -f "$work/e.bib"
  "$py" "$conv" "$work/$name" -o "$work/e.bib" > "$work/e.out" 2> "$work/e.err"
  rc=$?
  [ $rc -eq 1 ] || fail "$name: exit $rc, want 1"
  [ "$(wc -l < "$work/e.err")" -eq 1 ] || { cat "$work/e.err" >&2; fail "$name: not one line"; }
  grep -qF "$work/$name: $field" "$work/e.err" || { cat "$work/e.err" >&2; fail "$name: does not name $field"; }
  [ ! -e "$work/e.bib" ] || fail "$name: wrote an output"
done < "$work/bad.txt"
[ $n -ge 20 ] || fail "only $n error cases"
"$py" "$conv" "$work/net.npz" -o "$work/m.txt" 2> "$work/e.err"
[ $? -eq 1 ] && grep -qF "net.npz: -o: error:" "$work/e.err" || fail "-o m.txt is not refused"
echo "ok: difflogic ($n error cases)"
