"""A physics-informed neural network for the damped harmonic oscillator, with nested tapes.

The network ``u(t)`` is trained with no solution data at all: the loss is the residual of

    u'' + 2 zeta omega u' + omega^2 u = 0,    u(0) = 1,  u'(0) = 0,

at collocation points on ``[0, T]``, plus the two initial conditions. ``u'`` and ``u''`` are
derivatives of the network with respect to its input, taken by two nested ``GradientTape``s
inside the outer tape that differentiates the loss with respect to the weights (third-order
reverse mode through the tanh network). Since each output row depends only on its own input
row, the gradient of ``sum(u)`` with respect to the column of times is the column of ``u'(t)``.

The result is compared with the exact underdamped solution

    u(t) = exp(-zeta omega t) (cos(omega_d t) + zeta omega / omega_d sin(omega_d t)),
    omega_d = omega sqrt(1 - zeta^2),

on a fine grid (max and relative L2 error). ``--steps`` and ``--points`` shrink the run.

    python examples/pinn.py
    python examples/pinn.py --steps 500     # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Sequence

import numpy as np

try:
    import gradtape as gt
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
    import gradtape as gt

from _common import add_run_options, run_with_threads  # noqa: E402  (examples/ is the script's directory)


def exact_solution(t: np.ndarray, zeta: float, omega: float) -> np.ndarray:
    """The underdamped oscillator with ``u(0) = 1``, ``u'(0) = 0``.

    >>> float(exact_solution(np.array(0.0), 0.1, 2.0))
    1.0
    """
    wd = omega * np.sqrt(1.0 - zeta ** 2)
    return np.exp(-zeta * omega * t) * (np.cos(wd * t) + zeta * omega / wd * np.sin(wd * t))


def build_network(hidden: int = 32, depth: int = 3, dtype: str = "float64"):
    L = gt.layers
    layers = [L.Dense(hidden, activation="tanh", dtype=dtype) for _ in range(depth)]
    net = L.Sequential(layers + [L.Dense(1, dtype=dtype)])
    net(gt.zeros((1, 1), dtype=dtype))
    return net


def derivatives(net, t, t_scale: float):
    """``u, u', u''`` at the column ``t`` (shape (n, 1)), by two nested tapes.

    The network sees ``t / t_scale`` (inputs of order one); the chain rule is automatic.
    """
    with gt.GradientTape() as tape2:
        tape2.watch(t)
        with gt.GradientTape() as tape1:
            tape1.watch(t)
            u = net(t / t_scale)
        du = tape1.gradient(u, t)
    d2u = tape2.gradient(du, t)
    return u, du, d2u


def pinn_loss(net, t_col, t0, zeta: float, omega: float, t_scale: float, ic_weight: float = 10.0):
    """Mean squared ODE residual at the collocation points plus the weighted initial conditions."""
    u, du, d2u = derivatives(net, t_col, t_scale)
    residual = (d2u + 2.0 * zeta * omega * du + omega ** 2 * u) / omega ** 2
    u0, du0, _ = derivatives(net, t0, t_scale)
    ic = (u0[0, 0] - 1.0) ** 2 + (du0[0, 0] / omega) ** 2
    return gt.reduce_mean(residual ** 2), ic_weight * ic


def _write_plot(path: str, t: np.ndarray, u_pred: np.ndarray, u_true: np.ndarray,
                losses: list) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.5))
    a.plot(t, u_true, "k-", lw=2, label="exact")
    a.plot(t, u_pred, "r--", lw=1.5, label="PINN")
    a.set_xlabel("t")
    a.legend()
    b.semilogy(losses)
    b.set_xlabel("step")
    b.set_ylabel("loss")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def parse_args(argv: Sequence[str] | None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=8000, help="Adam steps")
    p.add_argument("--points", type=int, default=128, help="collocation points")
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--depth", type=int, default=3, help="hidden layers")
    p.add_argument("--zeta", type=float, default=0.2, help="damping ratio (< 1)")
    p.add_argument("--omega", type=float, default=4.0, help="natural angular frequency")
    p.add_argument("--t-max", type=float, default=2.0, help="end of the time interval")
    p.add_argument("--lr", type=float, default=1e-2)
    add_run_options(p)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the example with command-line arguments ``argv``; returns the results as a dict."""
    return run_with_threads(run, parse_args(argv))


def run(args: argparse.Namespace) -> dict[str, Any]:
    if not 0 <= args.zeta < 1:
        raise SystemExit("--zeta must be in [0, 1) (the exact solution is the underdamped one)")
    say = (lambda *a: None) if args.quiet else print
    t_start = time.perf_counter()
    gt.random.set_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    net = build_network(args.hidden, args.depth)
    variables = list(net.trainable_variables)
    schedule = gt.optimizers.schedules.CosineDecay(args.lr, decay_steps=args.steps, alpha=0.02)
    opt = gt.optimizers.Adam(schedule)
    grid = np.linspace(0.0, args.t_max, 1001)
    t0 = gt.zeros((1, 1), dtype=gt.float64)
    t_scale = args.t_max

    def error() -> tuple[float, float, np.ndarray]:
        u_pred = net(gt.constant(grid[:, None] / t_scale)).numpy()[:, 0]
        u_true = exact_solution(grid, args.zeta, args.omega)
        return (float(np.abs(u_pred - u_true).max()),
                float(np.linalg.norm(u_pred - u_true) / np.linalg.norm(u_true)), u_pred)

    initial_max_error = error()[0]
    losses = []
    for step in range(1, args.steps + 1):
        # Fresh stratified collocation points each step: one uniform draw in each of n cells.
        cells = (np.arange(args.points) + rng.random(args.points)) / args.points * args.t_max
        t_col = gt.constant(cells[:, None])
        with gt.GradientTape() as tape:
            res, ic = pinn_loss(net, t_col, t0, args.zeta, args.omega, t_scale)
            loss = res + ic
        opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
        losses.append(float(loss))
        if step % max(1, args.steps // 10) == 0 or step == args.steps:
            say(f"step {step:5d}  loss {float(loss):.3e} (residual {float(res):.2e}, "
                f"initial conditions {float(ic):.2e})  max error {error()[0]:.3e}  "
                f"({time.perf_counter() - t_start:.0f}s)")
    max_err, rel_l2, u_pred = error()
    result = {
        "max_abs_error": max_err,
        "rel_l2_error": rel_l2,
        "initial_max_abs_error": initial_max_error,
        "final_loss": losses[-1],
        "first_loss": losses[0],
        "steps": args.steps,
        "seconds": time.perf_counter() - t_start,
    }
    say(f"PINN vs exact solution on [0, {args.t_max}]: max |error| {max_err:.2e}, relative L2 "
        f"error {rel_l2:.2e} (untrained network: max |error| {initial_max_error:.2f}); "
        f"{args.steps} steps, {result['seconds']:.1f}s")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "result.json"), "w") as f:
            json.dump(result, f, indent=1)
        result["plot"] = _write_plot(os.path.join(args.out, "pinn.png"), grid, u_pred,
                                     exact_solution(grid, args.zeta, args.omega), losses)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
