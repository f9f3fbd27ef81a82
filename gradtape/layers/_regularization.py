"""Layer losses, as Keras 3: ``add_loss``, ``losses`` and the activity regularizer.

The losses added during a call (with ``add_loss``, and the activity penalties) are kept until
the next outermost layer call that reaches the layer: a layer called directly clears its own
and its sublayers' losses first, while a sublayer called inside another layer's call adds to
them (called twice in one call, it keeps both). ``losses`` gathers them recursively and
appends the penalties of the trainable weights' regularizers, computed when read.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

import gradtape as gt
from .._engine import tensor as _tensor
from .._engine.tensor import Tensor
from .. import constraints as _constraints, regularizers as _regularizers

__all__ = ["LossTracking", "outermost_call", "set_weight_options", "weight_options"]

_calls = threading.local()  # .depth: the number of layer calls in progress on this thread
_holding: "weakref.WeakSet[Any]" = weakref.WeakSet()  # the layers that hold added losses


def _as_loss(x: Any, owner: str) -> Tensor:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (int, float, np.number, np.ndarray)) and not isinstance(x, bool):
        return gt.convert_to_tensor(x)
    hint = "; call it and pass its result" if callable(x) else ""
    raise TypeError(f"{owner}.add_loss: expected a scalar tensor (or a list of them), got "
                    f"{type(x).__name__}{hint}")


class LossTracking:
    """The loss bookkeeping of :class:`gradtape.layers.Layer` (mixed into it)."""

    _activity_regularizer: Any = None

    @property
    def activity_regularizer(self) -> Any:
        """The regularizer applied to the layer's outputs at each call (None for none).

        Its penalty, divided by the batch size (the outputs' first dimension) as in Keras 3,
        is added to :attr:`losses`. Settable with anything ``gt.regularizers.get`` accepts.

        >>> import gradtape as gt
        >>> layer = gt.layers.Activation("linear", activity_regularizer="l2")
        >>> _ = layer(gt.ones((2, 5)))
        >>> [round(float(x), 4) for x in layer.losses]
        [0.05]
        """
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, value: Any) -> None:
        self._activity_regularizer = _regularizers.get(value)

    def add_loss(self, loss: Any) -> None:
        """Add a scalar loss tensor (or a list of them), typically inside ``call``.

        It is listed in :attr:`losses` until the next call clears it.

        >>> import gradtape as gt
        >>> class Penalized(gt.layers.Layer):
        ...     def call(self, x):
        ...         self.add_loss(0.5 * gt.reduce_sum(x))
        ...         return x
        >>> layer = Penalized()
        >>> _ = layer(gt.constant([1.0, 3.0]))
        >>> [float(x) for x in layer.losses]
        [2.0]
        """
        items = loss if isinstance(loss, (list, tuple)) else [loss]
        owner = getattr(self, "name", type(self).__name__)
        items = [_as_loss(x, owner) for x in items]
        own = self.__dict__.get("_losses")
        if own is None:
            own = self.__dict__["_losses"] = []
        own.extend(items)
        if items:
            _holding.add(self)

    @property
    def losses(self) -> list:
        """The added losses of this layer and its sublayers, then the regularization penalties
        of the trainable weights (computed now, so they are differentiable on an active tape).

        >>> import gradtape as gt
        >>> d = gt.layers.Dense(1, kernel_initializer="ones", kernel_regularizer=gt.regularizers.L1(0.1))
        >>> _ = d(gt.ones((1, 4)))
        >>> [round(float(x), 4) for x in d.losses]
        [0.4]
        """
        out = list(self.__dict__.get("_losses", ()))
        if _holding.data:  # (the WeakSet's own set: len() of a WeakSet is a Python call)
            for m in self.submodules:
                if isinstance(m, LossTracking):
                    out.extend(m.__dict__.get("_losses", ()))
        if _tensor.REGULARIZED[0]:  # no variable has a regularizer yet: nothing to look for
            for v in self.trainable_variables:
                reg = getattr(v, "regularizer", None)
                if reg is not None:
                    out.append(reg(v))
        return out

    def _clear_losses(self) -> None:
        """Forget the added losses of this layer and its sublayers."""
        if not _holding.data:
            return
        held = list(_holding)
        if len(held) > 1 or held[0] is not self:
            targets = {id(self)} | {id(m) for m in self.submodules}
            held = [layer for layer in held if id(layer) in targets]
        for layer in held:
            layer.__dict__.get("_losses", []).clear()
            _holding.discard(layer)

    def _tracked_call(self, inputs: Any, args: tuple, kwargs: dict) -> Any:
        """Run ``call``, clearing the losses first when it is the outermost layer call, and add
        the activity penalties of the outputs."""
        depth = getattr(_calls, "depth", 0)
        _calls.depth = depth + 1
        try:
            outputs = self.call(inputs, *args, **kwargs)
        finally:
            _calls.depth = depth
        reg = self._activity_regularizer
        if reg is not None:
            for out in gt.nest.flatten(outputs):
                if isinstance(out, Tensor) and out.dtype.kind == "f":
                    loss = gt.convert_to_tensor(reg(out))
                    if out.ndim > 0:  # Keras 3: the same strength whatever the batch size
                        loss = gt.math.divide_no_nan(loss, gt.cast(out.shape[0], loss.dtype))
                    self.add_loss(loss)
        return outputs


def outermost_call() -> bool:
    """Whether no layer call is in progress on this thread."""
    return not getattr(_calls, "depth", 0)


def set_weight_options(layer: Any, **options: Any) -> None:
    """Set ``<weight>_regularizer`` and ``<weight>_constraint`` attributes, resolved with
    ``gt.regularizers.get`` and ``gt.constraints.get`` (as Keras layers store them)."""
    for key, value in options.items():
        resolve = _regularizers.get if key.endswith("_regularizer") else _constraints.get
        setattr(layer, key, resolve(value))


def weight_options(layer: Any, weight: str) -> dict:
    """``add_weight``'s ``regularizer`` and ``constraint`` for the weight named ``weight``."""
    return {"regularizer": getattr(layer, f"{weight}_regularizer", None),
            "constraint": getattr(layer, f"{weight}_constraint", None)}
