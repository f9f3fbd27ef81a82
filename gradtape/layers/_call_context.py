"""Keras 3's call context for ``training``: a value given to an outer layer call reaches the
layers called inside it that were not given one (a custom layer's sublayers, a subclassed
model's layers called as ``self.dropout(x)``), as Keras's ``CallContext`` does.

For a call, ``training`` is the value passed (if not None), else the value of the enclosing
call, else the default in the layer's ``call`` signature; it is then the enclosing value for
the calls nested in it (and the previous value is restored when the call returns, so that a
value passed to one sublayer does not reach its siblings)."""

from __future__ import annotations

import inspect
import threading
from typing import Any

__all__ = ["enter_training", "exit_training"]

_state = threading.local()  # .training: the value for nested calls
_defaults: dict = {}  # layer class -> the default of ``training`` in its call (None if none)


def _signature_default(layer: Any) -> Any:
    cls = type(layer)
    try:
        return _defaults[cls]
    except KeyError:
        pass
    param = inspect.signature(layer.call).parameters.get("training")
    value = None
    if param is not None and param.default is not inspect.Parameter.empty:
        value = param.default
    _defaults[cls] = value
    return value


def enter_training(layer: Any, kwargs: dict, accepts: bool) -> Any:
    """Resolve ``training`` for a call of ``layer`` (set in ``kwargs`` when its ``call``
    accepts it and the value is known, removed otherwise); returns the enclosing value, to
    give to :func:`exit_training` when the call ends.

    >>> import gradtape as gt
    >>> from gradtape.layers._call_context import enter_training, exit_training
    >>> outer = enter_training(gt.layers.Dropout(0.5), {"training": True}, True)
    >>> inner = {}
    >>> enclosing = enter_training(gt.layers.Dropout(0.5), inner, True)
    >>> inner, enclosing
    ({'training': True}, True)
    >>> exit_training(enclosing); exit_training(outer)
    """
    enclosing = getattr(_state, "training", None)
    value = kwargs.get("training")
    if value is None:
        value = enclosing
        if value is None:
            value = _signature_default(layer) if accepts else None
    _state.training = value
    if accepts and value is not None:
        kwargs["training"] = value
    else:
        kwargs.pop("training", None)
    return enclosing


def exit_training(enclosing: Any) -> None:
    """The end of a call that :func:`enter_training` began: ``enclosing`` is what it returned."""
    _state.training = enclosing
