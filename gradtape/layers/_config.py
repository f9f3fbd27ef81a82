"""Layer configs in Keras 3's layout: ``Layer.get_config``/``from_config`` and the build config.

Each layer records the arguments it was constructed with (``Layer.__new__``). ``get_config``
gives Keras's base keys (``name``, ``trainable``, ``dtype`` as a ``DTypePolicy``, the
``activity_regularizer`` when set), then one key per constructor argument of the gradtape class
(and of its parents that receive its ``**kwargs``): the layer's attribute of that name when it
has one (the normalized value: tuples, lower-case modes), else the argument given, else its
default. Initializers, regularizers and constraints are serialized as Keras does, activations
by name. :data:`KERAS_KEYS` then adds the keys Keras writes that gradtape does not take (with
the only value gradtape supports) and drops gradtape-only ones, so the dicts equal Keras's.

A subclass defined outside gradtape that does not override ``get_config`` gets Keras's
automatic config: its own constructor arguments when they are plain values (str, int, float,
bool, None, and lists/dicts of them), else Keras's ``NotImplementedError``.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from ._config_keras import KERAS_KEYS

__all__ = ["InitCall", "layer_config", "layer_from_config", "build_config", "build_from_config",
           "KERAS_KEYS"]

_BASE_PARAMS = {"self", "trainable", "name", "dtype", "activity_regularizer", "input_shape",
                "batch_input_shape"}
_PLAIN = (str, int, float, bool, type(None))


class InitCall:
    """The arguments a layer was constructed with (kept out of the variable walk)."""

    __slots__ = ("args", "kwargs")

    def __init__(self, args: tuple, kwargs: dict):
        self.args, self.kwargs = args, kwargs


_PARAMS_CACHE: dict[type, list] = {}


def _params(cls: type) -> list:
    """``(name, default)`` of the constructor arguments of ``cls`` and of the parents its
    ``**kwargs`` reach, Layer's own excluded (first definition wins)."""
    cached = _PARAMS_CACHE.get(cls)
    if cached is not None:
        return cached
    from .base import Layer
    out: dict = {}
    for klass in cls.__mro__:
        if klass is Layer or not issubclass(klass, Layer):
            break
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        more = False
        for p in inspect.signature(init).parameters.values():
            if p.kind is p.VAR_KEYWORD:
                more = True
            elif p.kind is not p.VAR_POSITIONAL and p.name not in _BASE_PARAMS and p.name not in out:
                out[p.name] = p.default
        if not more:
            break
    _PARAMS_CACHE[cls] = cached = list(out.items())
    return cached


def _bound(layer: Any) -> dict:
    call = layer.__dict__.get("_init_call")
    if call is None:
        return {}
    try:
        bound = inspect.signature(type(layer).__init__).bind(None, *call.args, **call.kwargs)
    except TypeError:
        return {}
    out = dict(bound.arguments)
    out.pop("self", None)
    for name, p in inspect.signature(type(layer).__init__).parameters.items():
        if p.kind is p.VAR_KEYWORD and name in out:
            out.update(out.pop(name))
    return out


def _builtin_class(cls: type) -> type:
    for klass in cls.__mro__:
        if klass.__module__.startswith("gradtape."):
            return klass
    raise TypeError(f"{cls.__name__} is not a gradtape layer")


def keras_name(cls: type) -> str:
    """The Keras class name of a gradtape layer class (``MaxPool2D`` is ``MaxPooling2D``)."""
    name = cls.__name__
    return {"MaxPool2D": "MaxPooling2D", "AvgPool2D": "AveragePooling2D"}.get(name, name)


def serialize_value(key: str, value: Any) -> Any:
    """A constructor argument as Keras's ``get_config`` writes it."""
    from .. import constraints, initializers, regularizers
    from ..keras.saving.serialization import serialize_keras_object
    from . import activations
    from .base import Layer
    if value is None:
        return "channels_last" if key == "data_format" else None
    if key.endswith("_initializer"):
        return serialize_keras_object(initializers.get(value))
    if key.endswith("_regularizer"):
        return serialize_keras_object(regularizers.get(value))
    if key.endswith("_constraint"):
        return serialize_keras_object(constraints.get(value))
    if key.endswith("activation") and (callable(value) or isinstance(value, str)):
        fn = activations.get(value)
        name = activations.serialize(fn)
        return name if activations._BY_NAME.get(name) is fn else serialize_keras_object(fn)
    if isinstance(value, Layer):
        return serialize_keras_object(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.generic,)):
        return value.item()
    return value


def dtype_policy(layer: Any) -> dict:
    """Keras's ``DTypePolicy`` config for the layer's dtype (float32 until known)."""
    dt = layer._layer_dtype
    name = np.dtype(dt).name if dt is not None else "float32"
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name},
            "registered_name": None}


def _is_plain(value: Any) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


_MISSING = object()


def _attribute(layer: Any, key: str) -> Any:
    from .._engine.tensor import Tensor
    try:
        value = getattr(layer, key)
    except Exception:
        return _MISSING
    if isinstance(value, Tensor) or inspect.ismethod(value):
        return _MISSING
    return value


def layer_config(layer: Any, base_only: bool = False) -> dict:
    """``layer.get_config()``: see the module's docstring."""
    from .. import regularizers
    from ..keras.saving.serialization import serialize_keras_object
    config: dict = {"name": layer.name, "trainable": layer.trainable, "dtype": dtype_policy(layer)}
    if layer.activity_regularizer is not None:
        config["activity_regularizer"] = serialize_keras_object(regularizers.get(layer.activity_regularizer))
    cls = type(layer)
    builtin = _builtin_class(cls)
    bound = _bound(layer)
    spec = KERAS_KEYS.get(keras_name(builtin), {})
    for key, default in _params(builtin):
        if key in spec.get("drop", ()):
            continue
        attr = _attribute(layer, key)
        if attr is not _MISSING:
            value = attr
        elif cls is builtin or key in bound:
            value = bound.get(key, default)
        else:
            value = default
        if value is inspect.Parameter.empty:
            value = None
        config[key] = serialize_value(key, value)
    for key, value in spec.get("extra", {}).items():
        if key not in config:
            attr = _attribute(layer, key)
            config[key] = value if attr is _MISSING else serialize_value(key, attr)
    fix = spec.get("fix")
    if fix is not None:
        fix(layer, config)
    if cls is not builtin and not base_only:
        own = [(k, d) for k, d in _user_params(cls, builtin) if k not in config]
        values = {k: bound.get(k, d) for k, d in own}
        values = {k: (None if v is inspect.Parameter.empty else v) for k, v in values.items()}
        if not _is_plain(list(values.values())):
            raise NotImplementedError(
                f"Object {cls.__name__} was created by passing non-serializable argument values "
                "in `__init__()`, and therefore the object must override `get_config()` in order "
                "to be serializable. Please implement `get_config()`.")
        config.update(values)
    return config


def _user_params(cls: type, builtin: type) -> list:
    out: list = []
    for name, p in inspect.signature(cls.__init__).parameters.items():
        if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) or name in ("self",):
            continue
        out.append((name, p.default))
    return out


def overrides_get_config(cls: type) -> bool:
    """Whether a class outside gradtape defines its own ``get_config``."""
    for klass in cls.__mro__:
        if klass.__module__.startswith("gradtape."):
            return False
        if "get_config" in klass.__dict__:
            return True
    return False


def _deserialize_value(key: str, value: Any) -> Any:
    from ..keras.saving.object_registration import get_registered_object
    from ..keras.saving.serialization import deserialize_keras_object, safe_mode_enabled
    if isinstance(value, dict) and "class_name" in value:
        return deserialize_keras_object(value, safe_mode=safe_mode_enabled())
    if isinstance(value, list) and value and all(isinstance(v, dict) and "class_name" in v for v in value):
        return [deserialize_keras_object(v, safe_mode=safe_mode_enabled()) for v in value]
    if key.endswith("activation") and isinstance(value, str):
        custom = get_registered_object(value)
        return custom if custom is not None else value
    return value


def layer_from_config(cls: type, config: dict) -> Any:
    """``cls.from_config(config)`` for a Keras or gradtape layer config."""
    config = dict(config)
    dtype = config.get("dtype")
    if isinstance(dtype, dict):
        inner = dtype.get("config", {})
        config["dtype"] = inner.get("name") if isinstance(inner, dict) else None
        if config["dtype"] in ("mixed_float16", "mixed_bfloat16"):
            raise ValueError(f"{cls.__name__}: dtype policy {config['dtype']!r} is not supported")
    if cls.__module__.startswith("gradtape."):
        spec = KERAS_KEYS.get(keras_name(cls), {})
        accepted = {k for k, _ in _params(cls)}
        for key, supported in spec.get("extra", {}).items():
            if key in config and key not in accepted and key != "activity_regularizer":
                value = config.pop(key)
                bad = value not in (None, False, 0) if supported is None else value != supported
                if bad and key != "vocabulary_size" and value not in spec.get("also", {}).get(key, ()):
                    raise ValueError(f"{keras_name(cls)}: {key}={value!r} is not supported by "
                                     f"gradtape (only {supported!r})")
        for key in spec.get("drop", ()):
            if key in spec.get("extra", {}):
                config.pop(key, None)  # Keras's value for a key gradtape sets itself
    config = {k: _deserialize_value(k, v) for k, v in config.items()}
    return cls(**config)


def build_config(layer: Any) -> dict | None:
    """Keras's ``get_build_config``: the input shape(s) the layer was built for (the shapes
    of its first call on KerasTensors when it has one), else None."""
    nodes = layer.__dict__.get("_inbound_nodes")
    if nodes and not getattr(nodes[0], "is_input", False):
        call_inputs = nodes[0].call_args[0]
        shapes = _shapes(call_inputs)
        if keras_name(type(layer)) == "MultiHeadAttention":
            args = nodes[0].call_args[1] + tuple(nodes[0].call_args[2].get(k) for k in ("value", "key"))
            value = next(a for a in args if a is not None)
            key = nodes[0].call_args[2].get("key") if len(nodes[0].call_args[1]) < 2 else nodes[0].call_args[1][1]
            return {"shapes_dict": {"query_shape": shapes, "value_shape": _shapes(value),
                                    "key_shape": _shapes(key) if key is not None else None}}
        return {"input_shape": shapes}
    shape = layer.__dict__.get("_built_input_shape")
    if shape is None or not layer.built:
        return None
    if keras_name(type(layer)) == "MultiHeadAttention" and isinstance(shape, list) and len(shape) == 3:
        return {"shapes_dict": {"query_shape": shape[0], "value_shape": shape[1], "key_shape": shape[2]}}
    return {"input_shape": shape}


def _shapes(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_shapes(e) for e in x]
    if isinstance(x, dict):
        return {k: _shapes(v) for k, v in x.items()}
    shape = getattr(x, "shape", None)
    return tuple(shape) if shape is not None else None


def _tuple_shape(shape: Any) -> Any:
    if isinstance(shape, (list, tuple)) and shape and all(isinstance(s, (list, tuple)) or s is None for s in shape):
        return [_tuple_shape(s) for s in shape]
    return tuple(shape) if isinstance(shape, (list, tuple)) else shape


def build_from_config(layer: Any, config: dict | None) -> None:
    """Keras's ``build_from_config``: build the layer for the saved input shape(s)."""
    if not config or layer.built:
        return
    if "input_shape" in config:
        shape = _tuple_shape(config["input_shape"])
    elif "shapes_dict" in config:
        d = config["shapes_dict"]
        if "query_shape" in d:
            shape = [tuple(d["query_shape"]), tuple(d["value_shape"]),
                     tuple(d.get("key_shape") or d["value_shape"])]
        else:
            shape = [_tuple_shape(v) for v in d.values()]
    else:
        return
    from .base import Layer
    if getattr(layer, "_takes_strings", False):  # no weights; a call on zeros would not be text
        layer.built = True
        return
    if type(layer).build is Layer.build:
        # no build of its own (a subclassed model, a layer that makes its weights in call):
        # one call on zeros of the shape creates the weights, as Keras's default build
        def zeros(s: Any) -> Any:
            if isinstance(s, list):
                return [zeros(e) for e in s]
            return np.zeros([1 if d is None else int(d) for d in s], np.float32)
        layer(zeros(shape))
        return
    if layer._layer_dtype is None:
        layer._layer_dtype = np.dtype(np.float32)
    layer.build(shape)
    layer.built = True
    layer.__dict__["_built_input_shape"] = shape
