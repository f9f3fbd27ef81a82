# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""Achieved GFLOP/s of the mlp and cnn steps against this machine's float32 matmul rate."""
import time

import numpy as np

from . import run_one
from .workloads import build
from .workloads import data as d


def matmul_rate(quick):
    """GFLOP/s of a 1024x1024 float32 matmul loop (NumPy's BLAS, same threads as the workloads)."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((1024, 1024)).astype(np.float32) for _ in range(2))
    out = np.empty_like(a)
    for _ in range(3):
        np.matmul(a, b, out=out)
    ts = []
    for _ in range(5 if quick else 20):
        t0 = time.perf_counter(); np.matmul(a, b, out=out); ts.append(time.perf_counter() - t0)
    return 2 * 1024 ** 3 / float(np.median(ts)) / 1e9


def mlp_flops():
    """Matmul FLOPs of forward + backward: forward F, weight gradients F, input gradients of
    layers 2 and 3 (the input batch is a constant). Elementwise ops are not counted."""
    b, dims = d.X784.shape[0], [784, 512, 512, 10]
    layer = [2 * b * i * o for i, o in zip(dims, dims[1:])]
    return 2 * sum(layer) + sum(layer[1:])


def cnn_flops():
    """conv1: forward + kernel gradient; conv2 and dense: forward + kernel + input gradients."""
    n = d.IMG.shape[0]
    c1 = 2 * n * 28 * 28 * 32 * 9 * 1
    c2 = 2 * n * 14 * 14 * 64 * 9 * 32
    fc = 2 * n * 7 * 7 * 64 * 10
    return 2 * c1 + 3 * c2 + 3 * fc


def run(quick=False, **_):
    rate = matmul_rate(quick)
    work = build()
    lines = [f"machine: float32 1024x1024 matmul {rate:.1f} GFLOP/s (NumPy BLAS, this process)",
             f"{'workload':<9} {'MFLOP':>8} {'ms':>9} {'GFLOP/s':>9} {'fraction of matmul rate':>24}"]
    for name, flops in (("mlp", mlp_flops()), ("cnn", cnn_flops())):
        if name not in work:
            lines.append(f"{name:<9} {flops / 1e6:>8.1f} {'n/a':>9} {'n/a':>9} {'n/a':>24}")
            continue
        ms = run_one.timeit(work[name], quick)
        g = flops / (ms / 1e3) / 1e9
        lines.append(f"{name:<9} {flops / 1e6:>8.1f} {ms:>9.3f} {g:>9.1f} {g / rate:>24.2f}")
    lines.append("FLOPs: matmuls/convolutions of forward + backward only, counted analytically.")
    return "\n".join(lines)
