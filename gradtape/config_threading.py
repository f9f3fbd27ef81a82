"""``gt.config.threading``: how many threads an op may use, as ``tf.config.threading``.

A large op (a convolution over a big batch, its relu and pooling, and their gradients) splits
its batch over ``intra_op`` threads, and NumPy's BLAS runs on as many; see docs/performance.md.
gradtape runs one op at a time on the calling thread, so the inter-op setting is kept for the
scripts that set it and changes nothing.
"""

from __future__ import annotations

__all__ = ["get_inter_op_parallelism_threads", "get_intra_op_parallelism_threads",
           "set_inter_op_parallelism_threads", "set_intra_op_parallelism_threads"]

_inter_op = 0


def _count(num_threads, op: str) -> int:
    if isinstance(num_threads, bool) or not isinstance(num_threads, int):
        raise TypeError(f"config.threading.{op}: num_threads must be an int, got "
                        f"{type(num_threads).__name__}")
    if num_threads < 0:
        raise ValueError(f"config.threading.{op}: num_threads must be >= 0 (0: the default), "
                         f"got {num_threads}")
    return num_threads


def set_intra_op_parallelism_threads(num_threads: int) -> None:
    """Threads one op may use: a large op splits its batch over this many, and NumPy's BLAS
    (when it is the OpenBLAS that NumPy's wheels bundle) runs on as many. 1 runs every op on
    the calling thread; 0 restores the default, BLAS's own thread count. Unlike TensorFlow,
    it may be changed at any time.

    >>> import gradtape as gt
    >>> gt.config.threading.set_intra_op_parallelism_threads(1)
    >>> gt.config.threading.get_intra_op_parallelism_threads()
    1
    >>> gt.config.threading.set_intra_op_parallelism_threads(0)
    """
    from ._engine import parallel
    parallel.set_parts(_count(num_threads, "set_intra_op_parallelism_threads"))


def get_intra_op_parallelism_threads() -> int:
    """The number set by :func:`set_intra_op_parallelism_threads`; 0 when it was not set (the
    default), as in TensorFlow.

    >>> import gradtape as gt
    >>> gt.config.threading.get_intra_op_parallelism_threads()
    0
    """
    from ._engine import parallel
    return parallel.requested()


def set_inter_op_parallelism_threads(num_threads: int) -> None:
    """Kept for scripts that set it: gradtape runs one op at a time, on the calling thread.

    >>> import gradtape as gt
    >>> gt.config.threading.set_inter_op_parallelism_threads(2)
    >>> gt.config.threading.get_inter_op_parallelism_threads()
    2
    >>> gt.config.threading.set_inter_op_parallelism_threads(0)
    """
    global _inter_op
    _inter_op = _count(num_threads, "set_inter_op_parallelism_threads")


def get_inter_op_parallelism_threads() -> int:
    """The number set by :func:`set_inter_op_parallelism_threads` (0: not set).

    >>> import gradtape as gt
    >>> gt.config.threading.get_inter_op_parallelism_threads()
    0
    """
    return _inter_op
