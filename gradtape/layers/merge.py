"""Merge layers, called on a list of tensors: Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate and Dot, with Keras's functional forms (``add``, ``concatenate``, ...)."""

from __future__ import annotations

from typing import Any, Sequence

import gradtape as gt
from ._masking import get_keras_mask
from ._merge_masks import concat_mask, merge_or_masked, multiply_masked, or_mask, step_mask
from .base import InputSpecError, Layer

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
           "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot"]


def _broadcast(shape1: tuple, shape2: tuple, who: str) -> tuple:
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    out = list(shape1[:len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
        if i != j and 1 not in (i, j):
            raise ValueError(f"{who}: inputs have incompatible shapes {tuple(shape1)} and {tuple(shape2)}")
        out.append(j if i == 1 else i)
    return tuple(out)


class _Merge(Layer):
    """Elementwise merge of a list of tensors (inputs of lower rank get axes inserted at 1).

    Masks: the output's is the logical or of the inputs' when every input has one (else
    None), as Keras 3 (Maximum, Minimum and Multiply also use them in the values).
    """

    _n_inputs: int | None = None
    _supports_masking = True

    def compute_mask(self, inputs, mask=None):
        """The logical or of the inputs' masks, or None unless all inputs have one (Keras).

        >>> import gradtape as gt
        >>> gt.layers.Add().compute_mask([gt.ones((1, 2, 1))] * 2,
        ...                              [gt.constant([[True, False]]), gt.constant([[False, False]])]).numpy()
        array([[ True, False]])
        """
        return or_mask(inputs, mask)

    def _check_list(self, shapes) -> None:
        if not isinstance(shapes, (list, tuple)) or not shapes or not isinstance(shapes[0], (tuple, list)):
            raise ValueError(f"{self.name}: a merge layer should be called on a list of tensors, "
                             f"got inputs of shape {shapes}")
        if self._n_inputs is not None and len(shapes) != self._n_inputs:
            raise ValueError(f"{self.name}: a `{type(self).__name__}` layer should be called on exactly "
                             f"{self._n_inputs} inputs, got {len(shapes)}")

    def build(self, input_shape) -> None:
        self._check_list(input_shape)
        batches = {s[0] for s in input_shape if len(s)}
        if len(batches) > 1:
            raise InputSpecError(f"{self.name}: cannot merge tensors with different batch sizes, got "
                                 f"shapes {[tuple(s) for s in input_shape]}")
        out: tuple = tuple(input_shape[0][1:])
        for s in input_shape[1:]:
            out = _broadcast(out, tuple(s[1:]), self.name)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{self.name}: a merge layer should be called on a list of tensors, "
                             f"got {type(inputs).__name__}")
        self._check_list([tuple(x.shape) for x in inputs])
        top = max(x.ndim for x in inputs)
        xs = []
        for x in inputs:
            for _ in range(top - x.ndim):
                x = gt.expand_dims(x, 1)
            xs.append(x)
        return self._merge(xs)

    def _merge(self, xs: list):  # pragma: no cover - abstract
        raise NotImplementedError


class Add(_Merge):
    """The elementwise sum of a list of tensors, as ``keras.layers.Add``.

    >>> import gradtape as gt
    >>> gt.layers.Add()([gt.constant([[1.0, 2.0]]), gt.constant([[10.0, 20.0]])]).numpy()
    array([[11., 22.]], dtype=float32)
    """

    def _merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs), as ``keras.layers.Subtract``.

    >>> import gradtape as gt
    >>> gt.layers.Subtract()([gt.constant([[5.0]]), gt.constant([[2.0]])]).numpy()
    array([[3.]], dtype=float32)
    """

    _n_inputs = 2

    def _merge(self, xs):
        return xs[0] - xs[1]


class Multiply(_Merge):
    """The elementwise product of a list of tensors, as ``keras.layers.Multiply``.

    >>> import gradtape as gt
    >>> gt.layers.Multiply()([gt.constant([[2.0, 3.0]]), gt.constant([[4.0, 5.0]])]).numpy()
    array([[ 8., 15.]], dtype=float32)
    """

    def _merge(self, xs):
        masks = [step_mask(x) for x in xs]
        if all(m is None for m in masks):
            out = xs[0]
            for x in xs[1:]:
                out = out * x
            return out
        return multiply_masked(xs, masks)


class Average(_Merge):
    """The elementwise mean of a list of tensors, as ``keras.layers.Average``.

    >>> import gradtape as gt
    >>> gt.layers.Average()([gt.constant([[1.0]]), gt.constant([[4.0]])]).numpy()
    array([[2.5]], dtype=float32)
    """

    def _merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out / float(len(xs))


class Maximum(_Merge):
    """The elementwise maximum of a list of tensors, as ``keras.layers.Maximum``.

    >>> import gradtape as gt
    >>> gt.layers.Maximum()([gt.constant([[1.0, 5.0]]), gt.constant([[3.0, 2.0]])]).numpy()
    array([[3., 5.]], dtype=float32)
    """

    def _merge(self, xs):
        if any(get_keras_mask(x) is not None for x in xs):
            return merge_or_masked(xs, gt.maximum)
        out = xs[0]
        for x in xs[1:]:
            out = gt.maximum(out, x)
        return out


class Minimum(_Merge):
    """The elementwise minimum of a list of tensors, as ``keras.layers.Minimum``.

    >>> import gradtape as gt
    >>> gt.layers.Minimum()([gt.constant([[1.0, 5.0]]), gt.constant([[3.0, 2.0]])]).numpy()
    array([[1., 2.]], dtype=float32)
    """

    def _merge(self, xs):
        if any(get_keras_mask(x) is not None for x in xs):
            return merge_or_masked(xs, gt.minimum)
        out = xs[0]
        for x in xs[1:]:
            out = gt.minimum(out, x)
        return out


class Concatenate(Layer):
    """Concatenate a list of tensors along ``axis`` (the last by default), as ``keras.layers.Concatenate``.

    Every other axis must have the same size in all inputs.

    >>> import gradtape as gt
    >>> gt.layers.Concatenate()([gt.ones((2, 3)), gt.zeros((2, 1))]).shape
    (2, 4)
    """

    _supports_masking = True

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(f"Concatenate: `axis` must be an integer, got {axis!r}")
        self.axis = axis

    def _check(self, shapes) -> None:
        if not isinstance(shapes, (list, tuple)) or not shapes or not isinstance(shapes[0], (tuple, list)):
            raise ValueError(f"{self.name}: a `Concatenate` layer should be called on a list of tensors, "
                             f"got inputs of shape {shapes}")
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(f"{self.name}: all inputs must have the same rank, got shapes "
                             f"{[tuple(s) for s in shapes]}")
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise ValueError(f"{self.name}: `axis`={self.axis} is out of range for inputs of rank {rank}")
        ax = self.axis % rank
        rest = {tuple(d for i, d in enumerate(s) if i != ax) for s in shapes}
        if len(rest) != 1:
            raise ValueError(f"{self.name}: a `Concatenate` layer requires inputs with matching shapes "
                             f"except for the concatenation axis {self.axis}, got shapes "
                             f"{[tuple(s) for s in shapes]}")

    def build(self, input_shape) -> None:
        self._check(input_shape)

    def compute_mask(self, inputs, mask=None):
        """Keras's: the inputs' masks (all true for an unmasked input) concatenated along
        ``axis``, then any over the last axis; None when no input has a mask.

        >>> import gradtape as gt
        >>> a, b = gt.ones((1, 2, 3)), gt.ones((1, 2, 1))
        >>> gt.layers.Concatenate().compute_mask([a, b], [gt.constant([[True, False]]), None]).numpy()
        array([[ True,  True]])
        """
        return concat_mask(inputs, mask, self.axis)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{self.name}: a `Concatenate` layer should be called on a list of tensors, "
                             f"got {type(inputs).__name__}")
        self._check([tuple(x.shape) for x in inputs])
        return gt.concat(list(inputs), axis=self.axis)


def _normalize(x, axis: int):
    # Keras's ops.normalize(order=2): x * min(rsqrt(sum(x**2)), 1 / epsilon), epsilon = 1e-7.
    inv = gt.rsqrt(gt.reduce_sum(gt.square(x), axis=axis, keepdims=True))
    return x * gt.minimum(inv, gt.cast(1e7, x.dtype))


def batch_dot(x, y, axes: Sequence[int]):
    """Keras's ``batch_dot``: for each example, contract axis ``axes[0]`` of ``x`` with ``axes[1]`` of ``y``.

    The result has ``x``'s remaining axes then ``y``'s (after the batch axis); a result of rank
    1 becomes ``(batch, 1)``.

    >>> import gradtape as gt
    >>> batch_dot(gt.ones((2, 3)), gt.ones((2, 3)), (1, 1)).numpy()
    array([[3.],
           [3.]], dtype=float32)
    """
    xn, yn = x.ndim, y.ndim
    a0, a1 = axes[0] % xn, axes[1] % yn
    # Move the contracted axes last in x and first (after the batch) in y, then one matmul.
    x = gt.transpose(x, [i for i in range(xn) if i != a0] + [a0])
    y = gt.transpose(y, [0, a1] + [i for i in range(1, yn) if i != a1])
    b, k = x.shape[0], x.shape[-1]
    x_mid, y_rest = tuple(x.shape[1:-1]), tuple(y.shape[2:])
    x3 = gt.reshape(x, (b, -1, k))
    y3 = gt.reshape(y, (b, k, -1))
    out = gt.reshape(gt.matmul(x3, y3), (b,) + x_mid + y_rest)
    if out.ndim == 1:
        out = gt.expand_dims(out, 1)
    return out


class Dot(Layer):
    """The dot product of two tensors along ``axes``, per example, as ``keras.layers.Dot``.

    ``axes`` is an int (the same axis of both inputs) or a pair; the batch axis 0 cannot be
    contracted. With ``normalize=True`` both inputs are L2-normalized along their axis first,
    so the output is the cosine similarity.

    >>> import gradtape as gt
    >>> x = gt.constant([[1.0, 2.0], [3.0, 4.0]])
    >>> gt.layers.Dot(axes=1)([x, x]).numpy()
    array([[ 5.],
           [25.]], dtype=float32)
    """

    _supports_masking = True

    def compute_mask(self, inputs, mask=None):
        """None: the output has no time axis to mask (Keras).

        >>> import gradtape as gt
        >>> gt.layers.Dot(axes=1).compute_mask(None, [gt.constant([True])] * 2) is None
        True
        """
        return None

    def __init__(self, axes: int | Sequence[int], normalize: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"Dot: `axes` must be an int or a list of two ints, got axes={axes!r}")
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Dot: `axes` must contain two integers, got axes={axes!r}")
        self.axes = axes
        self.normalize = bool(normalize)

    def _axes(self, shapes) -> list[int]:
        axes = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        out = []
        for a, s in zip(axes, shapes):
            if not -len(s) <= a < len(s):
                raise ValueError(f"{self.name}: `axes`={self.axes} is out of range for inputs of shapes "
                                 f"{[tuple(t) for t in shapes]}")
            out.append(a % len(s))
        return out

    def _check(self, shapes) -> list[int]:
        if not isinstance(shapes, (list, tuple)) or len(shapes) != 2 or not isinstance(shapes[0], (tuple, list)):
            raise ValueError(f"{self.name}: a `Dot` layer should be called on a list of 2 inputs, "
                             f"got inputs of shape {shapes}")
        if min(len(s) for s in shapes) < 2:
            raise ValueError(f"{self.name}: `Dot` needs inputs of rank >= 2, got shapes "
                             f"{[tuple(s) for s in shapes]}")
        a0, a1 = self._axes(shapes)
        if 0 in (a0, a1):
            raise ValueError(f"{self.name}: cannot take the dot product over the batch axis 0 (axes={self.axes})")
        if shapes[0][a0] != shapes[1][a1]:
            raise ValueError(f"{self.name}: incompatible input shapes: axis values {shapes[0][a0]} (at axis "
                             f"{a0}) != {shapes[1][a1]} (at axis {a1}); shapes {[tuple(s) for s in shapes]}")
        if shapes[0][0] != shapes[1][0]:
            raise InputSpecError(f"{self.name}: inputs have different batch sizes, got shapes "
                                 f"{[tuple(s) for s in shapes]}")
        return [a0, a1]

    def build(self, input_shape) -> None:
        self._check(input_shape)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{self.name}: a `Dot` layer should be called on a list of 2 inputs, "
                             f"got {type(inputs).__name__}")
        axes = self._check([tuple(x.shape) for x in inputs])
        x1, x2 = inputs
        if self.normalize:
            x1, x2 = _normalize(x1, axes[0]), _normalize(x2, axes[1])
        return batch_dot(x1, x2, axes)


def add(inputs: list, **kwargs: Any):
    """``Add(**kwargs)(inputs)``.

    >>> import gradtape as gt
    >>> gt.layers.add([gt.ones((1, 2)), gt.ones((1, 2))]).numpy()
    array([[2., 2.]], dtype=float32)
    """
    return Add(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any):
    """``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list, **kwargs: Any):
    """``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any):
    """``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any):
    """``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any):
    """``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list, axis: int = -1, **kwargs: Any):
    """``Concatenate(axis, **kwargs)(inputs)``.

    >>> import gradtape as gt
    >>> gt.layers.concatenate([gt.ones((1, 2)), gt.ones((1, 3))]).shape
    (1, 5)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs: list, axes: int | Sequence[int] = -1, normalize: bool = False, **kwargs: Any):
    """``Dot(axes, normalize, **kwargs)(inputs)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
