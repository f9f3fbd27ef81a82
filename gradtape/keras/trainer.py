"""Keras's training loop for ``gt.keras.Model``: ``compile``, ``fit``, ``evaluate``, ``predict``
and the ``*_on_batch`` methods, built on a ``GradientTape`` step that subclasses may override
(``train_step``, ``test_step``, ``predict_step``, ``compute_loss``, ``compute_metrics``), as in
Keras 3 with the TensorFlow backend. Differences, by design: gradtape runs eagerly (``jit_compile``,
``run_eagerly`` and ``steps_per_execution`` are accepted and ignored) and ``save_weights``/
``load_weights`` use a NumPy ``.npz`` archive; whole models go to ``.keras`` files with
``Model.save`` (gradtape/keras/saving/)."""

from __future__ import annotations

import os
import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np

from .. import nest
from .. import optimizers as optimizers_module
from .._engine.tape import GradientTape
from ..metrics import Mean, Metric
from ..ops.array import concat
from ..train import atomic_write_npz
from . import callbacks as callbacks_module
from ._compat_shims import CompiledShims, compute_loss_compat
from ._step_logs import _first_rows, _floats, _tensors
from .compile_utils import CompileLoss, CompileMetrics, sum_losses
from .data_adapter import EpochIterator, train_validation_split, unpack_x_y_sample_weight

__all__ = ["Trainer"]


class Trainer(CompiledShims):
    """The methods ``gt.keras.Model`` adds to a layer for Keras's training loop."""

    # Metrics hold state, not weights: their variables are not the model's (Keras keeps them
    # apart too), so the walk that finds variables and checkpoint paths skips them.
    _WALK_SKIPPED_TYPES = (Metric,)

    compiled = False
    optimizer = None
    stop_training = False
    history = None

    # -- compile -------------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None,
                metrics: Any = None, weighted_metrics: Any = None, run_eagerly: bool = False,
                steps_per_execution: int = 1, jit_compile: Any = "auto",
                auto_scale_loss: bool = True) -> None:
        """Set the optimizer, the loss and the metrics that ``fit`` and ``evaluate`` use.

        ``optimizer``: an optimizer or its name (``"adam"``); ``loss``: a ``Loss``, a loss
        function or its name (``"sparse_categorical_crossentropy"``, ``"mse"``, ...), or one per
        output as a list or dict; ``metrics``/``weighted_metrics``: names, functions or
        ``Metric`` objects (``"accuracy"`` is resolved from the shapes of the first batch).

        >>> import numpy as np, gradtape as gt
        >>> model = gt.keras.Sequential([gt.keras.layers.Dense(3)])
        >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
        ...               metrics=["accuracy"])
        >>> model.compiled
        True
        """
        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError(f"compile: steps_per_execution must be a positive integer, got "
                             f"{steps_per_execution!r}")
        self._compile_config = SimpleNamespace(args={  # for get_compile_config (Model.save)
            "optimizer": optimizer, "loss": loss, "loss_weights": loss_weights, "metrics": metrics,
            "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution, "jit_compile": jit_compile})
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights) if loss is not None else None
        output_names = getattr(self, "output_names", None)
        self._compile_metrics = (CompileMetrics(metrics, weighted_metrics, output_names)
                                 if metrics is not None or weighted_metrics is not None else None)
        self._loss_tracker = Mean(name="loss")
        self.compiled = True
        self.stop_training = False

    def _require_compiled(self, what: str) -> None:
        if not self.compiled:
            raise RuntimeError(f"You must call compile() before using the model ({what}); for "
                               "example model.compile(optimizer='adam', loss='mse')")

    # -- metrics -------------------------------------------------------------------------------
    @property
    def metrics(self) -> list:
        """The loss tracker, the compiled metrics and the metrics set as attributes of the
        model (Keras's order); ``fit`` and ``evaluate`` reset them at the start of each epoch."""
        found = []
        if self.compiled:
            found.append(self._loss_tracker)
            if self._compile_metrics is not None:
                found.append(self._compile_metrics)
        found.extend(m for k, m in vars(self).items() if isinstance(m, Metric) and k != "_loss_tracker")
        return found

    @property
    def metrics_names(self) -> list:
        """``"loss"`` and the compiled metrics' names (``"compile_metrics"`` for them as one, as
        in Keras 3)."""
        return [m.name if isinstance(m, Mean) else "compile_metrics" for m in self.metrics]

    def _compiled_metrics_named(self) -> list:
        return self._compile_metrics.named() if self.compiled and self._compile_metrics else []

    def reset_metrics(self) -> None:
        """Reset the loss tracker and every compiled metric."""
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self) -> dict:
        """The current values of the loss tracker and the compiled metrics, by name."""
        out = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                out.update(result)
            else:
                out[m.name] = result
        return out

    # -- one step --------------------------------------------------------------------------------
    def _forward(self, x, training: bool):
        # passed even when ``call`` takes no ``training``: the layers it calls get it (Keras)
        return self(x, training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training: bool = True):
        """The compiled loss of ``y_pred`` against ``y`` plus the layers' own losses
        (``model.losses``: regularization and ``add_loss``). Override for a custom loss."""
        del x, training
        parts = []
        if self._compile_loss is not None and y is not None:
            parts.append(self._compile_loss(y, y_pred, sample_weight))
        parts.extend(getattr(self, "losses", None) or [])
        total = sum_losses(parts)
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Update the compiled metrics with a batch and return every metric's value."""
        del x
        if self._compile_metrics is not None and y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def train_step(self, data) -> dict:
        """One optimization step on a batch ``(x, y, sample_weight)``: forward on a tape, the
        gradient of the loss, the optimizer's update; returns the metrics' values."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self._forward(x, training=True)
            loss = compute_loss_compat(self, x, y, y_pred, sample_weight, training=True)
        self._loss_tracker.update_state(loss, sample_weight=_first_rows(x))
        variables = list(self.trainable_variables)
        if variables:
            grads = tape.gradient(loss, variables)
            self.optimizer.apply_gradients(zip(grads, variables))
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data) -> dict:
        """The loss and metrics of a batch, with ``training=False`` and no update."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self._forward(x, training=False)
        loss = compute_loss_compat(self, x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_first_rows(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """The model's output on a batch's ``x``, with ``training=False``."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self._forward(x, training=False)

    # -- loops -----------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size: int | None = None, epochs: int = 1, verbose: Any = "auto",
            callbacks: list | None = None, validation_split: float = 0.0, validation_data=None,
            shuffle: bool | str = True, class_weight: dict | None = None, sample_weight=None,
            initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: int = 1) -> callbacks_module.History:
        """Train for ``epochs`` epochs over ``x``/``y`` (arrays, nested lists or dicts of them),
        or over a ``gt.data.Dataset`` or generator of ``(x, y[, sample_weight])`` batches.
        Returns the ``History`` of each epoch's logs (loss, metrics, ``val_`` ones).

        >>> import numpy as np, gradtape as gt
        >>> gt.random.set_seed(0)
        >>> x = np.random.default_rng(0).standard_normal((64, 2)).astype("float32")
        >>> y = x @ np.array([[2.0], [-1.0]], "float32")
        >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1)])
        >>> model.compile(optimizer=gt.keras.optimizers.SGD(0.1), loss="mse")
        >>> h = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
        >>> h.history["loss"][-1] < 1e-3
        True
        """
        self._require_compiled("fit")
        if not 0.0 <= float(validation_split) < 1.0:
            raise ValueError(f"fit: validation_split must be in [0, 1), got {validation_split}")
        if not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs!r}")
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = train_validation_split(
                (x, y, sample_weight), validation_split)
        data = EpochIterator(x, y, sample_weight, batch_size, steps_per_epoch, shuffle,
                             class_weight, what="fit")
        val = None
        if validation_data is not None:
            vx, vy, vsw = (unpack_x_y_sample_weight(validation_data)
                           if isinstance(validation_data, (tuple, list)) else (validation_data, None, None))
            val = EpochIterator(vx, vy, vsw, validation_batch_size or (batch_size if vy is not None else None),
                                validation_steps, False, what="fit (validation data)")
        verbose = 1 if verbose == "auto" else int(verbose)
        cbs = callbacks_module.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0,
                                            model=self, verbose=verbose, epochs=epochs, steps=data.steps)
        self.stop_training = False
        cbs.on_train_begin()
        logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            logs = {}
            cbs.on_epoch_begin(epoch)
            for step, batch in data.epoch():
                cbs.on_train_batch_begin(step)
                logs = _floats(self.train_step(_tensors(batch)))
                cbs.on_train_batch_end(step, logs=logs)
                if self.stop_training:
                    break
            epoch_logs = dict(logs) if logs else _floats(self.get_metrics_result())
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_loop(val, cbs)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
                epoch_logs = dict(sorted(epoch_logs.items()))  # Keras (TensorFlow) sorts the names
            cbs.on_epoch_end(epoch, logs=epoch_logs)
            if self.stop_training:
                break
        cbs.on_train_end(logs=logs)
        return self.history

    def _evaluate_loop(self, data: EpochIterator, cbs) -> dict:
        self.reset_metrics()
        cbs.on_test_begin()
        logs: dict = {}
        for step, batch in data.epoch():
            cbs.on_test_batch_begin(step)
            logs = _floats(self.test_step(_tensors(batch)))
            cbs.on_test_batch_end(step, logs=logs)
        logs = logs or _floats(self.get_metrics_result())
        cbs.on_test_end(logs=logs)
        return logs

    def evaluate(self, x=None, y=None, batch_size: int | None = None, verbose: Any = "auto",
                 sample_weight=None, steps: int | None = None, callbacks: list | None = None,
                 return_dict: bool = False, **kwargs: Any):
        """The loss and metrics over ``x``/``y`` in test mode: a float (loss only), a list in
        ``metrics_names`` order, or a dict with ``return_dict=True``.

        >>> import numpy as np, gradtape as gt
        >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1, kernel_initializer="zeros")])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> model.evaluate(np.ones((4, 2)), np.full((4, 1), 2.0), verbose=0)
        [4.0, 2.0]
        """
        self._require_compiled("evaluate")
        if kwargs:
            raise TypeError(f"evaluate: unexpected keyword argument(s) {sorted(kwargs)}")
        data = EpochIterator(x, y, sample_weight, batch_size, steps, False, what="evaluate")
        verbose = 1 if verbose == "auto" else int(verbose)
        cbs = callbacks_module.CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                                            verbose=verbose, epochs=1, steps=data.steps, mode="test")
        logs = self._evaluate_loop(data, cbs)
        return logs if return_dict else self._flatten_in_order(logs)

    def _flatten_in_order(self, logs: dict):
        # Keras 3's order: the loss, then each compiled metric by its own name (so a weighted
        # metric that shares a name repeats the unweighted value, as in Keras), then the rest
        # of the logs by name.
        own = self._compile_metrics.own_names() if self._compile_metrics is not None else []
        names = ["loss"] + own
        results = [logs[n] for n in names if n in logs] + [logs[k] for k in sorted(logs) if k not in names]
        return results[0] if len(results) == 1 else results

    def predict(self, x, batch_size: int | None = None, verbose: Any = "auto", steps: int | None = None,
                callbacks: list | None = None):
        """The model's outputs on ``x`` with ``training=False``, batch by batch (32 rows by
        default), concatenated into NumPy arrays (the structure of the model's outputs).

        >>> import gradtape as gt
        >>> class Linear(gt.keras.Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.dense = gt.keras.layers.Dense(1, kernel_initializer="ones")
        ...     def call(self, x):
        ...         return self.dense(x)
        >>> Linear().predict(gt.ones((5, 2)), batch_size=2, verbose=0).shape
        (5, 1)
        """
        data = EpochIterator(x, None, None, batch_size, steps, False, what="predict")
        verbose = 1 if verbose == "auto" else int(verbose)
        cbs = callbacks_module.CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                                            verbose=verbose, epochs=1, steps=data.steps, mode="predict")
        cbs.on_predict_begin()
        outputs = []
        for step, batch in data.epoch():
            cbs.on_predict_batch_begin(step)
            out = self.predict_step(_tensors(batch))
            outputs.append(out)
            cbs.on_predict_batch_end(step, logs={"outputs": out})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("predict: x has no rows")
        flat = [nest.flatten(o) for o in outputs]
        joined = [concat(list(parts), axis=0).numpy() if len(parts) > 1 else parts[0].numpy()
                  for parts in zip(*flat)]
        return nest.pack_sequence_as(outputs[0], joined)

    # -- single batches ---------------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight: dict | None = None,
                       return_dict: bool = False):
        """One ``train_step`` on one batch (metrics reset first, as in Keras); returns the
        loss and metrics as ``evaluate`` does."""
        self._require_compiled("train_on_batch")
        self.reset_metrics()
        data = EpochIterator(x, y, sample_weight, _first_rows(x), None, False, class_weight,
                             what="train_on_batch")
        _, batch = next(data.epoch())
        logs = _floats(self.train_step(_tensors(batch)))
        return logs if return_dict else self._flatten_in_order(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict: bool = False):
        """The loss and metrics of one batch in test mode."""
        self._require_compiled("test_on_batch")
        self.reset_metrics()
        logs = _floats(self.test_step(_tensors((x, y, sample_weight))))
        return logs if return_dict else self._flatten_in_order(logs)

    def predict_on_batch(self, x):
        """The model's output on one batch, as NumPy arrays."""
        out = self.predict_step(_tensors((x,)))
        return nest.map_structure(lambda t: t.numpy(), out)

    # -- weights -----------------------------------------------------------------------------------
    def save_weights(self, filepath, overwrite: bool = True) -> None:
        """Write every weight to ``filepath``, a NumPy ``.npz`` archive keyed by the weights'
        paths (``layers/0/kernel``), atomically. (Keras 3 writes ``.weights.h5``; gradtape has
        no HDF5 dependency.)

        >>> import os, tempfile, gradtape as gt
        >>> m = gt.keras.Sequential([gt.keras.layers.Dense(2)])
        >>> _ = m(gt.ones((1, 3)))
        >>> path = os.path.join(tempfile.mkdtemp(), "m.weights.npz")
        >>> m.save_weights(path)
        >>> m2 = gt.keras.Sequential([gt.keras.layers.Dense(2)])
        >>> _ = m2(gt.ones((1, 3)))
        >>> m2.load_weights(path)
        >>> bool((m2.get_weights()[0] == m.get_weights()[0]).all())
        True
        """
        path = os.fspath(filepath)
        if not overwrite and os.path.exists(path):
            raise FileExistsError(f"save_weights: {path} exists and overwrite=False")
        named = self._named_variables()
        if not named:
            raise ValueError("save_weights: the model has no weights yet; call it on a batch first")
        atomic_write_npz(path, {name: v.numpy() for name, v in named})

    def load_weights(self, filepath, skip_mismatch: bool = False) -> None:
        """Assign the weights saved by ``save_weights`` (matched by path; every shape is checked
        before anything is assigned)."""
        with np.load(os.fspath(filepath), allow_pickle=False) as archive:
            saved = {k: archive[k] for k in archive.files}
        named = self._named_variables()
        missing = [n for n, _ in named if n not in saved]
        if missing and not skip_mismatch:
            raise ValueError(f"load_weights: {filepath} has no weights for {missing}; it holds "
                             f"{sorted(saved)}")
        pairs = []
        for name, v in named:
            if name not in saved:
                continue
            if tuple(saved[name].shape) != tuple(v.shape):
                if skip_mismatch:
                    continue
                raise ValueError(f"load_weights: weight {name} has shape {tuple(v.shape)} in the "
                                 f"model but {saved[name].shape} in {filepath}")
            pairs.append((v, saved[name]))
        for v, value in pairs:
            v.assign(value.astype(v.dtype, copy=False))
