"""Python operators on tensors: ``+ - * / // % ** @``, unary ``-``, ``abs``, comparisons,
``& | ^ ~`` (logical on bool tensors, bitwise on integer tensors, as in TensorFlow), and
indexing. Each is one primitive from :mod:`gradtape.ops`."""

from __future__ import annotations

from .._engine.primitive import bind1, bind2
from .._engine.tensor import Tensor
from . import bits, indexing, linalg, math

_add, _sub, _mul, _div = math._add, math._subtract, math._multiply, math._divide
_pow, _neg, _matmul = math._pow, math._negative, linalg._matmul


def _binary(prim, reflected=False):
    if reflected:
        def op(self, other):
            return bind2(prim, other, self)
    else:
        def op(self, other):
            return bind2(prim, self, other)
    return op


def _matmul_op(self, other):
    return bind2(_matmul, self, other)


def _rmatmul_op(self, other):
    return bind2(_matmul, other, self)


def _eq(self, other):
    if other is None:
        return False
    try:
        return math.equal(self, other)
    except (TypeError, ValueError):
        return NotImplemented


def _ne(self, other):
    if other is None:
        return True
    try:
        return math.not_equal(self, other)
    except (TypeError, ValueError):
        return NotImplemented


def _invert(self):
    if self.dtype.kind in "iu":
        return bits.invert(self)  # bitwise not, as TensorFlow's ~ on integers
    if self.dtype.kind != "b":
        raise TypeError(f"~ is defined for bool (logical not) and integer (bitwise not) tensors, "
                        f"not {self.dtype.name}")
    return math.logical_not(self)


def _bool_binary(fn, int_fn, sym, reflected=False):
    # bool tensors: logical; integer tensors: bitwise, as TensorFlow's & | ^
    def op(self, other):
        if self.dtype.kind in "iu":
            return int_fn(other, self) if reflected else int_fn(self, other)
        return fn(self, other)
    op.__name__ = sym
    return op


_OPS = {
    "__add__": _binary(_add), "__radd__": _binary(_add, True),
    "__sub__": _binary(_sub), "__rsub__": _binary(_sub, True),
    "__mul__": _binary(_mul), "__rmul__": _binary(_mul, True),
    "__truediv__": _binary(_div), "__rtruediv__": _binary(_div, True),
    "__floordiv__": _binary(math._floordiv), "__rfloordiv__": _binary(math._floordiv, True),
    "__mod__": _binary(math._floormod), "__rmod__": _binary(math._floormod, True),
    "__pow__": _binary(_pow), "__rpow__": _binary(_pow, True),
    "__matmul__": _matmul_op, "__rmatmul__": _rmatmul_op,
    "__neg__": lambda self: bind1(_neg, self),
    "__pos__": lambda self: self,
    "__abs__": lambda self: math.abs(self),
    "__lt__": lambda self, o: math.less(self, o), "__le__": lambda self, o: math.less_equal(self, o),
    "__gt__": lambda self, o: math.greater(self, o), "__ge__": lambda self, o: math.greater_equal(self, o),
    "__eq__": _eq, "__ne__": _ne,
    "__and__": _bool_binary(math.logical_and, bits.bitwise_and, "__and__"),
    "__rand__": _bool_binary(math.logical_and, bits.bitwise_and, "__rand__", True),
    "__or__": _bool_binary(math.logical_or, bits.bitwise_or, "__or__"),
    "__ror__": _bool_binary(math.logical_or, bits.bitwise_or, "__ror__", True),
    "__xor__": _bool_binary(math.logical_xor, bits.bitwise_xor, "__xor__"),
    "__rxor__": _bool_binary(math.logical_xor, bits.bitwise_xor, "__rxor__", True),
    "__invert__": _invert,
    "__getitem__": indexing.getitem,
}

for _name, _fn in _OPS.items():
    setattr(Tensor, _name, _fn)
Tensor.__hash__ = None
