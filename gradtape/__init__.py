"""gradtape: TensorFlow's GradientTape, rebuilt as a lean automatic differentiation library on NumPy.

>>> import gradtape as gt
>>> w = gt.Variable(2.0)
>>> with gt.GradientTape() as tape:
...     loss = (w * 3.0 - 1.0) ** 2
>>> float(tape.gradient(loss, w))
30.0
"""

from ._engine.indexed_slices import IndexedSlices
from ._engine.tape import GradientTape, UnconnectedGradients
from ._engine.tensor import (
    Tensor, Variable, bool_ as bool, complex64, complex128, float16, float32, float64, int8, int16,
    int32, int64, string, uint8,
)
from . import ops as _ops  # noqa: F401  (attaches operators)
from . import interop as _interop  # noqa: F401  (NumPy protocols)
from .ops.array import (
    broadcast_to, concat, expand_dims, identity, reshape, squeeze, stack, stop_gradient,
    transpose, where,
)
from .ops.clip import clip_by_norm, clip_by_value
from .ops.creation import (
    constant, convert_to_tensor, eye, fill, linspace, ones, ones_like, range, rank, shape, size,
    zeros, zeros_like,
)
from .ops.indexing import gather
from .ops.linalg import matmul
from .ops.math import (
    abs, add, cast, complex, cos, divide, equal, exp, greater, greater_equal, less, less_equal,
    log, logical_and, logical_not, logical_or, maximum, minimum, multiply, negative, not_equal,
    pow, sigmoid, sign, sin, sqrt, square, subtract, tanh, truediv,
)
from .ops.reduce import reduce_max, reduce_mean, reduce_min, reduce_sum
from .custom import custom_gradient, recompute_grad
from . import autodiff, extend, linalg, math, nn, test  # noqa: F401

__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_")]
