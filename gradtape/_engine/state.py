"""Thread-local recorder stack: the tapes and accumulators active on this thread.

A recorder is anything with ``record(prim, args, vals, outs, attrs)``, ``record1(prim, x, xv,
out)`` and ``record2(prim, x, y, xv, yv, out)`` (the same for an op of one or two arguments
without attributes and with one output): a
:class:`~gradtape.GradientTape`, a :class:`~gradtape.autodiff.ForwardAccumulator` or a
variable watcher used by ``custom_gradient``. Recorders are listed outermost first. Every
primitive that runs while the stack is non-empty is offered to each recorder in order.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager


class _State(threading.local):
    def __init__(self) -> None:
        self.stack: list = []


state = _State()


@contextmanager
def only_outer(recorder):
    """Run the body with only the recorders outside ``recorder`` active.

    Used while a recorder computes its own derivatives, so that outer recorders see the
    computation (higher-order derivatives) and the recorder itself and inner ones do not.
    """
    saved = state.stack
    try:
        k = saved.index(recorder)
    except ValueError:
        k = len(saved)
    state.stack = saved[:k]
    try:
        yield
    finally:
        state.stack = saved


@contextmanager
def paused():
    """Run the body with no recorder active (nothing is recorded or watched)."""
    saved = state.stack
    state.stack = []
    try:
        yield
    finally:
        state.stack = saved
