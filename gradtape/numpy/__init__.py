"""NumPy's API on gradtape tensors: ``import gradtape.numpy as gtnp``.

Every function here has NumPy's name, signature and semantics (``axis``, ``keepdims``,
``dtype``, ``ddof``, ...) and runs gradtape ops, so the result is a :class:`~gradtape.Tensor`
recorded on any active tape or accumulator. The same table backs NumPy's own functions on
tensors (see :mod:`gradtape.interop`): ``np.sum(t, axis=0)`` and ``gtnp.sum(t, axis=0)`` run the
same code.

>>> import numpy as np
>>> import gradtape as gt
>>> import gradtape.numpy as gtnp
>>> x = gt.Variable([[1.0, 2.0], [3.0, 4.0]])
>>> with gt.GradientTape() as tape:
...     y = np.sum(np.sin(x) * x, axis=0, keepdims=True)   # plain NumPy calls, recorded
>>> tape.gradient(y, x).shape
(2, 2)
>>> with gt.GradientTape() as tape:
...     z = gtnp.mean(gtnp.square(x))
>>> tape.gradient(z, x).numpy()
array([[0.5, 1. ],
       [1.5, 2. ]], dtype=float32)

**Dtypes** follow NumPy 2 (NEP 50), not TensorFlow: a Python scalar is "weak" and takes the
dtype of the array it meets (``float32 tensor * 2.0`` stays float32), NumPy scalars and arrays
are not (``float32 tensor * np.float64(2)`` is float64), and lists and Python numbers given on
their own become float64/int64 (``gtnp.asarray([1.0])`` is float64, where ``gt.constant([1.0])``
is float32). Integer means and true divisions give float64. Gradients come back in each
source's own dtype.

**Coverage.** ``gtnp.__all__`` lists the functions. They cover NumPy's ufuncs (arithmetic,
powers, exponentials and logarithms, trigonometric and hyperbolic functions, comparisons,
``maximum``/``minimum``/``fmax``/``fmin``, ``hypot``, ``logaddexp``, ``copysign``, ...);
reductions (``sum``, ``prod``, ``mean``, ``max``, ``min``, ``var``, ``std``, ``average``,
``ptp``, ``median``, ``quantile``, ``percentile``, the ``nan*`` reductions, ``cov``,
``corrcoef``, ``bincount`` with weights); scans (``cumsum``, ``cumprod``, ``nancumsum``);
``diff``, ``gradient``, ``trapezoid``, ``interp``, ``convolve``, ``correlate``, ``polyval``,
``apply_along_axis``; shapes and joining (``reshape``, ``transpose``, ``moveaxis``,
``expand_dims``, ``squeeze``, ``concatenate``, ``stack``, the ``*stack`` and ``*split``
families, ``tile``, ``repeat``, ``flip``, ``roll``, ``rot90``, ``pad``, ``block``, ``append``,
``delete``, ``insert``); selection (``take``, ``take_along_axis``, ``sort``, ``where``,
``select``, ``clip``, ``diag``, ``diagonal``, ``trace``, ``tril``, ``triu``); products
(``dot``, ``vdot``, ``inner``, ``outer``, ``matmul``, ``vecdot``, ``matvec``, ``vecmat``,
``tensordot``, ``einsum``, ``kron``, ``cross``); creation (``array``, ``asarray``, ``zeros``,
``ones``, ``full``, ``eye``, ``arange``, ``linspace``, ``logspace``, ``meshgrid``, ...); and
:mod:`gradtape.numpy.linalg`. A function that needs a gradtape op the library lacks is left
out and listed in ``gradtape.numpy._support.MISSING``.

**Limits.**

* Index-valued and boolean functions (``argmax``, ``argsort``, ``nonzero``, ``searchsorted``,
  ``isclose``, ``isin``, ``all``, ``any``, ...) run NumPy on the values: their results have no
  gradient. So do functions that return no array (``shape``, ``allclose``, ``array2string``,
  ``save``, ...).
* Kinks follow TensorFlow: tied maxima share the gradient, ``abs`` and ``sign`` have gradient 0
  at 0, ``clip`` passes the gradient at its ends; ``sort`` sends each gradient back to the
  element that moved there.
* ``out=`` is refused (tensors are immutable; assign the result), and so are in-place ufunc
  methods (``np.add.at``) and ``arr += tensor``.
* A NumPy feature that is not implemented (``where=`` on a ufunc, ``pad(mode="mean")``,
  ``quantile(method="weibull")``, ...) raises ``UnsupportedArgument`` (a ``TypeError``) here;
  through NumPy's protocol it falls back to NumPy's own answer outside a tape.
* Some conversions happen before NumPy can dispatch and so cannot be recorded:
  ``np.asarray(t)``, ``np.array([t1, t2])``, ``np.sum([t1, t2])`` (a Python list of tensors),
  ``float(t)`` and ``t.numpy()`` give plain NumPy values. Use ``gtnp.array([t1, t2])`` or
  ``np.stack([t1, t2])``, which stack and record.
* ``einsum`` contracts left to right without searching for a cheaper order (``optimize`` is
  ignored).
"""

from __future__ import annotations

import numpy as _np

from . import _creation, _products, _reductions, _select, _shape, _ufuncs  # noqa: F401
from ._support import MAIN as _MAIN

globals().update(_MAIN.names)

# Constants and dtypes, as in NumPy (``gtnp.float32(2)`` makes a NumPy scalar, as ``np.float32``).
pi, e, inf, nan, newaxis, euler_gamma = _np.pi, _np.e, _np.inf, _np.nan, None, _np.euler_gamma
float16, float32, float64 = _np.float16, _np.float32, _np.float64
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
complex64, complex128 = _np.complex64, _np.complex128
bool_, intp = _np.bool_, _np.intp
dtype, finfo, iinfo, errstate = _np.dtype, _np.finfo, _np.iinfo, _np.errstate

_CONSTANTS = ["pi", "e", "inf", "nan", "newaxis", "euler_gamma", "float16", "float32", "float64",
              "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "complex64",
              "complex128", "bool_", "intp", "dtype", "finfo", "iinfo", "errstate"]

from . import linalg  # noqa: E402  (after the main table: linalg reuses its functions)

__all__ = list(_MAIN.names) + _CONSTANTS + ["linalg"]
