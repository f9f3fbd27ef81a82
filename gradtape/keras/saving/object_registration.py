"""Keras's registry of custom objects: ``register_keras_serializable``, ``get_custom_objects``,
``custom_object_scope``, ``get_registered_name`` and ``get_registered_object``."""

from __future__ import annotations

import inspect
import threading
from typing import Any, Callable

__all__ = ["CustomObjectScope", "custom_object_scope", "get_custom_objects", "get_registered_name",
           "get_registered_object", "register_keras_serializable"]

_GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
_GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}
_LOCAL = threading.local()


def _scopes() -> list:
    stack = getattr(_LOCAL, "scopes", None)
    if stack is None:
        stack = _LOCAL.scopes = []
    return stack


class CustomObjectScope:
    """A context in which deserialization also finds the given objects by name, as
    ``keras.saving.custom_object_scope``.

    >>> import gradtape as gt
    >>> def double(x):
    ...     return 2 * x
    >>> with gt.keras.saving.custom_object_scope({"double": double}):
    ...     layer = gt.keras.layers.Dense.from_config({"units": 1, "activation": "double"})
    >>> layer.activation is double
    True
    """

    def __init__(self, *custom_objects: dict | None):
        self.custom_objects: dict = {}
        for objects in custom_objects:
            self.custom_objects.update(objects or {})

    def __enter__(self) -> "CustomObjectScope":
        _scopes().append(self.custom_objects)
        return self

    def __exit__(self, *exc: Any) -> None:
        _scopes().pop()


custom_object_scope = CustomObjectScope


def scoped_objects() -> dict:
    """The objects of every open :class:`CustomObjectScope` (inner scopes win)."""
    merged: dict = {}
    for objects in _scopes():
        merged.update(objects)
    return merged


def get_custom_objects() -> dict:
    """The global dict of registered custom objects (``"package>Name"`` to the object); it may
    be edited directly, as in Keras.

    >>> import gradtape as gt
    >>> isinstance(gt.keras.saving.get_custom_objects(), dict)
    True
    """
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable:
    """A decorator that registers a class or function as ``"package>name"`` (``name`` defaults to
    its ``__name__``), so saved models that use it load without ``custom_objects``.

    >>> import gradtape as gt
    >>> @gt.keras.saving.register_keras_serializable(package="Demo")
    ... class Twice(gt.keras.layers.Layer):
    ...     def call(self, x):
    ...         return 2 * x
    >>> gt.keras.saving.get_registered_name(Twice)
    'Demo>Twice'
    >>> gt.keras.saving.get_registered_object("Demo>Twice") is Twice
    True
    """
    def decorator(arg: Any) -> Any:
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg
    return decorator


def get_registered_name(obj: Any) -> str:
    """The name ``obj`` was registered under, else its ``__name__``.

    >>> import gradtape as gt
    >>> gt.keras.saving.get_registered_name(len)
    'len'
    """
    try:
        registered = _GLOBAL_CUSTOM_NAMES.get(obj)
    except TypeError:  # unhashable
        registered = None
    return registered if registered is not None else obj.__name__


def get_registered_object(name: str, custom_objects: dict | None = None,
                          module_objects: dict | None = None) -> Any:
    """The object registered (or given in a scope or ``custom_objects``) under ``name``, else
    None.

    >>> import gradtape as gt
    >>> gt.keras.saving.get_registered_object("nothing_like_this") is None
    True
    """
    for objects in (scoped_objects(), _GLOBAL_CUSTOM_OBJECTS, custom_objects or {}, module_objects or {}):
        if name in objects:
            return objects[name]
    return None
