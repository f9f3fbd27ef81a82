"""Helpers shared by the examples (not part of the library)."""

from __future__ import annotations

import contextlib


def blas_threads(n: int | None):
    """Limit BLAS to ``n`` threads while an example runs (``None`` or ``n <= 0``: no limit).

    The matrices in the examples are small: one BLAS thread is as fast on an idle machine and
    many times faster on a busy one, where OpenBLAS's threads wait on each other. Needs
    threadpoolctl (installed with scikit-learn); without it this does nothing.

    >>> with blas_threads(1):
    ...     pass
    """
    if n is not None and n > 0:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            return contextlib.nullcontext()
        return threadpool_limits(limits=n, user_api="blas")
    return contextlib.nullcontext()
