"""``gt.keras.callbacks``: hooks into ``Model.fit``, ``evaluate`` and ``predict``, as Keras's.

A callback's methods run at the start and end of training, of each epoch and of each batch,
with ``logs``: a dict of Python floats (the running metrics, and ``val_...`` ones at the end
of an epoch). Setting ``model.stop_training = True`` ends ``fit`` after the current epoch.

>>> import numpy as np, gradtape as gt
>>> model = gt.keras.Sequential([gt.keras.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> seen = []
>>> log = gt.keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))
>>> _ = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=3, verbose=0, callbacks=[log])
>>> seen
[0, 1, 2]
"""

from __future__ import annotations

import csv
import math
import os
import sys
import time
from typing import Any, Callable

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "EarlyStopping",
           "ModelCheckpoint", "LearningRateScheduler", "ReduceLROnPlateau", "TerminateOnNaN",
           "LambdaCallback", "CSVLogger", "TensorBoard"]

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_test_begin",
          "on_test_end", "on_predict_begin", "on_predict_end", "on_train_batch_begin",
          "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
          "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class: override the hooks you need; ``self.model`` and ``self.params`` are set by
    ``fit``/``evaluate``/``predict`` before the first hook runs.

    >>> import gradtape as gt
    >>> class Count(gt.keras.callbacks.Callback):
    ...     def on_train_batch_end(self, batch, logs=None):
    ...         self.n = batch + 1
    """

    def __init__(self) -> None:
        self.params: dict = {}
        self._model = None

    def set_params(self, params: dict) -> None:
        self.params = params

    def set_model(self, model) -> None:
        self._model = model

    @property
    def model(self):
        return self._model

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Alias of ``on_train_batch_begin`` (Keras 2's name)."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Alias of ``on_train_batch_end`` (Keras 2's name)."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_end(batch, logs=logs)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None: ...
    def on_train_begin(self, logs: dict | None = None) -> None: ...
    def on_train_end(self, logs: dict | None = None) -> None: ...
    def on_test_begin(self, logs: dict | None = None) -> None: ...
    def on_test_end(self, logs: dict | None = None) -> None: ...
    def on_predict_begin(self, logs: dict | None = None) -> None: ...
    def on_predict_end(self, logs: dict | None = None) -> None: ...
    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None: ...
    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None: ...
    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None: ...


class CallbackList(Callback):
    """Several callbacks called in order; ``fit`` adds a ``History`` and, when ``verbose``, a
    ``ProgbarLogger``, as Keras does.

    >>> import gradtape as gt
    >>> cbs = gt.keras.callbacks.CallbackList([], add_history=True)
    >>> [type(c).__name__ for c in cbs.callbacks]
    ['History']
    """

    def __init__(self, callbacks=None, add_history: bool = False, add_progbar: bool = False,
                 model=None, **params: Any) -> None:
        super().__init__()
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks: expected gt.keras.callbacks.Callback instances, got "
                                f"{type(cb).__name__}; subclass Callback or use LambdaCallback")
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self.callbacks.append(History())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_model(self, model) -> None:
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def _call(self, hook: str, *args) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(*args)


def _dispatcher(hook: str) -> Callable:
    def run(self, *args, logs=None):
        self._call(hook, *args, logs)
    run.__name__ = hook
    return run


for _hook in _HOOKS:
    setattr(CallbackList, _hook, _dispatcher(_hook))


class History(Callback):
    """Records every epoch's logs: ``fit`` returns it, ``history.history["loss"]`` is the list
    of epoch losses and ``history.epoch`` the epoch numbers.

    >>> import numpy as np, gradtape as gt
    >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> h = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0)
    >>> sorted(h.history), h.epoch
    (['loss'], [0, 1])
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict = {}
        self.epoch: list = []

    def on_train_begin(self, logs=None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:
            self.model.history = self


def _format_logs(logs: dict) -> str:
    return "".join(f" - {k}: {v:.4f}" if isinstance(v, float) else f" - {k}: {v}"
                   for k, v in logs.items())


def _per_step(seconds: float, steps: int) -> str:
    per = seconds / max(steps, 1)
    return f"{per * 1e3:.0f}ms/step" if per >= 1e-3 else f"{per * 1e6:.0f}us/step"


class ProgbarLogger(Callback):
    """Prints progress as Keras: with ``verbose=1`` a bar updated in place (on a terminal;
    one line per epoch otherwise), with ``verbose=2`` one line per epoch.

    >>> import gradtape as gt
    >>> gt.keras.callbacks.ProgbarLogger().verbose
    1
    """

    def __init__(self) -> None:
        super().__init__()
        self.verbose = 1
        self._mode = "train"

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        self.verbose = params.get("verbose", 1)

    def _begin(self, mode: str) -> None:
        self._mode, self._start, self._seen, self._last_draw = mode, time.perf_counter(), 0, 0.0

    def _line(self, logs: dict) -> str:
        done = self._seen
        total = self.params.get("steps") or done
        elapsed = time.perf_counter() - self._start
        if self.verbose == 2:
            return f"{done}/{total} - {elapsed:.0f}s - {_per_step(elapsed, done)}{_format_logs(logs)}"
        filled = int(20 * done / total) if total else 20
        bar = "━" * filled + " " * (20 - filled)
        return f"{done}/{total} {bar} {elapsed:.0f}s {_per_step(elapsed, done)}{_format_logs(logs)}"

    def _dynamic(self) -> bool:
        return self.verbose == 1 and sys.stdout.isatty()

    def on_train_begin(self, logs=None) -> None:
        self._epochs = self.params.get("epochs", 1)

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._begin("train")
        if self.verbose:
            print(f"Epoch {epoch + 1}/{self._epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None) -> None:
        self._seen = batch + 1
        self._maybe_draw(logs or {})

    def on_test_batch_end(self, batch, logs=None) -> None:
        if self._mode == "test":
            self._seen = batch + 1
            self._maybe_draw(logs or {})

    def on_predict_batch_end(self, batch, logs=None) -> None:
        if self._mode == "predict":
            self._seen = batch + 1
            self._maybe_draw({})

    def _maybe_draw(self, logs: dict) -> None:
        now = time.perf_counter()
        if self._dynamic() and now - self._last_draw > 0.05:
            self._last_draw = now
            sys.stdout.write("\r" + self._line(logs))
            sys.stdout.flush()

    def _finish(self, logs: dict) -> None:
        if self.verbose:
            prefix = "\r" if self._dynamic() else ""
            sys.stdout.write(prefix + self._line(logs) + "\n")
            sys.stdout.flush()

    def on_epoch_end(self, epoch, logs=None) -> None:
        self._finish(logs or {})

    def on_test_begin(self, logs=None) -> None:
        if self.params.get("mode") == "test":  # evaluate(), not fit's validation
            self._begin("test")

    def on_test_end(self, logs=None) -> None:
        if self._mode == "test":
            self._finish(logs or {})

    def on_predict_begin(self, logs=None) -> None:
        self._begin("predict")

    def on_predict_end(self, logs=None) -> None:
        self._finish({})


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite.

    >>> import gradtape as gt
    >>> isinstance(gt.keras.callbacks.TerminateOnNaN(), gt.keras.callbacks.Callback)
    True
    """

    def on_train_batch_end(self, batch, logs=None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback from functions: ``on_epoch_begin(epoch, logs)``, ``on_epoch_end(epoch,
    logs)``, ``on_train_batch_begin/end(batch, logs)``, ``on_train_begin/end(logs)``, and the
    others of :class:`Callback` by the same names.

    >>> import gradtape as gt
    >>> cb = gt.keras.callbacks.LambdaCallback(on_train_begin=lambda logs: None)
    >>> callable(cb.on_train_begin)
    True
    """

    def __init__(self, **hooks: Callable) -> None:
        super().__init__()
        aliases = {"on_batch_begin": "on_train_batch_begin", "on_batch_end": "on_train_batch_end"}
        for name, fn in hooks.items():
            name = aliases.get(name, name)
            if name not in _HOOKS:
                raise TypeError(f"LambdaCallback: unknown hook {name!r}; known: {', '.join(_HOOKS)}")
            if fn is not None:
                setattr(self, name, fn)


class CSVLogger(Callback):
    """Write each epoch's logs as a row of a CSV file (``epoch`` first, then the logs' keys).

    >>> import os, tempfile, numpy as np, gradtape as gt
    >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> _ = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
    ...               callbacks=[gt.keras.callbacks.CSVLogger(path)])
    >>> open(path).read().splitlines()[0]
    'epoch,loss'
    """

    def __init__(self, filename, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self._file = self._writer = None

    def on_train_begin(self, logs=None) -> None:
        exists = self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        self._header_written = exists
        self._file = open(self.filename, "a" if self.append else "w", newline="")
        self._keys = None

    def on_epoch_end(self, epoch, logs=None) -> None:
        logs = logs or {}
        if self._keys is None:
            self._keys = sorted(logs)
            self._writer = csv.DictWriter(self._file, fieldnames=["epoch"] + self._keys,
                                          delimiter=self.sep)
            if not self._header_written:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **{k: logs.get(k, "NA") for k in self._keys}})
        self._file.flush()

    def on_train_end(self, logs=None) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None



from .callbacks_monitor import (  # noqa: E402,F401  (they subclass Callback)
    EarlyStopping, LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau,
)
from .callbacks_tensorboard import TensorBoard  # noqa: E402,F401
