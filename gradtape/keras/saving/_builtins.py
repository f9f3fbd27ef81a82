"""gradtape's own classes as Keras 3 names and configures them: the lookup tables used when
reading configs, and the small differences between gradtape's ``get_config`` dicts and Keras's
(optimizer and initializer keys that gradtape does not use)."""

from __future__ import annotations

import operator
from typing import Any

from ... import initializers as _initializers
from ... import optimizers as _optimizers

__all__ = ["LAYERS", "MODELS", "OPERATIONS", "keras_config", "clean_config"]


class _Lazy(dict):
    """A dict filled on first use (the classes live in modules that import this package)."""

    def __init__(self, fill):
        super().__init__()
        self._fill = fill

    def get(self, key, default=None):  # type: ignore[override]
        if self._fill is not None:
            fill, self._fill = self._fill, None
            self.update(fill())
        return super().get(key, default)


def _layers() -> dict:
    from ..functional import Functional
    from ..keras_tensor import InputLayer
    return {"InputLayer": InputLayer, "Functional": Functional}


def _models() -> dict:
    from ..functional import Functional
    from ..model import Model
    from ..sequential import Sequential
    return {"Functional": Functional, "Sequential": Sequential, "Model": Model}


# Keras's operator nodes (keras.src.ops.numpy ...) by class name: the Python operator
# gradtape records for the same KerasTensor expression.
_OPERATORS = {
    "Add": ("add", operator.add), "Subtract": ("subtract", operator.sub),
    "Multiply": ("multiply", operator.mul), "TrueDivide": ("true_divide", operator.truediv),
    "Divide": ("true_divide", operator.truediv), "FloorDivide": ("floor_divide", operator.floordiv),
    "Mod": ("mod", operator.mod), "Power": ("power", operator.pow), "Matmul": ("matmul", operator.matmul),
    "Less": ("less", operator.lt), "LessEqual": ("less_equal", operator.le),
    "Greater": ("greater", operator.gt), "GreaterEqual": ("greater_equal", operator.ge),
    "Negative": ("negative", operator.neg), "Absolute": ("absolute", operator.abs),
    "Abs": ("absolute", operator.abs),
}


def _operation_class(class_name: str) -> type:
    from ..keras_tensor import _operation
    name, fn = _OPERATORS[class_name]
    kind = type(_operation(name, fn))

    class Revived(kind):  # type: ignore[misc,valid-type]
        @classmethod
        def from_config(cls, config: dict) -> Any:
            op = _operation(name, fn)
            if config.get("name"):
                op._module_name = config["name"]  # keep the saved name (graph links use it)
            return op
    Revived.__name__ = kind.__name__
    return Revived


def _operations() -> dict:
    return {k: _operation_class(k) for k in _OPERATORS}


LAYERS = _Lazy(_layers)
MODELS = _Lazy(_models)
OPERATIONS = _Lazy(_operations)

_OPTIMIZER_EXTRA = {"use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                    "loss_scale_factor": None, "gradient_accumulation_steps": None}
_FAN_INITIALIZERS = (_initializers.VarianceScaling,)


def keras_config(obj: Any) -> dict:
    """``obj.get_config()`` with the keys Keras 3 also writes for it (at their defaults)."""
    config = obj.get_config()
    if isinstance(obj, _optimizers.Optimizer):
        out = {}
        for key, value in config.items():
            out[key] = value
            if key == "clipvalue":
                out.update(_OPTIMIZER_EXTRA)
        out.update({k: v for k, v in _OPTIMIZER_EXTRA.items() if k not in out})
        return out
    if isinstance(obj, _FAN_INITIALIZERS):
        return {**config, "input_axes": None, "output_axes": None}
    return config


def clean_config(cls: type, config: Any) -> Any:
    """A Keras config for one of gradtape's initializers or optimizers without the keys gradtape
    does not take, when they hold Keras's defaults (else a ValueError)."""
    if not isinstance(config, dict) or not isinstance(cls, type):
        return config
    if issubclass(cls, _optimizers.Optimizer):
        extra = dict(_OPTIMIZER_EXTRA)
    elif issubclass(cls, _initializers.Initializer):
        extra = {"input_axes": None, "output_axes": None}
    else:
        return config
    config = dict(config)
    for key, default in extra.items():
        if key in config:
            value = config.pop(key)
            if value != default and not (key == "use_ema" and not value):
                raise ValueError(f"{cls.__name__}: {key}={value!r} is not supported by gradtape")
    return config
