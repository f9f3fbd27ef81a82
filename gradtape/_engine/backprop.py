"""The reverse sweep: walk a tape's records backwards, call VJP rules, reduce broadcasts.

A record is a tuple ``(prim, in_ids, saved_in, out_ids, saved_out, attrs)``, ``prim`` being a
primitive or its index in :data:`~.primitive.TABLE` and ``attrs`` None when there are none. The sweep is
iterative (no recursion: a 100,000-op chain is fine) and linear in the number of records.
Gradients are keyed by tensor id. With ``consume=True`` each record is replaced by its
skeleton ``(prim, in_ids, None, out_ids, None, None)`` as it is used, so every saved array is
freed as soon as nothing needs it while the graph's shape stays available to explain a
``None`` gradient (:mod:`gradtape.debugging`).

When any recorder is active on this thread (an outer tape, an accumulator, or a persistent
tape differentiating inside its own context) the rules run in the :data:`diff` namespace on
Tensors that carry the recorded ids, so the gradient computation is itself recorded.
"""

from __future__ import annotations

import sys
from sys import getrefcount

import numpy as np

from . import numerics
from .indexed_slices import (DEFERRED_TYPES, IndexedSlices, ProductGrad, SliceGrad, accumulate_sparse,
                             dense_grad)
from .primitive import _NO_ATTRS, TABLE, diff, raw
from .state import state
from .tensor import Tensor, wrap


def _refcounts_are_exact() -> bool:
    """Whether ``getrefcount(g) == 2`` proves that a local ``g`` is held by nothing else.

    True on CPython up to 3.13, checked here once; later versions may borrow references to
    locals, so in-place VJPs are then simply not used."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 14):
        return False
    alone, shared, keep = np.empty(1), np.empty(1), {}
    keep[0] = shared
    return getrefcount(alone) == 2 and getrefcount(shared) == 3


_INPLACE_OK = _refcounts_are_exact()


def _sole_base(base) -> bool:
    """Whether ``base``, the ``.base`` of a cotangent held only by the sweep, is an array that
    owns its memory and is held by nothing but that cotangent (a reshaped product, say): then
    the cotangent may be written in place as if it owned its memory. 3 references: the view's
    base, this argument and getrefcount's."""
    return type(base) is np.ndarray and base.base is None and getrefcount(base) == 3


class GradientRuleError(ValueError):
    """A VJP or JVP rule returned something of the wrong count, shape or dtype."""


def unbroadcast(m, g, shape: tuple, nb: int, prim_name: str = "?", arg: int = 0):
    """Sum ``g`` (shape ``batch + broadcast_shape``) down to ``batch + shape``."""
    gs = g.shape
    lead = len(gs) - nb - len(shape)
    if lead < 0:
        raise GradientRuleError(
            f"the gradient rule of op '{prim_name}' returned shape {gs[nb:]} for input {arg} "
            f"of shape {shape}: it has fewer dimensions than the input")
    axes = list(range(nb, nb + lead))
    for i, s in enumerate(shape):
        gd = gs[nb + lead + i]
        if s == 1 and gd != 1:
            axes.append(nb + lead + i)
        elif s != gd:
            raise GradientRuleError(
                f"the gradient rule of op '{prim_name}' returned shape {gs[nb:]} for input {arg} "
                f"of shape {shape}: the shapes are not broadcast-compatible")
    if axes:
        nd = len(gs)
        g = m.reduce_sum(g, axis=tuple(a - nd for a in axes), keepdims=False)
    target = tuple(gs[:nb]) + tuple(shape)
    if g.shape != target:
        g = m.reshape(g, shape=target)
    return g


def _fix_dtype(m, g, dtype):
    if g.dtype.kind == "c" and dtype.kind != "c":
        g = m.real(g)
    if g.dtype != dtype:
        g = m.cast(g, dtype=dtype)
    return g


def _zeros_like(v, nb_shape=()):
    return np.zeros(tuple(nb_shape) + tuple(v.shape), dtype=v.dtype)


def _call_vjp(prim, m, g, ans, xs, attrs, want, nb):
    if nb and not prim.batched:
        n = (g[0] if isinstance(g, tuple) else g).shape[0]
        per = []
        for b in range(n):
            gb = tuple(gi[b] for gi in g) if isinstance(g, tuple) else g[b]
            per.append(_call_vjp(prim, m, gb, ans, xs, attrs, want, 0))
        out = []
        for k in range(len(xs)):
            parts = [p[k] for p in per]
            if not want[k] or any(p is None for p in parts):
                out.append(None)
            else:
                parts = [np.asarray(p.to_dense_array()) if isinstance(p, IndexedSlices)
                         else dense_grad(p) for p in parts]
                out.append(m.stack(parts, axis=0))
        return out
    if prim.vjp_all is not None:
        return prim.vjp_all(m, g, ans, *xs, **attrs)
    return [r(m, g, ans, *xs, **attrs) if w and r is not None else None
            for r, w in zip(prim.vjp, want)]


def _rewrap(v, i):
    return v if i is None else wrap(v, i)


def backward(records: list, seeds: dict, sources: set, *, nb: int = 0, consume: bool = False,
             tracked: set | None = None, sites: dict | None = None) -> dict:
    """Propagate ``seeds`` (id -> cotangent) backwards; return id -> gradient for ``sources``.

    ``nb`` is the number of leading batch axes on every cotangent (1 for ``jacobian``).
    ``tracked``, when given, is the set of every id on the tape and says that every tracked
    id is reachable from the sources (they include everything the tape watched), so the
    forward reachability pass can be skipped.
    """
    diffmode = bool(state.stack)
    m = diff if diffmode else raw
    n = len(records)
    if tracked is not None:
        needed = tracked
    else:
        # Forward reachability from the sources: only these inputs need gradients.
        needed = set(sources)
        for k in range(n):
            rec = records[k]
            for i in rec[1]:
                if i in needed:
                    needed.update(rec[3])
                    break
    grads = {}
    for i, g in seeds.items():
        if i in needed or i in sources:
            grads[i] = wrap(g) if diffmode and not isinstance(g, Tensor) else g
    if not grads:
        if consume:
            records[:] = [(r[0], r[1], None, r[3], None, None) for r in records]
        return {}
    keep = sources
    owned = set()  # ids whose gradient is an array this sweep allocated and nothing else holds
    gathered: dict = {}  # id -> ProductGrad terms not yet multiplied (see ProductGrad)
    checking = numerics.enabled
    fast = not diffmode and nb == 0 and not checking
    for k in range(n - 1, -1, -1):
        ref, in_ids, saved_in, out_ids, saved_out, attrs = records[k]
        prim = TABLE[ref] if type(ref) is int else ref
        if consume:
            records[k] = (ref, in_ids, None, out_ids, None, None)
        if prim.n_out is None:
            oid = out_ids[0]
            if gathered and oid in gathered:
                _add_gathered(grads, owned, oid, gathered.pop(oid))
            g = grads.get(oid) if oid in keep else grads.pop(oid, None)
            if g is None:
                continue
            if type(g) in DEFERRED_TYPES:
                iid = in_ids[0]
                gi = None
                if fast and prim.vjp_deferred is not None and iid is not None and iid in needed:
                    gi = prim.vjp_deferred(g, saved_out[0], *saved_in, **(attrs or _NO_ATTRS))
                if gi is None:
                    g = g.dense()
                else:
                    _add_deferred(grads, owned, iid, gi)
                    g = gi = None
                    continue
            if fast and prim.vjp is not None and type(g) is not IndexedSlices:
                # First-order fast path: raw arrays, one rule per input.
                vjps = prim.vjp
                ans = saved_out[0]
                # g may be overwritten when only this frame holds it (2 = g + the call's
                # argument) and it owns its memory, or is the one view of memory no one else holds.
                inplace = (prim.vjp_inplace is not None and _INPLACE_OK and type(g) is np.ndarray
                           and getrefcount(g) == 2 and g.flags.writeable
                           and (g.base is None or _sole_base(g.base)))
                for j, iid in enumerate(in_ids):
                    if iid is None or iid not in needed:
                        continue
                    rule = vjps[j]
                    if rule is None:
                        continue
                    if inplace:
                        gi = (prim.vjp_inplace(g, ans, *saved_in) if attrs is None
                              else prim.vjp_inplace(g, ans, *saved_in, **attrs))
                        if gi is g and iid not in grads:
                            owned.add(iid)  # only this sweep holds it: later terms add in place
                    else:
                        gi = (rule(raw, g, ans, *saved_in) if attrs is None
                              else rule(raw, g, ans, *saved_in, **attrs))
                    if gi is None:
                        continue
                    tg = type(gi)
                    if tg is not np.ndarray:  # the gradient forms the sweep treats specially
                        if tg in DEFERRED_TYPES:
                            _add_deferred(grads, owned, iid, gi)
                            continue
                        if tg is IndexedSlices:
                            prev = grads.get(iid)
                            grads[iid] = gi if prev is None else accumulate_sparse(prev, gi)
                            continue
                        if tg is ProductGrad:
                            if iid in grads:
                                terms = gathered.setdefault(iid, [])
                                terms.append(gi)
                                if len(terms) * (gi.a.nbytes + gi.g.nbytes) > _GATHER_BYTES:
                                    _add_gathered(grads, owned, iid, gathered.pop(iid))
                                continue
                            gi = gi.dense()
                        elif tg is SliceGrad:
                            prev = grads.get(iid)
                            if prev is None:
                                grads[iid] = gi.dense()
                            elif iid in owned:
                                prev[gi.index] += gi.g
                                continue
                            else:
                                prev = np.asarray(prev.to_dense_array() if type(prev) is IndexedSlices else dense_grad(prev))
                                total = grads[iid] = prev.astype(gi.dtype, copy=True)
                                total[gi.index] += gi.g
                            owned.add(iid)
                            continue
                    x = saved_in[j]
                    if gi.shape != x.shape:
                        gi = unbroadcast(raw, gi, x.shape, 0, prim.name, j)
                    if gi.dtype != x.dtype:
                        gi = _fix_dtype(raw, gi, x.dtype)
                    prev = grads.get(iid)
                    if prev is None:
                        grads[iid] = gi
                    elif iid in owned:
                        np.add(prev, gi, out=prev)  # an array this sweep made: add in place
                    elif type(prev) is IndexedSlices:
                        grads[iid] = accumulate_sparse(prev, gi)
                    else:
                        total = grads[iid] = prev + gi
                        if type(total) is np.ndarray:
                            owned.add(iid)
                # Drop this frame's references now: a stale local would keep an input or a
                # cotangent alive while the next records run (recompute_grad's peak).
                g = ans = x = gi = prev = total = saved_in = saved_out = None
                continue
            ans = saved_out[0]
        else:
            for o in out_ids:
                if o in gathered:
                    _add_gathered(grads, owned, o, gathered.pop(o))
            gs = [grads.get(o) if o in keep else grads.pop(o, None) for o in out_ids]
            if all(x is None for x in gs):
                continue
            bshape = ()
            if nb:
                first = next(x for x in gs if x is not None)
                bshape = first.shape[:nb]
            g = tuple(x if x is not None else (_zeros_like(a, bshape) if not diffmode
                                               else wrap(_zeros_like(a, bshape)))
                      for x, a in zip(gs, saved_out))
            ans = saved_out
        _general_step(prim, m, diffmode, nb, g, ans, in_ids, saved_in, out_ids, attrs or _NO_ATTRS,
                      needed, grads, sites if checking else None)
        g = ans = saved_in = saved_out = None
    for i, terms in gathered.items():
        _add_gathered(grads, owned, i, terms)
    return {i: dense_grad(grads[i]) for i in sources if i in grads}


def _add_deferred(grads, owned, iid, gi) -> None:
    """Make the DeferredGrad ``gi`` the gradient of ``iid``, or add it densely to a previous term."""
    prev = grads.get(iid)
    if prev is None:
        grads[iid] = gi
        return
    d = gi.dense()
    if iid in owned:
        np.add(prev, d, out=prev)
    elif type(prev) is IndexedSlices:
        grads[iid] = accumulate_sparse(prev, d)
    else:
        grads[iid] = d.__iadd__(dense_grad(prev))
        owned.add(iid)


_GATHER_BYTES = 8 << 20  # gathered terms of one tensor are multiplied before they hold more


def _add_gathered(grads, owned, iid, terms) -> None:
    """Add the product of gathered ``ProductGrad`` terms to ``grads[iid]`` (which exists)."""
    total = ProductGrad.gather(terms)
    prev = grads[iid]
    if iid in owned:
        np.add(prev, total, out=prev)
    elif type(prev) is IndexedSlices:
        grads[iid] = accumulate_sparse(prev, total)
    else:
        grads[iid] = prev + total
        owned.add(iid)


def _general_step(prim, m, diffmode, nb, g, ans, in_ids, saved_in, out_ids, attrs, needed, grads,
                  sites=None):
    """One record of the sweep in full generality: Tensor mode, batches, several outputs."""
    want = [i is not None and i in needed for i in in_ids]
    if not any(want):
        return
    if prim.diff_args is not None:
        want = [w and (j in prim.diff_args) for j, w in enumerate(want)]
        if not any(want):
            return
    if isinstance(g, IndexedSlices):
        g = g.to_dense_array()
        if diffmode:
            g = wrap(g)
    g = dense_grad(g)
    if diffmode:
        if not isinstance(g, tuple) and not isinstance(g, Tensor):
            g = wrap(g)
        xs = [_rewrap(v, i) for v, i in zip(saved_in, in_ids)]
        if isinstance(ans, tuple):
            ans = tuple(wrap(a, o) for a, o in zip(ans, out_ids))
        else:
            ans = wrap(ans, out_ids[0])
    else:
        xs = saved_in
    res = _call_vjp(prim, m, g, ans, xs, attrs, want, nb)
    if len(res) != len(in_ids):
        raise GradientRuleError(
            f"the gradient rule of op '{prim.name}' returned {len(res)} gradients for "
            f"{len(in_ids)} inputs; it must return one per input (None for no gradient)")
    for j, w in enumerate(want):
        if not w:
            continue
        gi = res[j]
        if gi is None:
            continue
        x = saved_in[j]
        iid = in_ids[j]
        if type(gi) is SliceGrad or type(gi) is ProductGrad:
            gi = gi.dense()
        elif type(gi) in DEFERRED_TYPES:
            if not nb and sites is None and iid not in grads:
                grads[iid] = gi
                continue
            gi = gi.dense()
        if isinstance(gi, IndexedSlices):
            if nb:
                gi = gi.to_dense_array()
            else:
                prev = grads.get(iid)
                grads[iid] = gi if prev is None else accumulate_sparse(prev, gi)
                continue
        if diffmode and not isinstance(gi, Tensor):
            gi = wrap(np.asarray(gi))
        if gi.shape[nb:] != x.shape or len(gi.shape) != nb + len(x.shape):
            gi = unbroadcast(m, gi, x.shape, nb, prim.name, j)
        if gi.dtype != x.dtype:
            gi = _fix_dtype(m, gi, x.dtype)
        if sites is not None:
            numerics.check_gradient(prim, gi, j, saved_in, out_ids, sites)
        prev = grads.get(iid)
        if prev is None:
            grads[iid] = gi
        elif isinstance(prev, IndexedSlices):
            grads[iid] = accumulate_sparse(prev, gi) if not diffmode else wrap(prev.to_dense_array()) + gi
        else:
            grads[iid] = prev + gi
