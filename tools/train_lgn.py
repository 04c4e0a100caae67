#!/usr/bin/python3
"""train_lgn.py - trains a logic-gate network (difflogic, Petersen et al.,
NeurIPS 2022) on scikit-learn's digits with numpy alone, and writes it as
a bibc model whose input is the 64 raw pixels.

    train_lgn.py -o model.bib [--npz net.npz] [--layers 4] [--gates 2000]
                 [--k 10] [--tau 16] [--epochs 150] [--seed 1] ...
    train_lgn.py --eval net.npz --out DIR     # the test split and its scores

The data: the csv.gz that the Debian package python3-sklearn ships
(1,797 8x8 images of pixel values 0-16, then the label; read with gzip and
numpy, sklearn is not imported).  The first 1,438 rows train, the last 359
(20 %, rounded down) test; the split is fixed.  Each pixel becomes two bits,
pixel >= 4 and pixel >= 12 (--thresholds): 128 binary inputs, bit i is
pixel (i mod 64) >= threshold (i div 64).

The relaxation is difflogic's: neuron j of a layer reads two fixed inputs
a[j], b[j] of the previous layer (drawn as difflogic's 'random'
connections: a permutation of 2n slots over the inputs, so each input is
read about equally often) and holds 16 logits P[j]; its output is
sum_g softmax(P[j])_g gate_g(a, b).  Every gate's real-valued form is
c0 + c1 a + c2 b + c3 ab (the multilinear extension of its truth table:
AND = ab, OR = a + b - ab, XOR = a + b - 2ab), so a layer computes
A0 + A1 a + A2 b + A3 ab with A = softmax(P) @ C, C the 16 x 4 table of
those coefficients.  GroupSum splits the last layer into k consecutive
groups; the scores are the groups' sums / tau, trained with softmax
cross-entropy.  The gradient is written by hand (per layer: dA from the
products, dP through the softmax's Jacobian, da and db scattered back to
the previous layer's outputs with np.add.reduceat over the sorted
connections); Adam (lr 0.01, difflogic's) on mini-batches.  Cost per step:
O(batch x gates x layers).

After training each neuron becomes its argmax gate (ids: ../shared/
REFERENCE.md section 4, which are difflogic's own), the discrete network is
evaluated in numpy on the test split (a truth-table lookup per gate, counts
per group), and the script prints both accuracies and writes the .npz layout
of tools/difflogic_to_bib.py's docstring (n_inputs 128, thresholds and
features: bit i is x[features[i]] >= thresholds[i]; written with fixed zip
dates) and runs that converter to write the .bib.  --eval reads such an .npz back and writes DIR/x.npy
(the test images, float32 [n, 64]), DIR/labels.npy and DIR/scores.npy
(the discrete network's count / tau, float32 [n, k]): what 'bibc run' on
x.npy must give.  Deterministic: the same options give the same bytes.
A missing data file or a bad option is one line 'train_lgn.py: error: ...',
exit 1."""
import argparse
import gzip
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difflogic_to_bib as conv  # noqa: E402 (the converter, next to this script)

DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"

# TRUTH[g] = (t00, t01, t10, t11): gate g's output on ab = 00, 01, 10, 11,
# (g >> (3 - (2a + b))) & 1
TRUTH = np.array([[(g >> (3 - s)) & 1 for s in range(4)] for g in range(16)], dtype=np.int64)
# C[g] = (c0, c1, c2, c3): the gate as c0 + c1 a + c2 b + c3 ab
C = np.stack([TRUTH[:, 0], TRUTH[:, 2] - TRUTH[:, 0], TRUTH[:, 1] - TRUTH[:, 0],
              TRUTH[:, 3] - TRUTH[:, 2] - TRUTH[:, 1] + TRUTH[:, 0]], axis=1).astype(np.float32)


class Error(Exception):
    """A user error: the message of the one line printed."""


def load_digits(path):
    """(pixels float32 [1797, 64], labels int64 [1797]) from the csv.gz."""
    if not os.path.exists(path):
        raise Error("%s: no such file (the Debian package python3-sklearn ships it; --data FILE "
                    "names another copy)" % path)
    try:
        with gzip.open(path, "rt") as f:
            d = np.loadtxt(f, delimiter=",", dtype=np.float64)
    except (OSError, ValueError) as e:
        raise Error("%s: not the digits csv.gz: %s" % (path, e))
    if d.ndim != 2 or d.shape[1] != 65:
        raise Error("%s: expected rows of 64 pixels and a label, got shape %s" % (path, list(d.shape)))
    return d[:, :64].astype(np.float32), d[:, 64].astype(np.int64)


def split(n):
    """The fixed split: the first n - n // 5 rows train, the rest test."""
    return n - n // 5


def binarize(x, thresholds):
    """x [n, 64] -> bits [n, 64 * T]: bit t * 64 + p is x[:, p] >= thresholds[t]."""
    return np.concatenate([(x >= t) for t in thresholds], axis=1)


def connections(rng, nin, nout):
    """difflogic's 'random' connections: 2 * nout slots spread over the nin inputs."""
    c = rng.permutation(2 * nout) % nin
    c = rng.permutation(nin)[c]
    return c[:nout], c[nout:]


class Layer:
    """One logic layer in training: inputs a, b, logits P [n, 16], Adam state."""

    def __init__(self, rng, nin, nout):
        self.a, self.b = connections(rng, nin, nout)
        self.nin = nin
        self.P = rng.standard_normal((nout, 16)).astype(np.float32)
        self.m = np.zeros_like(self.P)
        self.v = np.zeros_like(self.P)
        # reduceat plan for scattering into the inputs: sorted order, run starts, targets
        self.plan = [self.scatter_plan(i) for i in (self.a, self.b)]

    @staticmethod
    def scatter_plan(idx):
        order = np.argsort(idx, kind="stable")
        s = idx[order]
        starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        return order, starts, s[starts]

    def forward(self, x):
        W = np.exp(self.P - self.P.max(axis=1, keepdims=True))
        W /= W.sum(axis=1, keepdims=True)
        A = W @ C.astype(W.dtype)
        xa, xb = x[:, self.a], x[:, self.b]
        self.cache = (W, A, xa, xb)
        return A[:, 0] + A[:, 1] * xa + A[:, 2] * xb + A[:, 3] * (xa * xb)

    def backward(self, dy):
        W, A, xa, xb = self.cache
        dA = np.stack([dy.sum(axis=0), (dy * xa).sum(axis=0), (dy * xb).sum(axis=0),
                       (dy * xa * xb).sum(axis=0)], axis=1)
        dW = dA @ C.T.astype(dA.dtype)
        self.grad = W * (dW - (W * dW).sum(axis=1, keepdims=True))
        dx = np.zeros((dy.shape[0], self.nin), dtype=dy.dtype)
        for d, (order, starts, tgt) in zip((dy * (A[:, 1] + A[:, 3] * xb), dy * (A[:, 2] + A[:, 3] * xa)),
                                           self.plan):
            dx[:, tgt] += np.add.reduceat(d[:, order], starts, axis=1)
        return dx

    def adam(self, t, lr, b1=0.9, b2=0.999, eps=1e-8):
        self.m = b1 * self.m + (1 - b1) * self.grad
        self.v = b2 * self.v + (1 - b2) * self.grad * self.grad
        mh = self.m / (1 - b1 ** t)
        vh = self.v / (1 - b2 ** t)
        self.P -= (lr * mh / (np.sqrt(vh) + eps)).astype(np.float32)


def group_scores(y, k, tau):
    return y.reshape(len(y), k, -1).sum(axis=2) / tau


def discrete_counts(bits, layers):
    """The discrete network: layers [(a, b, gates)], bits int64 [n, nin] -> last layer's bits."""
    for a, b, g in layers:
        bits = TRUTH[g[None, :], 2 * bits[:, a] + bits[:, b]]
    return bits


def discrete_scores(bits, layers, k, tau):
    """count / tau in float32, as GroupSum gives it."""
    y = discrete_counts(bits, layers)
    return y.reshape(len(y), k, -1).sum(axis=2).astype(np.float32) / np.float32(tau)


def train(args, xtr, ytr, xte, yte):
    rng = np.random.default_rng(args.seed)
    layers, nin = [], xtr.shape[1]
    for _ in range(args.layers):
        layers.append(Layer(rng, nin, args.gates))
        nin = args.gates
    t, n, t0 = 0, len(xtr), time.time()
    for epoch in range(args.epochs):
        perm = rng.permutation(n)
        loss = 0.0
        for s in range(0, n, args.batch):
            idx = perm[s:s + args.batch]
            step_loss, grads, _ = loss_and_grads(layers, xtr[idx], ytr[idx], args.k, np.float32(args.tau))
            loss += step_loss
            t += 1
            for layer in layers:
                layer.grad /= len(idx)  # the mean loss's gradient
                layer.adam(t, args.lr)
        if args.verbose and (epoch + 1) % 10 == 0:
            print("epoch %d: loss %.4f, %.0f s" % (epoch + 1, loss / n, time.time() - t0), file=sys.stderr)
    h = xte
    for layer in layers:
        h = layer.forward(h)
    relaxed = float((group_scores(h, args.k, args.tau).argmax(axis=1) == yte).mean())
    return [(layer.a, layer.b, layer.P.argmax(axis=1)) for layer in layers], relaxed, time.time() - t0


def loss_and_grads(layers, x, y, k, tau):
    """Cross-entropy (summed over the batch) and, by backprop, d/dP per layer and d/dx."""
    h = x
    for layer in layers:
        h = layer.forward(h)
    z = group_scores(h, k, tau)
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(len(y)), y]).sum()
    p[np.arange(len(y)), y] -= 1
    dy = np.repeat(p / tau, h.shape[1] // k, axis=1)
    for layer in reversed(layers):
        dy = layer.backward(dy)
    return loss, [layer.grad for layer in layers], dy


def gradient_check():
    """The hand-written backprop against central differences, in float64, on a
    3-layer network of 8 inputs with real-valued inputs in (0, 1): the largest
    relative error over every logit and input.  Returns it."""
    rng = np.random.default_rng(7)
    layers, nin = [], 8
    for n in (12, 12, 6):
        layers.append(Layer(rng, nin, n))
        layers[-1].P = rng.standard_normal((n, 16))
        nin = n
    x = rng.uniform(0.05, 0.95, (5, 8))
    y = rng.integers(0, 3, 5)
    _, grads, dx = loss_and_grads(layers, x, y, 3, 1.5)
    worst, e = 0.0, 1e-6
    for layer, g in zip(layers, grads):
        for idx in np.ndindex(*layer.P.shape):
            keep = layer.P[idx]
            layer.P[idx] = keep + e
            up = loss_and_grads(layers, x, y, 3, 1.5)[0]
            layer.P[idx] = keep - e
            down = loss_and_grads(layers, x, y, 3, 1.5)[0]
            layer.P[idx] = keep
            worst = max(worst, abs((up - down) / (2 * e) - g[idx]) / max(1e-3, abs(g[idx])))
    for idx in np.ndindex(*x.shape):
        keep = x[idx]
        x[idx] = keep + e
        up = loss_and_grads(layers, x, y, 3, 1.5)[0]
        x[idx] = keep - e
        down = loss_and_grads(layers, x, y, 3, 1.5)[0]
        x[idx] = keep
        worst = max(worst, abs((up - down) / (2 * e) - dx[idx]) / max(1e-3, abs(dx[idx])))
    return worst


def layout(layers, k, tau, thresholds):
    nt = len(thresholds)
    d = {"n_inputs": np.int64(64 * nt), "n_layers": np.int64(len(layers)), "k": np.int64(k),
         "tau": np.float64(tau),
         "thresholds": np.repeat(np.array(thresholds, np.float32), 64),
         "features": np.tile(np.arange(64, dtype=np.int64), nt)}
    for i, (a, b, g) in enumerate(layers):
        d["layer%d_a" % i], d["layer%d_b" % i] = a.astype(np.int64), b.astype(np.int64)
        d["layer%d_gates" % i] = g.astype(np.int64)
    return d


def evaluate(args):
    """--eval: the test split and the discrete scores of a written .npz."""
    try:
        with np.load(args.eval, allow_pickle=False) as z:
            d = {key: z[key] for key in z.files}
    except (OSError, ValueError) as e:
        raise Error("%s: not a readable .npz: %s" % (args.eval, e))
    for key in ("n_layers", "k", "tau", "thresholds", "features"):
        if key not in d:
            raise Error("%s: no '%s' (not written by train_lgn.py)" % (args.eval, key))
    x, y = load_digits(args.data)
    xte, yte = x[split(len(x)):], y[split(len(x)):]
    bits = (xte[:, d["features"]] >= d["thresholds"][None, :]).astype(np.int64)
    layers = [(d["layer%d_a" % i], d["layer%d_b" % i], d["layer%d_gates" % i]) for i in range(int(d["n_layers"]))]
    scores = discrete_scores(bits, layers, int(d["k"]), float(d["tau"]))
    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, "x.npy"), xte)
    np.save(os.path.join(args.out, "labels.npy"), yte)
    np.save(os.path.join(args.out, "scores.npy"), scores)
    print("test accuracy of the discrete network: %.2f %% (%d of %d)"
          % (100 * (scores.argmax(axis=1) == yte).mean(), (scores.argmax(axis=1) == yte).sum(), len(yte)))


def main(argv):
    ap = argparse.ArgumentParser(prog="train_lgn.py", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", dest="output", help="the trained model, .bib (or .onnx)")
    ap.add_argument("--npz", help="also keep the .npz layout here")
    ap.add_argument("--eval", metavar="NET.npz", help="write the test split and NET's scores to --out")
    ap.add_argument("--out", help="--eval's output folder")
    ap.add_argument("--data", default=DIGITS, help="the digits csv.gz (default: python3-sklearn's)")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--gates", type=int, default=2000, help="gates per layer")
    ap.add_argument("--k", type=int, default=10, help="GroupSum's classes (10 digits)")
    ap.add_argument("--tau", type=float, default=16.0, help="GroupSum's temperature")
    ap.add_argument("--thresholds", default="4,12", help="pixel thresholds, comma-separated")
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--name", help="the model's name (default: the output's file name)")
    ap.add_argument("--check-gradient", action="store_true",
                    help="compare the backprop with central differences and exit (1 if they differ)")
    ap.add_argument("-v", dest="verbose", action="store_true", help="print the loss every 10 epochs")
    args = ap.parse_args(argv)
    try:
        if args.check_gradient:
            worst = gradient_check()
            print("gradient check: largest relative error %.2e" % worst)
            return 0 if worst < 1e-4 else 1
        if args.eval:
            if not args.out:
                raise Error("--eval needs --out DIR")
            return evaluate(args) or 0
        if not args.output:
            raise Error("-o model.bib is required (or --eval NET.npz --out DIR)")
        if args.layers < 1 or args.gates < 1 or args.k < 1 or args.gates % args.k:
            raise Error("need --layers >= 1 and --gates a positive multiple of --k")
        if args.k != 10:
            raise Error("--k must be 10 (the digits' classes)")
        if not (args.tau > 0 and args.epochs >= 0 and args.batch >= 1 and args.lr > 0):
            raise Error("need --tau > 0, --epochs >= 0, --batch >= 1, --lr > 0")
        try:
            thresholds = [float(np.float32(v)) for v in args.thresholds.split(",")]
        except ValueError:
            raise Error("--thresholds: not a comma-separated list of numbers: %s" % args.thresholds)
        x, y = load_digits(args.data)
        m = split(len(x))
        bits = binarize(x, thresholds)
        layers, relaxed, secs = train(args, bits[:m].astype(np.float32), y[:m],
                                      bits[m:].astype(np.float32), y[m:])
        scores = discrete_scores(bits[m:].astype(np.int64), layers, args.k, args.tau)
        acc = float((scores.argmax(axis=1) == y[m:]).mean())
        print("trained %d x %d gates, k = %d, tau = %g, thresholds %s, %d epochs, seed %d, %.0f s"
              % (args.layers, args.gates, args.k, args.tau, args.thresholds, args.epochs, args.seed, secs))
        print("test accuracy (%d images): relaxed %.2f %%, discrete %.2f %%"
              % (len(x) - m, 100 * relaxed, 100 * acc))
        npz = args.npz or os.path.splitext(args.output)[0] + ".tmp.npz"
        conv.write_npz(conv.validate(layout(layers, args.k, args.tau, thresholds)), npz)
        r = conv.main([npz, "-o", args.output] + (["--name", args.name] if args.name else []))
        if not args.npz:
            os.remove(npz)
        if r:
            raise Error("difflogic_to_bib.py failed on the trained network")
        if os.path.splitext(args.output)[1].lower() == ".bib":
            right = int((scores.argmax(axis=1) == y[m:]).sum())
            head = ["# Trained by tools/train_lgn.py %s" % " ".join(argv),
                    "# (numpy difflogic on scikit-learn's digits: %d x %d gates, k = %d, tau = %g, pixel "
                    "thresholds %s," % (args.layers, args.gates, args.k, args.tau, args.thresholds),
                    "# %d epochs, batch %d, Adam lr %g, seed %d): discrete test accuracy %.2f %% (%d of %d "
                    "images), relaxed %.2f %%." % (args.epochs, args.batch, args.lr, args.seed, 100 * acc, right,
                                                   len(x) - m, 100 * relaxed)]
            with open(args.output) as f:
                body = f.read()
            with open(args.output, "w") as f:
                f.write("\n".join(head) + "\n" + body)
    except Error as e:
        print("train_lgn.py: error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
