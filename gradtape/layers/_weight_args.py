"""The arguments of ``Layer.add_weight`` in both of Keras's orders: tf.keras 2's
``add_weight(name, shape, ...)`` and Keras 3's keyword-friendly ``add_weight(shape=...,
initializer=..., ...)`` with an optional ``name`` (and ``shape`` first when positional)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["normalize_weight_args"]

# Keras 3 / tf.keras arguments that do not change a variable in a single-device eager library
IGNORED_KEYWORDS = ("autocast", "aggregation", "synchronization", "overwrite_with_gradient",
                    "use_resource", "experimental_autocast", "partitioner", "caching_device")


def _is_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list, int, np.integer)) or hasattr(value, "as_list")


def normalize_weight_args(name: Any, shape: Any, initializer: Any, dtype: Any,
                          taken: set) -> tuple[str, tuple, Any]:
    """``(name, shape, initializer)`` from what ``add_weight`` was given: a shape passed first
    (Keras 3's order) moves to ``shape`` (and a second positional argument to ``initializer``);
    no shape is a scalar; no initializer is Keras 3's default (``glorot_uniform`` for floats,
    ``zeros`` otherwise); no name is ``variable``, ``variable_1``, ... unique among ``taken``.

    >>> normalize_weight_args(None, (2, 3), None, "float32", set())
    ('variable', (2, 3), 'glorot_uniform')
    >>> normalize_weight_args((4,), "zeros", None, None, {"variable"})
    ('variable_1', (4,), 'zeros')
    >>> normalize_weight_args("w", [5], "ones", None, set())
    ('w', (5,), 'ones')
    """
    if name is not None and not isinstance(name, str) and _is_shape(name):
        if shape is not None and initializer is None and not _is_shape(shape):
            initializer = shape
            shape = None
        elif shape is not None:
            raise TypeError(f"add_weight: got a shape {name!r} as the first argument and also "
                            f"shape={shape!r}; pass the name by keyword: add_weight(name=..., shape=...)")
        name, shape = None, name
    if shape is None:
        shape = ()
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    if any(s is None for s in shape):
        raise ValueError(f"add_weight: every dimension of the shape must be known, got {tuple(shape)}")
    shape = tuple(int(s) for s in shape)
    if initializer is None:
        kind = np.dtype(dtype).kind if dtype is not None else "f"
        initializer = "glorot_uniform" if kind in "fc" else "zeros"
    if name is None:
        name, i = "variable", 0
        while name in taken:
            i += 1
            name = f"variable_{i}"
    return str(name), shape, initializer
