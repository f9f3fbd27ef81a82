"""``gt.nest``: nested structures of tensors, as TensorFlow's ``tf.nest``.

Lists, tuples, namedtuples and dicts are containers; everything else (tensors, arrays, numbers,
``None``) is a leaf. Dicts, ``OrderedDict`` included, are walked in sorted key order, as in
TensorFlow, so that structures built in different orders flatten alike.
"""

from __future__ import annotations

from typing import Any, Callable

from ._engine import structure as _structure

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]


def is_nested(seq: Any) -> bool:
    """Whether ``seq`` is a container (list, tuple, namedtuple or dict) rather than a leaf.

    >>> import gradtape as gt
    >>> gt.nest.is_nested([1, 2]), gt.nest.is_nested(gt.constant([1, 2]))
    (True, False)
    """
    return isinstance(seq, (list, tuple, dict))


def flatten(structure: Any, expand_composites: bool = False) -> list:
    """The leaves of ``structure``, depth first (dicts in sorted key order).

    >>> import gradtape as gt
    >>> gt.nest.flatten({"b": [1, 2], "a": 3})
    [3, 1, 2]
    """
    return _structure.flatten(structure)


def pack_sequence_as(structure: Any, flat_sequence, expand_composites: bool = False) -> Any:
    """``structure`` rebuilt with its leaves taken in order from ``flat_sequence``.

    >>> import gradtape as gt
    >>> gt.nest.pack_sequence_as({"b": [0, 0], "a": 0}, [3, 1, 2])
    {'b': [1, 2], 'a': 3}
    """
    flat = list(flat_sequence)
    n = len(_structure.flatten(structure))
    if len(flat) != n:
        raise ValueError(f"nest.pack_sequence_as: the structure has {n} leaves but flat_sequence "
                         f"has {len(flat)} elements; give one element per leaf")
    return _structure.pack_sequence_as(structure, flat)


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True,
                          expand_composites: bool = False) -> None:
    """Raise unless ``nest1`` and ``nest2`` nest alike.

    ``ValueError`` when the nesting or the number of leaves differs (or a dict's keys);
    ``TypeError`` when ``check_types`` and a container's type differs (a list against a tuple).

    >>> import gradtape as gt
    >>> gt.nest.assert_same_structure([1, (2, 3)], ["a", ("b", "c")])
    """
    _same(nest1, nest2, check_types, "")


def _same(a, b, check_types: bool, path: str) -> None:
    where = f" at {path}" if path else ""
    if is_nested(a) != is_nested(b):
        raise ValueError(f"nest.assert_same_structure: the two structures don't have the same "
                         f"nested structure{where}: {_kind(a)} against {_kind(b)}")
    if not is_nested(a):
        return
    if check_types and type(a) is not type(b) and not (isinstance(a, dict) and isinstance(b, dict)):
        raise TypeError(f"nest.assert_same_structure: the two structures don't have the same "
                        f"sequence type{where}: {type(a).__name__} against {type(b).__name__}; "
                        "pass check_types=False to compare only the nesting")
    if isinstance(a, dict) != isinstance(b, dict):
        raise ValueError(f"nest.assert_same_structure: a dict against a {type(b).__name__}{where}")
    if isinstance(a, dict):
        if set(a) != set(b):
            raise ValueError(f"nest.assert_same_structure: the dicts have different keys{where}: "
                             f"{sorted(map(str, a))} against {sorted(map(str, b))}")
        for k in a:
            _same(a[k], b[k], check_types, f"{path}[{k!r}]")
        return
    if len(a) != len(b):
        raise ValueError(f"nest.assert_same_structure: the two structures don't have the same "
                         f"number of elements{where}: {len(a)} against {len(b)}")
    for i, (x, y) in enumerate(zip(a, b)):
        _same(x, y, check_types, f"{path}[{i}]")


def _kind(x) -> str:
    return type(x).__name__ + (f" of {len(x)}" if is_nested(x) else "")


def map_structure(func: Callable, *structure, check_types: bool = True,
                  expand_composites: bool = False) -> Any:
    """``func`` applied to the corresponding leaves of one or more structures of the same shape;
    the result has the structure of the first.

    >>> import gradtape as gt
    >>> gt.nest.map_structure(lambda a, b: a + b, (1, [2]), (10, [20]))
    (11, [22])
    """
    if not structure:
        raise ValueError("nest.map_structure: give at least one structure")
    for s in structure[1:]:
        assert_same_structure(structure[0], s, check_types=check_types)
    leaves = [flatten(s) for s in structure]
    return _structure.pack_sequence_as(structure[0], [func(*xs) for xs in zip(*leaves)])
