"""Connectionist temporal classification: ``ctc_loss``, ``ctc_greedy_decoder``,
``collapse_repeated`` and ``ctc_unique_labels``, as TensorFlow 2's ``tf.nn``.

``ctc_loss`` takes dense labels padded to ``(batch, max_label_length)`` with their lengths, as
TensorFlow's dense path (gradtape has no SparseTensor). The loss is the forward algorithm in
log space over the extended label sequence (a blank before, between and after the labels),
vectorized over the batch; the gradient with respect to the logits is TensorFlow's
``softmax(logits) - posterior occupation of each class``, computed by the forward-backward
algorithm, zero on frames past ``logit_length`` and scaled by the incoming gradient of each
example. That gradient is a constant for further differentiation, as in TensorFlow (which has
no second derivative of the CTC loss): gradients of gradients with respect to the logits are
zero, while it stays linear (and differentiable) in the incoming gradient. Forward mode
dots the tangent with the same gradient.

The decoders and label helpers return integer tensors or constants and have no gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.primitive import bind, primitive
from .._engine.tensor import Tensor, to_array, wrap
from ._args import integers

__all__ = ["ctc_loss", "ctc_greedy_decoder", "collapse_repeated", "ctc_unique_labels"]

_NEG_INF = -np.inf


# -- argument checking -------------------------------------------------------------------------
def _raw(v) -> np.ndarray:
    return np.asarray(v._value if isinstance(v, Tensor) else v)


def _ints(v, op: str, arg: str, ndim: int) -> np.ndarray:
    """``v`` as an integer array of rank ``ndim``, or a clear error."""
    if v is None:
        raise ValueError(f"{op}: {arg} is required; give an integer tensor")
    a = integers(v, op, arg)
    if a.ndim != ndim:
        raise ValueError(f"{op}: {arg} must have rank {ndim}, got shape {a.shape}")
    return a


def _lengths(v, op: str, arg: str, batch: int, most: int, what: str) -> np.ndarray:
    """A vector of ``batch`` lengths in ``[0, most]``, as int64."""
    a = _ints(v, op, arg, 1)
    if a.shape[0] != batch:
        raise ValueError(f"{op}: {arg} must have shape ({batch},) (one length per batch entry), got {a.shape}")
    if a.size and (a.min() < 0 or a.max() > most):
        raise ValueError(f"{op}: {arg} must be in [0, {most}] ({what}), got values from {a.min()} to {a.max()}")
    return a.astype(np.int64)


def _blank(blank_index, num_classes: int, default: int, op: str) -> int:
    if blank_index is None:
        blank_index = default
    if isinstance(blank_index, Tensor):
        blank_index = blank_index._value
    if isinstance(blank_index, bool) or np.ndim(blank_index) or np.asarray(blank_index).dtype.kind not in "iu":
        raise TypeError(f"{op}: blank_index must be an int, got {blank_index!r}")
    b = int(blank_index)
    if not -num_classes <= b < num_classes:
        raise ValueError(f"{op}: blank_index={b} is out of range for {num_classes} classes; it must be in "
                         f"[{-num_classes}, {num_classes}) (negative values count from the last class)")
    return b + num_classes if b < 0 else b


def _float_logits(v, op: str, arg: str) -> Tensor:
    """``v`` as a floating tensor of rank 3; integer logits are an error, as in TensorFlow."""
    x = v if isinstance(v, Tensor) else wrap(to_array(v))
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: {arg} must be floating point, got dtype {x.dtype.name}; cast it to float32")
    if x.ndim != 3:
        raise ValueError(f"{op}: {arg} must have rank 3, got shape {tuple(x.shape)}")
    return x


# -- the forward-backward algorithm in log space -----------------------------------------------
def _lse3(a, b, c):
    """Elementwise ``log(exp(a) + exp(b) + exp(c))``, -inf where all three are -inf."""
    m = np.maximum(np.maximum(a, b), c)
    m[m == _NEG_INF] = 0
    with np.errstate(divide="ignore"):
        return m + np.log(np.exp(a - m) + np.exp(b - m) + np.exp(c - m))


def _log_softmax(x):
    z = x - x.max(axis=-1, keepdims=True) if x.shape[-1] else x
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _setup(logits, labels, label_length, blank, time_major):
    """Time-major log probabilities, the extended label sequences and their state model."""
    x = logits if time_major else np.swapaxes(logits, 0, 1)  # (T, B, C)
    if x.dtype == np.float16:
        x = x.astype(np.float32)
    lp = _log_softmax(x)
    nb, nl = labels.shape
    ext = np.full((nb, 2 * nl + 1), blank, np.int64)  # blank, l1, blank, l2, ..., blank
    ext[:, 1::2] = labels
    skip = np.zeros(ext.shape, bool)  # s - 2 -> s allowed: a label that differs from the one before
    skip[:, 3::2] = labels[:, 1:] != labels[:, :-1]
    em = np.take_along_axis(lp, ext[None], axis=2)  # (T, B, S): log prob of each state's class
    s = np.arange(ext.shape[1])
    final = (s == 2 * label_length[:, None]) | (s == 2 * label_length[:, None] - 1)
    return lp, ext, skip, em, final


def _alphas(em, skip, t_max):
    """Forward variables ``alpha[t, b, s]``: log prob of frames ``0..t`` ending in state ``s``."""
    nt, nb, ns = em.shape
    alpha = np.full(em.shape, _NEG_INF, em.dtype)
    if nt == 0:
        return alpha
    alpha[0, :, :2] = em[0, :, :2]
    s1 = np.full((nb, ns), _NEG_INF, em.dtype)
    s2 = np.full((nb, ns), _NEG_INF, em.dtype)
    for t in range(1, t_max):
        prev = alpha[t - 1]
        s1[:, 1:] = prev[:, :-1]
        np.copyto(s2[:, 2:], prev[:, :-2], where=skip[:, 2:])
        alpha[t] = _lse3(prev, s1, s2) + em[t]
    return alpha


def _log_likelihood(alpha, final, label_length, logit_length):
    """``log p(labels | logits)`` per example from the forward variables (-inf: impossible)."""
    ll = np.where(label_length == 0, 0.0, _NEG_INF).astype(alpha.dtype)  # no frames
    rows = np.nonzero(logit_length > 0)[0]
    if rows.size:
        last = alpha[logit_length[rows] - 1, rows]  # (n, S)
        with np.errstate(divide="ignore"):
            fin = np.where(final[rows], last, _NEG_INF)
            m = fin.max(axis=1)
            ms = np.where(m == _NEG_INF, 0, m)
            ll[rows] = ms + np.log(np.exp(fin - ms[:, None]).sum(axis=1))
    return ll


def _ctc_fwd(logits, labels, label_length, logit_length, blank, time_major):
    _, _, skip, em, final = _setup(logits, labels, label_length, blank, time_major)
    t_max = int(logit_length.max()) if logit_length.size else 0
    alpha = _alphas(em, skip, t_max)
    return (-_log_likelihood(alpha, final, label_length, logit_length)).astype(logits.dtype)


def _ctc_grad(logits, labels, label_length, logit_length, blank, time_major):
    """TensorFlow's gradient of the per-example loss with respect to the logits (in their layout):
    ``softmax - occupation`` on frames before ``logit_length``, 0 after; ``softmax`` alone for
    examples no alignment can explain (infinite loss), as TensorFlow's CPU kernel."""
    logits = _raw(logits)
    lp, ext, skip, em, final = _setup(logits, labels, label_length, blank, time_major)
    nt, nb, nc = lp.shape
    t_max = int(logit_length.max()) if logit_length.size else 0
    alpha = _alphas(em, skip, t_max)
    ll = _log_likelihood(alpha, final, label_length, logit_length)
    # Backward variables beta[t, b, s]: log prob of frames t..T_b-1 from state s at t (emission
    # at t included); rows whose sequence has ended stay -inf.
    beta = np.full(em.shape, _NEG_INF, em.dtype)
    nxt = np.full(em.shape[1:], _NEG_INF, em.dtype)
    n1 = nxt.copy()
    n2 = nxt.copy()
    for t in range(t_max - 1, -1, -1):
        n1[:, :-1] = nxt[:, 1:]
        np.copyto(n2[:, :-2], nxt[:, 2:], where=skip[:, 2:])
        cur = _lse3(nxt, n1, n2) + em[t]
        start = (logit_length == t + 1)[:, None] & final
        cur[start] = em[t][start]
        beta[t] = cur
        nxt = cur
    valid = (np.arange(nt)[:, None] < logit_length) & np.isfinite(ll)  # (T, B)
    occ = np.zeros(lp.shape, lp.dtype)
    if valid.any():
        with np.errstate(invalid="ignore"):
            lg = alpha + beta - em  # log prob of the paths through (t, s)
        lg[em == _NEG_INF] = _NEG_INF  # a class of probability 0 (a logit of -inf): no path
        lg = lg[valid]  # (n, S)
        lg -= lg.max(axis=1, keepdims=True)
        post = np.exp(lg)
        post /= post.sum(axis=1, keepdims=True)
        tb = np.nonzero(valid)
        cls = ext[tb[1]]  # (n, S)
        flat = (np.arange(post.shape[0])[:, None] * nc + cls).ravel()
        occ[valid] = np.bincount(flat, post.ravel(), minlength=post.shape[0] * nc).reshape(-1, nc)
    g = np.exp(lp) - occ
    g[~(np.arange(nt)[:, None] < logit_length)] = 0
    g = g.astype(logits.dtype if logits.dtype != np.float16 else np.float32, copy=False)
    return g if time_major else np.swapaxes(g, 0, 1)


def _ctc_vjp(m, g, ans, logits, labels, label_length, logit_length, blank, time_major):
    grad = _ctc_grad(logits, _raw(labels), _raw(label_length), _raw(logit_length), blank, time_major)
    lead = tuple(g.shape[:-1])
    nb = g.shape[-1]
    return m.reshape(g, shape=lead + ((1, nb, 1) if time_major else (nb, 1, 1))) * grad


def _ctc_jvp(m, t, ans, logits, labels, label_length, logit_length, blank, time_major):
    grad = _ctc_grad(logits, _raw(labels), _raw(label_length), _raw(logit_length), blank, time_major)
    return m.reduce_sum(t * grad, axis=(-3, -1) if time_major else (-2, -1), keepdims=False)


_ctc = primitive("ctc_loss", _ctc_fwd, vjp=(_ctc_vjp, None, None, None), jvp=(_ctc_jvp, None, None, None),
                 save_args=(0, 1, 2, 3), save_out=False)


def ctc_loss(labels: Any, logits: Any, label_length: Any, logit_length: Any, logits_time_major: bool = True,
             unique: Any = None, blank_index: int | None = None, name: str | None = None) -> Tensor:
    """Connectionist temporal classification loss: the per-example negative log likelihood
    ``-log p(labels | logits)``, summed over every alignment of the labels to the frames, as
    ``tf.nn.ctc_loss`` (TensorFlow 2) with dense labels.

    ``labels`` is ``(batch, max_label_length)``, padded (the padding is ignored) with
    ``label_length`` ``(batch,)`` giving each sequence's length; ``logits`` is
    ``(frames, batch, num_classes)``, or ``(batch, frames, num_classes)`` with
    ``logits_time_major=False``, unnormalized (a softmax over the classes is applied);
    ``logit_length`` ``(batch,)`` says how many frames of each example count. ``blank_index``
    is the blank class, 0 by default (TensorFlow 2's default for dense labels); negative values
    count from the last class, so -1 is the last. An alignment repeats a label over consecutive
    frames and puts blanks anywhere; two equal consecutive labels need a blank between them.
    ``unique`` (from :func:`ctc_unique_labels`) is accepted and checked against ``labels``; the
    result is the same without it. ``name`` is ignored.

    Labels that no alignment can produce in ``logit_length`` frames give an infinite loss.
    The gradient with respect to the logits is TensorFlow's, ``softmax - occupation`` (the
    posterior probability of each class at each frame), 0 past ``logit_length`` (``softmax``
    for an infinite loss); it is a constant for further differentiation, as in TensorFlow
    (no second derivative). Forward mode works. float16 logits are computed in float32, as in
    TensorFlow. SparseTensor labels are not supported.

    >>> import gradtape as gt
    >>> logits = gt.zeros([2, 1, 2])  # 2 frames, 1 example, classes {blank, 1}: p = 0.5 each
    >>> with gt.GradientTape() as tape:
    ...     tape.watch(logits)
    ...     loss = gt.nn.ctc_loss([[1]], logits, label_length=[1], logit_length=[2])
    >>> round(float(loss[0]), 4)  # 3 alignments of "1" (11, _1, 1_) of probability 0.25
    0.2877
    >>> [round(v, 4) for v in tape.gradient(loss, logits).numpy().ravel().tolist()]
    [0.1667, -0.1667, 0.1667, -0.1667]
    """
    op = "ctc_loss"
    if hasattr(labels, "indices") and hasattr(labels, "dense_shape"):
        raise TypeError(f"{op}: SparseTensor labels are not supported (gradtape has no SparseTensor); give "
                        "dense labels of shape (batch, max_label_length) padded with 0, and label_length")
    x = _float_logits(logits, op, "logits")
    if logits_time_major:
        nt, nb, nc = x.shape
    else:
        nb, nt, nc = x.shape
    blank = _blank(blank_index, nc, 0, op)
    lab = _ints(labels, op, "labels", 2)
    if lab.shape[0] != nb:
        raise ValueError(f"{op}: labels has {lab.shape[0]} rows but logits have batch size {nb}; labels must "
                         f"be (batch, max_label_length) with one row per example")
    nl = lab.shape[1]
    lab_len = _lengths(label_length, op, "label_length", nb, nl, "at most labels.shape[1]")
    frames = _lengths(logit_length, op, "logit_length", nb, nt, "at most the number of frames of logits")
    inside = np.arange(nl) < lab_len[:, None]
    used = lab[inside]
    if used.size and (used.min() < 0 or used.max() >= nc or (used == blank).any()):
        raise ValueError(f"{op}: labels (within label_length) must be classes in [0, {nc}) other than the "
                         f"blank {blank}, got values from {used.min()} to {used.max()}"
                         f"{' including the blank' if (used == blank).any() else ''}; check blank_index "
                         "(0 by default) and the number of classes of logits")
    lab = np.where(inside, lab, blank).astype(np.int64)
    if unique is not None:
        _check_unique(unique, lab, inside, op)
    return bind(_ctc, x, lab, lab_len, frames, blank=blank, time_major=bool(logits_time_major))


def _check_unique(unique, lab, inside, op: str) -> None:
    try:
        uy, ui = unique
    except (TypeError, ValueError):
        raise TypeError(f"{op}: unique must be the pair (unique_labels, indices) returned by "
                        "ctc_unique_labels(labels)") from None
    uy = _ints(uy, op, "unique[0]", 2)
    ui = _ints(ui, op, "unique[1]", 2)
    if uy.shape != lab.shape or ui.shape != lab.shape:
        raise ValueError(f"{op}: unique must hold two arrays of labels' shape {lab.shape}, got {uy.shape} and "
                         f"{ui.shape}; compute it with ctc_unique_labels(labels)")
    if ui.size and (ui.min() < 0 or ui.max() >= lab.shape[1]):
        raise ValueError(f"{op}: unique[1] holds indices outside [0, {lab.shape[1]}); compute unique with "
                         "ctc_unique_labels(labels)")
    if not np.array_equal(np.take_along_axis(uy, ui, axis=1)[inside], lab[inside]):
        raise ValueError(f"{op}: unique does not match labels; compute it with ctc_unique_labels(labels)")


# -- decoding and label helpers (no gradient) --------------------------------------------------
def ctc_greedy_decoder(inputs: Any, sequence_length: Any, merge_repeated: bool = True,
                       blank_index: int | None = None) -> tuple:
    """Best-path decoding, as ``tf.nn.ctc_greedy_decoder``: the most likely class at each frame,
    repeats merged (with ``merge_repeated``), blanks removed.

    ``inputs`` is ``(max_time, batch, num_classes)`` (time major), ``sequence_length``
    ``(batch,)`` the frames of each example. ``blank_index`` defaults to ``num_classes - 1``
    (negative values count from the last class). With ``merge_repeated`` a class equal to the
    previous frame's is emitted once, so ``A B B * B * B`` (``*`` the blank) gives ``A B B B``,
    and ``A B B B B`` without. Ties go to the lowest class.

    Returns ``(decoded, neg_sum_logits)``. TensorFlow's ``decoded`` is a list holding one
    SparseTensor; here it is a list holding one dense int64 tensor of shape
    ``(batch, max_decoded_length)``, each row padded with -1. ``neg_sum_logits`` is
    ``(batch, 1)``: minus the sum over the frames of the largest logit. No gradient.

    >>> import gradtape as gt
    >>> inf = float("inf")
    >>> logits = gt.constant([[[0.0, -inf, -inf], [-2.3, -inf, -0.1]],
    ...                       [[-inf, -0.5, -inf], [-inf, -inf, -0.1]],
    ...                       [[-inf, -inf, -inf], [-0.1, -inf, -2.3]]])
    >>> decoded, neg_sum_logits = gt.nn.ctc_greedy_decoder(logits, [2, 3], blank_index=1)
    >>> decoded[0].numpy()
    array([[ 0, -1],
           [ 2,  0]])
    >>> [round(v, 4) for v in neg_sum_logits.numpy().ravel().tolist()]
    [0.5, 0.3]
    """
    op = "ctc_greedy_decoder"
    x = _float_logits(inputs, op, "inputs")._value
    nt, nb, nc = x.shape
    if x.size == 0:
        raise ValueError(f"{op}: inputs must not be empty, got shape {x.shape}; give (max_time, batch, "
                         "num_classes) with every dimension positive")
    blank = _blank(blank_index, nc, -1, op)
    frames = _lengths(sequence_length, op, "sequence_length", nb, nt, "at most max_time, inputs.shape[0]")
    best = np.argmax(x, axis=2)  # (T, B), the first maximum
    valid = np.arange(nt)[:, None] < frames
    top = np.take_along_axis(x, best[..., None], axis=2)[..., 0]
    neg_sum = -np.where(valid, top, 0).sum(axis=0, dtype=x.dtype)[:, None]
    keep = valid & (best != blank)
    if merge_repeated:
        keep[1:] &= best[1:] != best[:-1]
    bi, ti = np.nonzero(keep.T)  # batch-major order
    counts = keep.sum(axis=0)
    width = int(counts.max()) if nb else 0
    out = np.full((nb, width), -1, np.int64)
    pos = np.cumsum(keep.T, axis=1) - 1
    out[bi, pos[bi, ti]] = best[ti, bi]
    return [wrap(out)], wrap(neg_sum.astype(x.dtype))


def collapse_repeated(labels: Any, seq_length: Any, name: str | None = None) -> tuple:
    """Merge runs of equal consecutive labels into one, as ``tf.nn.collapse_repeated``.

    ``labels`` is ``(batch, max_length)``, ``seq_length`` ``(batch,)`` in ``[0, max_length]``.
    Returns ``(collapsed_labels, new_seq_length)``: the labels padded with 0 to the longest new
    length, and the new lengths (``seq_length``'s dtype). No gradient.

    >>> import gradtape as gt
    >>> collapsed, length = gt.nn.collapse_repeated([[1, 1, 2, 2, 1], [1, 2, 3, 4, 5]], [5, 5])
    >>> collapsed.numpy()
    array([[1, 2, 1, 0, 0],
           [1, 2, 3, 4, 5]], dtype=int32)
    >>> length.numpy()
    array([3, 5], dtype=int32)
    """
    op = "collapse_repeated"
    lab = _ints(labels, op, "labels", 2)
    nb, nl = lab.shape
    n = _ints(seq_length, op, "seq_length", 1)
    lengths = _lengths(n, op, "seq_length", nb, nl, "at most labels.shape[1]")
    keep = np.ones(lab.shape, bool)
    keep[:, 1:] = lab[:, 1:] != lab[:, :-1]
    keep &= np.arange(nl) < lengths[:, None]
    new_len = keep.sum(axis=1)
    width = int(new_len.max()) if nb else 0
    out = np.zeros((nb, width), lab.dtype)
    out[np.arange(width) < new_len[:, None]] = lab[keep]
    return wrap(out), wrap(new_len.astype(n.dtype))


def ctc_unique_labels(labels: Any, name: str | None = None) -> list:
    """The distinct labels of each row, in order of first appearance, and each label's index
    among them, as ``tf.nn.ctc_unique_labels`` (for :func:`ctc_loss`'s ``unique``).

    ``labels`` is ``(batch, max_label_length)``, padded with 0 (the padding counts as a label,
    as in TensorFlow). Returns ``[unique_labels, indices]``: int64 labels padded with 0 to
    ``max_label_length``, and int32 indices of labels' shape. No gradient.

    >>> import gradtape as gt
    >>> y, idx = gt.nn.ctc_unique_labels([[3, 4, 4, 3]])
    >>> y.numpy()
    array([[3, 4, 0, 0]])
    >>> idx.numpy()
    array([[0, 1, 1, 0]], dtype=int32)
    """
    op = "ctc_unique_labels"
    lab = _ints(labels, op, "labels", 2)
    y = np.zeros(lab.shape, np.int64)
    idx = np.zeros(lab.shape, np.int32)
    for b, row in enumerate(lab):
        if not row.size:
            continue
        u, first, inv = np.unique(row, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        y[b, :u.size] = u[order]
        idx[b] = rank[inv.reshape(-1)]
    return [wrap(y), wrap(idx)]
