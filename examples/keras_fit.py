"""Keras's ``compile``/``fit`` on scikit-learn's digits: a TensorFlow Keras script with only the
import changed.

The model is a small CNN built with ``gt.keras.Sequential``; training runs ``model.fit`` with a
validation split and three callbacks (``EarlyStopping`` restoring the best weights,
``ReduceLROnPlateau``, and ``ModelCheckpoint`` when ``--out`` is given), then
``model.evaluate`` on the held-out test set and ``model.predict`` for class probabilities.
Everything below the import is the code one would write for ``tf.keras``.

    python examples/keras_fit.py                  # full size: 97.5-99% test accuracy, ~5 s
    python examples/keras_fit.py --epochs 3       # a quick look

``main(argv)`` returns a dict with the test accuracy, the history and the time taken.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Sequence

import numpy as np

try:
    import gradtape as tf  # the one change from a TensorFlow script
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import gradtape as tf

from _common import add_run_options, run_with_threads  # noqa: E402
from deep_cnn import load_digits_split  # noqa: E402


def build_model(width: int = 16) -> tf.keras.Model:
    """Conv-Pool-Conv-Pool-Dense on 8x8x1 images, ten logits out."""
    layers = tf.keras.layers
    return tf.keras.Sequential([
        layers.Conv2D(width, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
        layers.MaxPooling2D(2),
        layers.Conv2D(2 * width, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.25),
        layers.Dense(64, activation="relu"),
        layers.Dense(10),
    ])


def run(args) -> dict:
    tf.keras.utils.set_random_seed(args.seed)
    x_train, y_train, x_test, y_test = load_digits_split(seed=args.seed)
    model = build_model(args.width)
    model.compile(optimizer=tf.keras.optimizers.Adam(args.lr),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    callbacks = [tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=8,
                                                  restore_best_weights=True),
                 tf.keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3)]
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        callbacks.append(tf.keras.callbacks.ModelCheckpoint(
            os.path.join(args.out, "best.weights.npz"), monitor="val_accuracy", save_best_only=True))
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=args.batch, epochs=args.epochs,
                        validation_split=0.1, callbacks=callbacks, verbose=0 if args.quiet else 2)
    seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    probabilities = tf.nn.softmax(model.predict(x_test, verbose=0)).numpy()
    result = {"test_accuracy": float(test_accuracy), "test_loss": float(test_loss),
              "epochs_run": len(history.epoch), "seconds": seconds,
              "history": history.history,
              "predicted_matches_evaluate": float(np.mean(probabilities.argmax(1) == y_test))}
    if not args.quiet:
        print(f"test accuracy {test_accuracy:.4f} after {len(history.epoch)} epochs in {seconds:.1f} s")
    if args.out:
        with open(os.path.join(args.out, "result.json"), "w") as f:
            json.dump(result, f, indent=1)
    return result


def main(argv: Sequence[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--width", type=int, default=16)
    add_run_options(p, out_help="directory for result.json and the best weights")
    return run_with_threads(run, p.parse_args(argv))


if __name__ == "__main__":
    main()
