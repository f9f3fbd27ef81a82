# ruff: noqa: E702  (compact one-line statements, as in the shared side-by-side suite)
"""Achieved GFLOP/s of the mlp and cnn steps against this machine's float32 matmul rate."""
import time

import numpy as np

from .workloads import build
from .workloads import data as d


def matmul_fn():
    """One 1024x1024 float32 matmul (NumPy's BLAS, same threads as the workloads)."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((1024, 1024)).astype(np.float32) for _ in range(2))
    out = np.empty_like(a)
    return lambda: np.matmul(a, b, out=out)


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
    work = build()
    fns = {"matmul": (matmul_fn(), 2 * 1024 ** 3), "mlp": (work.get("mlp"), mlp_flops()),
           "cnn": (work.get("cnn"), cnn_flops())}
    fns = {k: v for k, v in fns.items() if v[0] is not None}
    ts = {k: [] for k in fns}
    for f, _ in fns.values():
        f(); f()
    for _ in range(2 if quick else 6):  # blocks interleaved, so that load on the machine hits all alike
        for k, (f, _) in fns.items():
            # each block starts quiet: BLAS's worker spins for about 0.1 s after a product, and
            # gradtape's products stay on one thread for 0.2 s after a split (docs/performance.md)
            time.sleep(0.25)
            f(); f()  # the first calls of a block warm the caches (and wake the cores) again
            for _ in range(3):
                t0 = time.perf_counter(); f(); ts[k].append(time.perf_counter() - t0)
    rate = {k: fl / float(np.median(ts[k])) / 1e9 for k, (_, fl) in fns.items()}
    lines = [f"machine: float32 1024x1024 matmul {rate['matmul']:.1f} GFLOP/s (NumPy BLAS, this process, "
             "timed interleaved with the workloads)",
             f"{'workload':<9} {'MFLOP':>8} {'ms':>9} {'GFLOP/s':>9} {'fraction of matmul rate':>24}"]
    for name, flops in (("mlp", mlp_flops()), ("cnn", cnn_flops())):
        if name not in rate:
            lines.append(f"{name:<9} {flops / 1e6:>8.1f} {'n/a':>9} {'n/a':>9} {'n/a':>24}")
            continue
        ms = float(np.median(ts[name])) * 1e3
        lines.append(f"{name:<9} {flops / 1e6:>8.1f} {ms:>9.3f} {rate[name]:>9.1f} "
                     f"{rate[name] / rate['matmul']:>24.2f}")
    lines.append("FLOPs: matmuls/convolutions of forward + backward only, counted analytically.")
    return "\n".join(lines)
