"""gradtape: TensorFlow's GradientTape, rebuilt as a lean automatic differentiation library on NumPy.

>>> import gradtape as gt
>>> w = gt.Variable(2.0)
>>> with gt.GradientTape() as tape:
...     loss = (w * 3.0 - 1.0) ** 2
>>> float(tape.gradient(loss, w))
30.0

The top level holds TensorFlow's top-level names; the families live in ``gt.math``,
``gt.linalg``, ``gt.nn``, ``gt.random``, ``gt.autodiff`` and ``gt.test``. Each op module's
``__all__`` lists what it exports.
"""

from ._engine import allocator as _allocator
from ._engine.indexed_slices import IndexedSlices
from ._engine.shape import TensorShape
from ._engine.tape import GradientTape, UnconnectedGradients
from ._engine.tensor import (
    Tensor, Variable, bool_ as bool, complex64, complex128, float16, float32, float64, int8, int16,
    int32, int64, string, uint8,
)
from . import ops as _ops  # noqa: F401  (attaches operators)
from . import interop as _interop  # noqa: F401  (NumPy protocols)
from .ops.array import *  # noqa: F401,F403
from .ops.clip import *  # noqa: F401,F403
from .ops.creation import *  # noqa: F401,F403
from .ops.indexing import *  # noqa: F401,F403
from .ops.linalg import matmul, norm  # noqa: F401
from .ops.math import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.arithmetic import *  # noqa: F401,F403
from .ops.sequence import *  # noqa: F401,F403
from .ops.sets import *  # noqa: F401,F403
from .ops.equivalents import *  # noqa: F401,F403
from .ops.partition import *  # noqa: F401,F403
from .ops.space_batch import *  # noqa: F401,F403
from .custom import custom_gradient, recompute_grad
from .control import *  # noqa: F401,F403
from .config import device  # noqa: F401
from .printing import print  # noqa: F401,A004  (TensorFlow's name; shadows print only as gt.print)
from .utilities import *  # noqa: F401,F403
from .tensor_array import TensorArray  # noqa: F401
from . import autodiff, config, debugging, extend, linalg, math, nest, nn, test  # noqa: F401
from . import random  # noqa: F401

_allocator.tune()

__version__ = "0.1.0"

from .module import Module  # noqa: E402
from . import data, initializers, layers, losses, metrics, optimizers, train  # noqa: E402,F401
from . import ragged  # noqa: E402
from .ragged import RaggedTensor, RaggedTensorSpec  # noqa: E402
from . import constraints, regularizers  # noqa: E402,F401
from . import keras  # noqa: E402,F401
from . import dtypes  # noqa: E402,F401
from . import bitwise, errors, image, signal, sparse, strings  # noqa: E402,F401
from . import summary  # noqa: E402,F401
from . import io  # noqa: E402,F401
from .ops.strings import as_string  # noqa: E402,F401  (tf.as_string)
from .sparse_tensor import SparseTensor, SparseTensorSpec  # noqa: E402,F401
from .ops.bits import bitcast  # noqa: E402,F401
from .linalg import eig, eigvals  # noqa: E402,F401  (tf.eig, tf.eigvals)
from .linalg import sqrtm as matrix_square_root  # noqa: E402,F401  (tf.matrix_square_root)
from .assertions import Assert, assert_equal, assert_greater, assert_less, assert_rank  # noqa: E402,F401
from .dtypes import DType, as_dtype, double, half, uint16, uint32, uint64  # noqa: E402,F401
# TensorFlow 2's top-level names for the initializers
constant_initializer = initializers.Constant
zeros_initializer = initializers.Zeros
ones_initializer = initializers.Ones
random_normal_initializer = initializers.RandomNormal
random_uniform_initializer = initializers.RandomUniform
