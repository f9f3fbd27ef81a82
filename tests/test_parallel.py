"""Large ops split over threads by batch rows (gradtape/_engine/parallel.py).

Every test forces a split into three parts of tiny arrays (``MIN_BYTES = MIN_PRODUCT = 0``), whatever the
machine's core count, and compares with the same op run whole. Pools and relus compare
exactly; anything with a product compares to rounding (BLAS picks its kernel, and so the order
of a sum, by the size of the product it is given).
Without a BLAS whose thread count gradtape can set, a stand-in records the settings.
"""

import os
import sys
import threading
import time

import numpy as np
import pytest

import gradtape as gt
from gradtape._engine import parallel
from gradtape.ops import conv
from gradtape.ops import nn as nn_ops


class FakeBlas:
    """Thread-count functions for a NumPy whose BLAS gradtape cannot set."""

    def __init__(self):
        self.n = 2

    def get(self):
        return self.n

    def put(self, n):
        self.n = n


@pytest.fixture
def split3(monkeypatch):
    """Ops split into three parts, however small; the calls to each part recorded."""
    if parallel.blas_threads() is None:
        fake = FakeBlas()
        monkeypatch.setattr(parallel, "_blas", (fake.get, fake.put))
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PRODUCT", 0)
    monkeypatch.setattr(parallel, "parts", lambda: 3)
    calls = []
    run = parallel._run

    def recording(n, k, fn):
        calls.append((n, k))
        return run(n, k, fn)
    monkeypatch.setattr(parallel, "_run", recording)
    yield calls


def whole(fn):
    """``fn()`` with splitting off."""
    was = parallel.MIN_BYTES, parallel.MIN_PRODUCT
    parallel.MIN_BYTES = parallel.MIN_PRODUCT = 1 << 62
    try:
        return fn()
    finally:
        parallel.MIN_BYTES, parallel.MIN_PRODUCT = was


def test_split_covers_the_rows_in_order_on_separate_threads(split3):
    seen = []
    out = parallel.split(10, 0, lambda lo, hi: seen.append(threading.get_ident()) or (lo, hi))
    assert out == [(0, 3), (3, 6), (6, 10)]
    assert len(set(seen)) == 3 and threading.get_ident() in seen
    assert split3 == [(10, 3)]


def test_small_ops_and_single_rows_run_whole(monkeypatch):
    monkeypatch.setattr(parallel, "parts", lambda: 3)
    assert parallel.split(10, parallel.MIN_BYTES - 1, lambda lo, hi: (lo, hi)) == [(0, 10)]
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    assert parallel.split(1, 0, lambda lo, hi: (lo, hi)) == [(0, 1)]


def test_blas_runs_on_one_thread_inside_and_is_restored_after(split3):
    get = parallel.blas_threads()[0]
    before = get()
    inside = parallel.split(6, 0, lambda lo, hi: get())
    assert inside == [1, 1, 1] and get() == before


def test_an_error_in_a_part_reaches_the_caller_and_the_workers_survive(split3):
    get = parallel.blas_threads()[0]
    before = get()

    def part(lo, hi):
        if lo > 0:
            raise ValueError(f"part {lo}")
        return lo
    with pytest.raises(ValueError, match="part"):
        parallel.split(9, 0, part)
    assert get() == before
    assert parallel.split(9, 0, lambda lo, hi: hi - lo) == [3, 3, 3]


def test_a_split_holds_nothing_once_done(split3):
    import weakref
    a = np.ones((6, 1000))
    gone = weakref.ref(a)
    parallel.split(6, 0, lambda lo, hi, a=a: a[lo:hi].sum())
    del a
    assert gone() is None, "a worker still holds the op's arrays"


def test_a_split_inside_a_split_runs_whole(split3):
    inner = parallel.split(4, 0, lambda lo, hi: parallel.split(hi - lo, 0, lambda a, b: (a, b)))
    assert all(len(r) == 1 for r in inner)
    assert split3 == [(4, 3)]


def test_threads_calling_ops_at_once_get_right_answers(split3):
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((6, 9, 9, 4)).astype(np.float32) for _ in range(4)]
    w = rng.standard_normal((3, 3, 4, 5)).astype(np.float32)
    want = [whole(lambda x=x: gt.nn.conv2d(x, w, 1, "SAME").numpy()) for x in xs]
    got = [None] * len(xs)

    def run(i):
        for _ in range(20):
            got[i] = gt.nn.conv2d(xs[i], w, 1, "SAME").numpy()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(xs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for g, r in zip(got, want):  # BLAS may sum a product of a different size in another order
        np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c", [1, 4])
def test_convolutions_split_give_the_whole_ops_results(split3, dtype, c):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((7, 10, 9, c)).astype(dtype)
    w = rng.standard_normal((3, 3, c, 5)).astype(dtype)
    g = rng.standard_normal((7, 10, 9, 5)).astype(dtype)
    pad = ((1, 1), (1, 1))
    fwd = lambda: conv._conv_fwd(x, w, (1, 1), (1, 1), pad, False)
    bpi = lambda: conv._conv_bpi_fwd(g, w, x.shape, (1, 1), (1, 1), pad, False)
    bpf = lambda: conv._conv_bpf_fwd(x, g, w.shape, (1, 1), (1, 1), pad, False)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for op in (fwd, bpi, bpf):
        want = whole(op)  # sums of up to 630 terms: rounding relative to the largest
        np.testing.assert_allclose(op(), want, rtol=tol, atol=tol * np.abs(want).max())
    # the input gradient is split on the compiled path (one channel: NumPy's, not split)
    assert len(split3) == (3 if c > 1 and gt.config.native_kernels() else 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pools_and_relus_split_give_the_same_values(split3, dtype):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 8, 8, 3)).astype(dtype)
    x[0, 0, 0, 0], x[4, 7, 7, 2] = np.nan, -np.inf
    m, k = conv._max_pool_fwd(x, (2, 2), (2, 2), ((0, 0), (0, 0)))
    m0, k0 = whole(lambda: conv._max_pool_fwd(x, (2, 2), (2, 2), ((0, 0), (0, 0))))
    np.testing.assert_array_equal(m, m0)
    np.testing.assert_array_equal(k, k0)
    g = rng.standard_normal(m.shape).astype(dtype)
    for relu in (None, m):
        dx = conv._max_pool_grad_native(k, g, x.shape, (2, 2), (2, 2), ((0, 0), (0, 0)), relu=relu)
        if dx is None:  # the compiled kernels are off: the NumPy scatter is not split
            continue
        dx0 = whole(lambda r=relu: conv._max_pool_grad_native(k, g, x.shape, (2, 2), (2, 2), ((0, 0), (0, 0)), relu=r))
        np.testing.assert_array_equal(dx, dx0)
    big = rng.standard_normal((6, 40, 9)).astype(dtype)
    np.testing.assert_array_equal(nn_ops._relu_fwd(big), whole(lambda: nn_ops._relu_fwd(big)))
    gr = rng.standard_normal(big.shape).astype(dtype)
    a, b = nn_ops._relu_vjp_inplace(gr.copy(), big), whole(lambda: nn_ops._relu_vjp_inplace(gr.copy(), big))
    np.testing.assert_array_equal(a, b)


def test_a_small_cnn_trains_to_the_same_gradients_split(split3):
    rng = np.random.default_rng(4)
    img = gt.constant(rng.standard_normal((6, 12, 12, 2)))
    ks = [gt.Variable(rng.standard_normal((3, 3, 2, 4)) * 0.3), gt.Variable(rng.standard_normal((3, 3, 4, 3)) * 0.3),
          gt.Variable(rng.standard_normal((27, 5)) * 0.1)]
    labels = gt.constant(rng.integers(0, 5, 6))

    def loss():
        h = gt.nn.max_pool2d(gt.nn.relu(gt.nn.conv2d(img, ks[0], 1, "SAME")), 2, 2, "VALID")
        h = gt.nn.max_pool2d(gt.nn.relu(gt.nn.conv2d(h, ks[1], 1, "SAME")), 2, 2, "VALID")
        return gt.reduce_mean(gt.nn.sparse_softmax_cross_entropy_with_logits(labels, gt.reshape(h, (6, -1)) @ ks[2]))

    def grads():
        with gt.GradientTape() as t:
            value = loss()
        return [g.numpy() for g in t.gradient(value, ks)]
    split_grads = grads()
    assert split3, "nothing was split"
    for a, b in zip(split_grads, whole(grads)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)

    # and both against central differences (float64), for the first filter
    k0 = ks[0].numpy()

    def loss_at(k):
        ks[0].assign(k)
        return float(loss())
    num = np.zeros_like(k0)
    for i in np.ndindex(k0.shape):
        kp, km = k0.copy(), k0.copy()
        kp[i] += 1e-6
        km[i] -= 1e-6
        num[i] = (loss_at(kp) - loss_at(km)) / 2e-6
    ks[0].assign(k0)
    np.testing.assert_allclose(split_grads[0], num, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("shape", [((50, 30), (30, 20)), ((3, 4), (4, 2)), ((50, 30), (30,)), ((2, 5, 6), (6, 3))])
def test_products_after_a_split_are_the_same_products(split3, shape):
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal(shape[0]).astype(np.float32), rng.standard_normal(shape[1]).astype(np.float32)
    get = parallel.blas_threads()[0]
    before = get()
    parallel.split(3, 0, lambda lo, hi: None)  # a split just ran: products keep BLAS's workers asleep
    r = parallel.product(a, b)
    assert get() == before
    np.testing.assert_allclose(r, np.matmul(a, b), rtol=1e-5, atol=1e-5)
    ints = parallel.product(a.astype(np.int64), b.astype(np.int64))
    np.testing.assert_array_equal(ints, np.matmul(a.astype(np.int64), b.astype(np.int64)))


def test_large_products_after_a_split_are_split_by_rows(split3):
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((40, 16)), rng.standard_normal((16, 8))
    parallel.split(3, 0, lambda lo, hi: None)
    del split3[:]
    np.testing.assert_allclose(parallel.product(a, b), a @ b, rtol=1e-13, atol=1e-13)
    assert split3 == [(40, 3)]


def test_the_window_after_a_split_closes_even_while_products_split(split3, monkeypatch):
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal((40, 16)), rng.standard_normal((16, 8))
    parallel.split(3, 0, lambda lo, hi: None)
    opened = parallel._last_split
    parallel.product(a, b)  # split by rows: must not keep the window open
    assert parallel._last_split == opened
    monkeypatch.setattr(parallel, "_last_split", opened - 2 * parallel.RECENT)
    del split3[:]
    np.testing.assert_array_equal(parallel.product(a, b), np.matmul(a, b))  # BLAS's own way again
    assert split3 == []


def test_config_threading(monkeypatch):
    th = gt.config.threading
    assert th.get_intra_op_parallelism_threads() == 0 and th.get_inter_op_parallelism_threads() == 0
    if parallel.blas_threads() is None:
        fake = FakeBlas()
        monkeypatch.setattr(parallel, "_blas", (fake.get, fake.put))
    get = parallel.blas_threads()[0]
    before = get()
    try:
        th.set_intra_op_parallelism_threads(1)
        assert th.get_intra_op_parallelism_threads() == 1 and parallel.parts() == 1 and get() == 1
        monkeypatch.setattr(parallel, "MIN_BYTES", 0)
        assert parallel.split(8, 0, lambda lo, hi: (lo, hi)) == [(0, 8)]
    finally:
        th.set_intra_op_parallelism_threads(0)
    assert th.get_intra_op_parallelism_threads() == 0 and get() == before
    th.set_inter_op_parallelism_threads(3)
    assert th.get_inter_op_parallelism_threads() == 3
    th.set_inter_op_parallelism_threads(0)
    with pytest.raises(TypeError, match="set_intra_op_parallelism_threads: num_threads must be an int"):
        th.set_intra_op_parallelism_threads(2.0)
    with pytest.raises(ValueError, match="must be >= 0"):
        th.set_inter_op_parallelism_threads(-1)


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs os.fork (Linux)")
def test_a_forked_child_splits_with_threads_of_its_own(split3):
    assert parallel.split(6, 0, lambda lo, hi: hi - lo) == [2, 2, 2]  # the parent's workers exist
    pid = os.fork()
    if pid == 0:  # the child: new workers, right answers
        try:
            ok = parallel.split(6, 0, lambda lo, hi: (hi - lo, threading.get_ident()))
            os._exit(0 if [r[0] for r in ok] == [2, 2, 2] and len({r[1] for r in ok}) == 3 else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0


def test_second_order_through_split_ops(split3):
    """A Hessian-vector product of a convolution, relu and pool (split) against central
    differences of the first-order gradient."""
    rng = np.random.default_rng(8)
    img = gt.constant(rng.standard_normal((5, 8, 8, 2)))
    k = gt.Variable(rng.standard_normal((3, 3, 2, 3)) * 0.5)
    v = rng.standard_normal((3, 3, 2, 3))

    def first(kv):
        with gt.GradientTape() as t:
            y = gt.nn.max_pool2d(gt.nn.relu(gt.nn.conv2d(img, kv, 1, "SAME")), 2, 2, "VALID")
            value = gt.reduce_sum(y ** 3)
        return t.gradient(value, kv)
    with gt.GradientTape() as outer:
        hv = gt.reduce_sum(first(k) * v)
    got = outer.gradient(hv, k).numpy()
    assert split3, "nothing was split"
    k0 = k.numpy()
    num = np.zeros_like(k0)
    for i in np.ndindex(k0.shape):
        kp, km = k0.copy(), k0.copy()
        kp[i] += 1e-6
        km[i] -= 1e-6
        num[i] = float(np.sum((first(gt.Variable(kp)).numpy() - first(gt.Variable(km)).numpy()) * v)) / 2e-6
    np.testing.assert_allclose(got, num, rtol=1e-5, atol=1e-6)


def test_an_interrupted_wait_leaves_the_next_split_right(split3, monkeypatch):
    """Ctrl-C while the caller waits for a worker: the next split must not take the old job's
    completion for its own."""
    parallel.split(3, 0, lambda lo, hi: None)  # the workers exist and wait
    release = threading.Event()
    acquire = threading.Semaphore.acquire

    class Interrupt(BaseException):
        pass

    def interrupted(self, *a, **k):
        monkeypatch.setattr(threading.Semaphore, "acquire", acquire)  # once
        raise Interrupt

    def part(lo, hi):
        if lo:
            release.wait(2)
        return (lo, hi)
    monkeypatch.setattr(threading.Semaphore, "acquire", interrupted)
    with pytest.raises(Interrupt):
        parallel.split(3, 0, part)
    release.set()
    time.sleep(0.1)  # the interrupted parts finish meanwhile

    def slow_part(lo, hi):
        if lo:
            time.sleep(0.05)
        return (lo, hi)
    assert parallel.split(6, 0, slow_part) == [(0, 2), (2, 4), (4, 6)]
