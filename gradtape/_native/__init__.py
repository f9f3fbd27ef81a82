"""gradtape's optional compiled kernels, and the switch that turns them off.

A few loops are a single pass over memory in C where NumPy needs several: max pooling and its
gradient (which also applies a relu's mask), a convolution's im2col and col2im, layer
normalization and its gradient, the gradients of relu and softmax, and Adam's step.
``pip install`` compiles them from ``kernels.c`` when a C compiler is present; without one,
with ``GRADTAPE_NATIVE=0`` in the environment, or after ``gt.config.set_native_kernels(False)``,
every op runs on NumPy alone with the same semantics (results may differ in the last bits of
a sum taken in another order).

Each op checks ``kernels()`` at call time: the compiled module, or None.
"""

from __future__ import annotations

import os

import numpy as np

try:
    from . import _kernels as _compiled
except ImportError:  # not built (no compiler at install time)
    _compiled = None

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))  # the types the kernels take

_enabled = os.environ.get("GRADTAPE_NATIVE", "1").strip().lower() not in ("0", "false", "no", "off")


def kernels():
    """The compiled kernel module when it is built and enabled, else None."""
    return _compiled if _enabled else None


def kernels_for(*arrays):
    """The compiled module when it is on and takes these arrays (contiguous NumPy arrays of one
    float type and one shape, as the elementwise kernels need), else None."""
    if _compiled is None or not _enabled:
        return None
    a = arrays[0]
    if type(a) is not np.ndarray or a.dtype not in FLOATS or not a.flags.c_contiguous:
        return None
    for b in arrays[1:]:
        if type(b) is not np.ndarray or b.dtype != a.dtype or b.shape != a.shape or not b.flags.c_contiguous:
            return None
    return _compiled


def available() -> bool:
    """Whether the compiled kernels were built for this installation."""
    return _compiled is not None


def set_enabled(enabled: bool) -> None:
    """Turn the kernels on or off (``gt.config.set_native_kernels``)."""
    global _enabled
    _enabled = bool(enabled)


def enabled() -> bool:
    """Whether ops run the kernels: built and not turned off."""
    return _enabled and _compiled is not None
