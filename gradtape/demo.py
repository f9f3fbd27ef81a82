"""The README's main job: train a model with a GradientTape loop and show the loss falling.

Run it with ``python -m gradtape.demo`` (or the ``gradtape`` command).
"""

from __future__ import annotations

import time

import numpy as np

import gradtape as gt


def main(argv=None) -> int:
    """Fit a small two-layer network to a noisy sine curve by gradient descent.

    >>> main(["--steps", "5"])  # doctest: +ELLIPSIS
    step ...
    0
    """
    import argparse

    ap = argparse.ArgumentParser(prog="gradtape", description=__doc__)
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, (256, 1)).astype(np.float32)
    y = (np.sin(x) + 0.05 * rng.standard_normal(x.shape)).astype(np.float32)
    w1 = gt.Variable(rng.standard_normal((1, 32)).astype(np.float32))
    b1 = gt.Variable(np.zeros(32, np.float32))
    w2 = gt.Variable((rng.standard_normal((32, 1)) / 6).astype(np.float32))
    b2 = gt.Variable(np.zeros(1, np.float32))
    params = [w1, b1, w2, b2]
    lr = 0.05
    t0 = time.perf_counter()
    for step in range(args.steps + 1):
        with gt.GradientTape() as tape:
            pred = gt.tanh(x @ w1 + b1) @ w2 + b2
            loss = gt.reduce_mean((pred - y) ** 2)
        grads = tape.gradient(loss, params)
        for p, g in zip(params, grads):
            p.assign_sub(lr * g)
        if step % max(1, args.steps // 10) == 0:
            print(f"step {step:4d}  loss {float(loss):.4f}")
    print(f"trained in {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
