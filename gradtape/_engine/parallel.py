"""Large ops split over the cores by batch rows, each core keeping its own rows from op to op.

NumPy's BLAS (OpenBLAS) runs each matrix product on every core, split its own way, and every
other NumPy pass runs on the calling thread alone. So rows that a product wrote on one core are
read next on another. When a virtual machine's cores are far apart (a core-to-core round trip
of 570 ns instead of 70 on the benchmark machine, for seconds to minutes at a time), that
traffic doubled a small CNN's step.

Here a large op splits its batch into as many parts as BLAS has threads. Part 0 runs on the
calling thread and part ``i`` on worker ``i``, with BLAS on one thread meanwhile. Consecutive
ops (a convolution, its relu, its pool, and their gradients) split the same rows the same way,
so each core goes on with the rows it wrote. Ops below :data:`MIN_BYTES` are not split: waking a
worker costs tens of microseconds.

BLAS's own worker thread, once a product wakes it, spins on its core for about 0.1 s
and takes half of that core from the next split. So for 0.2 s after a split, gradtape's own
products (:func:`product`) keep BLAS on one thread: large ones (:data:`MIN_PRODUCT`) are split by
rows like the ops around them, small ones run whole. Other products are left to BLAS as before.

The split needs a BLAS whose thread count gradtape can set (the OpenBLAS that NumPy's wheels
bundle); with another BLAS every op runs on the calling thread, as before.
``gt.config.threading.set_intra_op_parallelism_threads`` sets the number of parts (1: none).
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
import time
from collections.abc import Callable

import numpy as np

MIN_BYTES = 2 << 20  # an op touching less memory than this runs on the calling thread
MAX_PARTS = 16
# a product of at least this many multiply-adds (about 50 us on two threads) is split by rows
# inside the window after a split; one thread would take nearly twice as long, and waking a
# worker costs tens of microseconds
MIN_PRODUCT = 1 << 22
RECENT = 0.2  # seconds after a split during which product() keeps BLAS on one thread (its
# worker spins for about 0.1 s after a product: 2**28 cycles)
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))

_blas: tuple | None | bool = None  # (get, set) thread-count functions; False: none found
_blas_default = 1  # BLAS's thread count when first found
_requested = 0  # set_intra_op_parallelism_threads; 0: as many parts as BLAS threads
_last_split = -RECENT  # time.monotonic() of the last split
_workers: list = []
_lock = threading.Lock()  # held while a split runs: a second caller (or a nested one) runs whole


def blas_threads() -> tuple | None:
    """``(get, set)`` for the thread count of the OpenBLAS loaded by NumPy, or None."""
    global _blas, _blas_default
    if _blas is None:
        _blas = _find_openblas() or False
        if _blas:
            _blas_default = _blas[0]()
    return _blas or None


def _find_openblas():
    try:
        with open("/proc/self/maps") as f:
            paths = set(re.findall(r"(/\S*openblas\S*\.so\S*)", f.read()))
    except OSError:  # not Linux
        return None
    for path in sorted(paths, key=lambda p: "numpy" not in p):  # NumPy's own first
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_", "64_"), ("scipy_", ""), ("", "64_"), ("", "")):
            get = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}", None)
            put = getattr(lib, f"{prefix}openblas_set_num_threads{suffix}", None)
            if get is not None and put is not None:
                get.argtypes, get.restype = [], ctypes.c_int
                put.argtypes, put.restype = [ctypes.c_int], None
                return get, put
    return None


def parts() -> int:
    """How many parts a large op splits into now: 1 when no BLAS thread control was found, when
    BLAS runs on one thread, or inside a split."""
    blas = blas_threads()
    if blas is None:
        return 1
    n = blas[0]()
    if _requested:
        n = min(n, _requested)
    return max(1, min(n, os.cpu_count() or 1, MAX_PARTS))


def set_parts(n: int) -> None:
    """``set_intra_op_parallelism_threads``: ``n`` parts and BLAS threads; 0 restores the
    default, as many parts as BLAS had threads when gradtape first asked."""
    global _requested
    _requested = n
    blas = blas_threads()
    if blas is not None:
        blas[1](n or _blas_default)


def requested() -> int:
    return _requested


class _Worker:
    """One thread that runs one part at a time."""

    def __init__(self):
        self.go, self.done = threading.Semaphore(0), threading.Semaphore(0)
        self.job = self.result = self.error = None
        threading.Thread(target=self._loop, name="gradtape-intra-op", daemon=True).start()

    def _loop(self):
        while True:
            self.go.acquire()
            fn, lo, hi = self.job
            try:
                self.result = fn(lo, hi)
            except BaseException as e:  # handed to the caller
                self.error = e
            # hold nothing of the job while waiting: its arrays are freed when the op is done
            self.job = fn = None
            self.done.release()


def split(n: int, nbytes: int, fn: Callable[[int, int], object]) -> list:
    """``[fn(lo, hi) for each part of range(n)]``, the parts run at once on as many threads.

    ``fn`` must write only its own rows. ``nbytes``, the memory the whole op touches, decides
    whether it is worth splitting; a single ``fn(0, n)`` runs otherwise. The split starts the
    window in which :func:`product` keeps BLAS's workers asleep.
    """
    return _split(n, fn) if nbytes >= MIN_BYTES else [fn(0, n)]


def _split(n, fn, renew=True):
    """The split itself; ``renew=False`` (a product's own split) leaves the window as it is, or
    products would keep it open forever."""
    k = min(parts(), n)
    if k <= 1 or not _lock.acquire(blocking=False):
        return [fn(0, n)]
    global _last_split
    try:
        get, put = blas_threads()
        before = get()
        put(1)
        try:
            return _run(n, k, fn)
        finally:
            put(before)
            if renew:
                _last_split = time.monotonic()
    finally:
        _lock.release()


def product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.matmul(a, b)``; for :data:`RECENT` seconds after a split, with BLAS's workers kept
    asleep: a large 2-D float product split by rows over gradtape's threads, any other on one
    BLAS thread. A split product may differ from the whole one in the last bits: BLAS picks its
    kernel, and so the order of each sum, by the size of the product."""
    if time.monotonic() - _last_split > RECENT:
        return np.matmul(a, b)
    if (a.ndim == 2 and b.ndim == 2 and a.dtype == b.dtype and a.dtype in _FLOATS and a.shape[0] > 1
            and a.shape[0] * a.shape[1] * b.shape[1] >= MIN_PRODUCT and parts() > 1):
        out = np.empty((a.shape[0], b.shape[1]), a.dtype)
        _split(a.shape[0], lambda lo, hi: np.matmul(a[lo:hi], b, out=out[lo:hi]), renew=False)
        return out
    get, put = blas_threads()
    before = get()
    if before == 1:
        return np.matmul(a, b)
    put(1)
    try:
        return np.matmul(a, b)
    finally:
        put(before)


def _run(n, k, fn):
    while len(_workers) < k - 1:
        _workers.append(_Worker())
    bounds = [n * i // k for i in range(k + 1)]
    for i in range(1, k):
        w = _workers[i - 1]
        w.job, w.error = (fn, bounds[i], bounds[i + 1]), None
        w.go.release()
    error = None
    try:
        results = [fn(bounds[0], bounds[1])]
    except BaseException as e:  # the workers still finish before it is raised
        error, results = e, [None]
    try:
        for w in _workers[:k - 1]:
            w.done.acquire()
            results.append(w.result)
            e, w.result, w.error = w.error, None, None
            if error is None:
                error = e
    except BaseException:  # interrupted (Ctrl-C) while a worker still runs: start afresh next time
        _workers.clear()
        raise
    if error is not None:
        raise error
    return results


def _after_fork():  # a forked child has none of the parent's threads
    global _lock
    _workers.clear()
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
