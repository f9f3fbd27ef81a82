"""``gt.Module``: a container of variables and other modules, as ``tf.Module``.

A module finds its variables and submodules by walking its attributes (and, inside them,
lists, tuples and dicts, nested to any depth). The walk is deterministic: attributes in the
order they were first set (so a layer's ``kernel`` comes before its ``bias``, as in Keras),
dict entries in sorted key order (as ``tf.nest``), list and tuple items in order. Each
variable and module is listed once, at its first position, even when it is reachable by
several paths, and cycles are harmless.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from ._engine.tensor import Variable

__all__ = ["Module"]


def _camel_to_snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def _dict_items(d: dict) -> list:
    try:
        keys = sorted(d)
    except TypeError:  # keys of mixed types: fall back to insertion order
        keys = list(d)
    return [(k, d[k]) for k in keys]


class Module:
    """Base class for objects that own variables and other modules, as ``tf.Module``.

    ``variables``, ``trainable_variables`` and ``submodules`` are found by walking the
    attributes, including nested lists, tuples and dicts.

    >>> import gradtape as gt
    >>> class Affine(gt.Module):
    ...     def __init__(self, name=None):
    ...         super().__init__(name=name)
    ...         self.w = gt.Variable([[1.0, 2.0]], name="w")
    ...         self.b = gt.Variable([0.0, 0.0], name="b")
    ...         self.step = gt.Variable(0, trainable=False, name="step")
    ...     def __call__(self, x):
    ...         return x @ self.w + self.b
    >>> m = Affine()
    >>> m.name
    'affine'
    >>> [v.name for v in m.trainable_variables]
    ['w:0', 'b:0']
    >>> len(m.variables)
    3
    """

    # Attributes never walked (bookkeeping that could point back up or sideways).
    _WALK_IGNORED = frozenset({"_module_name", "_trainable_flags", "_losses"})
    # Modules of these types below this one are neither listed nor walked into (a Keras model's
    # metrics hold state, not weights).
    _WALK_SKIPPED_TYPES: tuple = ()

    def __init__(self, name: str | None = None):
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        elif not isinstance(name, str) or not name:
            raise ValueError(f"Module: name must be a non-empty string, got {name!r}")
        self._module_name = name

    # -- naming ----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The module's name (the snake_case class name unless given)."""
        try:
            return self._module_name
        except AttributeError:
            raise RuntimeError(
                f"{type(self).__name__}: Module.__init__ was not called; call "
                "super().__init__() at the start of your __init__") from None

    # -- walking ---------------------------------------------------------------------------
    def _walk(self, recurse: bool = True) -> Iterator[tuple[tuple, Any]]:
        """Yield ``(path, leaf)`` for every variable and submodule, depth first, once each.

        ``path`` is a tuple of attribute names, list indices and dict keys from ``self``.
        """
        seen: set[int] = {id(self)}
        skipped = self._WALK_SKIPPED_TYPES

        def leaves(prefix: tuple, value: Any, depth: int):
            if isinstance(value, (Variable, Module)):
                if not (skipped and isinstance(value, skipped)):
                    yield prefix, value
            elif depth > 64:
                return
            elif isinstance(value, (list, tuple)):
                for i, v in enumerate(value):
                    yield from leaves(prefix + (i,), v, depth + 1)
            elif isinstance(value, dict):
                for k, v in _dict_items(value):
                    yield from leaves(prefix + (k,), v, depth + 1)

        def visit(module: "Module", prefix: tuple):
            subs = []
            for key, value in list(vars(module).items()):
                if key in Module._WALK_IGNORED:
                    continue
                for path, leaf in leaves(prefix + (key,), value, 0):
                    if id(leaf) in seen:
                        continue
                    seen.add(id(leaf))
                    yield path, leaf
                    if isinstance(leaf, Module):
                        subs.append((path, leaf))
            if recurse:
                for path, sub in subs:
                    yield from visit(sub, path)

        yield from visit(self, ())

    def _leaves(self, recurse: bool = True) -> list:
        """The leaves of :meth:`_walk` in the same order, without their paths: one flat pass
        that builds a list (the variables of a model are read at every training step)."""
        out: list = []
        seen: set[int] = {id(self)}
        skipped = self._WALK_SKIPPED_TYPES
        ignored = Module._WALK_IGNORED

        def add(value: Any, subs: list, depth: int) -> None:
            if isinstance(value, (Variable, Module)):
                if id(value) not in seen and not (skipped and isinstance(value, skipped)):
                    seen.add(id(value))
                    out.append(value)
                    if isinstance(value, Module):
                        subs.append(value)
            elif depth > 64:
                return
            elif isinstance(value, (list, tuple)):
                for v in value:
                    add(v, subs, depth + 1)
            elif isinstance(value, dict):
                for _, v in _dict_items(value):
                    add(v, subs, depth + 1)

        def visit(module: "Module") -> None:
            subs: list = []
            for key, value in list(vars(module).items()):
                if isinstance(value, _WALKED) and key not in ignored:
                    add(value, subs, 0)
            if recurse:
                for sub in subs:
                    visit(sub)

        visit(self)
        return out

    def _flatten(self, predicate: Callable[[Any], bool], recurse: bool = True) -> tuple:
        return tuple(leaf for leaf in self._leaves(recurse) if predicate(leaf))

    def _named_variables(self) -> list[tuple[str, Variable]]:
        """``(path, variable)`` pairs, ``path`` like ``"layers/0/kernel"`` (used by checkpoints)."""
        return [("/".join(str(p) for p in path), leaf) for path, leaf in self._walk()
                if isinstance(leaf, Variable)]

    @property
    def variables(self) -> tuple:
        """Every variable of this module and its submodules (deduplicated)."""
        return self._flatten(lambda v: isinstance(v, Variable))

    @property
    def trainable_variables(self) -> tuple:
        """The variables with ``trainable=True``."""
        return self._flatten(lambda v: isinstance(v, Variable) and v.trainable)

    @property
    def non_trainable_variables(self) -> tuple:
        """The variables with ``trainable=False`` (e.g. moving statistics, counters)."""
        return self._flatten(lambda v: isinstance(v, Variable) and not v.trainable)

    @property
    def submodules(self) -> tuple:
        """Every module reachable from this one (not including itself), deduplicated."""
        return self._flatten(lambda v: isinstance(v, Module))

    def __repr__(self) -> str:
        return f"<{type(self).__module__.split('.')[0]}.{type(self).__name__} name={self.name!r}>"


_WALKED = (Variable, Module, list, tuple, dict)  # attribute values the walk looks into
