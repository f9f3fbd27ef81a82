"""``serialize_keras_object`` / ``deserialize_keras_object`` in Keras 3's format.

An object becomes ``{"module", "class_name", "config", "registered_name"}`` (layers also get
``build_config``, models ``compile_config``). gradtape's own classes are written under Keras's
public module names (``keras.layers``, ``keras.initializers``, ...), so real Keras reads the
configs; reading maps those names back to gradtape's classes. Custom classes and functions are
found through ``custom_objects``, :func:`custom_object_scope` and
:func:`register_keras_serializable`, as in Keras.
"""

from __future__ import annotations

import base64
import marshal
import threading
import types
from typing import Any

import numpy as np

from .object_registration import _GLOBAL_CUSTOM_NAMES, CustomObjectScope, get_registered_object

__all__ = ["serialize_keras_object", "deserialize_keras_object", "keras_module_of", "find_class",
           "safe_mode_enabled"]

_LOCAL = threading.local()
PLAIN_TYPES = (str, int, float, bool)


def safe_mode_enabled() -> bool:
    """Whether the deserialization running now refuses lambdas (True outside any)."""
    return getattr(_LOCAL, "safe_mode", True)


def keras_module_of(obj_or_cls: Any) -> str | None:
    """The Keras module name gradtape writes for one of its own classes, else None."""
    from ... import constraints, initializers, losses, metrics, optimizers, regularizers
    from ...layers.base import Layer
    from ...optimizers import schedules
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    if not cls.__module__.startswith("gradtape."):
        return None
    name = cls.__name__
    if cls.__module__ == "gradtape.keras.keras_tensor" and name not in ("InputLayer",):
        return "keras.src.ops.numpy"
    if name == "Functional":
        return "keras.src.models.functional"
    if name in ("Sequential", "Model") and cls.__module__.startswith("gradtape.keras"):
        return "keras"
    for base, module in ((Layer, "keras.layers"), (initializers.Initializer, "keras.initializers"),
                         (regularizers.Regularizer, "keras.regularizers"),
                         (constraints.Constraint, "keras.constraints"),
                         (optimizers.Optimizer, "keras.optimizers"),
                         (schedules.LearningRateSchedule, "keras.optimizers.schedules"),
                         (losses.Loss, "keras.losses"), (metrics.Metric, "keras.metrics")):
        if issubclass(cls, base):
            return module
    return None


def _registered_name(obj: Any) -> str | None:
    try:
        return _GLOBAL_CUSTOM_NAMES.get(obj)
    except TypeError:
        return None


def _serialize_function(fn: Any) -> Any:
    if isinstance(fn, types.FunctionType) and fn.__name__ == "<lambda>":
        closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
        code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
        return {"class_name": "__lambda__",
                "config": {"value": [code, serialize_keras_object(fn.__defaults__),
                                     serialize_keras_object(closure)]}}
    registered = _registered_name(fn)
    module = getattr(fn, "__module__", None) or "builtins"
    if registered is None and (module.startswith("gradtape.") or module == "builtins"):
        # gradtape's own functions are Keras's public ones, written as Keras writes those
        return {"module": "builtins", "class_name": "function", "config": fn.__name__,
                "registered_name": "function"}
    name = registered if registered is not None else fn.__name__
    return {"module": module, "class_name": "function", "config": name, "registered_name": name}


def serialize_keras_object(obj: Any) -> Any:
    """A JSON-compatible description of ``obj`` (a layer, model, initializer, optimizer, loss,
    metric, function, array, or nested lists and dicts of them), as Keras 3's.

    >>> import gradtape as gt
    >>> gt.keras.saving.serialize_keras_object(gt.initializers.Zeros())
    {'module': 'keras.initializers', 'class_name': 'Zeros', 'config': {}, 'registered_name': None}
    >>> gt.keras.saving.serialize_keras_object([1, (2.0, "a"), None])
    [1, [2.0, 'a'], None]
    """
    from ...layers.base import Layer
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {
            "start": serialize_keras_object(obj.start), "stop": serialize_keras_object(obj.stop),
            "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, np.dtype):
        return obj.name
    if isinstance(obj, (np.ndarray, np.generic)) or type(obj).__name__ in ("Tensor", "Variable"):
        arr = np.asarray(obj.numpy() if hasattr(obj, "numpy") else obj)
        if arr.ndim == 0 and not hasattr(obj, "numpy"):
            return arr.item()
        return {"class_name": "__numpy__" if not hasattr(obj, "numpy") else "__tensor__",
                "config": {"value": arr.tolist(), "dtype": arr.dtype.name}}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize object {obj!r} of type {type(obj).__name__}. To be "
                        "serializable, a class must implement the `get_config()` method.")
    config = _builtins.keras_config(obj)
    if not isinstance(config, dict):
        raise TypeError(f"The `get_config()` method of {obj!r} should return a dict. It "
                        f"returned: {config!r}")
    cls = type(obj)
    registered = _registered_name(cls)
    module = None if registered is not None else keras_module_of(cls)
    if module == "keras.src.ops.numpy":
        registered = cls.__name__
    out = {"module": module or cls.__module__, "class_name": _keras_class_name(cls),
           "config": serialize_keras_object(config),
           "registered_name": registered if registered is not None else (
               None if module is not None else cls.__name__)}
    if isinstance(obj, Layer):
        build = obj.get_build_config()
        if build is not None:
            out["build_config"] = serialize_keras_object(build)
        compile_config = getattr(obj, "get_compile_config", None)
        if compile_config is not None:
            value = compile_config()
            if value is not None:
                out["compile_config"] = serialize_keras_object(value)
    return out


_KERAS_CLASS_NAMES = {"MaxPool2D": "MaxPooling2D", "AvgPool2D": "AveragePooling2D"}


def _keras_class_name(cls: type) -> str:
    name = cls.__name__
    return _KERAS_CLASS_NAMES.get(name, name) if cls.__module__.startswith("gradtape.") else name


def _builtin_namespaces(module: str | None) -> list:
    """The gradtape namespaces where a class written under ``module`` is looked up, most
    likely first."""
    import gradtape.keras as gk
    from ... import constraints, initializers, layers, losses, metrics, optimizers, regularizers
    from ...optimizers import schedules
    from . import _builtins
    spaces = {"layers": [layers, _builtins.LAYERS], "initializers": [initializers],
              "regularizers": [regularizers], "constraints": [constraints],
              "schedules": [schedules], "optimizers": [optimizers], "losses": [losses],
              "metrics": [metrics], "models": [_builtins.MODELS, gk],
              "ops": [_builtins.OPERATIONS]}
    order = ["schedules", "layers", "initializers", "regularizers", "constraints", "optimizers",
             "losses", "metrics", "models", "ops"]
    text = module or ""
    first = [k for k in order if k in text.split(".") or (k == "models" and text in ("keras", "gradtape.keras"))]
    return [ns for k in first + [k for k in order if k not in first] for ns in spaces[k]]


def find_class(class_name: str, module: str | None = None, registered_name: str | None = None,
               custom_objects: dict | None = None) -> Any:
    """The class (or function) a serialized config names: from ``custom_objects``, the open
    custom object scopes, the registry, then gradtape's own namespaces; None when unknown."""
    for name in (registered_name, class_name):
        if name:
            found = get_registered_object(name, custom_objects)
            if found is not None:
                return found
    for space in _builtin_namespaces(module):
        found = space.get(class_name) if isinstance(space, dict) else getattr(space, class_name, None)
        if isinstance(found, type):
            return found
    return None


def _function(config: dict, custom_objects: dict | None) -> Any:
    from ... import losses, metrics
    from ...layers import activations
    name = config["config"]
    found = get_registered_object(config.get("registered_name") or name, custom_objects)
    if found is None:
        found = get_registered_object(name, custom_objects)
    if found is not None:
        return found
    module = config.get("module") or ""
    spaces = [activations, losses, metrics] if "activation" in module else [losses, metrics, activations]
    for space in spaces:
        fn = getattr(space, name, None)
        if callable(fn):
            return fn
    if "activation" in module or not module:
        try:
            return activations.get(name)
        except ValueError:
            pass
    raise TypeError(f"Could not locate function '{name}'. Make sure custom classes and "
                    "functions are decorated with `@keras.saving.register_keras_serializable()`. "
                    f"Full object config: {config}")


def _lambda(config: dict) -> Any:
    if safe_mode_enabled():
        raise ValueError(
            "Requested the deserialization of a `lambda` object. This carries a potential risk "
            "of arbitrary code execution and thus it is disallowed by default. If you trust "
            "the source of the saved model, you can pass `safe_mode=False` to the loading "
            "function in order to allow `lambda` loading, or call "
            "`keras.config.enable_unsafe_deserialization()`.")
    code, defaults, closure = config["config"]["value"]
    fn_code = marshal.loads(base64.b64decode(code.encode("ascii")))
    cells = tuple(types.CellType(c) for c in closure) if closure else None
    import gradtape
    globs = {"gradtape": gradtape, "gt": gradtape, "tf": gradtape, "np": np}
    return types.FunctionType(fn_code, globs, fn_code.co_name,
                              tuple(defaults) if defaults else None, cells)


def deserialize_keras_object(config: Any, custom_objects: dict | None = None,
                             safe_mode: bool = True, **kwargs: Any) -> Any:
    """The object a :func:`serialize_keras_object` (or Keras 3) config describes; a layer is
    built from its ``build_config`` and a model compiled from its ``compile_config``.

    >>> import gradtape as gt
    >>> s = gt.keras.saving
    >>> layer = s.deserialize_keras_object(s.serialize_keras_object(gt.keras.layers.Dense(3)))
    >>> type(layer).__name__, layer.units
    ('Dense', 3)
    """
    previous = safe_mode_enabled()
    _LOCAL.safe_mode = bool(safe_mode) and previous
    try:
        with CustomObjectScope(custom_objects):
            return _deserialize(config, custom_objects)
    finally:
        _LOCAL.safe_mode = previous


def _deserialize(config: Any, custom_objects: dict | None) -> Any:
    import gradtape as gt
    if config is None or isinstance(config, PLAIN_TYPES):
        return config
    if isinstance(config, (list, tuple)):
        return [_deserialize(x, custom_objects) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {k: _deserialize(v, custom_objects) for k, v in config.items()}
    class_name, inner = config["class_name"], config["config"]
    if class_name in ("__numpy__", "__tensor__"):
        arr = np.asarray(inner["value"], dtype=inner["dtype"])
        return gt.constant(arr) if class_name == "__tensor__" else arr
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__slice__":
        return slice(*(_deserialize(inner[k], custom_objects) for k in ("start", "stop", "step")))
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__lambda__":
        return _lambda(config)
    if class_name == "function":
        return _function(config, custom_objects)
    if class_name == "DTypePolicy":
        return inner["name"]
    cls = find_class(class_name, config.get("module"), config.get("registered_name"), custom_objects)
    if cls is None:
        raise TypeError(f"Could not locate class '{class_name}'. Make sure custom classes and "
                        "functions are decorated with `@keras.saving.register_keras_serializable()`. "
                        "If they are already decorated, make sure they are all imported so that the "
                        f"decorator is run before trying to load them. Full object config: {config}")
    inner = _builtins.clean_config(cls, inner)
    if not hasattr(cls, "from_config"):
        return cls(**inner)
    try:
        obj = cls.from_config(inner)
    except TypeError as e:
        raise TypeError(f"{cls.__name__}.from_config could not rebuild the object from "
                        f"config={inner}: {e}") from e
    build = config.get("build_config")
    if build and hasattr(obj, "build_from_config") and not getattr(obj, "built", True):
        obj.build_from_config(build)
    compile_config = config.get("compile_config")
    if compile_config and hasattr(obj, "compile_from_config"):
        obj.compile_from_config(compile_config)
    return obj


from . import _builtins  # noqa: E402  (needs the functions above)
