"""GradientTape: records the primitives that touch watched tensors, then differentiates them.

The tape is a list of records (see :mod:`.backprop`) and a set of the ids it tracks: watched
tensors, variables it saw being read, and the outputs of every op it recorded. An op is
recorded when it runs while the tape is on this thread's recorder stack and one of its inputs
is tracked. Nothing points from a tensor back to the tape, so deleting a tape frees every
array it saved at once, without the cycle collector.
"""

from __future__ import annotations

import enum
import warnings
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import structure
from .backprop import backward
from .indexed_slices import IndexedSlices
from .primitive import meta
from .state import state
from . import numerics
from .tensor import Tensor, Variable, is_differentiable_dtype, to_array, wrap


_SMALL = 1024  # arrays up to this many elements are kept whole on the tape
_DIFF_DTYPES = frozenset(np.dtype(c) for c in "efdgFDG")  # dtypes that carry gradients


def _drop_unsaved(vals, save_args):
    """Keep only what the rules read: large unread arrays become shape/dtype records (small
    ones are kept as they are; a record would cost more than it saves)."""
    for v in vals:
        if type(v) is np.ndarray and v.size > _SMALL:
            return [v if (k in save_args or type(v) is not np.ndarray or v.size <= _SMALL) else meta(v)
                    for k, v in enumerate(vals)]
    return vals


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


def _unconnected(value) -> UnconnectedGradients:
    try:
        return UnconnectedGradients(value.value if isinstance(value, UnconnectedGradients) else value)
    except ValueError:
        raise ValueError(
            f"Unknown value for unconnected_gradients: {value!r}; use "
            "gt.UnconnectedGradients.NONE ('none') or gt.UnconnectedGradients.ZERO ('zero')") from None


def _check_sources(flat_sources, what="sources"):
    for s in flat_sources:
        if not isinstance(s, Tensor):
            raise ValueError(
                f"GradientTape.{what}: every source must be a gt.Tensor or gt.Variable, got "
                f"{type(s).__name__}; convert values with gt.constant and watch them with tape.watch")


class GradientTape:
    """Record operations for automatic differentiation, as ``tf.GradientTape``.

    >>> import gradtape as gt
    >>> x = gt.constant(3.0)
    >>> with gt.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = x * x
    >>> float(tape.gradient(y, x))
    6.0
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._clear()
        self._recording = False
        self._entered = False  # entered at least once since created or last spent

    def _clear(self) -> None:
        self._records: list | None = []
        self._ids: set = set()               # every id the tape tracks
        self._watched_vars: dict = {}        # id -> Variable, in order of first watch
        self._watched: set = set()           # ids watched explicitly or as accessed variables
        self._blocked: list = []             # edges with no gradient, kept to explain None
        self._shadow: set = set()            # ids downstream of such edges
        self._sites: dict = {}               # out id -> user code location (check numerics)
        self._skeleton: list | None = None   # a spent tape's graph without arrays

    # -- context -------------------------------------------------------------------------
    def __enter__(self) -> "GradientTape":
        self._push()
        return self

    def __exit__(self, typ, value, tb) -> None:
        if self._recording:
            self._pop()

    def _push(self) -> None:
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter an "
                             "already-active tape.")
        if self._records is None:
            self._clear()
        state.stack = state.stack + [self]
        self._recording = True
        self._entered = True

    def _pop(self) -> None:
        if not self._recording:
            raise ValueError("Tape is not recording.")
        stack = state.stack
        if self in stack:
            state.stack = [r for r in stack if r is not self]
        else:
            raise RuntimeError(
                "GradientTape: this tape is recording on another thread; a tape records on the "
                "thread that entered it, and must be exited there")
        self._recording = False

    @contextmanager
    def stop_recording(self):
        """Temporarily stop recording operations on this tape.

        >>> import gradtape as gt
        >>> x = gt.constant(2.0)
        >>> with gt.GradientTape() as tape:
        ...     tape.watch(x)
        ...     with tape.stop_recording():
        ...         y = x * x
        >>> print(tape.gradient(y, x))
        None
        """
        if not self._recording:
            if self._records is None or not self._entered:
                raise RuntimeError("GradientTape.stop_recording: the tape is not recording (it was "
                                   "never entered, or its gradient has been taken); call it inside "
                                   "the tape's `with` block")
            # exited, or already stopped: a ValueError, as TensorFlow
            raise ValueError("GradientTape.stop_recording: the tape is not recording (its `with` "
                             "block has exited, or recording is already stopped); call it inside "
                             "the tape's `with` block")
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self) -> None:
        """Clear everything recorded; inside the ``with`` block the tape keeps recording.

        >>> import gradtape as gt
        >>> x = gt.constant(2.0)
        >>> with gt.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        ...     tape.reset()
        ...     tape.watch(x)
        ...     y = x * x * x
        >>> float(tape.gradient(y, x))
        12.0
        """
        self._pop()
        self._clear()
        self._push()

    # -- watching ------------------------------------------------------------------------
    def watch(self, tensor: Any) -> None:
        """Track a tensor, a variable or a nested structure of them.

        >>> import gradtape as gt
        >>> x = gt.constant([1.0, 2.0])
        >>> with gt.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = gt.reduce_sum(x * x)
        >>> tape.gradient(y, x).numpy()
        array([2., 4.], dtype=float32)
        """
        self._check_alive("watch")
        for t in structure.flatten(tensor):
            if not isinstance(t, Tensor):
                raise ValueError(
                    f"GradientTape.watch: passed in object of type {type(t).__name__}, not a "
                    "gt.Tensor or gt.Variable; convert it first with gt.constant(value)")
            if not is_differentiable_dtype(t.dtype):
                warnings.warn(
                    f"GradientTape.watch: the watched tensor has dtype {t.dtype.name}; only "
                    "floating and complex dtypes (e.g. gt.float32) get gradients", stacklevel=2)
            self._ids.add(t._id)
            self._watched.add(t._id)
            if isinstance(t, Variable) and t._id not in self._watched_vars:
                self._watched_vars[t._id] = t

    def watched_variables(self) -> tuple:
        """The variables this tape watched, in order of creation (as TensorFlow orders them).

        >>> import gradtape as gt
        >>> a, b = gt.Variable(1.0, name="a"), gt.Variable(2.0, name="b")
        >>> with gt.GradientTape() as tape:
        ...     y = b * a
        >>> [v.name for v in tape.watched_variables()]
        ['a:0', 'b:0']
        """
        return tuple(sorted(self._watched_vars.values(), key=lambda v: v._id))

    def _check_alive(self, what: str) -> None:
        if self._records is None:
            self._clear()

    # -- recording (called by bind for every op while this tape is on the stack) --------
    def record(self, prim, args, vals, outs, attrs) -> None:
        ids = self._ids
        hit = False
        in_ids = []
        for a in args:
            if isinstance(a, Tensor):
                i = a._id
                in_ids.append(i)
                if i in ids:
                    hit = True
                elif type(a) is Variable and a.trainable and self._watch_accessed_variables:
                    self._watch_variable(a)
                    hit = True
            else:
                in_ids.append(None)
        if not hit:
            if self._shadow:
                self._follow_shadow(prim, in_ids, outs)
            return
        if prim.single:
            # The common case, one output: checks ordered by cost, each attribute read once.
            o = outs[0]
            ov = o._value
            dt = ov.dtype
            if dt not in _DIFF_DTYPES and dt.kind not in "fc":
                self._block(f"{prim.name} (to {dt.name})", in_ids, (o._id,))
                return  # integer or bool output: nothing to differentiate
            if prim.drops:  # a rule leaves some value unread: keep shapes of large ones only
                big = ov.size > _SMALL
                if prim.save_args is not None and (big or not prim.elementwise):
                    vals = _drop_unsaved(vals, prim.save_args)
                if big and not prim.save_out and type(ov) is np.ndarray:
                    ov = meta(ov)
            oid = o._id
            # Tuples, not lists, the primitive by index and no empty dict: a tuple of ints,
            # arrays and tuples leaves the cycle collector's lists after one pass; a long tape
            # of tracked records made every collection walk it all.
            self._records.append((prim.ref, tuple(in_ids), tuple(vals), (oid,), (ov,), attrs or None))
            ids.add(oid)
            if numerics.enabled:
                self._sites[oid] = numerics.user_site()
            return
        da = prim.diff_args
        if da is not None and not da:
            # No differentiable input (stop_gradient, comparisons, ...): remember the edge
            # only to explain a None gradient later.
            self._block(prim.name, in_ids, tuple(o._id for o in outs))
            return
        if prim.save_args is not None:
            vals = _drop_unsaved(vals, prim.save_args)
        if not any(o._value.dtype.kind in "fc" for o in outs):
            return
        out_ids = tuple(o._id for o in outs)
        saved_out = tuple(o._value if prim.save_out else meta(o._value) for o in outs)
        self._records.append((prim.ref, tuple(in_ids), tuple(vals), out_ids, saved_out, attrs or None))
        ids.update(out_ids)
        if numerics.enabled:
            self._sites[out_ids[0]] = numerics.user_site()

    def record1(self, prim, x, xv, o) -> None:
        """:meth:`record` for a one-argument op without attributes (``bind1``'s hot path). The
        one-output tail repeats :meth:`record`'s on purpose (a shared helper costs about 5% of
        an op on a tape); tests/test_tape.py checks that the three methods record alike."""
        if not isinstance(x, Tensor):
            self.record(prim, (x,), (xv,), (o,), None)
            return
        xi = x._id
        ids = self._ids
        if xi not in ids:
            if type(x) is Variable and x.trainable and self._watch_accessed_variables:
                self._watch_variable(x)
            else:
                if self._shadow:
                    self._follow_shadow(prim, (xi,), (o,))
                return
        if not prim.single:
            self.record(prim, (x,), (xv,), (o,), None)
            return
        ov = o._value
        dt = ov.dtype
        if dt not in _DIFF_DTYPES and dt.kind not in "fc":
            self._block(f"{prim.name} (to {dt.name})", (xi,), (o._id,))
            return
        vals = (xv,)
        if prim.drops:  # as in record
            big = ov.size > _SMALL
            if prim.save_args is not None and (big or not prim.elementwise):
                vals = tuple(_drop_unsaved(vals, prim.save_args))
            if big and not prim.save_out and type(ov) is np.ndarray:
                ov = meta(ov)
        oid = o._id
        self._records.append((prim.ref, (xi,), vals, (oid,), (ov,), None))
        ids.add(oid)
        if numerics.enabled:
            self._sites[oid] = numerics.user_site()

    def record2(self, prim, x, y, xv, yv, o) -> None:
        """:meth:`record` for a two-argument op without attributes (``bind2``'s hot path): the
        inputs are checked one by one, without building argument tuples first (see
        :meth:`record1` on the repeated tail)."""
        ids = self._ids
        hit = False
        if isinstance(x, Tensor):
            xi = x._id
            if xi in ids:
                hit = True
            elif type(x) is Variable and x.trainable and self._watch_accessed_variables:
                self._watch_variable(x)
                hit = True
        else:
            xi = None
        if isinstance(y, Tensor):
            yi = y._id
            if yi in ids:
                hit = True
            elif type(y) is Variable and y.trainable and self._watch_accessed_variables:
                self._watch_variable(y)
                hit = True
        else:
            yi = None
        if not hit:
            if self._shadow:
                self._follow_shadow(prim, (xi, yi), (o,))
            return
        if not prim.single:
            self.record(prim, (x, y), (xv, yv), (o,), None)
            return
        ov = o._value
        dt = ov.dtype
        if dt not in _DIFF_DTYPES and dt.kind not in "fc":
            self._block(f"{prim.name} (to {dt.name})", (xi, yi), (o._id,))
            return
        vals = (xv, yv)
        if prim.drops:  # as in record
            big = ov.size > _SMALL
            if prim.save_args is not None and (big or not prim.elementwise):
                vals = tuple(_drop_unsaved(vals, prim.save_args))
            if big and not prim.save_out and type(ov) is np.ndarray:
                ov = meta(ov)
        oid = o._id
        self._records.append((prim.ref, (xi, yi), vals, (oid,), (ov,), None))
        ids.add(oid)
        if numerics.enabled:
            self._sites[oid] = numerics.user_site()

    def _block(self, name, in_ids, out_ids) -> None:
        self._blocked.append((name, in_ids, out_ids))
        self._shadow.update(out_ids)

    def _follow_shadow(self, prim, in_ids, outs) -> None:
        """Keep following values downstream of a blocked edge (ids only), so that an
        explanation can find the blocking op on the path to the target."""
        if any(i in self._shadow for i in in_ids if i is not None):
            out_ids = tuple(o._id for o in outs)
            self._blocked.append((None, in_ids, out_ids))
            self._shadow.update(out_ids)

    def note_assign(self, variable, value) -> None:
        """Called by ``Variable.assign*`` while this tape records: assignments carry no
        gradient, so remember them to explain a None gradient. As in TensorFlow, assigning to
        a trainable variable accesses it, so the tape watches it."""
        if (variable._id not in self._ids and self._watch_accessed_variables
                and type(variable) is Variable and variable.trainable):
            self._watch_variable(variable)
        if isinstance(value, Tensor):
            self._blocked.append((f"{variable.name}.assign", [value._id], (variable._id,)))

    def _watch_variable(self, v) -> None:
        self._ids.add(v._id)
        self._watched.add(v._id)
        if v._id not in self._watched_vars:
            self._watched_vars[v._id] = v

    # -- differentiation -----------------------------------------------------------------
    def _start(self, what: str, stacklevel: int = 3) -> list:
        if self._records is None:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set "
                               "of gradients (or jacobians)")
        if self._recording:
            if not self._persistent:
                self._pop()
            else:
                # TensorFlow logs this warning; the gradient ops are recorded on the tape.
                warnings.warn(
                    f"Calling GradientTape.{what} on a persistent tape inside its context is "
                    "significantly less efficient than calling it outside the context (it causes "
                    "the gradient ops to be recorded on the tape, leading to increased CPU and "
                    "memory usage). Only call it inside the context if you actually want to trace "
                    "the gradient in order to compute higher order derivatives.", stacklevel=stacklevel)
        return self._records

    def _finish(self) -> None:
        if not self._persistent:
            self._skeleton = self._records   # records were reduced to skeletons by the sweep
            self._records = None
            self._entered = False

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """Gradient of the sum of ``target``'s elements with respect to ``sources``.

        The result has the structure of ``sources``.

        >>> import gradtape as gt
        >>> w = gt.Variable([[1.0], [2.0]])
        >>> x = gt.constant([[3.0, 4.0]])
        >>> with gt.GradientTape() as tape:
        ...     y = x @ w
        >>> tape.gradient(y, w).numpy()
        array([[3.],
               [4.]], dtype=float32)
        """
        unconnected = _unconnected(unconnected_gradients)
        flat_sources = structure.flatten(sources)
        _check_sources(flat_sources, "gradient")
        flat_targets = structure.flatten(target)
        for t in flat_targets:
            if not isinstance(t, Tensor):
                raise ValueError(
                    f"GradientTape.gradient: every target must be a gt.Tensor, got "
                    f"{type(t).__name__}")
        if output_gradients is not None:
            flat_og = structure.flatten(output_gradients)
            if len(flat_og) != len(flat_targets):
                raise ValueError(
                    f"GradientTape.gradient: output_gradients has {len(flat_og)} entries but "
                    f"there are {len(flat_targets)} targets; give one per flattened target (None "
                    "for ones)")
            for t, og in zip(flat_targets, flat_og):
                if isinstance(og, Tensor) and og.dtype != t.dtype and is_differentiable_dtype(t.dtype):
                    from ..errors import InvalidArgumentError  # TensorFlow's error here
                    raise InvalidArgumentError(
                        f"GradientTape.gradient: an output_gradients entry has dtype "
                        f"{og.dtype.name} but its target has dtype {t.dtype.name}; they must match")
        else:
            flat_og = [None] * len(flat_targets)
        if self._records is None:
            self._start("gradient")  # raises: the tape is spent
        seeds = self._seeds(flat_targets, flat_og)
        return self._sweep(seeds, flat_sources, sources, unconnected)

    @staticmethod
    def _seeds(flat_targets, flat_og) -> dict:
        """Target id -> cotangent (ones where ``flat_og`` has None; repeated targets add up)."""
        seeds: dict = {}
        for t, og in zip(flat_targets, flat_og):
            if not is_differentiable_dtype(t.dtype):
                continue
            if og is None:
                s = np.ones(t.shape, dtype=t.dtype)
            else:
                s = og if isinstance(og, Tensor) and state.stack else to_array(og, t.dtype)
                if tuple(s.shape) != tuple(t.shape):
                    raise ValueError(
                        f"GradientTape.gradient: output_gradients entry of shape {tuple(s.shape)} "
                        f"does not match its target's shape {tuple(t.shape)}")
            prev = seeds.get(t._id)
            seeds[t._id] = s if prev is None else prev + s
        return seeds

    def _sweep(self, seeds: dict, flat_sources, sources, unconnected):
        """The sweep behind ``gradient``, from seeds by id: a caller that drops its targets
        first (``recompute_grad``) lets the sweep free them as soon as they are used."""
        records = self._start("gradient", 4)  # every argument is valid: now the tape may be used
        source_ids = self._source_ids(flat_sources, seeds)
        tracked = self._ids if self._watched <= source_ids else None
        try:
            grads = backward(records, seeds, source_ids, consume=not self._persistent,
                             tracked=tracked, sites=self._sites)
        finally:
            self._finish()
        out = [self._result(s, grads.get(s._id), unconnected) for s in flat_sources]
        return structure.pack_sequence_as(sources, out)

    def _source_ids(self, flat_sources, targets=()) -> set:
        """Ids of the sources this tape can differentiate: floating or complex, and tracked by
        the tape or themselves a target (the gradient of a tensor with respect to itself)."""
        ids = self._ids
        return {s._id for s in flat_sources
                if (s._id in ids or s._id in targets) and is_differentiable_dtype(s.dtype)}

    @staticmethod
    def _result(source, g, unconnected, batch_shape=()):
        if type(g) is np.ndarray:
            return wrap(g)  # the common case (only differentiable sources get gradients)
        if not is_differentiable_dtype(source.dtype):
            return None
        if g is None:
            if unconnected is UnconnectedGradients.ZERO:
                return wrap(np.zeros(tuple(batch_shape) + source.shape, dtype=source.dtype))
            return None
        if isinstance(g, (Tensor, IndexedSlices)):
            return g
        return wrap(g if isinstance(g, (np.ndarray, np.generic)) else np.asarray(g))

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """Jacobian of ``target`` with respect to each source: shape ``target.shape + source.shape``.

        All rows are computed in one vectorized backward sweep (in chunks of
        ``parallel_iterations`` rows when given).

        >>> import gradtape as gt
        >>> x = gt.constant([1.0, 2.0])
        >>> with gt.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.jacobian(y, x).numpy()
        array([[2., 0.],
               [0., 4.]], dtype=float32)
        """
        unconnected = _unconnected(unconnected_gradients)
        if not isinstance(target, Tensor):
            raise ValueError(f"GradientTape.jacobian: target must be a gt.Tensor, got {type(target).__name__}")
        flat_sources = structure.flatten(sources)
        _check_sources(flat_sources, "jacobian")
        if not experimental_use_pfor and not self._persistent:
            raise RuntimeError("GradientTape must be created with persistent=True to compute the "
                               "jacobian with experimental_use_pfor=False")
        if parallel_iterations is not None and int(parallel_iterations) < 1:
            raise ValueError(f"GradientTape.jacobian: parallel_iterations must be >= 1, got {parallel_iterations}")
        records = self._start("jacobian")
        tshape = tuple(target.shape)
        n = int(np.prod(tshape))
        source_ids = self._source_ids(flat_sources)
        chunk = n if experimental_use_pfor else 1
        if parallel_iterations is not None:
            chunk = min(chunk, int(parallel_iterations))
        chunk = max(chunk, 1)
        parts: dict = {i: [] for i in source_ids}
        try:
            if is_differentiable_dtype(target.dtype):
                # An empty target still runs one (empty) sweep: connected sources get an empty
                # Jacobian, unconnected ones follow unconnected_gradients (as TensorFlow).
                for start in range(0, max(n, 1), chunk):
                    stop = min(n, start + chunk)
                    seed = np.zeros((stop - start, n), dtype=target.dtype)
                    seed[np.arange(stop - start), np.arange(start, stop)] = 1
                    seed = seed.reshape((stop - start,) + tshape)
                    last = stop == n
                    g = backward(records, {target._id: seed}, source_ids, nb=1,
                                 consume=(not self._persistent) and last)
                    for i in source_ids:
                        parts[i].append(g.get(i))
        finally:
            self._finish()
        out = []
        for s in flat_sources:
            ps = parts.get(s._id)
            if not ps or all(p is None for p in ps):
                out.append(self._result(s, None, unconnected, tshape))
                continue
            ps = [p if p is not None else np.zeros((0,) + s.shape, s.dtype) for p in ps]
            ps = [np.asarray(p.to_dense_array()) if isinstance(p, IndexedSlices) else p for p in ps]
            from ..ops.array import concat, reshape
            if any(isinstance(p, Tensor) for p in ps):
                j = concat(list(ps), axis=0) if len(ps) > 1 else ps[0]
                out.append(reshape(j, tshape + s.shape))
            else:
                j = np.concatenate(ps, axis=0) if len(ps) > 1 else ps[0]
                out.append(wrap(np.asarray(j).reshape(tshape + s.shape)))
        return structure.pack_sequence_as(sources, out)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians: ``[b, y1.., x1..]`` for target ``[b, y1..]`` and source ``[b, x1..]``.

        Assumes example ``i`` of the target depends only on example ``i`` of the source. An
        unconnected source gives zeros of the target's dtype, as in TensorFlow.

        >>> import gradtape as gt
        >>> x = gt.constant([[1.0, 2.0], [3.0, 4.0]])
        >>> with gt.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.batch_jacobian(y, x).shape
        (2, 2, 2)
        """
        _unconnected(unconnected_gradients)
        if not isinstance(target, Tensor) or not isinstance(source, Tensor):
            raise ValueError("GradientTape.batch_jacobian: target and source must be gt.Tensor or gt.Variable")
        if target.ndim < 2 or source.ndim < 2:
            raise ValueError(
                f"GradientTape.batch_jacobian: target and source must have rank >= 2 (got "
                f"shapes {target.shape} and {source.shape}); use jacobian for unbatched values")
        if target.shape[0] != source.shape[0]:
            raise ValueError(
                f"GradientTape.batch_jacobian: need the first dimension of target shape "
                f"{target.shape} and source shape {source.shape} to match")
        if not experimental_use_pfor and not self._persistent:
            raise RuntimeError("GradientTape must be created with persistent=True to compute the "
                               "batch_jacobian with experimental_use_pfor=False")
        records = self._start("batch_jacobian")
        b = target.shape[0]
        yshape = tuple(target.shape[1:])
        ny = int(np.prod(yshape))
        result = None
        try:
            if is_differentiable_dtype(target.dtype) and is_differentiable_dtype(source.dtype) and ny and b:
                chunk = ny if experimental_use_pfor else 1
                if parallel_iterations is not None:
                    chunk = max(1, min(chunk, int(parallel_iterations)))
                pieces = []
                for start in range(0, ny, chunk):
                    stop = min(ny, start + chunk)
                    seed = np.zeros((stop - start, b, ny), dtype=target.dtype)
                    seed[np.arange(stop - start), :, np.arange(start, stop)] = 1
                    seed = seed.reshape((stop - start, b) + yshape)
                    g = backward(records, {target._id: seed}, self._source_ids([source]),
                                 nb=1, consume=(not self._persistent) and stop == ny)
                    pieces.append(g.get(source._id))
                if any(p is not None for p in pieces):
                    result = self._stack_batch(pieces, b, yshape, source)
        finally:
            self._finish()
        if result is None:
            # TensorFlow returns zeros of the target's dtype, whatever unconnected_gradients says
            # and whatever the dtypes.
            return wrap(np.zeros((b,) + yshape + tuple(source.shape[1:]), dtype=target.dtype))
        return result

    @staticmethod
    def _stack_batch(pieces, b, yshape, source):
        from ..ops.array import concat, reshape, transpose
        xshape = tuple(source.shape[1:])
        pieces = [p if p is not None else np.zeros((0,) + tuple(source.shape), source.dtype) for p in pieces]
        pieces = [np.asarray(p.to_dense_array()) if isinstance(p, IndexedSlices) else p for p in pieces]
        nd = 2 + len(xshape)
        perm = (1, 0) + tuple(range(2, nd))
        if any(isinstance(p, Tensor) for p in pieces):
            j = concat(list(pieces), axis=0) if len(pieces) > 1 else pieces[0]
            return reshape(transpose(j, perm), (b,) + yshape + xshape)
        j = np.concatenate(pieces, axis=0) if len(pieces) > 1 else pieces[0]
        return wrap(np.ascontiguousarray(np.transpose(j, perm)).reshape((b,) + yshape + xshape))
