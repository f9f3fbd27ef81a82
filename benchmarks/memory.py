# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""Memory held by the tape (tracemalloc) for the mlp step, against PyTorch; recompute_grad's savings."""
import gc
import json
import os
import subprocess
import time
import tracemalloc

import numpy as np

import gradtape as gt

from .workloads import data as d

MB = 1e6
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def traced(step):
    """step(mark) under tracemalloc: (result, bytes held when mark() is called, peak), above the baseline."""
    step(lambda: None)
    gc.collect(); tracemalloc.start(); base = tracemalloc.get_traced_memory()[0]; held = []
    out = step(lambda: held.append(tracemalloc.get_traced_memory()[0] - base))
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return out, held[0], peak


def mlp_memory(peers_python, env):
    vs, x, y = [gt.Variable(a) for a in d.MLP], gt.constant(d.X784), gt.constant(d.Y10)

    def forward():  # a function, as in PyTorch's measurement: its locals are gone by the gradient
        h = gt.nn.relu(x @ vs[0] + vs[1]); h = gt.nn.relu(h @ vs[2] + vs[3]); lo = h @ vs[4] + vs[5]
        return gt.reduce_mean(gt.nn.sparse_softmax_cross_entropy_with_logits(y, lo))

    def step(mark):
        with gt.GradientTape() as t:
            loss = forward()
            mark()
        return t.gradient(loss, vs)
    g, held, peak = traced(step)
    grads = sum(a.numpy().nbytes for a in g)
    lines = ["mlp step (batch 128), MB above the baseline:  held after fwd   peak fwd+grad"
             "   of which gradients",
             f"  gradtape (tracemalloc)                      {held / MB:>14.3f} {peak / MB:>15.3f} "
             f"{grads / MB:>20.3f}"]
    if peers_python:
        try:
            p = subprocess.run([peers_python, "-m", "benchmarks.peers.mem_torch"], capture_output=True,
                               text=True, timeout=120, env=env, cwd=ROOT)
            r = json.loads(p.stdout.strip().splitlines()[-1])
            lines.append(f"  torch (profiler: events, allocation timeline){r['held'] / MB:>13.3f} "
                         f"{r['peak'] / MB:>15.3f} {r['grads'] / MB:>20.3f}")
            lines.append(f"  torch saved-tensor bytes (saved_tensors_hooks, non-parameter): "
                         f"{r['saved'] / MB:.3f} MB (with the 0.4 MB input batch, allocated before the step)")
            lines.append(f"  ratio gradtape / torch: held {held / r['held']:.2f}, "
                         f"peak {peak / r['peak']:.2f}")
        except Exception as e:  # a peer failure is reported, not fatal
            lines.append(f"  error: torch memory run failed: {type(e).__name__}: {str(e)[:120]}")
    else:
        lines.append("  torch: n/a (no peers Python with torch)")
    return "\n".join(lines)


def deep_mlp(quick):
    rng = np.random.default_rng(0)
    L, W, B, seg = 20, 512, 256, 5  # 4 segments of 5 layers (about sqrt(20))
    mats = [(rng.standard_normal((W, W)) / np.sqrt(W)).astype(np.float32) for _ in range(L)]
    x = gt.constant(rng.standard_normal((B, W)).astype(np.float32))

    def make(ws, bs, recompute):
        def layers(h, lo, hi):
            for i in range(lo, hi):
                h = gt.nn.relu(h @ ws[i] + bs[i])
            return h
        if not recompute:
            return lambda h: layers(h, 0, L)
        blocks = [gt.recompute_grad(lambda h, a=a: layers(h, a, a + seg)) for a in range(0, L, seg)]

        def f(h):
            for blk in blocks:
                h = blk(h)
            return h
        return f

    def step_fn(f, sources, watch):
        def step(mark):
            with gt.GradientTape() as t:
                t.watch(watch)
                loss = gt.reduce_mean(f(x) ** 2)
                mark()
            return t.gradient(loss, sources)
        return step
    res, steps = {}, {}
    for rc in (False, True):
        # training step: gradients of the 40 variables; total peak
        ws, bs = [gt.Variable(m) for m in mats], [gt.Variable(np.zeros(W, np.float32)) for _ in range(L)]
        steps[rc] = step_fn(make(ws, bs, rc), ws + bs, [])
        _, held, peak = traced(steps[rc])
        # activations alone: frozen weights (constants), gradient of the input only
        wc, bc = [gt.constant(m) for m in mats], [gt.constant(np.zeros(W, np.float32)) for _ in range(L)]
        _, aheld, apeak = traced(step_fn(make(wc, bc, rc), x, x))
        res[rc] = [held, peak, aheld, apeak]
    ts = {False: [], True: []}
    for _ in range(3 if quick else 9):  # interleaved, so machine noise hits both alike
        for rc in (False, True):
            t0 = time.perf_counter(); steps[rc](lambda: None); ts[rc].append(time.perf_counter() - t0)
    for rc in (False, True):
        res[rc].insert(0, float(np.median(ts[rc])))
    lines = [f"recompute_grad: 20-layer ReLU MLP, width 512, batch 256; {L // seg} segments of {seg} layers",
             "                       step ms   held after fwd MB   peak fwd+grad MB   activation peak MB",
             ]
    for rc, name in ((False, "without"), (True, "recompute_grad")):
        t, held, peak, aheld, apeak = res[rc]
        lines.append(f"  {name:<18} {t * 1e3:>10.1f} {held / MB:>19.2f} {peak / MB:>18.2f} "
                     f"{apeak / MB:>20.2f}")
    (t0, h0, p0, _, a0), (t1, h1, p1, _, a1) = res[False], res[True]
    lines.append(f"  ratio recompute/without: time {t1 / t0:.2f}, held {h1 / h0:.2f}, peak {p1 / p0:.2f}, "
                 f"activation peak {a1 / a0:.2f} (target <= 0.5)")
    lines.append("  activation peak: the same network with frozen weights and the gradient of the input")
    lines.append("  only, so the 21 MB of weight gradients do not hide it; 'held' is what the tape keeps")
    lines.append("  after forward.")
    return "\n".join(lines)


def run(quick=False, peers_python=None, env=None, **_):
    return mlp_memory(peers_python, env or {}) + "\n\n" + deep_mlp(quick)
