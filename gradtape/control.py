"""Control flow and ``function``, with TensorFlow's names and eager semantics.

gradtape is eager only, so these run as the Python they describe, exactly as TensorFlow runs
them eagerly: ``cond`` calls one branch, ``while_loop`` loops, ``map_fn`` calls ``fn`` once per
element and stacks the results. The tape records the ops the calls run, so gradients flow
through the branch taken and every iteration. ``function`` runs its Python function as it is
(TensorFlow's behaviour under ``tf.config.run_functions_eagerly(True)``): a train step decorated
with ``@tf.function`` ports unchanged.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from . import nest
from ._engine.structure import first_dimension
from ._engine.tensor import Tensor, to_array, wrap
from .ops.array import stack, stop_gradient, unstack
from .ops.creation import zeros

__all__ = ["case", "cond", "foldl", "foldr", "function", "map_fn", "scan", "switch_case",
           "vectorized_map", "while_loop"]


def function(func: Callable | None = None, input_signature=None, autograph: bool = True,
             jit_compile=None, reduce_retracing: bool = False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """``tf.function``: a decorator that keeps ``func`` as it is (gradtape has no graphs).

    The decorated function runs its Python on every call, as TensorFlow's does under
    ``tf.config.run_functions_eagerly(True)``: Python side effects (``print``, appending to a
    list) happen on every call, not only when TensorFlow would trace. The arguments are accepted
    for porting and do not change anything; ``input_signature`` is not checked. The original is
    at ``.python_function``.

    >>> import gradtape as gt
    >>> @gt.function
    ... def square(x):
    ...     return x * x
    >>> float(square(gt.constant(3.0)))
    9.0
    """
    if func is None:
        return functools.partial(function, input_signature=input_signature, autograph=autograph,
                                 jit_compile=jit_compile, reduce_retracing=reduce_retracing)
    if not callable(func):
        raise TypeError(f"function: func must be callable, got {type(func).__name__}")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    wrapper.python_function = func
    return wrapper


def _predicate(pred, op: str, what: str = "pred") -> bool:
    shape = getattr(pred, "shape", ())
    if tuple(shape) != ():
        raise ValueError(f"{op}: {what} must be a scalar (shape ()), got shape {tuple(shape)}; "
                         "reduce it first, for example with gt.reduce_all")
    return bool(pred)


def cond(pred, true_fn: Callable | None = None, false_fn: Callable | None = None, name=None):
    """``true_fn()`` if ``pred`` is true, else ``false_fn()``.

    ``pred`` is a scalar boolean tensor or a Python bool. Only the branch taken runs, so only
    its ops are on the tape: variables read only by the other branch get ``None`` gradients.

    >>> import gradtape as gt
    >>> x = gt.constant(2.0)
    >>> float(gt.cond(x > 0, lambda: x * 10.0, lambda: -x))
    20.0
    """
    if true_fn is None or false_fn is None:
        raise TypeError("cond: both true_fn and false_fn must be given")
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("cond: true_fn and false_fn must be callables taking no argument")
    return true_fn() if _predicate(pred, "cond") else false_fn()


def case(pred_fn_pairs, default: Callable | None = None, exclusive: bool = False,
         strict: bool = False, name: str = "case"):
    """Call the function of the first ``(pred, fn)`` pair whose scalar boolean ``pred`` is true,
    or ``default`` when none is (the last pair's function when there is no default, as in
    TensorFlow). With ``exclusive=True`` more than one true predicate is an error.

    >>> import gradtape as gt
    >>> x = gt.constant(5.0)
    >>> float(gt.case([(x < 0, lambda: -x), (x > 3, lambda: x * 10.0)], default=lambda: x))
    50.0
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    if not pairs:
        raise ValueError("case: pred_fn_pairs is empty; give at least one (pred, fn) pair")
    for p in pairs:
        if not (isinstance(p, tuple) and len(p) == 2 and callable(p[1])):
            raise TypeError(f"case: each element of pred_fn_pairs must be a (pred, fn) pair with a "
                            f"callable fn, got {p!r}")
    hits = [i for i, (pred, _) in enumerate(pairs) if _predicate(pred, "case")]
    if exclusive and len(hits) > 1:
        raise ValueError(f"case: exclusive=True but the predicates of pairs {hits} are all true")
    if hits:
        return pairs[hits[0]][1]()
    return default() if default is not None else pairs[-1][1]()


def switch_case(branch_index, branch_fns, default: Callable | None = None, name=None):
    """Call the branch numbered ``branch_index``: ``branch_fns`` is a list of callables, a dict
    from int to callable, or a list of ``(int, callable)`` pairs. An index with no branch runs
    ``default``, or the last branch when there is no default, as in TensorFlow.

    >>> import gradtape as gt
    >>> float(gt.switch_case(gt.constant(1), [lambda: gt.constant(10.0), lambda: gt.constant(20.0)]))
    20.0
    """
    if isinstance(branch_fns, dict):
        table = dict(branch_fns)
    else:
        fns = list(branch_fns)
        if fns and all(isinstance(f, tuple) and len(f) == 2 for f in fns):
            table = dict(fns)
        else:
            table = dict(enumerate(fns))
    if not table:
        raise ValueError("switch_case: branch_fns is empty; give at least one branch")
    for k, f in table.items():
        if not isinstance(k, int) or not callable(f):
            raise TypeError("switch_case: branch_fns must map integers to callables, got "
                            f"{k!r}: {type(f).__name__}")
    if isinstance(branch_index, Tensor):
        if branch_index.shape != () or branch_index.dtype.kind not in "iu":
            raise TypeError("switch_case: branch_index must be a scalar integer, got "
                            f"{branch_index.dtype.name}{branch_index.shape}")
    branch_index = int(branch_index)
    fn = table.get(branch_index)
    if fn is None:
        fn = default if default is not None else table[max(table)]
    return fn()


def while_loop(cond: Callable, body: Callable, loop_vars, shape_invariants=None,
               parallel_iterations: int = 10, back_prop: bool = True, swap_memory: bool = False,
               maximum_iterations=None, name=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` is true.

    ``loop_vars`` is a list or tuple (possibly nested) passed positionally to ``cond`` and
    ``body``; ``body`` returns the same structure. As TensorFlow eagerly, the result is what the
    last ``body`` call returned (``loop_vars`` itself if the loop never ran). A single tensor
    as ``loop_vars`` is passed and returned as it is. ``maximum_iterations`` caps the number of
    iterations; ``back_prop=False`` stops gradients at the result. ``shape_invariants``,
    ``parallel_iterations`` and ``swap_memory`` are accepted for porting.

    >>> import gradtape as gt
    >>> i, total = gt.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + i),
    ...                          (gt.constant(0), gt.constant(0)))
    >>> int(i), int(total)
    (4, 6)
    """
    if not callable(cond):
        raise TypeError("while_loop: 'cond' must be callable")
    if not callable(body):
        raise TypeError("while_loop: 'body' must be callable")
    if parallel_iterations < 1:
        raise TypeError("while_loop: 'parallel_iterations' must be a positive integer")
    single = not isinstance(loop_vars, (list, tuple))
    if not single and not loop_vars:
        raise ValueError("while_loop: 'loop_vars' must be provided (it is empty)")
    if maximum_iterations is not None:
        m = maximum_iterations
        if isinstance(m, Tensor) and m.shape != ():
            raise ValueError(f"while_loop: 'maximum_iterations' must be a scalar, got shape {m.shape}")
        maximum_iterations = int(m)
    reference = loop_vars if single else list(loop_vars)
    n = 0
    while maximum_iterations is None or n < maximum_iterations:
        go = cond(loop_vars) if single else cond(*loop_vars)
        if not _predicate(go, "while_loop", "the result of cond"):
            break
        new = body(loop_vars) if single else body(*loop_vars)
        _check_body(reference, new, single)
        loop_vars = new
        n += 1
    return loop_vars if back_prop else nest.map_structure(_stop, loop_vars)


def _check_body(reference, new, single: bool) -> None:
    if not single and not isinstance(new, (list, tuple)):
        hint = " (return a tuple such as (x,) for one loop variable)" if len(reference) == 1 else ""
        raise ValueError(f"while_loop: body must return a list or tuple like loop_vars, got "
                         f"{type(new).__name__}{hint}")
    try:
        nest.assert_same_structure(reference, new if single else list(new))
    except (ValueError, TypeError) as e:
        raise type(e)(f"while_loop: body must return the structure of loop_vars: {e}") from None


def map_fn(fn: Callable, elems, dtype=None, parallel_iterations=None, back_prop: bool = True,
           swap_memory: bool = False, infer_shape: bool = True, name=None,
           fn_output_signature=None):
    """``fn`` applied to each element of ``elems`` along its first axis, the results stacked.

    ``elems`` may be a structure of tensors with the same first dimension; ``fn`` then receives
    one element of each, in that structure, and may return any structure of tensors, stacked
    leaf by leaf. ``fn_output_signature`` (or the older ``dtype``) gives the dtype of the
    result when ``elems`` is empty; otherwise the results' own dtypes are kept.

    >>> import gradtape as gt
    >>> gt.map_fn(lambda row: gt.reduce_sum(row * row), gt.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    array([ 5., 25.], dtype=float32)
    """
    if not callable(fn):
        raise TypeError("map_fn: fn must be callable")
    n, columns = _columns(elems, "map_fn")
    if n == 0:
        sig = fn_output_signature if fn_output_signature is not None else dtype
        if sig is None:
            return elems
        return nest.map_structure(lambda d: zeros((0,), dtype=d), sig)
    results = [fn(nest.pack_sequence_as(elems, [c[i] for c in columns])) for i in range(n)]
    first = results[0]
    for r in results[1:]:
        nest.assert_same_structure(first, r, check_types=False)
    leaves = [nest.flatten(r) for r in results]
    out = [stack(list(col)) for col in zip(*leaves)]
    if not back_prop:
        out = [stop_gradient(o) for o in out]
    return nest.pack_sequence_as(first, out)


def vectorized_map(fn: Callable, elems, fallback_to_while_loop: bool = True, warn: bool = True) -> Any:
    """``tf.vectorized_map``: the same results as :func:`map_fn` (``fn`` on each element along the
    first axis, stacked). gradtape calls ``fn`` once per element, as TensorFlow does when it
    falls back to a loop; for per-example gradients, ``GradientTape.batch_jacobian`` and
    ``jacobian`` are vectorized.

    >>> import gradtape as gt
    >>> gt.vectorized_map(lambda x: x * 2.0, gt.constant([1.0, 2.0])).numpy()
    array([2., 4.], dtype=float32)
    """
    return map_fn(fn, elems)


def _columns(elems, op: str):
    """``elems``'s leaves as tensors and each leaf's rows (one tensor per step)."""
    flat = [e if isinstance(e, Tensor) else wrap(to_array(e)) for e in nest.flatten(elems)]
    n = first_dimension(flat, op)
    return n, [unstack(e) if n else [] for e in flat]


def _step_order(n: int, reverse: bool) -> range:
    return range(n - 1, -1, -1) if reverse else range(n)


def scan(fn: Callable, elems, initializer=None, parallel_iterations=10, back_prop: bool = True,
         swap_memory: bool = False, infer_shape: bool = True, reverse: bool = False, name=None):
    """The running results of ``acc = fn(acc, x)`` over the elements ``x`` of ``elems`` (along
    the first axis), stacked. Without ``initializer`` the first element starts the
    accumulator and is the first result. ``reverse=True`` scans from the last element (result
    ``i`` still belongs to element ``i``). Structures work as in :func:`map_fn`.

    >>> import gradtape as gt
    >>> gt.scan(lambda a, x: a + x, gt.constant([1.0, 2.0, 3.0])).numpy()
    array([1., 3., 6.], dtype=float32)
    """
    if not callable(fn):
        raise TypeError("scan: fn must be callable")
    n, columns = _columns(elems, "scan")
    order = list(_step_order(n, reverse))
    results: dict = {}
    if initializer is None:
        if n == 0:
            raise ValueError("scan: elems is empty and there is no initializer to return")
        first = order.pop(0)
        acc = nest.pack_sequence_as(elems, [c[first] for c in columns])
        results[first] = acc
    else:
        acc = initializer
    for i in order:
        acc = fn(acc, nest.pack_sequence_as(elems, [c[i] for c in columns]))
        results[i] = acc
    if not results:
        return nest.map_structure(_empty_like, initializer)
    ordered = [results[i] for i in range(n)]
    for r in ordered[1:]:
        nest.assert_same_structure(ordered[0], r, check_types=False)
    out = [stack(list(col)) for col in zip(*[nest.flatten(r) for r in ordered])]
    if not back_prop:
        out = [stop_gradient(o) for o in out]
    return nest.pack_sequence_as(ordered[0], out)


def _empty_like(a):
    """A stack of no results shaped like the accumulator ``a``."""
    t = a if isinstance(a, Tensor) else wrap(to_array(a))
    return zeros((0,) + tuple(t.shape), dtype=t.dtype)


def _fold(fn, elems, initializer, reverse: bool, op: str):
    if not callable(fn):
        raise TypeError(f"{op}: fn must be callable")
    n, columns = _columns(elems, op)
    order = list(_step_order(n, reverse))
    if initializer is None:
        if n == 0:
            raise ValueError(f"{op}: elems is empty and there is no initializer to return")
        acc = nest.pack_sequence_as(elems, [c[order.pop(0)] for c in columns])
    else:
        acc = initializer
    for i in order:
        acc = fn(acc, nest.pack_sequence_as(elems, [c[i] for c in columns]))
    return acc


def foldl(fn: Callable, elems, initializer=None, parallel_iterations=10, back_prop: bool = True,
          swap_memory: bool = False, name=None):
    """``acc = fn(acc, x)`` over the elements of ``elems`` from the first; the last ``acc``.
    Without ``initializer`` the first element starts the accumulator.

    >>> import gradtape as gt
    >>> float(gt.foldl(lambda a, x: a * 10.0 + x, gt.constant([1.0, 2.0, 3.0])))
    123.0
    """
    acc = _fold(fn, elems, initializer, False, "foldl")
    return acc if back_prop else nest.map_structure(_stop, acc)


def foldr(fn: Callable, elems, initializer=None, parallel_iterations=10, back_prop: bool = True,
          swap_memory: bool = False, name=None):
    """``acc = fn(acc, x)`` over the elements of ``elems`` from the last; the last ``acc``.

    >>> import gradtape as gt
    >>> float(gt.foldr(lambda a, x: a * 10.0 + x, gt.constant([1.0, 2.0, 3.0])))
    321.0
    """
    acc = _fold(fn, elems, initializer, True, "foldr")
    return acc if back_prop else nest.map_structure(_stop, acc)


def _stop(v):
    return stop_gradient(v) if isinstance(v, Tensor) else v
