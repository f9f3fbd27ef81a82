"""The main job: train a small CNN on scikit-learn's digits with a GradientTape loop.

Run it with ``python -m gradtape.demo`` (or the ``gradtape`` command). It loads the 1,797
8x8 digit images that ship with scikit-learn (no download), holds out a stratified test
split, trains ``Conv2D-MaxPool-Conv2D-MaxPool-Dense`` with Adam and a cosine learning-rate
schedule, shows a progress bar with the running loss, and writes to ``--out``:

* ``checkpoint.npz``: the model's variables and the optimizer's state (``gt.train.Checkpoint``);
* ``training_curves.png``: loss and accuracy per epoch (when matplotlib is installed);
* ``history.json``: the same numbers, plus the final test accuracy and the time taken.

scikit-learn is required; tqdm and matplotlib are used when present (``pip install
gradtape[examples]`` installs all three). ``--epochs`` and ``--steps`` shorten the run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Sequence

import numpy as np

import gradtape as gt


def load_digits_split(test_size: float = 0.25, seed: int = 0):
    """``(x_train, y_train, x_test, y_test)``: digits as float32 ``(n, 8, 8, 1)`` in [0, 1], int64 labels.

    >>> x_train, y_train, x_test, y_test = load_digits_split()
    >>> x_train.shape, x_test.shape
    ((1347, 8, 8, 1), (450, 8, 8, 1))
    """
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("the demo needs scikit-learn: pip install scikit-learn "
                          "(or pip install 'gradtape[examples]')") from e
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y)
    return x_train, y_train, x_test, y_test


def build_model() -> gt.layers.Sequential:
    """The demo's CNN: two 3x3 convolutions with max pooling, then two dense layers (10 logits).

    >>> import gradtape as gt
    >>> model = build_model()
    >>> model(gt.zeros((2, 8, 8, 1))).shape
    (2, 10)
    """
    L = gt.layers
    return L.Sequential([
        L.Conv2D(16, 3, padding="same", activation="relu", kernel_initializer="he_uniform"),
        L.MaxPool2D(),
        L.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer="he_uniform"),
        L.MaxPool2D(),
        L.Flatten(),
        L.Dropout(0.2),
        L.Dense(64, activation="relu", kernel_initializer="he_uniform"),
        L.Dense(10),
    ], name="digits_cnn")


def evaluate(model, x: np.ndarray, y: np.ndarray, batch_size: int = 512) -> float:
    """Accuracy of ``model`` (logits) on ``(x, y)``, in inference mode.

    >>> import numpy as np
    >>> import gradtape as gt
    >>> model = gt.layers.Dense(2, kernel_initializer="zeros")
    >>> evaluate(model, np.ones((4, 3), np.float32), np.zeros(4, np.int64))
    1.0
    """
    acc = gt.metrics.SparseCategoricalAccuracy()
    for start in range(0, len(x), batch_size):
        acc.update_state(y[start:start + batch_size], model(x[start:start + batch_size], training=False))
    return float(acc.result())


class _Progress:
    """A tqdm bar when tqdm is importable and wanted, else a line every ``every`` steps."""

    def __init__(self, total: int, enabled: bool):
        self._bar = None
        self._total, self._enabled, self._n = total, enabled, 0
        self._every = max(1, total // 20)
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=total, desc="training", unit="step", dynamic_ncols=True)

    def update(self, epoch: int, loss: float) -> None:
        self._n += 1
        if self._bar is not None:
            self._bar.set_postfix(epoch=epoch, loss=f"{loss:.4f}", refresh=False)
            self._bar.update(1)
        elif self._enabled and (self._n % self._every == 0 or self._n == self._total):
            print(f"step {self._n:5d}/{self._total}  epoch {epoch}  running loss {loss:.4f}", flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def save_plot(history: dict, path: str) -> bool:
    """Plot loss and accuracy per epoch to ``path`` (PNG); False when matplotlib is missing.

    >>> import tempfile
    >>> save_plot({"epoch": [1], "train_loss": [0.5], "train_accuracy": [0.8],
    ...            "test_accuracy": [0.9]}, tempfile.mkdtemp() + "/curves.png")
    True
    """
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ep = history["epoch"]
    ax1.plot(ep, history["train_loss"], marker="o", label="train loss")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("cross entropy")
    ax1.set_title("Loss")
    ax1.legend()
    ax2.plot(ep, history["train_accuracy"], marker="o", label="train")
    ax2.plot(ep, history["test_accuracy"], marker="o", label="test (held out)")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("accuracy")
    ax2.set_title("Accuracy")
    ax2.legend()
    fig.suptitle("gradtape: CNN on scikit-learn digits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def train(epochs: int = 15, steps: int | None = None, batch_size: int = 32, learning_rate: float = 3e-3,
          seed: int = 0, out: str = "demo_output", progress: bool = True, plot: bool = True) -> dict:
    """Train the demo model; return a summary dict (accuracy, time, history, files written).

    >>> import tempfile
    >>> summary = train(epochs=1, steps=5, progress=False, plot=False, out=tempfile.mkdtemp())
    >>> sorted(summary)
    ['epochs', 'files', 'history', 'seconds', 'steps', 'test_accuracy', 'test_examples']
    """
    t0 = time.perf_counter()
    gt.random.set_seed(seed)
    x_train, y_train, x_test, y_test = load_digits_split(seed=seed)
    steps_per_epoch = -(-len(x_train) // batch_size)
    total = epochs * steps_per_epoch if steps is None else min(int(steps), epochs * steps_per_epoch)
    total = max(total, 1)
    model = build_model()
    schedule = gt.optimizers.schedules.CosineDecay(learning_rate, decay_steps=total, alpha=0.02)
    optimizer = gt.optimizers.Adam(learning_rate=schedule)
    loss_fn = gt.losses.SparseCategoricalCrossentropy(from_logits=True)
    dataset = gt.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(len(x_train), seed=seed) \
        .batch(batch_size)
    running = gt.metrics.Mean("running_loss")
    train_acc = gt.metrics.SparseCategoricalAccuracy()
    history: dict[str, list] = {"epoch": [], "train_loss": [], "train_accuracy": [], "test_accuracy": []}
    bar = _Progress(total, progress)
    step = 0
    try:
        for epoch in range(1, epochs + 1):
            running.reset_state()
            train_acc.reset_state()
            for xb, yb in dataset:
                with gt.GradientTape() as tape:
                    logits = model(xb, training=True)
                    loss = loss_fn(yb, logits)
                variables = model.trainable_variables
                grads = tape.gradient(loss, variables)
                optimizer.apply_gradients(zip(grads, variables))
                running.update_state(loss)
                train_acc.update_state(yb, logits)
                step += 1
                bar.update(epoch, float(running.result()))
                if step >= total:
                    break
            history["epoch"].append(epoch)
            history["train_loss"].append(float(running.result()))
            history["train_accuracy"].append(float(train_acc.result()))
            history["test_accuracy"].append(evaluate(model, x_test, y_test))
            if step >= total:
                break
    finally:
        bar.close()
    seconds = time.perf_counter() - t0
    os.makedirs(out, exist_ok=True)
    files = [gt.train.Checkpoint(model=model, optimizer=optimizer).save(os.path.join(out, "checkpoint"))]
    png = os.path.join(out, "training_curves.png")
    if plot:
        if save_plot(history, png):
            files.append(png)
        else:
            print("matplotlib is not installed: skipping the plot (pip install matplotlib)")
    summary = {"test_accuracy": history["test_accuracy"][-1], "test_examples": int(len(x_test)),
               "seconds": seconds, "steps": step, "epochs": len(history["epoch"]), "history": history}
    hist_path = os.path.join(out, "history.json")
    files.append(hist_path)
    summary["files"] = files
    with open(hist_path, "w") as f:
        json.dump(summary, f, indent=1)
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (``gradtape`` / ``python -m gradtape.demo``); returns the exit code.

    >>> import tempfile
    >>> main(["--epochs", "1", "--steps", "5", "--no-progress", "--no-plot", "--out", tempfile.mkdtemp()])
    ... # doctest: +ELLIPSIS
    <BLANKLINE>
    Test accuracy ...
    0
    """
    ap = argparse.ArgumentParser(prog="gradtape", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=15, help="passes over the training set (default 15)")
    ap.add_argument("--steps", type=int, default=None, help="stop after this many training steps")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (cosine decay)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="./demo_output", help="output directory (default ./demo_output)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar or step lines")
    ap.add_argument("--no-plot", action="store_true", help="do not write the PNG plot")
    args = ap.parse_args(argv)
    if args.epochs < 1 or (args.steps is not None and args.steps < 1) or args.batch_size < 1:
        ap.error("--epochs, --steps and --batch-size must be positive")
    try:
        s: dict[str, Any] = train(epochs=args.epochs, steps=args.steps, batch_size=args.batch_size,
                                  learning_rate=args.lr, seed=args.seed, out=args.out,
                                  progress=not args.no_progress, plot=not args.no_plot)
    except ImportError as e:
        print(f"gradtape demo: {e}", file=sys.stderr)
        return 1
    print(f"\nTest accuracy {s['test_accuracy']:.2%} on {s['test_examples']} "
          f"held-out digits after {s['epochs']} epoch(s), {s['steps']} steps, in {s['seconds']:.1f} s.")
    print("Files written:")
    for f in s["files"]:
        print(f"  {f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
