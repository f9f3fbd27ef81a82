# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""What an mlp step spends outside its matrix products, against the same step written by hand in
NumPy: both run in this process, interleaved, and every product of both is timed as it runs.

The products are the same BLAS calls in both; the rest (elementwise kernels, the loss, the
bias gradients and, for gradtape, the tape and the sweep) is where an autodiff library on NumPy
can lose to hand-written code.
"""
import statistics
import time

import numpy as np

from .workloads import build
from .workloads import data as d


class _ProductClock:
    """Adds up the time spent in gradtape's matrix products while installed (the forward of the
    ``matmul`` primitive, which its rules also call, and the weight-gradient products)."""

    def __init__(self):
        from gradtape._engine import indexed_slices, primitive
        self.spent = 0.0
        self._prim = primitive.PRIMITIVES["matmul"]
        self._raw, self._pg = primitive.raw, indexed_slices.ProductGrad
        self._saved = (self._prim.forward, self._raw.matmul, self._pg.dense)

    def timed(self, f):
        def run(*a):
            t0 = time.perf_counter(); r = f(*a); self.spent += time.perf_counter() - t0
            return r
        return run

    def __enter__(self):
        fwd, rawmm, dense = self._saved
        self._prim.forward = self._raw.matmul = self.timed(fwd)
        self._pg.dense = self.timed(dense)
        return self

    def __exit__(self, *exc):
        self._prim.forward, self._raw.matmul, self._pg.dense = self._saved


def numpy_mlp(clock):
    """The mlp step by hand: forward, softmax cross entropy, and the six gradients."""
    w = [d.W1, d.b1, d.W2, d.b2, d.W3, d.b3]
    x, y = d.X784, d.Y10
    n = x.shape[0]
    ones, rows = np.ones(n, np.float32), np.arange(n)
    mm = clock.timed(np.matmul)

    def step():
        a1 = mm(x, w[0]); a1 += w[1]; h1 = np.maximum(a1, 0)
        a2 = mm(h1, w[2]); a2 += w[3]; h2 = np.maximum(a2, 0)
        lo = mm(h2, w[4]); lo += w[5]
        z = lo - lo.max(-1, keepdims=True); e = np.exp(z); s = e.sum(-1, keepdims=True)
        p = e / s; p[rows, y] -= 1; p *= 1.0 / n
        g2 = mm(p, w[4].T); g2 *= h2 > 0
        g1 = mm(g2, w[2].T); g1 *= h1 > 0
        return mm(x.T, g1), ones @ g1, mm(h1.T, g2), ones @ g2, mm(h2.T, p), ones @ p
    return step


def run(quick=False, **_):
    gt_step = build()["mlp"]
    with _ProductClock() as clock:
        steps = {"NumPy by hand": numpy_mlp(clock), "gradtape": gt_step}
        want = [np.asarray(v) for v in steps["NumPy by hand"]()]
        got = [v.numpy() for v in gt_step()]
        err = max(float(np.abs(a - b).max()) for a, b in zip(want, got))
        total = {k: [] for k in steps}
        products = {k: [] for k in steps}
        for r in range(40 if quick else 400):  # alternate step by step: load hits both alike
            for k in (list(steps) if r % 2 else list(steps)[::-1]):
                clock.spent = 0.0
                t0 = time.perf_counter(); steps[k](); total[k].append(time.perf_counter() - t0)
                products[k].append(clock.spent)
    lines = ["mlp step (batch 128), medians over interleaved steps, ms",
             f"{'':<16} {'total':>8} {'products':>9} {'the rest':>9}"]
    for k in steps:
        rest = [t - p for t, p in zip(total[k], products[k])]
        lines.append(f"{k:<16} {statistics.median(total[k]) * 1e3:>8.3f} "
                     f"{statistics.median(products[k]) * 1e3:>9.3f} {statistics.median(rest) * 1e3:>9.3f}")
    lines.append(f"the two steps' gradients differ by at most {err:.1e} (float32)")
    return "\n".join(lines)
