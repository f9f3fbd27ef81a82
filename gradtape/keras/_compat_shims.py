"""tf.keras 2's ``model.compiled_loss(...)`` and ``model.compiled_metrics.update_state(...)``,
which custom ``train_step`` methods written for TensorFlow 2 call (Keras 3 keeps them as
deprecated shims on its TensorFlow backend). Here they behave as in tf.keras 2: the compiled
loss updates the ``loss`` metric, the compiled metrics update only themselves."""

from __future__ import annotations

import inspect
from typing import Any

from ._step_logs import _first_rows

__all__ = ["CompiledShims", "compute_loss_compat"]

_takes_training: dict = {}  # class -> whether its compute_loss takes ``training``


def compute_loss_compat(model: Any, x: Any, y: Any, y_pred: Any, sample_weight: Any,
                        training: bool) -> Any:
    """``model.compute_loss(x, y, y_pred, sample_weight, training=training)``, without
    ``training`` for an override written before Keras 3.3 added it (as Keras's
    ``Trainer._compute_loss``).

    >>> import gradtape as gt
    >>> class Old(gt.keras.Model):
    ...     def compute_loss(self, x, y, y_pred, sample_weight):
    ...         return gt.reduce_mean((y - y_pred) ** 2)
    >>> float(compute_loss_compat(Old(), None, gt.ones((2,)), gt.zeros((2,)), None, training=False))
    1.0
    """
    cls = type(model)
    takes = _takes_training.get(cls)
    if takes is None:
        params = inspect.signature(model.compute_loss).parameters
        takes = "training" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())
        _takes_training[cls] = takes
    if takes:
        return model.compute_loss(x, y, y_pred, sample_weight, training=training)
    return model.compute_loss(x, y, y_pred, sample_weight)


class _CompiledMetricsView:
    """What ``model.compiled_metrics`` returns: ``update_state`` feeds the compiled metrics."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        compiled = getattr(self._model, "_compile_metrics", None)
        if compiled is not None:
            compiled.update_state(y_true, y_pred, sample_weight)

    def reset_state(self) -> None:
        compiled = getattr(self._model, "_compile_metrics", None)
        if compiled is not None:
            compiled.reset_state()


class CompiledShims:
    """Mixed into the trainer; relies on ``compute_loss``, ``_loss_tracker`` and
    ``_compile_metrics``."""

    def compiled_loss(self, y: Any, y_pred: Any, sample_weight: Any = None,
                      regularization_losses: Any = None) -> Any:
        """The compiled loss plus the layers' losses, recorded in the ``loss`` metric (tf.keras
        2's ``compiled_loss``; ``regularization_losses`` is ignored: ``model.losses`` are added
        already, as Keras 3's shim does).

        >>> import numpy as np, gradtape as gt
        >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1, kernel_initializer="zeros")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> y_pred = model(np.ones((2, 3), "float32"))
        >>> float(model.compiled_loss(np.full((2, 1), 2.0, "float32"), y_pred))
        4.0
        >>> [(m.name, float(m.result())) for m in model.metrics]
        [('loss', 4.0)]
        """
        del regularization_losses
        loss = compute_loss_compat(self, None, y, y_pred, sample_weight, training=True)
        tracker = getattr(self, "_loss_tracker", None)
        if tracker is not None:
            tracker.update_state(loss, sample_weight=_first_rows(y_pred))
        return loss

    @property
    def compiled_metrics(self) -> _CompiledMetricsView:
        """tf.keras 2's ``compiled_metrics``: ``update_state(y, y_pred, sample_weight)``
        updates the metrics given to ``compile`` (not the ``loss`` metric).

        >>> import numpy as np, gradtape as gt
        >>> model = gt.keras.Sequential([gt.keras.layers.Dense(1, kernel_initializer="zeros")])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> y_pred = model(np.ones((2, 3), "float32"))
        >>> model.compiled_metrics.update_state(np.full((2, 1), 2.0, "float32"), y_pred)
        >>> {k: float(v) for k, v in model.get_metrics_result().items()}
        {'loss': 0.0, 'mae': 2.0}
        """
        return _CompiledMetricsView(self)
