"""Keras's ``TensorBoard`` callback, writing with ``gt.summary`` (keras/src/callbacks/tensorboard.py).

>>> import os, tempfile, numpy as np, gradtape as gt
>>> from gradtape.keras.callbacks_tensorboard import TensorBoard
>>> model = gt.keras.Sequential([gt.keras.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> logdir = tempfile.mkdtemp()
>>> _ = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=2, verbose=0, validation_split=0.25,
...               callbacks=[TensorBoard(logdir, histogram_freq=1)])
>>> sorted(os.listdir(logdir))
['train', 'validation']
"""

from __future__ import annotations

import os
import re
import sys
import time
from typing import Any

import numpy as np

from .. import summary
from .callbacks import Callback

__all__ = ["TensorBoard"]


class TensorBoard(Callback):
    """Write TensorBoard logs during ``fit``/``evaluate``, as Keras 3's callback: under
    ``log_dir``, ``train/`` gets ``epoch_<name>`` scalars of each epoch's logs (with
    ``epoch_learning_rate``, the optimizer's current rate), ``validation/`` the ``val_`` logs
    under the same names and ``evaluation_<name>_vs_iterations`` at the optimizer's iteration
    count. ``update_freq="batch"`` (or ``N``) also writes ``batch_<name>`` scalars at each
    (``N``-th) batch; as in Keras, with an integer ``update_freq`` the epoch scalars are then
    written only when the last batch number is a multiple of ``N``. Every ``histogram_freq``
    epochs, each weight gets a ``<path>/histogram`` (and with ``write_images`` a
    ``<path>/image``), ``path`` as Keras 3's ``weight.path`` (``sequential/dense/kernel``).
    ``write_steps_per_second`` adds ``epoch_steps_per_second`` and ``batch_steps_per_second``.

    Differences from Keras: ``write_graph`` writes no graph (gradtape runs eagerly and has no
    graph, and its models have no Keras JSON), ``profile_batch`` is checked but nothing is
    profiled, and ``embeddings_freq``/``embeddings_metadata`` save no embedding checkpoints.

    >>> import tempfile, numpy as np, gradtape as gt
    >>> from gradtape.keras.callbacks_tensorboard import TensorBoard
    >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    >>> logdir = tempfile.mkdtemp()
    >>> _ = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=2, verbose=0,
    ...               callbacks=[TensorBoard(logdir)])
    >>> train, = os.listdir(os.path.join(logdir, "train"))
    >>> sorted({v.tag for e in gt.summary.read_events(os.path.join(logdir, "train", train))
    ...         if e.summary for v in e.summary.value})
    ['epoch_learning_rate', 'epoch_loss', 'epoch_mae']
    """

    def __init__(self, log_dir: str | os.PathLike = "logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False, update_freq: str | int = "epoch",
                 profile_batch: int | str | tuple = 0, embeddings_freq: int = 0,
                 embeddings_metadata: str | dict | None = None) -> None:
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        if self.update_freq != "epoch" and not (isinstance(self.update_freq, int) and self.update_freq > 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive integer, "
                             f"got {update_freq!r}")
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._start_batch, self._stop_batch = _profile_range(profile_batch)
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._previous_epoch_iterations = 0.0
        self._epoch_start_time = self._batch_start_time = 0.0
        self._writers: dict = {}
        self._prev_summary_state: list = []

    def set_model(self, model) -> None:
        super().set_model(model)
        self._log_write_dir = self.log_dir
        self._train_dir = os.path.join(self._log_write_dir, "train")
        self._val_dir = os.path.join(self._log_write_dir, "validation")
        self._writers = {}

    @property
    def _train_writer(self) -> summary.SummaryWriter:
        if "train" not in self._writers:
            self._writers["train"] = summary.create_file_writer(self._train_dir)
        return self._writers["train"]

    @property
    def _val_writer(self) -> summary.SummaryWriter:
        if "val" not in self._writers:
            self._writers["val"] = summary.create_file_writer(self._val_dir)
        return self._writers["val"]

    # -- the default writer and step, per batch when update_freq is not "epoch" -------------------
    def _push_writer(self, writer: summary.SummaryWriter, step: int) -> None:
        if self.update_freq == "epoch":
            return
        freq = self.update_freq
        context = (writer.as_default(step), summary.record_if(lambda: step % freq == 0))
        self._prev_summary_state.append(context)
        context[0].__enter__()
        context[1].__enter__()

    def _pop_writer(self) -> None:
        if self.update_freq == "epoch":
            return
        previous = self._prev_summary_state.pop()
        previous[1].__exit__(*sys.exc_info())
        previous[0].__exit__(*sys.exc_info())

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()

    # -- hooks -------------------------------------------------------------------------------------
    def on_train_begin(self, logs=None) -> None:
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0.0
        self._push_writer(self._train_writer, self._global_train_batch)

    def on_train_end(self, logs=None) -> None:
        self._pop_writer()
        self._close_writers()

    def on_test_begin(self, logs=None) -> None:
        self._push_writer(self._val_writer, self._global_test_batch)

    def on_test_end(self, logs=None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "iterations"):
            with self._val_writer.as_default():
                for name, value in (logs or {}).items():
                    summary.scalar(f"evaluation_{name}_vs_iterations", value, step=optimizer.iterations)
        self._pop_writer()

    def on_train_batch_begin(self, batch, logs=None) -> None:
        self._global_train_batch += 1
        if self.update_freq != "epoch":
            self._pop_writer()
            self._push_writer(self._train_writer, self._global_train_batch)
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None) -> None:
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._batch_start_time, 1e-9)
            summary.scalar("batch_steps_per_second", 1.0 / elapsed, step=self._global_train_batch)
        if isinstance(logs, dict):
            for name, value in logs.items():
                summary.scalar(f"batch_{name}", value, step=self._global_train_batch)

    def on_test_batch_begin(self, batch, logs=None) -> None:
        self._global_test_batch += 1
        if self.update_freq != "epoch":
            self._pop_writer()
            self._push_writer(self._val_writer, self._global_test_batch)

    def on_epoch_begin(self, epoch, logs=None) -> None:
        if self.write_steps_per_second:
            self._previous_epoch_iterations = float(_numpy(self.model.optimizer.iterations))
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None) -> None:
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    # -- what is written ---------------------------------------------------------------------------
    def _collect_learning_rate(self, logs: dict) -> dict:
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            for opt in optimizer.optimizers:
                logs[f"learning_rate_{opt.name}"] = _current_lr(opt)
        elif optimizer is not None and hasattr(optimizer, "learning_rate"):
            lr = _current_lr(optimizer)
            if lr is not None:
                logs["learning_rate"] = lr
        return logs

    def _compute_steps_per_second(self) -> float:
        iterations = float(_numpy(self.model.optimizer.iterations))
        elapsed = max(time.time() - self._epoch_start_time, 1e-9)
        return (iterations - self._previous_epoch_iterations) / elapsed

    def _log_epoch_metrics(self, epoch: int, logs) -> None:
        if not logs:
            return
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k: v for k, v in logs.items() if k.startswith("val_")}
        train_logs = self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            train_logs["steps_per_second"] = self._compute_steps_per_second()
        if train_logs:
            with self._train_writer.as_default():
                for name, value in train_logs.items():
                    summary.scalar(f"epoch_{name}", value, step=epoch)
        if val_logs:
            with self._val_writer.as_default():
                for name, value in val_logs.items():
                    summary.scalar(f"epoch_{name[4:]}", value, step=epoch)

    def _log_weights(self, epoch: int) -> None:
        paths = _weight_paths(self.model)
        with self._train_writer.as_default():
            for layer in self.model.layers:
                for weight in layer.weights:
                    name = paths.get(id(weight)) or _short_name(weight, None)
                    name = name.replace(":", "_")
                    summary.histogram(f"{name}/histogram", weight, step=epoch)
                    if self.write_images:
                        self._log_weight_as_image(weight, f"{name}/image", epoch)
            self._train_writer.flush()

    def _log_weight_as_image(self, weight, name: str, epoch: int) -> None:
        from . import backend

        w_img = np.squeeze(_numpy(weight))
        shape = w_img.shape
        if len(shape) == 1:
            w_img = w_img.reshape(1, shape[0], 1, 1)
        elif len(shape) == 2:
            if shape[0] > shape[1]:
                w_img = w_img.T
                shape = w_img.shape
            w_img = w_img.reshape(1, shape[0], shape[1], 1)
        elif len(shape) == 3:
            if backend.image_data_format() == "channels_last":
                w_img = np.transpose(w_img, [2, 0, 1])
                shape = w_img.shape
            w_img = w_img.reshape(shape[0], shape[1], shape[2], 1)
        if w_img.ndim == 4 and w_img.shape[-1] in (1, 3, 4):
            summary.image(name, w_img, step=epoch)


def _numpy(x: Any) -> np.ndarray:
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _current_lr(optimizer) -> float | None:
    current = getattr(optimizer, "_current_lr", None)
    if current is not None:
        return float(current())
    lr = optimizer.learning_rate
    return None if callable(lr) else float(_numpy(lr))


def _profile_range(profile_batch) -> tuple[int, int]:
    """Keras's check of ``profile_batch``: a non-negative int, or a pair (or ``"a,b"``) of
    positive ints."""
    message = ("profile_batch must be a non-negative integer or 2-tuple of positive integers. A pair "
               f"of positive integers signifies a range of batches to profile. Found: {profile_batch}")
    value = profile_batch
    if isinstance(value, str):
        try:
            value = [int(p) for p in value.split(",")]
        except ValueError:
            raise ValueError(message) from None
        value = value[0] if len(value) == 1 else value
    if isinstance(value, int) and not isinstance(value, bool):
        start = stop = value
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        start, stop = value
    else:
        raise ValueError(message)
    if start < 0 or stop < start:
        raise ValueError(message)
    return start, stop


def _short_name(weight, owner) -> str:
    name = re.sub(r":\d+$", "", getattr(weight, "name", None) or "Variable")
    prefix = f"{getattr(owner, 'name', '')}/"
    return name[len(prefix):] if owner is not None and name.startswith(prefix) else name


def _weight_paths(model) -> dict:
    """``id(weight) -> path`` as Keras 3's ``weight.path``: the names of the layers that hold
    the weight, from the model's layer down, then the weight's own name; prefixed by the
    model's name unless it is a Functional model (whose layers Keras builds outside it)."""
    from ..module import Module
    from .functional import Functional

    prefix = "" if isinstance(model, Functional) else f"{model.name}/"
    paths: dict = {}
    seen: set = set()

    def visit(layer, path: str) -> None:
        if not isinstance(layer, Module) or id(layer) in seen:
            return
        seen.add(id(layer))
        for leaf in layer._leaves(recurse=False):
            if isinstance(leaf, Module):
                visit(leaf, f"{path}/{leaf.name}")
            else:
                paths.setdefault(id(leaf), f"{path}/{_short_name(leaf, layer)}")

    for layer in model.layers:
        visit(layer, prefix + layer.name)
    return paths
