"""TensorFlow's top-level utilities that eager code uses: ``newaxis``, ``is_tensor``,
``executing_eagerly``, ``name_scope``, ``TensorSpec``, ``ensure_shape``, ``get_static_value``,
``grad_pass_through``, ``numpy_function`` and ``py_function``."""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any, Callable

import numpy as np

from ._engine.shape import TensorShape
from ._engine.tensor import Tensor, to_array, wrap
from .custom import custom_gradient

__all__ = ["TensorSpec", "control_dependencies", "ensure_shape", "executing_eagerly", "get_logger",
           "get_static_value", "grad_pass_through", "init_scope", "is_tensor", "name_scope", "newaxis",
           "numpy_function", "py_function"]

newaxis = None  # ``x[:, gt.newaxis]``, as ``tf.newaxis``


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a gradtape tensor (a ``gt.Tensor`` or ``gt.Variable``).

    >>> import gradtape as gt
    >>> gt.is_tensor(gt.constant(1.0)), gt.is_tensor(1.0)
    (True, False)
    """
    return isinstance(x, Tensor)


def executing_eagerly() -> bool:
    """Always True: gradtape runs every op as it is called.

    >>> import gradtape as gt
    >>> gt.executing_eagerly()
    True
    """
    return True


@contextlib.contextmanager
def control_dependencies(control_inputs):
    """``tf.control_dependencies``: eagerly every op has already run when the next is called, so
    this context only checks its argument, as TensorFlow does eagerly.

    >>> import gradtape as gt
    >>> with gt.control_dependencies([gt.constant(1.0)]):
    ...     y = gt.constant(2.0) * 3.0
    >>> float(y)
    6.0
    """
    if control_inputs is not None and not isinstance(control_inputs, (list, tuple)):
        raise TypeError(f"control_dependencies: control_inputs must be a list of tensors or None, got "
                        f"{type(control_inputs).__name__}")
    yield


@contextlib.contextmanager
def init_scope():
    """``tf.init_scope``: eagerly there is no graph to lift out of; ops inside run as outside.

    >>> import gradtape as gt
    >>> with gt.init_scope():
    ...     v = gt.Variable(1.0)
    >>> float(v)
    1.0
    """
    yield


def get_logger() -> logging.Logger:
    """The logger gradtape writes to (``logging.getLogger("gradtape")``), as ``tf.get_logger``.

    >>> import gradtape as gt
    >>> gt.get_logger().name
    'gradtape'
    """
    return logging.getLogger("gradtape")


class _Scope(threading.local):
    name = ""  # the current name scope, "" or ending with "/"


_scope = _Scope()


def _current_name_scope() -> str:
    """The current ``name_scope`` without its trailing ``/`` (summary tags are prefixed by it)."""
    return _scope.name[:-1] if _scope.name else ""


class name_scope:  # noqa: N801 - TensorFlow's name
    """``tf.name_scope``: a context that names what is created inside. Eagerly, TensorFlow's ops
    ignore it, and so does gradtape, but summary tags are prefixed by it; entering gives the
    full scope with a trailing ``/`` (a name ending in ``/`` replaces the enclosing scopes).

    >>> import gradtape as gt
    >>> with gt.name_scope("block") as scope:
    ...     with gt.name_scope("inner") as inner:
    ...         y = gt.constant(1.0) + 1.0
    >>> scope, inner
    ('block/', 'block/inner/')
    """

    def __init__(self, name: str):
        if not isinstance(name, str):
            raise TypeError(f"name_scope: name must be a string, got {type(name).__name__}")
        self.name = name
        self._old: list[str] = []

    def __enter__(self) -> str:
        old, name = _scope.name, self.name
        new = "" if not name else name if name.endswith("/") else old + name + "/"
        self._old.append(old)
        _scope.name = new
        return new

    def __exit__(self, *exc) -> None:
        _scope.name = self._old.pop()
        return None


def _shape_tuple(shape, op: str) -> TensorShape | None:
    if shape is None:
        return None
    try:
        return TensorShape(shape)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: shape must be a sequence of ints or None, got {shape!r}") from None


def _compatible(expected: tuple | None, actual: tuple) -> bool:
    if expected is None:
        return True
    return len(expected) == len(actual) and all(e is None or e == a for e, a in zip(expected, actual))


class TensorSpec:
    """The shape and dtype of a tensor, ``None`` where a dimension (or the whole shape) may vary,
    as ``tf.TensorSpec``: for ``input_signature`` and for checks.

    >>> import gradtape as gt
    >>> spec = gt.TensorSpec(shape=(None, 3), dtype=gt.float32)
    >>> spec.is_compatible_with(gt.zeros((5, 3))), spec.is_compatible_with(gt.zeros((5, 4)))
    (True, False)
    """

    def __init__(self, shape=None, dtype=np.float32, name: str | None = None):
        self.shape = _shape_tuple(shape, "TensorSpec")
        self.dtype = np.dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name: str | None = None) -> TensorSpec:
        """The spec of ``tensor``: its shape and dtype."""
        t = tensor if isinstance(tensor, Tensor) else wrap(to_array(tensor))
        return cls(t.shape, t.dtype, name)

    def is_compatible_with(self, spec_or_tensor) -> bool:
        """Whether a tensor (or every tensor of another spec) fits this spec."""
        if isinstance(spec_or_tensor, TensorSpec):
            other = spec_or_tensor
            if other.dtype != self.dtype:
                return False
            if self.shape is None:
                return True
            if other.shape is None or len(other.shape) != len(self.shape):
                return False
            return all(a is None or a == b for a, b in zip(self.shape, other.shape))
        t = spec_or_tensor if isinstance(spec_or_tensor, Tensor) else wrap(to_array(spec_or_tensor))
        return t.dtype == self.dtype and _compatible(self.shape, tuple(t.shape))

    def __eq__(self, other) -> bool:
        return (isinstance(other, TensorSpec) and self.shape == other.shape
                and self.dtype == other.dtype and self.name == other.name)

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype, self.name))

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype=gt.{self.dtype.name}, name={self.name!r})"


def ensure_shape(x, shape, name=None):
    """``x`` itself after checking that its shape fits ``shape`` (``None`` for any size).

    >>> import gradtape as gt
    >>> gt.ensure_shape(gt.zeros((2, 3)), (None, 3)).shape
    (2, 3)
    """
    t = x if isinstance(x, Tensor) else wrap(to_array(x))
    expected = _shape_tuple(shape, "ensure_shape")
    if not _compatible(expected, tuple(t.shape)):
        raise ValueError(f"ensure_shape: the tensor has shape {tuple(t.shape)}, which is not "
                         f"compatible with the expected shape {expected}")
    return t


def get_static_value(tensor, partial: bool = False):
    """The value of ``tensor`` as a NumPy array (eagerly, every tensor's value is known).

    >>> import gradtape as gt
    >>> gt.get_static_value(gt.constant([1, 2]))
    array([1, 2], dtype=int32)
    """
    if isinstance(tensor, Tensor):
        return tensor.numpy()
    return np.asarray(tensor)


def grad_pass_through(f: Callable) -> Callable:
    """``f`` in the forward pass, the identity in the backward pass (a straight-through
    estimator): each input receives its output's gradient unchanged.

    >>> import gradtape as gt
    >>> x = gt.Variable(2.4)
    >>> with gt.GradientTape() as tape:
    ...     y = gt.grad_pass_through(gt.round)(x) * 3.0
    >>> float(y), float(tape.gradient(y, x))
    (6.0, 3.0)
    """
    @custom_gradient
    def passed(*args):
        def grad(*dys, variables=None):
            if variables is not None:
                return list(dys), [None] * len(variables)
            return dys if len(dys) > 1 else dys[0]
        return f(*args), grad
    return passed


def _outputs(result, Tout, op: str):  # noqa: N803
    many = isinstance(Tout, (list, tuple))
    douts = [np.dtype(d) for d in Tout] if many else [np.dtype(Tout)]
    values = list(result) if many and isinstance(result, (list, tuple)) else [result]
    if len(values) != len(douts):
        raise ValueError(f"{op}: func returned {len(values)} values but Tout lists {len(douts)} dtypes")
    out = []
    for v, d in zip(values, douts):
        if isinstance(v, Tensor):
            if v.dtype != d:
                raise TypeError(f"{op}: func returned a {v.dtype.name} tensor where Tout says "
                                f"{d.name}; cast it in func or change Tout")
            out.append(v)
        else:
            a = np.asarray(v)
            if not np.can_cast(a.dtype, d, "same_kind"):
                raise TypeError(f"{op}: func returned {a.dtype.name} values where Tout says {d.name}")
            out.append(wrap(a.astype(d, copy=False)))
    return out if many else out[0]


def numpy_function(func: Callable, inp, Tout, stateful: bool = True, name=None):  # noqa: N803
    """Call ``func`` on the NumPy values of ``inp`` and return its results as tensors of the
    dtypes ``Tout`` (a dtype, or a list of them). No gradient flows through it, as in
    TensorFlow.

    >>> import numpy as np
    >>> import gradtape as gt
    >>> gt.numpy_function(np.cumsum, [gt.constant([1.0, 2.0])], gt.float32).numpy()
    array([1., 3.], dtype=float32)
    """
    values = [x.numpy() if isinstance(x, Tensor) else np.asarray(x) for x in inp]
    return _outputs(func(*values), Tout, "numpy_function")


def py_function(func: Callable, inp, Tout, name=None):  # noqa: N803
    """Call ``func`` on the tensors ``inp``; its gradtape ops record on the tape, so gradients
    flow through it. ``Tout`` gives the dtype of each result (a dtype, or a list of them).

    >>> import gradtape as gt
    >>> x = gt.Variable(3.0)
    >>> with gt.GradientTape() as tape:
    ...     y = gt.py_function(lambda v: v * v, [x], gt.float32)
    >>> float(tape.gradient(y, x))
    6.0
    """
    tensors = [x if isinstance(x, Tensor) else wrap(to_array(x)) for x in inp]
    return _outputs(func(*tensors), Tout, "py_function")
