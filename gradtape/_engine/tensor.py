"""Tensor and Variable: immutable values and mutable state over NumPy arrays.

A :class:`Tensor` wraps one ndarray (or NumPy scalar) and an integer id. The id is what tapes
and accumulators record: two Python objects with the same id are the same tensor to the tape,
which is how the engine re-wraps saved arrays when it differentiates a computation twice.
Operators (``+``, ``@``, indexing, ...) are attached by :mod:`gradtape.ops.operators`.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .shape import TensorShape
from .state import state as _state

_new_tuple = tuple.__new__  # a TensorShape from an array's shape without converting each size

_next_id = itertools.count(1).__next__

# -- dtypes ------------------------------------------------------------------------------
float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
bfloat16 = None  # not available in NumPy; kept as a name so ports fail loudly, not silently
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")
complex64 = np.dtype("complex64")
complex128 = np.dtype("complex128")
string = np.dtype("O")

_INT32 = np.iinfo(np.int32)


def is_differentiable_dtype(dtype) -> bool:
    """True for floating and complex dtypes: the only ones that get gradients."""
    return dtype.kind in "fc"


def as_dtype(dtype) -> np.dtype | None:
    """Turn a dtype-like (``gt.float32``, ``"float32"``, ``np.float32``) into a NumPy dtype."""
    if dtype is None:
        return None
    if isinstance(dtype, str) and dtype == "string":  # TensorFlow's name for gt.string
        return np.dtype(object)
    try:
        return np.dtype(dtype)
    except TypeError as e:
        raise TypeError(f"dtype: {dtype!r} is not a dtype; use e.g. gt.float32 or 'float32'") from e


def to_array(value: Any, dtype=None) -> np.ndarray | np.generic:
    """Convert a Python or NumPy value to an array with TensorFlow's dtype inference.

    Python floats become float32, Python ints int32 (int64 when they do not fit), as in
    TensorFlow; NumPy arrays and scalars keep their dtype.
    """
    if isinstance(value, Tensor):
        arr = value._value
    elif isinstance(value, (np.ndarray, np.generic)):
        arr = value
        if arr.dtype.kind in "SU" and dtype is None:  # NumPy's fixed-width strings: gt.string
            arr = np.asarray(arr).astype(object)
    else:
        arr = np.asarray(value)
        if dtype is None:
            kind = arr.dtype.kind
            if kind == "f":
                arr = arr.astype(np.float32)
            elif kind in "iu" and arr.dtype.itemsize > 4:
                if arr.size == 0 or (arr.min() >= _INT32.min and arr.max() <= _INT32.max):
                    arr = arr.astype(np.int32)
            elif kind == "S" or kind == "U":
                arr = _string_array(value, arr)
            elif kind == "O":
                raise TypeError(
                    f"cannot convert {type(value).__name__} {value!r:.60} to a tensor: "
                    "give numbers, nested lists of numbers, arrays or tensors")
    if dtype is not None:
        dtype = as_dtype(dtype)
        if arr.dtype != dtype:
            arr = np.asarray(arr).astype(dtype)
    return arr


def _string_array(value, arr: np.ndarray) -> np.ndarray:
    """Python strings (nested in lists) as an object array of the exact ``str``/``bytes``
    elements: one string dtype, ``gt.string``, as in TensorFlow. NumPy's fixed-width ``S``
    dtype would also drop trailing NUL bytes (a serialized proto often ends in one)."""
    out = np.empty(arr.shape, dtype=object)
    if not arr.shape:
        out[()] = value if isinstance(value, (str, bytes)) else arr[()]
        return out
    flat = []

    def walk(v):
        if isinstance(v, (str, bytes)):
            flat.append(str(v) if isinstance(v, str) else bytes(v))
        else:
            for e in v:
                walk(e)
    walk(value)
    out.reshape(-1)[:] = flat
    return out


class Tensor:
    """An immutable multi-dimensional value, recorded by tapes when it is watched.

    Create tensors with :func:`gradtape.constant` or as results of ops.

    >>> import gradtape as gt
    >>> t = gt.constant([1.0, 2.0])
    >>> t
    <gt.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>
    """

    # _mask: the Keras mask a layer attached to its output, read as ``_keras_mask`` (None when
    # unset: ops never set it, so creating a tensor costs nothing more); ops do not propagate
    # it, as in Keras 3.
    __slots__ = ("_value", "_id", "_mask", "__weakref__")
    __array_priority__ = 100.0

    def __init__(self, value: Any, dtype=None):
        self._value = to_array(value, dtype)
        self._id = _next_id()

    # -- attributes ----------------------------------------------------------------------
    @property
    def _keras_mask(self):
        """The Keras mask attached by a layer (``None`` for none)."""
        return getattr(self, "_mask", None)

    @_keras_mask.setter
    def _keras_mask(self, mask) -> None:
        self._mask = mask

    @property
    def shape(self) -> TensorShape:
        """The shape: a tuple of ints with TensorFlow's ``TensorShape`` methods (``as_list()``,
        ``rank``, ``num_elements()``, ...)."""
        return _new_tuple(TensorShape, self._value.shape)

    def get_shape(self) -> TensorShape:
        """The shape, as ``shape`` (TensorFlow's older name)."""
        return _new_tuple(TensorShape, self._value.shape)

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype (``gt.float32`` and friends are NumPy dtypes)."""
        return self._value.dtype

    @property
    def ndim(self) -> int:
        """The number of dimensions (the rank)."""
        return self._value.ndim

    @property
    def size(self) -> int:
        return self._value.size

    def numpy(self) -> np.ndarray | np.generic | bytes | str:
        """The value as a read-only NumPy array that shares the tensor's memory; a scalar
        tensor gives a NumPy scalar (``np.float32(2.0)``), as in TensorFlow, and a scalar
        string tensor its element.

        Tensors are immutable, so the array cannot be written to; take ``.copy()`` for a
        writable array.

        >>> import gradtape as gt
        >>> gt.constant([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
        >>> gt.constant(2.0).numpy()
        np.float32(2.0)
        """
        v = self._value
        if v.ndim == 0:
            return v[()]  # a NumPy scalar (or the bytes or str element), as TensorFlow gives
        return _readonly(v)

    def ref(self) -> "_Ref":
        """A hashable reference to this tensor, for use as a dict key or in a set."""
        return _Ref(self)

    def __array__(self, dtype=None, copy=None):
        v = self._value
        if dtype is not None and v.dtype != dtype:
            return np.asarray(v).astype(dtype)
        if copy:
            return np.array(v, copy=True)
        return _readonly(v)

    # -- Python protocols ------------------------------------------------------------------
    def __len__(self) -> int:
        if self._value.ndim == 0:
            raise TypeError("len() of a scalar tensor (shape ()) is undefined")
        return self._value.shape[0]

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("iteration over a scalar tensor (shape ()) is undefined")
        for i in range(self._value.shape[0]):
            yield self[i]

    def _scalar(self, what: str):
        v = self._value
        if v.size != 1:
            raise ValueError(
                f"{what}() of a tensor with shape {v.shape} is ambiguous: only tensors with one "
                "element convert; use gt.reduce_any/gt.reduce_all or index one element")
        return np.asarray(v).reshape(())[()]

    def __bool__(self) -> bool:
        return bool(self._scalar("bool"))

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex"))

    def __index__(self) -> int:
        if self._value.dtype.kind not in "iu":
            raise TypeError(f"only integer scalar tensors can be used as an index, not {self.dtype.name}")
        return int(self._scalar("index"))

    __hash__ = None  # elementwise __eq__, as in TensorFlow: use .ref() for dict keys

    def __repr__(self) -> str:
        return f"<gt.Tensor: shape={self.shape}, dtype={_dtype_name(self.dtype)}, numpy={_numpy_text(self._value)}>"

    def __str__(self) -> str:
        return f"gt.Tensor({np.asarray(self._value)}, shape={self.shape}, dtype={_dtype_name(self.dtype)})"

    def __format__(self, spec: str) -> str:
        """A scalar formats as its value (``f"{loss:.3f}"``), as TensorFlow's tensors do; other
        tensors format their ``str``.

        >>> import gradtape as gt
        >>> f"{gt.constant(2.5):.2f}"
        '2.50'
        """
        if spec and self._value.ndim == 0:
            return format(self._value[()], spec)
        return format(str(self), spec)

    def __reduce__(self):
        return (Tensor, (np.asarray(self._value),))


def _readonly(v) -> np.ndarray:
    """A read-only view of ``v`` (the tensor's own buffer stays immutable)."""
    a = np.asarray(v)
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


def _dtype_name(dtype) -> str:
    """TensorFlow's name: ``string`` for the object dtype of string tensors."""
    return "string" if dtype.kind == "O" else dtype.name


def _numpy_text(v) -> str:
    a = np.asarray(v)
    if a.ndim == 0:
        return repr(a[()]) if a.dtype.kind == "O" else str(a[()])  # numpy=b'abc', numpy=2.0
    return repr(a)


class _Ref:
    """Hashable reference to a tensor (see :meth:`Tensor.ref`)."""

    __slots__ = ("_t",)

    def __init__(self, t: Tensor):
        self._t = t

    def deref(self) -> Tensor:
        return self._t

    def __hash__(self) -> int:
        return self._t._id

    def __eq__(self, other) -> bool:
        return isinstance(other, _Ref) and other._t._id == self._t._id


def wrap(value, id_: int | None = None) -> Tensor:
    """Wrap an array as a Tensor without conversion (engine-internal, hot path)."""
    t = _new_tensor(Tensor)
    t._value = value
    t._id = _next_id() if id_ is None else id_
    return t


_new_tensor = object.__new__


# Whether any variable has ever been given a regularizer: until one has, Layer.losses need not
# walk a model's variables looking for penalties (a model's step reads it every time).
REGULARIZED = [False]


class Variable(Tensor):
    """Mutable state that tapes watch automatically when it is trainable.

    ``assign``, ``assign_add`` and ``assign_sub`` change the value in place (the same
    Variable object, with the same identity on every tape); they are not recorded, so no
    gradient flows through them. Every op that reads a Variable sees its current value.
    Unlike TensorFlow, ``isinstance(v, gt.Tensor)`` is true for a Variable. ``constraint``
    (a projection, as ``tf.Variable``'s) is applied by the optimizers after each update.

    >>> import gradtape as gt
    >>> v = gt.Variable([1.0, 2.0])
    >>> _ = v.assign_add([1.0, 1.0])
    >>> v.numpy()
    array([2., 3.], dtype=float32)
    """

    __slots__ = ("trainable", "_name", "_handle_name", "constraint", "_regularizer")

    def __init__(self, initial_value: Any = None, trainable: bool = True, name: str | None = None,
                 dtype=None, shape=None, constraint=None):
        if initial_value is None:
            raise ValueError("Variable: initial_value must be given (a value or a callable)")
        if constraint is not None and not callable(constraint):
            raise ValueError(f"Variable: constraint must be a callable (a projection applied by the "
                             f"optimizers after each update), got {constraint!r}")
        if callable(initial_value):
            initial_value = initial_value()
        arr = np.array(to_array(initial_value, dtype), copy=True)
        if shape is not None and tuple(shape) != arr.shape:
            raise ValueError(f"Variable: shape {tuple(shape)} does not match initial_value's shape {arr.shape}")
        self._value = arr
        self._id = _next_id()
        self.trainable = bool(trainable)
        self._name = name if name is not None else "Variable"
        self._handle_name = f"{self._name}:0"
        self.constraint = constraint
        self._regularizer = None  # set by Layer.add_weight; read by Layer.losses

    @property
    def regularizer(self):
        """The penalty ``Layer.losses`` adds for this variable (None for none)."""
        return self._regularizer

    @regularizer.setter
    def regularizer(self, value) -> None:
        if value is not None:
            REGULARIZED[0] = True  # from now on, Layer.losses looks for penalties
        self._regularizer = value

    @property
    def name(self) -> str:
        """The variable's name with TensorFlow's ``:0`` suffix."""
        return self._handle_name

    def _coerce(self, value, what: str) -> np.ndarray:
        if isinstance(value, Tensor):
            if value.dtype != self.dtype:
                raise TypeError(
                    f"{what}: cannot assign a {value.dtype.name} tensor to variable '{self.name}' "
                    f"of dtype {self.dtype.name}; cast it first with gt.cast(value, {self.dtype.name!r})")
            arr = value._value
        else:
            arr = np.asarray(value)
            if arr.dtype.kind == "O" or (arr.dtype.kind in "fc" and self.dtype.kind in "iub") or (
                    arr.dtype.kind == "c" and self.dtype.kind == "f"):
                raise TypeError(
                    f"{what}: cannot assign a value of dtype {arr.dtype.name} to variable "
                    f"'{self.name}' of dtype {self.dtype.name}; cast it first")
        if arr.shape != self._value.shape:
            raise ValueError(
                f"{what}: cannot assign a value of shape {tuple(arr.shape)} to variable '{self.name}' "
                f"of shape {self.shape}: the shapes must match exactly")
        return arr

    def _note_assign(self, value) -> None:
        for r in _state.stack:
            note = getattr(r, "note_assign", None)
            if note is not None:
                note(self, value)

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Set the value (not recorded on tapes). Returns the variable."""
        arr = self._coerce(value, "Variable.assign")
        self._note_assign(value)
        self._value = np.array(arr, dtype=self._value.dtype, copy=True)
        return self if read_value else None

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Add ``delta`` to the value (not recorded on tapes). Returns the variable."""
        arr = self._coerce(delta, "Variable.assign_add")
        self._note_assign(delta)
        self._value = (self._value + arr).astype(self._value.dtype, copy=False)
        return self if read_value else None

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtract ``delta`` from the value (not recorded on tapes). Returns the variable."""
        arr = self._coerce(delta, "Variable.assign_sub")
        self._note_assign(delta)
        self._value = (self._value - arr).astype(self._value.dtype, copy=False)
        return self if read_value else None

    def read_value(self) -> Tensor:
        """The current value as a Tensor; recorded, so gradients flow to the variable."""
        from ..ops.array import identity
        return identity(self)

    def value(self) -> Tensor:
        """Same as :meth:`read_value`."""
        return self.read_value()

    def __repr__(self) -> str:
        return (f"<gt.Variable '{self.name}' shape={self.shape} dtype={_dtype_name(self.dtype)}, "
                f"numpy={_numpy_text(self._value)}>")

    def __reduce__(self):
        args = (np.asarray(self._value), self.trainable, self._name)
        if self.constraint is None and self.regularizer is None:
            return (Variable, args)
        return (Variable, args, (None, {"constraint": self.constraint, "regularizer": self.regularizer}))
