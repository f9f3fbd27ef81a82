"""WGAN-GP on a 2-D mixture of eight Gaussians, with the gradient penalty from a nested tape.

Gulrajani et al. (2017) train a Wasserstein GAN's critic ``D`` with

    L_D = mean D(G(z)) - mean D(x) + lambda mean (|grad_x D(x_hat)| - 1)^2,

where ``x_hat`` are random points between real and generated samples. The penalty needs
the gradient of ``D`` with respect to its input *as a differentiable function of the critic's
weights*: an inner tape takes ``grad_x D(x_hat)`` while the outer tape records it, and the
outer tape then differentiates the penalty (a second-order derivative through the MLP).

The data are eight Gaussians (std ``--std``) on a circle of radius 2. The summary counts the
modes the generator covers (a mode is covered when at least a quarter of its fair share of
samples falls within ``--near`` of its centre, or 3 standard deviations if that is more),
the fraction of samples near some mode, and the energy distance between generated and real
samples, before and after training.

    python examples/wgan_gp.py
    python examples/wgan_gp.py --iterations 200     # a quick look
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

CENTERS = 2.0 * np.stack([np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)], axis=1)


def sample_data(rng: np.random.Generator, n: int, std: float) -> np.ndarray:
    return (CENTERS[rng.integers(0, 8, n)] + std * rng.standard_normal((n, 2))).astype(np.float32)


def mlp(hidden: int, depth: int, out: int):
    L = gt.layers
    net = L.Sequential([L.Dense(hidden, activation="relu") for _ in range(depth)] + [L.Dense(out)])
    net(gt.zeros((1, 2)))
    return net


def gradient_penalty(critic, real, fake, eps):
    """``mean((|grad_x D(x_hat)| - 1)^2)`` at ``x_hat = eps real + (1 - eps) fake``, differentiable."""
    x_hat = eps * real + (1.0 - eps) * fake
    with gt.GradientTape() as inner:
        inner.watch(x_hat)
        d_hat = critic(x_hat)
    g = inner.gradient(d_hat, x_hat)  # row i is grad D at x_hat[i]: rows are independent
    norm = gt.sqrt(gt.reduce_sum(g * g, axis=1) + 1e-12)
    return gt.reduce_mean((norm - 1.0) ** 2)


def sample_quality(samples: np.ndarray, real: np.ndarray, std: float, near: float) -> dict:
    """Modes covered, fraction of samples near a mode, and the energy distance to ``real``."""
    d = np.linalg.norm(samples[:, None, :] - CENTERS[None], axis=2)
    nearest, dist = d.argmin(axis=1), d.min(axis=1)
    close = dist < max(near, 3 * std)
    counts = np.bincount(nearest[close], minlength=8)
    covered = int((counts >= 0.25 * len(samples) / 8).sum())

    def mean_dist(a, b):
        return float(np.linalg.norm(a[:, None, :] - b[None], axis=2).mean())

    energy = 2 * mean_dist(samples, real) - mean_dist(samples, samples) - mean_dist(real, real)
    return {"modes_covered": covered, "fraction_near_mode": float(close.mean()),
            "energy_distance": energy}


def _write_plot(path: str, real: np.ndarray, before: np.ndarray, after: np.ndarray) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.5), sharex=True, sharey=True)
    for ax, pts, title in zip(axes, [real, before, after], ["data", "generator before", "generator after"]):
        ax.scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.5)
        ax.set_title(title)
        ax.set_aspect("equal")
    axes[0].set_xlim(-3, 3)
    axes[0].set_ylim(-3, 3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def parse_args(argv: Sequence[str] | None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--iterations", type=int, default=3000, help="generator steps")
    p.add_argument("--critic-steps", type=int, default=5, help="critic steps per generator step")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--latent", type=int, default=2)
    p.add_argument("--gp-weight", type=float, default=1.0, help="lambda of the gradient penalty")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--std", type=float, default=0.05, help="std of each Gaussian")
    p.add_argument("--near", type=float, default=0.25, help="distance that counts as near a mode")
    p.add_argument("--eval-samples", type=int, default=2000)
    add_run_options(p)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the example with command-line arguments ``argv``; returns the results as a dict."""
    return run_with_threads(run, parse_args(argv))


def run(args: argparse.Namespace) -> dict[str, Any]:
    say = (lambda *a: None) if args.quiet else print
    t0 = time.perf_counter()
    gt.random.set_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    gen, critic = mlp(args.hidden, args.depth, 2), mlp(args.hidden, args.depth, 1)
    gen(gt.zeros((1, args.latent)))
    g_vars, d_vars = list(gen.trainable_variables), list(critic.trainable_variables)
    g_opt = gt.optimizers.Adam(args.lr, beta_1=0.5, beta_2=0.9)
    d_opt = gt.optimizers.Adam(args.lr, beta_1=0.5, beta_2=0.9)

    eval_rng = np.random.default_rng(args.seed + 1)
    eval_z = gt.constant(eval_rng.standard_normal((args.eval_samples, args.latent)).astype(np.float32))
    eval_real = sample_data(eval_rng, args.eval_samples, args.std)
    before = gen(eval_z).numpy()
    q0 = sample_quality(before, eval_real, args.std, args.near)
    say(f"untrained generator: {q0['modes_covered']}/8 modes, {q0['fraction_near_mode']:.1%} of samples "
        f"near a mode, energy distance {q0['energy_distance']:.3f}")

    def noise(n):
        return gt.constant(rng.standard_normal((n, args.latent)).astype(np.float32))

    for it in range(1, args.iterations + 1):
        for _ in range(args.critic_steps):
            real = gt.constant(sample_data(rng, args.batch, args.std))
            fake = gt.stop_gradient(gen(noise(args.batch)))
            eps = gt.constant(rng.random((args.batch, 1)).astype(np.float32))
            with gt.GradientTape() as tape:
                wasserstein = gt.reduce_mean(critic(real)) - gt.reduce_mean(critic(fake))
                gp = gradient_penalty(critic, real, fake, eps)
                d_loss = -wasserstein + args.gp_weight * gp
            d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        with gt.GradientTape() as tape:
            g_loss = -gt.reduce_mean(critic(gen(noise(args.batch))))
        g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        if it % max(1, args.iterations // 10) == 0:
            q = sample_quality(gen(eval_z).numpy()[:500], eval_real[:500], args.std, args.near)
            say(f"iter {it:5d}  critic's Wasserstein estimate {float(wasserstein):.3f}  "
                f"penalty {float(gp):.3f}  modes {q['modes_covered']}/8  "
                f"near {q['fraction_near_mode']:.1%}  ({time.perf_counter() - t0:.0f}s)")
    after = gen(eval_z).numpy()
    q1 = sample_quality(after, eval_real, args.std, args.near)
    result = {
        "modes_covered": q1["modes_covered"],
        "fraction_near_mode": q1["fraction_near_mode"],
        "energy_distance": q1["energy_distance"],
        "initial_modes_covered": q0["modes_covered"],
        "initial_fraction_near_mode": q0["fraction_near_mode"],
        "initial_energy_distance": q0["energy_distance"],
        "iterations": args.iterations,
        "seconds": time.perf_counter() - t0,
    }
    say(f"trained generator: {q1['modes_covered']}/8 modes covered, {q1['fraction_near_mode']:.1%} of "
        f"samples near a mode, energy distance {q1['energy_distance']:.4f} "
        f"(untrained {q0['energy_distance']:.3f}); {args.iterations} iterations, {result['seconds']:.1f}s")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "result.json"), "w") as f:
            json.dump(result, f, indent=1)
        result["plot"] = _write_plot(os.path.join(args.out, "wgan_gp.png"), eval_real, before, after)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
