"""Gradients of plain NumPy code: fitting an ODE model to data, and Newton's method with a Jacobian.

NumPy functions applied to gradtape tensors run gradtape's ops and record on the tape, so
scientific code written with ``np.`` calls is differentiable as it stands.

(a) Parameter estimation. The Lotka-Volterra predator-prey model

        x' = alpha x - beta x y,    y' = delta x y - gamma y

    is integrated with a fixed-step fourth-order Runge-Kutta scheme written with ``np.stack``,
    ``np.mean``, ``np.log``... on tensors. Noisy observations are made from a finer
    integration at the true parameters; the four parameters are then recovered from a wrong
    initial guess by gradient descent (Adam on their logarithms) on the mean squared misfit,
    the gradient flowing back through every Runge-Kutta step; the observation window grows
    in three stages to keep away from the misfit's local minima. The gradient is checked
    against central differences first.

(b) A Newton solve. The Bratu problem ``u'' + lambda exp(u) = 0`` on ``(0, 1)`` with
    ``u(0) = u(1) = 0`` is discretized by finite differences into ``n`` nonlinear equations
    ``F(u) = 0`` (``np.concatenate``, ``np.exp``); each Newton step solves
    ``J du = -F`` with the Jacobian from ``tape.jacobian`` (one vectorized backward sweep).
    The iterates converge quadratically to the discrete solution, which is compared with the
    exact one, ``u(x) = -2 log(cosh((x - 1/2) theta / 2) / cosh(theta / 4))`` where
    ``theta = sqrt(2 lambda) cosh(theta / 4)``.

    python examples/scientific.py
    python examples/scientific.py --fit-steps 100 --n 20     # a quick look
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

TRUE_PARAMS = np.array([1.5, 1.0, 3.0, 1.0])  # alpha, beta, gamma, delta
PARAM_NAMES = ("alpha", "beta", "gamma", "delta")


# -- (a) fitting the Lotka-Volterra model ---------------------------------------------------------
def lotka_volterra(u, p):
    """The right-hand side; ``u = (x, y)`` and ``p = (alpha, beta, gamma, delta)``, arrays or tensors."""
    x, y = u[0], u[1]
    return np.stack([p[0] * x - p[1] * x * y, p[3] * x * y - p[2] * y])


def rk4_trajectory(f, u0, p, h: float, n_steps: int, every: int = 1):
    """``n_steps`` classical Runge-Kutta steps of size ``h``; the states at every ``every``-th step.

    Plain NumPy: with tensors for ``u0`` or ``p`` every operation records on the active tape.

    >>> traj = rk4_trajectory(lambda u, p: -p * u, np.array([1.0]), 1.0, 0.1, 10)
    >>> bool(abs(traj[-1, 0] - np.exp(-1.0)) < 1e-6)  # RK4's error is O(h^4)
    True
    """
    u, out = u0, [u0]
    for i in range(1, n_steps + 1):
        k1 = f(u, p)
        k2 = f(u + 0.5 * h * k1, p)
        k3 = f(u + 0.5 * h * k2, p)
        k4 = f(u + h * k3, p)
        u = u + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        if i % every == 0:
            out.append(u)
    return np.stack(out)


def make_data(rng: np.random.Generator, t_max: float, obs_dt: float, noise: float):
    """Observations of (x, y) every ``obs_dt`` from a fine integration (h = 0.001) plus noise."""
    fine = 0.001
    traj = rk4_trajectory(lotka_volterra, np.array([1.0, 1.0]), TRUE_PARAMS, fine,
                          int(round(t_max / fine)), every=int(round(obs_dt / fine)))
    return traj + noise * rng.standard_normal(traj.shape), traj


def fit_lotka_volterra(args, say) -> dict[str, Any]:
    rng = np.random.default_rng(args.seed)
    obs = make_data(rng, args.t_max, args.obs_dt, args.noise)[0]
    h = args.h
    every = int(round(args.obs_dt / h))
    n_steps = every * (len(obs) - 1)
    u0 = np.array([1.0, 1.0])
    data = gt.constant(obs)

    def misfit(log_p, n_obs=len(obs)):
        """Mean squared misfit to the first ``n_obs`` observations."""
        traj = rk4_trajectory(lotka_volterra, u0, np.exp(log_p), h, every * (n_obs - 1), every)
        return np.mean((traj - data[:n_obs]) ** 2)

    guess = np.array([1.0, 0.6, 2.2, 0.6])
    log_p = gt.Variable(np.log(guess), name="log_params")

    # The tape's gradient against central differences of the same NumPy code.
    with gt.GradientTape() as tape:
        loss0 = misfit(log_p)
    grad = tape.gradient(loss0, log_p).numpy()
    eps, fd = 1e-6, np.zeros(4)
    for i in range(4):
        e = np.zeros(4)
        e[i] = eps
        fd[i] = (float(misfit(gt.constant(log_p.numpy() + e)))
                 - float(misfit(gt.constant(log_p.numpy() - e)))) / (2 * eps)
    grad_check = float(np.abs(grad - fd).max() / np.abs(fd).max())
    say(f"(a) gradient through {n_steps} RK4 steps vs central differences: relative error {grad_check:.1e}")

    # A misfit over a long oscillating record has many local minima (a wrong period matches
    # the data out of phase); growing the window, a quarter, then half, then all of it, keeps
    # gradient descent in the right basin.
    windows = [max(2, (len(obs) - 1) * k // 4 + 1) for k in (1, 2, 4)]
    per_window = max(1, args.fit_steps // len(windows))
    t0 = time.perf_counter()
    for n_obs in windows:
        opt = gt.optimizers.Adam(args.fit_lr)
        for _ in range(per_window):
            with gt.GradientTape() as tape:
                loss = misfit(log_p, n_obs)
            opt.apply_gradients([(tape.gradient(loss, log_p), log_p)])
        p = np.exp(log_p.numpy())
        say(f"    window [0, {(n_obs - 1) * args.obs_dt:g}]: {per_window} steps, misfit "
            f"{float(loss):.5f}, " + " ".join(f"{n}={v:.3f}" for n, v in zip(PARAM_NAMES, p)))
    fitted = np.exp(log_p.numpy())
    rel = np.abs(fitted - TRUE_PARAMS) / TRUE_PARAMS
    result = {
        "true_params": TRUE_PARAMS.tolist(),
        "initial_guess": guess.tolist(),
        "fitted_params": fitted.tolist(),
        "max_rel_param_error": float(rel.max()),
        "initial_max_rel_param_error": float((np.abs(guess - TRUE_PARAMS) / TRUE_PARAMS).max()),
        "final_misfit": float(misfit(log_p)),
        "noise_variance": args.noise ** 2,
        "gradient_check_rel_error": grad_check,
        "fit_seconds": time.perf_counter() - t0,
        "observations": int(obs.size),
    }
    say(f"(a) fitted {' '.join(f'{n}={v:.3f}' for n, v in zip(PARAM_NAMES, fitted))} "
        f"(true {' '.join(f'{v:g}' for v in TRUE_PARAMS)}): max relative error "
        f"{result['max_rel_param_error']:.2%} (initial guess {result['initial_max_rel_param_error']:.0%}); "
        f"misfit {result['final_misfit']:.4f} vs noise variance {args.noise ** 2:.4f}; "
        f"{result['fit_seconds']:.1f}s")
    result["_curves"] = (obs, fitted)
    return result


# -- (b) Newton's method on the Bratu problem -----------------------------------------------------
def bratu_residual(u, lam: float, h: float):
    """``F(u)_i = (u_{i-1} - 2 u_i + u_{i+1}) / h^2 + lam exp(u_i)`` with zero boundary values."""
    zero = np.zeros_like(u[:1])
    full = np.concatenate([zero, u, zero])
    return (full[:-2] - 2.0 * full[1:-1] + full[2:]) / h ** 2 + lam * np.exp(u)


def bratu_exact(x: np.ndarray, lam: float) -> np.ndarray:
    """The lower exact solution of ``u'' + lam exp(u) = 0``, ``u(0) = u(1) = 0`` (lam < 3.51)."""
    theta = 1.0
    for _ in range(100):  # fixed point for the smaller root of theta = sqrt(2 lam) cosh(theta / 4)
        theta = np.sqrt(2.0 * lam) * np.cosh(theta / 4.0)
    return -2.0 * np.log(np.cosh((x - 0.5) * theta / 2.0) / np.cosh(theta / 4.0))


def newton_bratu(args, say) -> dict[str, Any]:
    n, lam = args.n, args.lam
    h = 1.0 / (n + 1)
    x = np.linspace(h, 1.0 - h, n)
    u = gt.constant(np.zeros(n))
    t0 = time.perf_counter()
    norms = []
    for it in range(args.newton_steps):
        with gt.GradientTape() as tape:
            tape.watch(u)
            F = bratu_residual(u, lam, h)
        norms.append(float(np.max(np.abs(F.numpy()))))
        say(f"    Newton iteration {it}: max |F(u)| = {norms[-1]:.3e}")
        if norms[-1] < 1e-10:
            break
        J = tape.jacobian(F, u)
        u = u - np.linalg.solve(J, F)
    # The Jacobian of the last step against the analytic tridiagonal one.
    main_diag = -2.0 / h ** 2 + lam * np.exp(u.numpy())
    J_exact = (np.diag(main_diag) + np.diag(np.full(n - 1, 1.0 / h ** 2), 1)
               + np.diag(np.full(n - 1, 1.0 / h ** 2), -1))
    with gt.GradientTape() as tape:
        tape.watch(u)
        F = bratu_residual(u, lam, h)
    jac_err = float(np.abs(tape.jacobian(F, u).numpy() - J_exact).max() / np.abs(J_exact).max())
    err = float(np.abs(u.numpy() - bratu_exact(x, lam)).max())
    result = {
        "newton_residuals": norms,
        "newton_iterations": len(norms) - 1,
        "bratu_max_error": err,
        "bratu_max_u": float(u.numpy().max()),
        "jacobian_rel_error": jac_err,
        "grid_points": n,
        "newton_seconds": time.perf_counter() - t0,
    }
    say(f"(b) Bratu, lambda={lam}, n={n}: {result['newton_iterations']} Newton iterations to "
        f"max |F| {norms[-1]:.1e}; max |u - exact| = {err:.2e} (discretization error, O(h^2)); "
        f"Jacobian vs analytic: {jac_err:.1e}; {1000 * result['newton_seconds']:.0f} ms")
    result["_curve"] = (x, u.numpy(), bratu_exact(x, lam))
    return result


def _write_plot(path: str, fit: dict, bratu: dict, obs_dt: float) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    obs, fitted = fit["_curves"]
    t = np.arange(len(obs)) * obs_dt
    fine = 0.01
    n_fine = int(round(t[-1] / fine))
    tf = np.arange(n_fine + 1) * fine
    true_traj = rk4_trajectory(lotka_volterra, np.array([1.0, 1.0]), TRUE_PARAMS, fine, n_fine)
    fit_traj = rk4_trajectory(lotka_volterra, np.array([1.0, 1.0]), fitted, fine, n_fine)
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.5))
    for i, (name, c) in enumerate([("prey x", "C0"), ("predator y", "C1")]):
        a.plot(t, obs[:, i], "o", color=c, ms=3, label=f"{name} (noisy data)")
        a.plot(tf, true_traj[:, i], "-", color=c, lw=1, alpha=0.5)
        a.plot(tf, fit_traj[:, i], "--", color=c, lw=1.5, label=f"{name} (fitted model)")
    a.set_xlabel("t")
    a.legend(fontsize=7)
    x, u, exact = bratu["_curve"]
    b.plot(x, exact, "k-", lw=2, label="exact")
    b.plot(x, u, "r.", label="Newton (finite differences)")
    b.set_xlabel("x")
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def parse_args(argv: Sequence[str] | None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--fit-steps", type=int, default=300, help="Adam steps of the ODE fit")
    p.add_argument("--fit-lr", type=float, default=0.05)
    p.add_argument("--t-max", type=float, default=10.0, help="observation window")
    p.add_argument("--obs-dt", type=float, default=0.5, help="time between observations")
    p.add_argument("--h", type=float, default=0.1, help="RK4 step of the fitted model")
    p.add_argument("--noise", type=float, default=0.1, help="observation noise (std)")
    p.add_argument("--n", type=int, default=100, help="interior grid points of the Bratu problem")
    p.add_argument("--lam", type=float, default=2.0, help="Bratu parameter (< 3.51)")
    p.add_argument("--newton-steps", type=int, default=20, help="most Newton iterations")
    add_run_options(p)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the example with command-line arguments ``argv``; returns the results as a dict."""
    return run_with_threads(run, parse_args(argv))


def run(args: argparse.Namespace) -> dict[str, Any]:
    say = (lambda *a: None) if args.quiet else print
    t0 = time.perf_counter()
    fit = fit_lotka_volterra(args, say)
    bratu = newton_bratu(args, say)
    result = {k: v for k, v in {**fit, **bratu}.items() if not k.startswith("_")}
    result["seconds"] = time.perf_counter() - t0
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "result.json"), "w") as f:
            json.dump(result, f, indent=1)
        result["plot"] = _write_plot(os.path.join(args.out, "scientific.png"), fit, bratu, args.obs_dt)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
