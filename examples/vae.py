"""Generative model: a variational autoencoder on scikit-learn's 8x8 digits.

An MLP encoder maps an image ``x`` (64 grey levels scaled to [0, 1]) to the mean and log
variance of a diagonal Gaussian ``q(z | x)`` over a small latent space; an MLP decoder maps a
latent ``z`` to 64 Bernoulli logits ``p(x | z)``. Training maximizes the evidence lower bound

    ELBO(x) = E_q[log p(x | z)] - KL(q(z | x) || N(0, I))

with one sample ``z = mu + exp(logvar / 2) * eps``, ``eps ~ N(0, I)`` (the reparameterization
trick: the noise is an input, so gradients flow to ``mu`` and ``logvar``) and the KL term in
closed form. The Bernoulli likelihood is used with the grey levels as soft targets (the usual
choice for [0, 1] images); with soft targets the reconstruction term is at most minus the
targets' own entropy, reported as ``reconstruction_ceiling``. The ELBO (nats per image, higher
is better) is reported on the training set and on a held-out test set (25%) as training goes on.

At the end a PNG is written to ``--out``: decoded samples from the prior ``z ~ N(0, I)`` and
test images next to their reconstructions (matplotlib with the Agg backend; skipped with a
message when matplotlib is missing).

    python examples/vae.py                       # full size
    python examples/vae.py --epochs 5 --hidden 64 --no-plot   # a quick look

``main(argv)`` returns a dict with the ELBO history, the final test ELBO, the files written
and the time taken.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Sequence

import numpy as np

try:
    import gradtape as gt
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import gradtape as gt

from _common import blas_threads  # noqa: E402  (examples/ is the script's directory)


def load_digits_split(test_size: float = 0.25, seed: int = 0):
    """``(x_train, x_test, y_train, y_test)``: float32 ``(n, 64)`` images in [0, 1] and their labels."""
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise SystemExit("this example needs scikit-learn: pip install scikit-learn") from e
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    return train_test_split(x, digits.target, test_size=test_size, random_state=seed, stratify=digits.target)


class VAE(gt.Module):
    """MLP encoder ``64 -> h -> h/2 -> (mu, logvar)`` and decoder ``latent -> h/2 -> h -> 64`` (h: hidden).

    ``encode(x)`` gives ``(mu, logvar)`` of ``q(z | x)``, ``decode(z)`` the 64 Bernoulli logits.
    """

    def __init__(self, latent: int = 8, hidden: int = 256):
        super().__init__()
        L = gt.layers
        self.latent = latent
        self.encoder = L.Sequential([L.Dense(hidden, activation="relu", kernel_initializer="he_uniform"),
                                     L.Dense(hidden // 2, activation="relu", kernel_initializer="he_uniform"),
                                     L.Dense(2 * latent)])
        self.decoder = L.Sequential([L.Dense(hidden // 2, activation="relu", kernel_initializer="he_uniform"),
                                     L.Dense(hidden, activation="relu", kernel_initializer="he_uniform"),
                                     L.Dense(64)])

    def encode(self, x):
        h = self.encoder(x)
        return h[:, :self.latent], h[:, self.latent:]  # mu, logvar

    def decode(self, z):
        return self.decoder(z)  # Bernoulli logits

    def elbo_terms(self, x, eps):
        """Per-image ``(reconstruction log-likelihood, KL)`` with the noise ``eps`` given."""
        mu, logvar = self.encode(x)
        z = mu + gt.exp(0.5 * logvar) * eps
        logits = self.decode(z)
        rec = -gt.reduce_sum(gt.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits), axis=-1)
        kl = 0.5 * gt.reduce_sum(gt.square(mu) + gt.exp(logvar) - 1.0 - logvar, axis=-1)
        return rec, kl


def bernoulli_entropy(x: np.ndarray) -> float:
    """Mean summed binary entropy of soft targets: the highest reconstruction term any model can reach."""
    p = np.clip(x.astype(np.float64), 1e-12, 1 - 1e-12)
    return float(-(p * np.log(p) + (1 - p) * np.log1p(-p)).sum(axis=1).mean())


def evaluate(model: VAE, x: np.ndarray, rng: np.random.Generator) -> dict:
    """Mean ELBO, reconstruction log-likelihood and KL (nats per image) with one sample of ``z``."""
    eps = rng.standard_normal((len(x), model.latent)).astype(np.float32)
    rec, kl = model.elbo_terms(x, eps)
    rec, kl = float(gt.reduce_mean(rec)), float(gt.reduce_mean(kl))
    return {"elbo": rec - kl, "reconstruction": rec, "kl": kl}


def save_figure(model: VAE, x_test: np.ndarray, path: str, rng: np.random.Generator, history: dict) -> bool:
    """Write samples from the prior, test reconstructions and the ELBO curves to ``path``."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    sig = lambda t: 1.0 / (1.0 + np.exp(-t.numpy()))
    samples = sig(model.decode(rng.standard_normal((64, model.latent)).astype(np.float32)))
    originals = x_test[:32]
    mu, _ = model.encode(originals)
    recons = sig(model.decode(mu))

    def tile(images, rows, cols):
        grid = np.full((rows * 9 + 1, cols * 9 + 1), 0.3)  # light grey borders
        for k, im in enumerate(images[:rows * cols]):
            r, c = divmod(k, cols)
            grid[1 + 9 * r:9 + 9 * r, 1 + 9 * c:9 + 9 * c] = im.reshape(8, 8)
        return grid

    pairs = np.empty((64, 64), np.float32)  # rows alternate: 8 originals, their 8 reconstructions
    for r in range(4):
        pairs[16 * r:16 * r + 8] = originals[8 * r:8 * r + 8]
        pairs[16 * r + 8:16 * r + 16] = recons[8 * r:8 * r + 8]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.6))
    axes[0].imshow(tile(samples, 8, 8), cmap="gray_r", vmin=0, vmax=1)
    axes[0].set_title("samples: decode(z), z ~ N(0, I)")
    axes[1].imshow(tile(pairs, 8, 8), cmap="gray_r", vmin=0, vmax=1)
    axes[1].set_title("test digits (rows 1, 3, 5, 7), reconstructions below")
    for ax in axes[:2]:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[2].plot(history["epoch"], history["train_elbo"], label="train")
    axes[2].plot(history["epoch"], history["test_elbo"], label="test (held out)")
    axes[2].set_xlabel("epoch")
    axes[2].set_ylabel("ELBO (nats per image)")
    axes[2].set_title("ELBO")
    axes[2].legend()
    fig.suptitle("gradtape: variational autoencoder on scikit-learn digits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def train(epochs: int = 150, batch_size: int = 64, lr: float = 2e-3, latent: int = 8, hidden: int = 256,
          train_size: int | None = None, out: str = "vae_output", plot: bool = True, seed: int = 0,
          verbose: bool = True, threads: int | None = 1) -> dict:
    """Train the VAE and return a summary dict (see :func:`main`)."""
    with blas_threads(threads):
        t0, c0 = time.perf_counter(), time.process_time()
        gt.random.set_seed(seed)
        rng = np.random.default_rng(seed)
        x_tr, x_te, _, _ = load_digits_split(seed=seed)
        if train_size is not None:
            x_tr = x_tr[:train_size]
        model = VAE(latent=latent, hidden=hidden)
        steps = epochs * -(-len(x_tr) // batch_size)
        schedule = gt.optimizers.schedules.CosineDecay(lr, decay_steps=max(1, steps), alpha=0.05)
        optimizer = gt.optimizers.Adam(learning_rate=schedule)
        eval_rng = lambda: np.random.default_rng(seed + 1)  # the same noise at every evaluation
        history: dict[str, list] = {"epoch": [], "train_elbo": [], "test_elbo": [], "test_reconstruction": [],
                                    "test_kl": []}
        initial = evaluate(model, x_te, eval_rng())
        if verbose:
            print(f"epoch   0  test ELBO {initial['elbo']:9.2f}")
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(x_tr))
            total = 0.0
            for s in range(0, len(x_tr), batch_size):
                xb = x_tr[order[s:s + batch_size]]
                eps = rng.standard_normal((len(xb), latent)).astype(np.float32)
                with gt.GradientTape() as tape:
                    rec, kl = model.elbo_terms(xb, eps)
                    loss = gt.reduce_mean(kl - rec)  # the negative ELBO
                variables = model.trainable_variables
                optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
                total += float(loss) * len(xb)
            te = evaluate(model, x_te, eval_rng())
            history["epoch"].append(epoch)
            history["train_elbo"].append(-total / len(x_tr))
            history["test_elbo"].append(te["elbo"])
            history["test_reconstruction"].append(te["reconstruction"])
            history["test_kl"].append(te["kl"])
            if verbose and (epoch % max(1, epochs // 15) == 0 or epoch == epochs):
                print(f"epoch {epoch:3d}  train ELBO {-total / len(x_tr):9.2f}  test ELBO {te['elbo']:9.2f}  "
                      f"(reconstruction {te['reconstruction']:8.2f}, KL {te['kl']:6.2f})  "
                      f"({time.perf_counter() - t0:.0f} s)", flush=True)
        train_seconds = time.perf_counter() - t0
        files = []
        if plot:
            os.makedirs(out, exist_ok=True)
            path = os.path.join(out, "vae_digits.png")
            if save_figure(model, x_te, path, np.random.default_rng(seed + 2), history):
                files.append(path)
            else:
                print("matplotlib is not installed: skipping the figure (pip install matplotlib)")
    final = {k: history[f"test_{k}"][-1] for k in ("elbo", "reconstruction", "kl")} if epochs else initial
    return {"initial_test_elbo": initial["elbo"], "test_elbo": final["elbo"],
            "test_reconstruction": final["reconstruction"], "test_kl": final["kl"],
            "reconstruction_ceiling": -bernoulli_entropy(x_te),
            "train_examples": int(len(x_tr)), "test_examples": int(len(x_te)), "epochs": epochs,
            "history": history, "files": files, "train_seconds": train_seconds,
            "seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0}


def main(argv: Sequence[str] | None = None) -> dict:
    """Parse the command line, train, write the figure, print a summary and return the results dict."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3, help="peak learning rate (cosine decay)")
    ap.add_argument("--latent", type=int, default=8, help="latent dimensions")
    ap.add_argument("--hidden", type=int, default=256, help="units of the first hidden layer")
    ap.add_argument("--train-size", type=int, default=None, help="use only this many training images")
    ap.add_argument("--out", default="vae_output", help="output directory for the PNG")
    ap.add_argument("--no-plot", action="store_true", help="do not write the PNG")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (0: the library's default)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    r = train(epochs=a.epochs, batch_size=a.batch_size, lr=a.lr, latent=a.latent, hidden=a.hidden,
              train_size=a.train_size, out=a.out, plot=not a.no_plot, seed=a.seed, verbose=not a.quiet,
              threads=a.threads)
    print(f"\nVAE ({a.latent}-d latent) on {r['train_examples']} training digits, {r['epochs']} epochs in "
          f"{r['train_seconds']:.1f} s: test ELBO {r['initial_test_elbo']:.2f} -> {r['test_elbo']:.2f} "
          f"nats per image (reconstruction {r['test_reconstruction']:.2f}, KL {r['test_kl']:.2f}; with grey "
          f"levels as soft targets no reconstruction term can exceed {r['reconstruction_ceiling']:.2f}).")
    for f in r["files"]:
        print(f"wrote {f}")
    return r


if __name__ == "__main__":
    main()
