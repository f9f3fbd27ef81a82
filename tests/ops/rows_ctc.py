"""Table rows: the CTC loss (gradtape/ops/ctc.py).

The reference sums the probability of every alignment (every path of classes over the frames
that collapses to the labels), so it only suits tiny inputs. ``order=1``: TensorFlow's CTC loss
has no second derivative, and gradtape's gradient is a constant for further differentiation too.
"""

import itertools

import numpy as np

import gradtape as gt

from .table import Row


def collapse(path, blank):
    """The labelling of one alignment: repeats merged, then blanks removed."""
    out = []
    prev = None
    for c in path:
        if c != prev and c != blank:
            out.append(c)
        prev = c
    return out


def brute_force_ctc(logits, labels, label_length, logit_length, blank=0, time_major=True):
    """``-log`` of the summed probability of every alignment, per example (inf if none)."""
    x = np.asarray(logits, np.float64)
    if not time_major:
        x = np.swapaxes(x, 0, 1)
    nc = x.shape[2]
    if blank < 0:
        blank += nc
    p = np.exp(x - x.max(axis=2, keepdims=True))
    p /= p.sum(axis=2, keepdims=True)
    out = []
    for b in range(x.shape[1]):
        target = [int(v) for v in labels[b][:label_length[b]]]
        total = 0.0
        for path in itertools.product(range(nc), repeat=int(logit_length[b])):
            if collapse(path, blank) == target:
                total += np.prod([p[t, b, c] for t, c in enumerate(path)])
        out.append(-np.log(total) if total > 0 else np.inf)
    return np.array(out)


def _row(name, labels, label_length, logit_length, shape, **kw):
    labels = np.array(labels)
    blank = kw.get("blank_index") or 0
    time_major = kw.get("logits_time_major", True)
    extra = {k: v for k, v in kw.items() if k != "unique_from_labels"}
    if kw.get("unique_from_labels"):
        extra["unique"] = gt.nn.ctc_unique_labels(labels)

    def fn(x):
        return gt.nn.ctc_loss(labels, x, label_length, logit_length, **extra)

    def ref(x):
        return brute_force_ctc(x, labels, label_length, logit_length, blank, time_major)

    return Row(name, fn, ref, [(shape,)], order=1)


ROWS = [
    # repeated labels ([3, 3] needs a blank between), a shorter logit_length
    _row("ctc_loss", [[1, 2, 0], [3, 3, 0], [2, 1, 2]], [2, 2, 3], [5, 4, 5], (5, 3, 4)),
    _row("ctc_loss_batch_major", [[1, 2], [2, 0]], [2, 1], [4, 3], (2, 4, 3), logits_time_major=False),
    _row("ctc_loss_blank_last", [[0, 1], [1, 1]], [2, 2], [4, 4], (4, 2, 3), blank_index=-1),
    # blank in the middle of the classes; an empty label sequence; an example with no frames
    _row("ctc_loss_blank_middle", [[0, 2, 3], [3, 0, 0], [0, 0, 0]], [3, 0, 0], [4, 3, 0], (4, 3, 4),
         blank_index=1),
    _row("ctc_loss_unique", [[2, 1, 2], [1, 1, 0]], [3, 2], [5, 5], (5, 2, 3), unique_from_labels=True),
]
