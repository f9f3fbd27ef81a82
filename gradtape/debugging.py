"""Debugging gradients: why a gradient is None, and where a NaN or Inf first appears.

>>> import gradtape as gt
>>> x = gt.constant(2.0)
>>> with gt.GradientTape() as tape:
...     y = x * x
>>> print(gt.debugging.explain_gradient(tape, y, x))  # doctest: +ELLIPSIS
The gradient ... is None: the source (Tensor of shape () and dtype float32) was never watched...
"""

from __future__ import annotations

from collections import defaultdict, deque
from contextlib import contextmanager

from ._engine import numerics
from ._engine.numerics import NumericsError
from ._engine.tensor import Tensor, Variable, is_differentiable_dtype

__all__ = ["explain_gradient", "enable_check_numerics", "disable_check_numerics", "detect_anomaly",
           "NumericsError"]

_NONE = "The gradient of the target with respect to the source is None: "


def _describe(t) -> str:
    kind = "Variable" if isinstance(t, Variable) else "Tensor"
    name = f" '{t.name}'" if isinstance(t, Variable) else ""
    return f"{kind}{name} of shape {t.shape} and dtype {t.dtype.name}"


def _search(graph, blocked, start: int, goal: int):
    """Breadth-first search from ``start``; returns (reached, first blocked op on the path)."""
    adj = defaultdict(list)
    for rec in graph:
        for i in rec[1]:
            if i is not None:
                adj[i].append((rec[3], None))
    for name, in_ids, out_ids in blocked:
        for i in in_ids:
            if i is not None:
                adj[i].append((out_ids, name))
    seen = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for outs, blocker in adj[node]:
            for o in outs:
                if o not in seen:
                    seen[o] = blocker if blocker is not None else seen[node]
                    queue.append(o)
    if goal in seen:
        return True, seen[goal]
    return False, None


def explain_gradient(tape, target, source) -> str:
    """Say in plain words why ``tape.gradient(target, source)`` is (or is not) None.

    Works on persistent tapes and on non-persistent tapes after ``gradient()`` (a spent
    tape keeps the shape of its graph, without arrays).

    >>> import gradtape as gt
    >>> v = gt.Variable(1.0, trainable=False)
    >>> with gt.GradientTape() as tape:
    ...     y = v * 2.0
    >>> print(gt.debugging.explain_gradient(tape, y, v))  # doctest: +ELLIPSIS
    The gradient ... is None: the source is a non-trainable Variable...
    """
    if not isinstance(source, Tensor):
        return (_NONE + f"the source is a {type(source).__name__}, not a gt.Tensor or gt.Variable; "
                "convert it with gt.constant and watch it with tape.watch.")
    if not isinstance(target, Tensor):
        return _NONE + f"the target is a {type(target).__name__}, not a gt.Tensor."
    if not is_differentiable_dtype(source.dtype):
        return (_NONE + f"the source is an integer tensor ({_describe(source)}); only floating and "
                "complex tensors get gradients. Cast it to a float dtype before the computation "
                "and watch the float tensor.")
    if not is_differentiable_dtype(target.dtype):
        return (_NONE + f"the target has dtype {target.dtype.name}; integer and bool targets have no "
                "gradient. Differentiate a floating-point quantity instead.")
    if target._id == source._id:
        return "The gradient is not None: the target is the source itself (the gradient is ones)."
    ids = tape._ids
    graph = tape._records if tape._records is not None else (tape._skeleton or [])
    blocked = tape._blocked
    if source._id not in ids:
        assigned = [name for name, ins, _ in blocked
                    if name and source._id in ins and name.endswith(".assign")]
        if assigned:
            return (_NONE + f"the source was only used as the value of {assigned[0]}(...); assign, "
                    "assign_add and assign_sub are not recorded, so no gradient flows through them. "
                    "Compute with the tensor itself (e.g. y = x0 + x1) instead of assigning it.")
        if isinstance(source, Variable):
            if not source.trainable:
                return (_NONE + "the source is a non-trainable Variable; tapes watch only trainable "
                        "variables automatically. Call tape.watch(v) inside the `with` block.")
            if not tape._watch_accessed_variables:
                return (_NONE + "the tape was created with watch_accessed_variables=False and the "
                        "variable was never watched. Call tape.watch(v) inside the `with` block.")
            return (_NONE + "the variable was not read by any op while the tape was recording. Use it "
                    "inside the `with` block (not only before it or inside stop_recording()).")
        return (_NONE + f"the source ({_describe(source)}) was never watched by this tape and no "
                "recorded op produced it. Call tape.watch(x) inside the `with` block. If x was a "
                "Variable that you replaced by a Tensor (x = x + 1), update it in place with "
                "x.assign_add(1) so that it stays a Variable.")
    if target._id not in ids:
        reached, blocker = _search(graph, blocked, source._id, target._id)
        if reached and blocker is not None:
            return (_NONE + f"the path from the source to the target goes through '{blocker}', "
                    "which has no gradient (stop_gradient, a comparison, a cast to an integer "
                    "type, or an assign). Remove it from the path, or use a differentiable op.")
        return (_NONE + "the target was not computed from anything this tape watched while it was "
                "recording: it was computed outside the `with` block, inside stop_recording(), "
                "before reset(), or from values that left gradtape (t.numpy(), np.asarray) and "
                "came back as constants. Compute it with gradtape ops inside the `with` block.")
    reached, blocker = _search(graph, blocked, source._id, target._id)
    if reached and blocker is None:
        return ("The gradient is not None: the target depends on the source through ops recorded "
                "on this tape.")
    if reached:
        return (_NONE + f"the only path from the source to the target goes through '{blocker}', "
                "which has no gradient (stop_gradient, a comparison, a cast to an integer type, or "
                "an assign).")
    return (_NONE + "the target does not depend on the source: both are on this tape, but no "
            "recorded op leads from the source to the target. Pass "
            "unconnected_gradients='zero' to get zeros instead.")


def enable_check_numerics() -> None:
    """Raise :class:`NumericsError` at the first op whose output, or whose gradient, holds a NaN
    or an Inf, naming the op, its inputs' shapes and dtypes, and the line of user code.

    >>> import gradtape as gt
    >>> gt.debugging.enable_check_numerics()
    >>> try:
    ...     gt.log(gt.constant([-1.0]))
    ... except gt.debugging.NumericsError as e:
    ...     print(str(e).split(';')[0])
    op 'log' produced NaN in its output
    >>> gt.debugging.disable_check_numerics()
    """
    numerics.enable()


def disable_check_numerics() -> None:
    """Turn the checks of :func:`enable_check_numerics` off (they cost nothing when off).

    >>> import gradtape as gt
    >>> gt.debugging.disable_check_numerics()
    """
    numerics.disable()


@contextmanager
def detect_anomaly():
    """Check numerics inside a ``with`` block only, like ``torch.autograd.detect_anomaly``.

    >>> import gradtape as gt
    >>> x = gt.constant(0.0)
    >>> with gt.debugging.detect_anomaly():
    ...     with gt.GradientTape() as tape:
    ...         tape.watch(x)
    ...         y = gt.sqrt(x)
    ...     try:
    ...         tape.gradient(y, x)
    ...     except gt.debugging.NumericsError as e:
    ...         print(str(e).split(';')[0])
    the gradient for input 0 of op 'sqrt' contains Inf
    """
    was = numerics.enabled
    numerics.enable()
    try:
        yield
    finally:
        if not was:
            numerics.disable()


from .assertions import *  # noqa: E402,F401,F403  (tf.debugging's assertions and check_numerics)
