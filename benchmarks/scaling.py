# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""Time and tracemalloc peak against the number of recorded ops and against the MLP's batch size."""
import gc
import time
import tracemalloc

import numpy as np

import gradtape as gt

from .workloads import data as d


def chain(n):
    x = gt.constant(0.5)
    with gt.GradientTape() as t:
        t.watch(x); y = x
        for _ in range(n):
            y = gt.sin(y)
    return t.gradient(y, x)


def mlp_step(b):
    rng = np.random.default_rng(b)
    x, y = gt.constant(rng.standard_normal((b, 784)).astype(np.float32)), gt.constant(rng.integers(0, 10, b))
    vs = [gt.Variable(a) for a in d.MLP]

    def step():
        with gt.GradientTape() as t:
            h = gt.nn.relu(x @ vs[0] + vs[1]); h = gt.nn.relu(h @ vs[2] + vs[3]); lo = h @ vs[4] + vs[5]
            loss = gt.reduce_mean(gt.nn.sparse_softmax_cross_entropy_with_logits(y, lo))
        return t.gradient(loss, vs)
    return step


def measure(fn, reps):
    """(median seconds, tracemalloc peak bytes above the baseline) of fn()."""
    for _ in range(min(reps, 3)):
        fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
    gc.collect(); tracemalloc.start(); base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return float(np.median(ts)), peak


def fit(xs, ys):
    """Linear fit y = a x + b: (a, b, R^2)."""
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    a, b = np.polyfit(xs, ys, 1)
    return a, b, 1 - np.sum((ys - (a * xs + b)) ** 2) / np.sum((ys - ys.mean()) ** 2)


def sweep(title, label, sizes, make, reps):
    """Table of time and peak per size: ratio to the previous size, and the marginal cost per
    unit between sizes (constant when growth is linear, whatever the fixed cost)."""
    rows = [(n, *measure(make(n), reps(n))) for n in sizes]
    lines = [title, f"{label:>8} {'ms':>10} {'x prev':>7} {'us/unit':>8} {'peak MB':>9} {'x prev':>7} "
                    f"{'B/unit':>8}"]
    for k, (n, t, m) in enumerate(rows):
        cells = [f"{n:>8}", f"{t * 1e3:>10.3f}"]
        for v, scale, col in ((t, 1e6, 1), (m, 1, 2)):
            if k:
                pn, pv = rows[k - 1][0], rows[k - 1][col]
                cells += [f"{v / pv:>7.2f}", f"{(v - pv) / (n - pn) * scale:>8.3g}"]
            else:
                cells += [" " * 7, " " * 8]
            if col == 1:
                cells.append(f"{m / 1e6:>9.3f}")
        lines.append(" ".join(cells))
    for what, col in (("time", 1), ("peak memory", 2)):
        a, b, r2 = fit([r[0] for r in rows], [r[col] for r in rows])
        per = f"{a * 1e6:.3g} us" if col == 1 else f"{a:.4g} bytes"
        icpt = f"{b * 1e3:.3g} ms" if col == 1 else f"{b / 1e6:.3g} MB"
        lines.append(f"  {what}: linear fit {per} per {label.rstrip('s')} + {icpt}, R^2 = {r2:.4f}")
    return "\n".join(lines)


def run(quick=False, **_):
    ops = [100, 1000, 10000] if quick else [100, 1000, 10000, 100000]
    bs = [10, 100, 1000] if quick else [10, 100, 1000, 10000]
    return "\n\n".join([
        sweep("Recorded ops (n sin ops on a scalar on one tape, then gradient); x prev = ratio per decade",
              "ops", ops, lambda n: (lambda: chain(n)), lambda n: 1 if quick or n >= 100000 else 3),
        sweep("MLP 784-512-512-10 step (forward + gradient of 6 variables) against batch size",
              "batch", bs, mlp_step, lambda n: 3 if quick else 7)])
