"""The callbacks that watch a logged quantity or set the learning rate, as Keras's:
``EarlyStopping``, ``ModelCheckpoint``, ``LearningRateScheduler``, ``ReduceLROnPlateau``
(exported by ``gt.keras.callbacks``)."""

from __future__ import annotations

import math
import os
import warnings
from typing import Any, Callable

from .callbacks import Callback

__all__ = ["EarlyStopping", "ModelCheckpoint", "LearningRateScheduler", "ReduceLROnPlateau"]


def _monitor_op(callback, model) -> Callable[[float, float], bool]:
    """``<`` or ``>`` for ``callback.monitor`` under ``callback.mode``, as Keras 3 decides:
    losses go down; a metric of the model goes the way of its ``_direction``."""
    if callback.mode == "min":
        return _less
    if callback.mode == "max":
        return _greater
    name = callback.monitor.removeprefix("val_")
    if name == "loss":
        return _less
    for logged, m in getattr(model, "_compiled_metrics_named", lambda: [])():
        if logged == name:
            direction = getattr(m, "_direction", None) or _guess_direction(m)
            return _greater if direction == "up" else _less
    raise ValueError(f"{type(callback).__name__} callback received monitor={callback.monitor!r}, "
                     "but cannot tell whether that metric should be maximized or minimized. Pass "
                     "mode='max' to monitor the highest value, or mode='min' for the lowest.")


def _guess_direction(metric) -> str:
    up = ("accuracy", "auc", "precision", "recall", "true_positives", "true_negatives", "iou",
          "score", "cosine_similarity")
    return "up" if any(u in type(metric).__name__.lower() or u in metric.name.lower() for u in up) else "down"


def _less(a: float, b: float) -> bool:
    return a < b


def _greater(a: float, b: float) -> bool:
    return a > b


class _MonitorCallback(Callback):
    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline=None,
                 min_delta: float = 0.0) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode {mode!r} is unknown, fallback to auto mode.",
                          stacklevel=3)
            mode = "auto"
        self.monitor, self.mode, self.best = monitor, mode, baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        self.monitor_op = _monitor_op(self, self.model)
        if self.monitor_op is _less:
            self.min_delta *= -1

    def _is_improvement(self, value: float, reference) -> bool:
        return reference is None or self.monitor_op(value - self.min_delta, reference)

    def _monitored(self, logs, what: str):
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(f"{what} conditioned on metric `{self.monitor}` which is not available. "
                          f"Available metrics are: {','.join(logs or {})}", stacklevel=3)
        return value


class EarlyStopping(_MonitorCallback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs (Keras 3's
    rules, including ``baseline``, ``start_from_epoch`` and ``restore_best_weights``).

    >>> import numpy as np, gradtape as gt
    >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1)])
    >>> model.compile(optimizer=gt.keras.optimizers.SGD(0.0), loss="mse")
    >>> stop = gt.keras.callbacks.EarlyStopping(monitor="loss", patience=2)
    >>> h = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=10, verbose=0, callbacks=[stop])
    >>> len(h.epoch)  # no change at all: stops after patience epochs
    3
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience, self.verbose, self.baseline = int(patience), verbose, baseline
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, int(start_from_epoch)
        self.wait, self.stopped_epoch, self.best_weights, self.best_epoch = 0, 0, None, 0

    def on_train_begin(self, logs=None) -> None:
        self.wait, self.stopped_epoch, self.best, self.best_weights, self.best_epoch = 0, 0, None, None, 0

    def on_epoch_end(self, epoch, logs=None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self._monitored(logs, "Early stopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(_MonitorCallback):
    """Save the model's weights (``Model.save_weights``, a NumPy ``.npz`` archive) after each
    epoch, or only when ``monitor`` improves with ``save_best_only``. ``filepath`` may hold
    ``{epoch}`` and log names (``"w-{epoch:02d}-{val_loss:.2f}.npz"``). gradtape saves weights
    only (``save_weights_only=False`` saves the weights too); ``Model.load_weights`` reads them.

    >>> import os, tempfile, numpy as np, gradtape as gt
    >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> path = os.path.join(tempfile.mkdtemp(), "w-{epoch}.npz")
    >>> ck = gt.keras.callbacks.ModelCheckpoint(path)
    >>> _ = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0, callbacks=[ck])
    >>> sorted(os.listdir(os.path.dirname(path)))
    ['w-1.npz', 'w-2.npz']
    """

    def __init__(self, filepath, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto",
                 save_freq="epoch", initial_value_threshold: float | None = None) -> None:
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"ModelCheckpoint: save_freq must be 'epoch' or a positive integer "
                             f"number of batches, got {save_freq!r}")
        self.filepath, self.verbose = os.fspath(filepath), verbose
        self.save_best_only, self.save_weights_only, self.save_freq = save_best_only, save_weights_only, save_freq
        self._batches = 0

    def on_train_batch_end(self, batch, logs=None) -> None:
        if self.save_freq != "epoch":
            self._batches += 1
            if self._batches % self.save_freq == 0:
                self._save(self._epoch, batch, logs)

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._epoch = epoch

    def on_epoch_end(self, epoch, logs=None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _save(self, epoch: int, batch, logs) -> None:
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, batch=batch, **logs)
        if self.save_best_only:
            if self.monitor_op is None:
                self._set_monitor_op()
            current = self._monitored(logs, "Can save best model only with")
            if current is None or not self._is_improvement(current, self.best):
                if self.verbose > 0 and current is not None:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
                return
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        self.model.save_weights(path)


def _lr(model) -> float:
    opt = getattr(model, "optimizer", None)
    if opt is None:
        raise ValueError("This callback needs a compiled model (model.compile(optimizer=...))")
    lr = opt.learning_rate
    if callable(lr):
        raise TypeError("This callback sets the optimizer's learning rate, but it is a schedule "
                        f"({type(lr).__name__}); use a float learning rate with this callback")
    return float(lr)


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at the start of each epoch to
    ``schedule(epoch, lr)`` (or ``schedule(epoch)``); the rate is logged as ``learning_rate``.

    >>> import numpy as np, gradtape as gt
    >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1)])
    >>> model.compile(optimizer=gt.keras.optimizers.SGD(0.1), loss="mse")
    >>> halve = gt.keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr / 2)
    >>> h = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0, callbacks=[halve])
    >>> h.history["learning_rate"]
    [0.05, 0.025]
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None) -> None:
        lr = _lr(self.model)
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:  # schedule(epoch) only, as Keras allows
            lr = self.schedule(epoch)
        lr = float(lr)
        if not math.isfinite(lr):
            raise ValueError(f"LearningRateScheduler: the schedule returned {lr} at epoch {epoch}; "
                             "it must return a finite float")
        self.model.optimizer.learning_rate = lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None) -> None:
        if logs is not None:
            logs["learning_rate"] = _lr(self.model)


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved for
    ``patience`` epochs (Keras 3's rules: ``min_delta``, ``cooldown``, ``min_lr``); the rate
    is logged as ``learning_rate``.

    >>> import numpy as np, gradtape as gt
    >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1)])
    >>> model.compile(optimizer=gt.keras.optimizers.SGD(0.0), loss="mse")
    >>> cb = gt.keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    >>> model.optimizer.learning_rate = 0.0
    >>> h = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0, callbacks=[cb])
    >>> len(h.history["learning_rate"])
    2
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0,
                 min_lr: float = 0.0, **kwargs: Any) -> None:
        super().__init__()
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received "
                             f"factor={factor}")
        self.monitor, self.factor, self.min_lr, self.min_delta = monitor, float(factor), min_lr, min_delta
        self.patience, self.verbose, self.cooldown, self.mode = patience, verbose, cooldown, mode
        self.wait = self.cooldown_counter = 0
        self._reset()

    def _reset(self) -> None:
        if self.mode not in ("auto", "min", "max"):
            warnings.warn(f"Learning rate reduction mode {self.mode} is unknown, fallback to auto mode.",
                          stacklevel=2)
            self.mode = "auto"
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self._op, self.best = (lambda a, b: a < b - self.min_delta), math.inf
        else:
            self._op, self.best = (lambda a, b: a > b + self.min_delta), -math.inf
        self.cooldown_counter = self.wait = 0

    def on_train_begin(self, logs=None) -> None:
        self._reset()

    def on_epoch_end(self, epoch, logs=None) -> None:
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _lr(self.model)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` which "
                          f"is not available. Available metrics are: {','.join(logs)}.", stacklevel=2)
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._op(current, self.best):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old = _lr(self.model)
                if old > self.min_lr:
                    new = max(old * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
                    self.cooldown_counter, self.wait = self.cooldown, 0
