"""Nested structures (lists, tuples, namedtuples, dicts) of tensors: flatten and repack.

Dicts are walked in sorted key order, as TensorFlow's ``tf.nest`` does.
"""

from __future__ import annotations

from typing import Any


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(x, "_fields")


_CONTAINERS = (list, tuple, dict)


def _flat(seq) -> bool:
    """Whether a list or plain tuple holds no containers (the common list of variables)."""
    for s in seq:
        if isinstance(s, _CONTAINERS):
            return False
    return True


def flatten(structure: Any) -> list:
    """All leaves of a nested structure, depth first."""
    if (type(structure) is list or type(structure) is tuple) and _flat(structure):
        return list(structure)
    if isinstance(structure, (list, tuple)):
        out = []
        for s in structure:
            out.extend(flatten(s))
        return out
    if isinstance(structure, dict):
        out = []
        for k in sorted(structure, key=_sort_key):
            out.extend(flatten(structure[k]))
        return out
    return [structure]


def _sort_key(k):
    return (type(k).__name__, k) if not isinstance(k, (int, float)) else ("", k)


def pack_sequence_as(structure: Any, flat: list) -> Any:
    """Rebuild ``structure`` with the leaves taken in order from ``flat``."""
    if type(structure) is list and len(flat) == len(structure) and _flat(structure):
        return list(flat)
    return _build(structure, iter(flat))


def _build(s, it):
    # A module-level function, not a closure: a recursive closure would be a reference cycle
    # holding the leaves (gradients) until the cycle collector runs.
    if isinstance(s, list):
        return [_build(x, it) for x in s]
    if _is_namedtuple(s):
        return type(s)(*[_build(x, it) for x in s])
    if isinstance(s, tuple):
        return tuple(_build(x, it) for x in s)
    if isinstance(s, dict):
        built = {k: _build(s[k], it) for k in sorted(s, key=_sort_key)}
        return type(s)((k, built[k]) for k in s) if type(s) is not dict else {k: built[k] for k in s}
    return next(it)


def first_dimension(leaves: list, op: str) -> int:
    """The first dimension shared by ``leaves`` (arrays or tensors) that ``op`` slices or maps
    along, or a ValueError naming ``op`` and what is wrong."""
    if not leaves:
        raise ValueError(f"{op}: got an empty structure; give at least one tensor")
    for a in leaves:
        if len(a.shape) == 0:
            raise ValueError(f"{op}: every component needs a first dimension to slice along, got a "
                             f"scalar of dtype {a.dtype}")
    sizes = [a.shape[0] for a in leaves]
    if len(set(sizes)) != 1:
        raise ValueError(f"{op}: every component must have the same first dimension, got sizes {sizes}")
    return sizes[0]
