"""The CTC functions of gt.nn against a brute-force sum over alignments, TensorFlow's gradient
formula, hand-computed decodings, and the wording of their errors."""

import itertools

import numpy as np
import pytest

import gradtape as gt
from tests.ops.rows_ctc import brute_force_ctc, collapse


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _brute_force_grad(x, labels, label_length, logit_length, blank=0):
    """TensorFlow's gradient (time major): softmax minus the posterior occupation of each class,
    from every alignment; 0 past logit_length; softmax alone when no alignment exists."""
    p = _softmax(x)
    nt, nb, nc = x.shape
    g = np.zeros_like(x)
    for b in range(nb):
        target = list(labels[b][:label_length[b]])
        tb = int(logit_length[b])
        occ = np.zeros((tb, nc))
        total = 0.0
        for path in itertools.product(range(nc), repeat=tb):
            if collapse(path, blank) == target:
                w = np.prod([p[t, b, c] for t, c in enumerate(path)])
                total += w
                for t, c in enumerate(path):
                    occ[t, c] += w
        g[:tb, b] = p[:tb, b] - (occ / total if total > 0 else 0)
    return g


def _loss_and_grad(labels, x, label_length, logit_length, weights=None, **kw):
    xt = gt.constant(x)
    with gt.GradientTape() as tape:
        tape.watch(xt)
        loss = gt.nn.ctc_loss(labels, xt, label_length, logit_length, **kw)
    og = None if weights is None else gt.constant(weights, loss.dtype)
    return loss.numpy(), tape.gradient(loss, xt, output_gradients=og).numpy()


CASES = {
    "repeated_labels": ([[1, 1], [2, 2]], [2, 2], [3, 4], (4, 2, 3), {}),
    "label_length_0": ([[0, 0], [1, 0]], [0, 1], [3, 3], (3, 2, 3), {}),
    "shorter_logit_length": ([[1, 2], [2, 1]], [2, 2], [2, 5], (5, 2, 3), {}),
    "blank_index_2": ([[0, 1, 0], [1, 1, 0]], [3, 2], [5, 4], (5, 2, 3), {"blank_index": 2}),
    "blank_index_minus_1": ([[0, 2], [1, 0]], [2, 1], [4, 3], (4, 2, 4), {"blank_index": -1}),
    "blank_index_1": ([[0, 2, 2], [2, 0, 0]], [3, 2], [5, 3], (5, 2, 3), {"blank_index": 1}),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_loss_and_gradient_match_the_sum_over_alignments(case):
    labels, lab_len, frames, shape, kw = CASES[case]
    rng = np.random.default_rng(hash(case) % 2**32)
    x = rng.normal(size=shape)
    w = rng.normal(size=shape[1])
    blank = kw.get("blank_index", 0)
    loss, g = _loss_and_grad(labels, x, lab_len, frames, w, **kw)
    np.testing.assert_allclose(loss, brute_force_ctc(x, np.array(labels), lab_len, frames, blank), rtol=1e-10)
    want = _brute_force_grad(x, np.array(labels), lab_len, frames, blank + shape[2] if blank < 0 else blank)
    np.testing.assert_allclose(g, want * w[None, :, None], rtol=1e-9, atol=1e-12)


def test_batch_major_is_time_major_transposed():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 2, 3))
    labels, lab_len, frames = [[1, 2], [2, 2]], [2, 2], [4, 3]
    l1, g1 = _loss_and_grad(labels, x, lab_len, frames)
    l2, g2 = _loss_and_grad(labels, x.transpose(1, 0, 2), lab_len, frames, logits_time_major=False)
    np.testing.assert_allclose(l1, l2, rtol=1e-12)
    np.testing.assert_allclose(g1, g2.transpose(1, 0, 2), rtol=1e-12, atol=1e-15)


def test_gradient_is_zero_past_logit_length_and_sums_to_zero_per_frame():
    x = np.random.default_rng(1).normal(size=(5, 2, 4))
    _, g = _loss_and_grad([[1, 2], [3, 0]], x, [2, 1], [5, 2])
    assert np.all(g[2:, 1] == 0)
    np.testing.assert_allclose(g.sum(axis=-1), 0, atol=1e-12)


def test_impossible_alignment_gives_inf_loss():
    x = np.random.default_rng(2).normal(size=(2, 4, 3)).astype(np.float32)
    labels = [[1, 1, 0], [1, 2, 1], [1, 0, 0], [2, 0, 0]]
    # "1 1" needs a blank between (3 frames); 3 labels need 3 frames; 1 label needs a frame
    loss, g = _loss_and_grad(labels, x, [2, 3, 1, 1], [2, 2, 0, 2])
    assert loss.dtype == np.float32
    assert np.isinf(loss[:3]).all() and (loss[:3] > 0).all()
    np.testing.assert_allclose(loss[3], brute_force_ctc(x, np.array(labels), [2, 3, 1, 1], [2, 2, 0, 2])[3],
                               rtol=1e-6)
    # as TensorFlow's kernel: the gradient of an impossible example is the softmax, finite
    np.testing.assert_allclose(g[:, :2], _softmax(x.astype(np.float64))[:, :2], rtol=1e-5)
    assert np.all(g[:, 2] == 0)


def test_logits_of_minus_inf_are_classes_of_probability_0():
    x = np.random.default_rng(10).normal(size=(4, 2, 4))
    x[:, :, 3] = -np.inf
    x[1, 1, 2] = -np.inf
    labels, lab_len, frames = [[1, 2], [2, 2]], [2, 2], [4, 4]
    loss, g = _loss_and_grad(labels, x, lab_len, frames)
    np.testing.assert_allclose(loss, brute_force_ctc(x, np.array(labels), lab_len, frames), rtol=1e-10)
    np.testing.assert_allclose(g, _brute_force_grad(x, np.array(labels), lab_len, frames), rtol=1e-9, atol=1e-12)


def test_no_frames_and_no_labels_is_a_certain_event():
    loss, g = _loss_and_grad([[0]], np.zeros((0, 1, 3)), [0], [0])
    assert loss.tolist() == [0.0] and g.shape == (0, 1, 3)
    loss, _ = _loss_and_grad(np.zeros((2, 0), np.int32), np.zeros((3, 2, 2)), [0, 0], [3, 1])
    np.testing.assert_allclose(loss, [3 * np.log(2), np.log(2)], rtol=1e-12)


def test_default_blank_is_0_for_dense_labels():
    x = np.random.default_rng(3).normal(size=(4, 1, 3))
    a, _ = _loss_and_grad([[1, 2]], x, [2], [4])
    b, _ = _loss_and_grad([[1, 2]], x, [2], [4], blank_index=0)
    assert a.tolist() == b.tolist()


def test_padding_values_are_ignored():
    x = np.random.default_rng(4).normal(size=(4, 1, 3))
    a, ga = _loss_and_grad([[1, 2, 0, 0]], x, [2], [4])
    b, gb = _loss_and_grad([[1, 2, 7, -5]], x, [2], [4])
    assert a.tolist() == b.tolist() and np.array_equal(ga, gb)


def test_unique_gives_the_same_loss():
    labels = np.array([[2, 1, 2], [1, 1, 0]])
    x = np.random.default_rng(5).normal(size=(5, 2, 3))
    a, _ = _loss_and_grad(labels, x, [3, 2], [5, 5])
    b, _ = _loss_and_grad(labels, x, [3, 2], [5, 5], unique=gt.nn.ctc_unique_labels(labels))
    np.testing.assert_allclose(a, b, rtol=1e-14)


def test_dtypes():
    x = np.random.default_rng(6).normal(size=(3, 1, 3))
    for dt in (np.float16, np.float32, np.float64):
        loss, g = _loss_and_grad([[1]], x.astype(dt), [1], [3])
        assert loss.dtype == dt and g.dtype == dt
    loss = gt.nn.ctc_loss([[1]], x.tolist(), [1], [3])  # a Python list: float32, as TensorFlow
    assert loss.dtype == gt.float32


def test_second_order_is_constant_as_in_tensorflow():
    x = gt.constant(np.random.default_rng(7).normal(size=(3, 2, 3)))
    with gt.GradientTape() as outer:
        outer.watch(x)
        with gt.GradientTape() as inner:
            inner.watch(x)
            loss = gt.nn.ctc_loss([[1], [2]], x, [1, 1], [3, 2])
        g = inner.gradient(loss, x)
        s = gt.reduce_sum(g * g)
    assert outer.gradient(s, x) is None


def test_gradient_is_linear_in_the_incoming_gradient():
    x = gt.constant(np.random.default_rng(8).normal(size=(3, 2, 3)))
    w = gt.constant([2.0, -1.0], gt.float64)
    with gt.GradientTape() as outer:
        outer.watch(w)
        with gt.GradientTape() as inner:
            inner.watch(x)
            loss = gt.nn.ctc_loss([[1], [2]], x, [1, 1], [3, 3])
        g = inner.gradient(loss, x, output_gradients=w)
        s = gt.reduce_sum(g[0])
    base = _loss_and_grad([[1], [2]], x.numpy(), [1, 1], [3, 3])[1]
    np.testing.assert_allclose(outer.gradient(s, w).numpy(), base[0].sum(axis=-1), rtol=1e-12)


def test_jacobian_and_forward_mode():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(2, 4, 3))  # batch major
    labels, lab_len, frames = [[1, 2], [1, 1]], [2, 2], [4, 3]
    xt = gt.constant(x)
    with gt.GradientTape() as tape:
        tape.watch(xt)
        loss = gt.nn.ctc_loss(labels, xt, lab_len, frames, logits_time_major=False)
    jac = tape.jacobian(loss, xt).numpy()
    rows = [_loss_and_grad(labels, x, lab_len, frames, np.eye(2)[b], logits_time_major=False)[1] for b in range(2)]
    np.testing.assert_allclose(jac, np.stack(rows), rtol=1e-12, atol=1e-15)
    v = rng.normal(size=x.shape)
    with gt.autodiff.ForwardAccumulator(xt, gt.constant(v)) as acc:
        y = gt.nn.ctc_loss(labels, xt, lab_len, frames, logits_time_major=False)
    np.testing.assert_allclose(acc.jvp(y).numpy(), (jac * v).sum(axis=(1, 2, 3)), rtol=1e-12)


# -- decoders and label helpers ----------------------------------------------------------------
INF = float("inf")
TF_EXAMPLE = [[[0.0, -INF, -INF], [-2.3, -INF, -0.1]],
              [[-INF, -0.5, -INF], [-INF, -INF, -0.1]],
              [[-INF, -INF, -INF], [-0.1, -INF, -2.3]]]


def test_greedy_decoder_tensorflow_example():
    decoded, neg = gt.nn.ctc_greedy_decoder(gt.constant(TF_EXAMPLE), [2, 3], blank_index=1)
    assert isinstance(decoded, list) and len(decoded) == 1
    assert decoded[0].dtype == gt.int64
    assert decoded[0].numpy().tolist() == [[0, -1], [2, 0]]
    assert neg.shape == (2, 1) and neg.dtype == gt.float32
    np.testing.assert_allclose(neg.numpy(), [[0.5], [0.3]], rtol=1e-6)


def _frames(classes, nc=3):
    """One example whose frame t has its maximum at classes[t]: shape (T, 1, nc)."""
    x = np.zeros((len(classes), 1, nc))
    x[np.arange(len(classes)), 0, classes] = 1.0
    return x


def test_greedy_decoder_merge_repeated_and_default_blank():
    # A B B * B * B with A=0, B=1 and the blank 2 (num_classes - 1, the default)
    x = _frames([0, 1, 1, 2, 1, 2, 1])
    d, neg = gt.nn.ctc_greedy_decoder(x, [7])
    assert d[0].numpy().tolist() == [[0, 1, 1, 1]]
    assert neg.numpy().tolist() == [[-7.0]] and neg.dtype == gt.float64
    d, _ = gt.nn.ctc_greedy_decoder(x, [7], merge_repeated=False)
    assert d[0].numpy().tolist() == [[0, 1, 1, 1, 1]]
    d, _ = gt.nn.ctc_greedy_decoder(x, [3], blank_index=0)  # A=0 is now the blank
    assert d[0].numpy().tolist() == [[1]]


def test_greedy_decoder_ties_empty_results_and_padding():
    x = np.zeros((2, 2, 3))  # every class ties: the first (0) wins
    d, neg = gt.nn.ctc_greedy_decoder(x, [2, 0], blank_index=0)
    assert d[0].shape == (2, 0) and neg.numpy().tolist() == [[0.0], [0.0]]
    d, _ = gt.nn.ctc_greedy_decoder(x, [2, 1], blank_index=2)
    assert d[0].numpy().tolist() == [[0], [0]]
    x = np.concatenate([_frames([0, 1, 0]), _frames([1, 2, 2])], axis=1)
    d, _ = gt.nn.ctc_greedy_decoder(x, [3, 3])
    assert d[0].numpy().tolist() == [[0, 1, 0], [1, -1, -1]]


def test_greedy_decoder_has_no_gradient():
    x = gt.constant(_frames([0, 1]))
    with gt.GradientTape() as tape:
        tape.watch(x)
        _, neg = gt.nn.ctc_greedy_decoder(x, [2])
    assert tape.gradient(neg, x) is None


def test_collapse_repeated():
    collapsed, n = gt.nn.collapse_repeated([[1, 1, 2, 2, 1], [1, 2, 3, 4, 5]], [5, 5])
    assert collapsed.numpy().tolist() == [[1, 2, 1, 0, 0], [1, 2, 3, 4, 5]]
    assert n.numpy().tolist() == [3, 5]
    labels = np.array([[3, 3, 3, 4], [5, 5, 6, 6]], np.int64)
    collapsed, n = gt.nn.collapse_repeated(labels, np.array([2, 3], np.int64))
    assert collapsed.numpy().tolist() == [[3, 0], [5, 6]] and collapsed.dtype == gt.int64
    assert n.numpy().tolist() == [1, 2] and n.dtype == gt.int64
    collapsed, n = gt.nn.collapse_repeated([[1, 2]], [0])
    assert collapsed.shape == (1, 0) and n.numpy().tolist() == [0]


def test_ctc_unique_labels():
    y, idx = gt.nn.ctc_unique_labels([[3, 4, 4, 3], [3, 4, 0, 0], [5, 5, 5, 5]])
    assert y.dtype == gt.int64 and idx.dtype == gt.int32
    assert y.numpy().tolist() == [[3, 4, 0, 0], [3, 4, 0, 0], [5, 0, 0, 0]]
    assert idx.numpy().tolist() == [[0, 1, 1, 0], [0, 1, 2, 2], [0, 0, 0, 0]]


def test_names_in_gt_nn():
    for name in ("ctc_loss", "ctc_greedy_decoder", "collapse_repeated", "ctc_unique_labels"):
        assert callable(getattr(gt.nn, name))


# -- errors ------------------------------------------------------------------------------------
class _Sparse:
    indices = values = dense_shape = None


X = np.zeros((3, 2, 4), np.float32)
L = [[1, 2], [3, 0]]


@pytest.mark.parametrize("call, kind, match", [
    (lambda: gt.nn.ctc_loss(_Sparse(), X, None, [3, 3]), TypeError, "ctc_loss: SparseTensor labels are not"),
    (lambda: gt.nn.ctc_loss(L, X[0], [2, 1], [3, 3]), ValueError, "ctc_loss: logits must have rank 3"),
    (lambda: gt.nn.ctc_loss(L, gt.constant([[[1]]]), [2, 1], [3, 3]), TypeError, "logits must be floating"),
    (lambda: gt.nn.ctc_loss(L, X, None, [3, 3]), ValueError, "ctc_loss: label_length is required"),
    (lambda: gt.nn.ctc_loss([[1.0, 2.0]], X, [2, 1], [3, 3]), TypeError, "ctc_loss: labels must be integers"),
    (lambda: gt.nn.ctc_loss([[1, 2]], X, [2], [3, 3]), ValueError, "labels has 1 rows but logits have batch size 2"),
    (lambda: gt.nn.ctc_loss(L, X, [3, 1], [3, 3]), ValueError, r"label_length must be in \[0, 2\]"),
    (lambda: gt.nn.ctc_loss(L, X, [2], [3, 3]), ValueError, r"label_length must have shape \(2,\)"),
    (lambda: gt.nn.ctc_loss(L, X, [2, 1], [4, 3]), ValueError, r"logit_length must be in \[0, 3\]"),
    (lambda: gt.nn.ctc_loss(L, X, [2, 1], [3, -1]), ValueError, r"logit_length must be in \[0, 3\]"),
    (lambda: gt.nn.ctc_loss([[1, 4], [3, 0]], X, [2, 1], [3, 3]), ValueError, r"classes in \[0, 4\) other than"),
    (lambda: gt.nn.ctc_loss([[1, 0], [3, 0]], X, [2, 1], [3, 3]), ValueError, "including the blank"),
    (lambda: gt.nn.ctc_loss(L, X, [2, 1], [3, 3], blank_index=4), ValueError, r"blank_index=4 is out of range"),
    (lambda: gt.nn.ctc_loss(L, X, [2, 1], [3, 3], blank_index=1.0), TypeError, "blank_index must be an int"),
    (lambda: gt.nn.ctc_loss(L, X, [2, 1], [3, 3], unique=[[1, 2]]), TypeError, "unique must be the pair"),
    (lambda: gt.nn.ctc_loss(L, X, [2, 1], [3, 3], unique=([[2, 1], [3, 0]], [[0, 1], [0, 1]])), ValueError,
     "unique does not match labels"),
    (lambda: gt.nn.ctc_greedy_decoder(X[0], [3, 3]), ValueError, "ctc_greedy_decoder: inputs must have rank 3"),
    (lambda: gt.nn.ctc_greedy_decoder(np.zeros((0, 2, 3)), [0, 0]), ValueError, "inputs must not be empty"),
    (lambda: gt.nn.ctc_greedy_decoder(X, [4, 3]), ValueError, r"sequence_length must be in \[0, 3\]"),
    (lambda: gt.nn.ctc_greedy_decoder(X, [3]), ValueError, r"sequence_length must have shape \(2,\)"),
    (lambda: gt.nn.ctc_greedy_decoder(X, [3, 3], blank_index=-5), ValueError, r"blank_index=-5 is out of range"),
    (lambda: gt.nn.collapse_repeated([1, 2], [2]), ValueError, "collapse_repeated: labels must have rank 2"),
    (lambda: gt.nn.collapse_repeated([[1, 2]], [3]), ValueError, r"seq_length must be in \[0, 2\]"),
    (lambda: gt.nn.ctc_unique_labels([[1.5]]), TypeError, "ctc_unique_labels: labels must be integers"),
])
def test_errors(call, kind, match):
    with pytest.raises(kind, match=match):
        call()
