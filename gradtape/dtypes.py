"""``gt.dtypes``: TensorFlow's dtype names and ``as_dtype``. gradtape's dtypes are NumPy's
(``gt.float32 == np.dtype("float32")``), so ``DType`` is ``numpy.dtype``.

>>> import gradtape as gt
>>> gt.dtypes.as_dtype("float32") == gt.float32, gt.dtypes.double
(True, dtype('float64'))
"""

import numpy as np

from ._engine.tensor import (  # noqa: F401
    as_dtype, bool_ as bool, complex64, complex128, float16, float32, float64, int8, int16, int32,
    int64, string, uint8,
)
from .ops.clip import saturate_cast  # noqa: F401
from .ops.math import cast  # noqa: F401

DType = np.dtype
half = float16
double = float64
uint16 = np.dtype("uint16")
uint32 = np.dtype("uint32")
uint64 = np.dtype("uint64")
