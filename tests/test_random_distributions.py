"""gt.random's gamma, Poisson, binomial and parameterized truncated normal samplers, seed split and
fold_in, and the candidate samplers: seeding rules, shapes and dtypes, fixed-seed statistics, the
gamma gradients, TensorFlow's expected-count formulas and the error messages."""

import math

import numpy as np
import pytest

import gradtape as gt


@pytest.fixture(autouse=True)
def _reset_seed():
    gt.random.set_seed(None)
    yield
    gt.random.set_seed(None)


def draw_sequence():
    return [gt.random.gamma([3], [1.0, 2.0]).numpy(), gt.random.normal([2]).numpy(),
            gt.random.poisson([4], 3.0).numpy(), gt.random.gamma([3], 0.5, seed=7).numpy(),
            gt.random.gamma([3], 0.5, seed=7).numpy(),
            gt.random.uniform_candidate_sampler([[1]], 1, 3, True, 10)[0].numpy(),
            gt.random.log_uniform_candidate_sampler([[1]], 1, 3, False, 10)[0].numpy(),
            gt.random.fixed_unigram_candidate_sampler([[1]], 1, 3, False, 3, unigrams=[1, 2, 3])[0].numpy(),
            gt.random.learned_unigram_candidate_sampler([[1]], 1, 3, False, 10)[0].numpy(),
            gt.random.all_candidate_sampler([[1]], 1, 3, False)[0].numpy(),
            gt.random.uniform([3]).numpy()]


# -- seeding rules -----------------------------------------------------------------------------
def test_global_seed_replays_the_whole_sequence():
    gt.random.set_seed(1234)
    a = draw_sequence()
    gt.random.set_seed(1234)
    b = draw_sequence()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[3], a[4])  # two calls with one op seed continue one stream
    gt.random.set_seed(4321)
    c = draw_sequence()
    assert not np.array_equal(a[0], c[0]) and not np.array_equal(a[-1], c[-1])


def test_each_op_takes_one_op_seed_from_the_counter_like_the_existing_ops():
    def after(op):
        gt.random.set_seed(5)
        op()
        return gt.random.normal([4]).numpy()
    reference = after(lambda: gt.random.uniform([2]))
    for op in (lambda: gt.random.gamma([2], 1.0), lambda: gt.random.poisson([2], 1.0),
               lambda: gt.random.uniform_candidate_sampler([[0]], 1, 2, False, 5),
               lambda: gt.random.all_candidate_sampler([[0]], 1, 2, False)):
        np.testing.assert_array_equal(after(op), reference)


def test_op_seed_without_global_seed_is_reproducible():
    a = gt.random.gamma([4], 2.0, seed=11).numpy()
    b = gt.random.gamma([4], 2.0, seed=11).numpy()
    assert not np.array_equal(a, b)
    p = gt.random.poisson([4], 5.0, seed=11).numpy()
    gt.random.set_seed(None)  # as a fresh program
    np.testing.assert_array_equal(gt.random.gamma([4], 2.0, seed=11).numpy(), a)
    np.testing.assert_array_equal(gt.random.gamma([4], 2.0, seed=11).numpy(), b)
    np.testing.assert_array_equal(gt.random.poisson([4], 5.0, seed=11).numpy(), p)


def test_no_seed_at_all_is_nondeterministic():
    assert not np.array_equal(gt.random.gamma([16], 1.0).numpy(), gt.random.gamma([16], 1.0).numpy())


STATELESS = [
    lambda s: gt.random.stateless_gamma([5, 2], seed=s, alpha=[0.5, 3.0], beta=2.0),
    lambda s: gt.random.stateless_poisson([5, 2], seed=s, lam=[1.0, 20.0]),
    lambda s: gt.random.stateless_binomial([5, 2], seed=s, counts=[10.0, 30.0], probs=[0.3, 0.8]),
    lambda s: gt.random.stateless_parameterized_truncated_normal([5, 2], seed=s, minvals=[-1.0, 0.5]),
    lambda s: gt.random.split(s, 3),
    lambda s: gt.random.fold_in(s, 12345),
]


@pytest.mark.parametrize("f", STATELESS)
def test_stateless_ops_are_pure_functions_of_the_seed(f):
    gt.random.set_seed(3)
    a = f([1, 2]).numpy()
    gt.random.normal([3])  # neither the global seed nor other ops matter
    np.testing.assert_array_equal(f(gt.constant([1, 2])).numpy(), a)
    np.testing.assert_array_equal(f(np.array([1, 2], np.int32)).numpy(), a)
    gt.random.set_seed(None)
    np.testing.assert_array_equal(f([1, 2]).numpy(), a)
    assert not np.array_equal(f([1, 3]).numpy(), a)


# -- shapes and dtypes -------------------------------------------------------------------------
def test_shapes_and_dtypes():
    assert gt.random.gamma([4, 3], 1.0).shape == (4, 3)
    x = gt.random.gamma([4], [[1.0], [2.0]], beta=[1.0, 2.0, 3.0], dtype=gt.float64)
    assert x.shape == (4, 2, 3) and x.dtype == np.float64
    assert gt.random.gamma([], 1.0, dtype=gt.float16).dtype == np.float16
    assert gt.random.gamma([0, 2], 1.0).shape == (0, 2)
    assert gt.random.poisson([3], [1.0, 2.0]).shape == (3, 2)
    for dt in (gt.float16, gt.float64, gt.int32, gt.int64):
        assert gt.random.poisson([3], 2.0, dtype=dt).dtype == dt
        assert gt.random.stateless_poisson([3], [1, 2], 2.0, dtype=dt).dtype == dt
        assert gt.random.stateless_binomial([3], [1, 2], 5, 0.5, output_dtype=dt).dtype == dt
    assert gt.random.stateless_poisson([3], [1, 2], 2.0).dtype == np.int32
    assert gt.random.stateless_binomial([3], [1, 2], 5, 0.5).dtype == np.int32
    assert gt.random.stateless_gamma([3, 2], [1, 2], alpha=[1.0, 2.0]).dtype == np.float32
    assert gt.random.stateless_gamma([7, 3, 2], [1, 2], alpha=[[1.0], [3.0], [5.0]],
                                     beta=[[3.0, 4.0]]).shape == (7, 3, 2)
    tn = gt.random.stateless_parameterized_truncated_normal
    assert tn([10, 2, 3], [7, 17], stddevs=np.ones((2, 3)), minvals=[-1.0, -2.0, -1000.0],
              maxvals=[[10000.0], [1.0]]).shape == (10, 2, 3)
    assert tn([4], [1, 2]).dtype == np.float32
    assert tn([4], [1, 2], means=gt.constant(0.0, dtype=gt.float64)).dtype == np.float64


def test_split_and_fold_in():
    s = gt.random.split([1, 2], 4).numpy()
    assert s.shape == (4, 2) and s.dtype == np.int32 and len({tuple(r) for r in s.tolist()}) == 4
    s64 = gt.random.split(np.array([1, 2], np.int64)).numpy()
    assert s64.shape == (2, 2) and s64.dtype == np.int64
    assert gt.random.split([1, 2], 0).shape == (0, 2)
    f = gt.random.fold_in([1, 2], 7).numpy()
    assert f.dtype == np.int32 and f[1] == 7
    assert gt.random.fold_in([1, 2], np.int64(7)).dtype == np.int64
    assert gt.random.fold_in([1, 2], 8).numpy()[0] == f[0]  # the first word depends on the seed only
    assert gt.random.fold_in([1, 3], 7).numpy()[0] != f[0]
    streams = [gt.random.stateless_normal([4], seed=seed).numpy() for seed in s]
    assert not np.array_equal(streams[0], streams[1])
    np.testing.assert_array_equal(gt.random.split([1, 2], 4, alg="philox").numpy(), s)


# -- statistics from fixed seeds -------------------------------------------------------------------
@pytest.mark.parametrize("alpha,beta", [(0.3, 1.0), (2.5, 4.0), (40.0, 0.5)])
def test_gamma_moments(alpha, beta):
    x = gt.random.stateless_gamma([20000], seed=[4, 2], alpha=alpha, beta=beta, dtype=gt.float64).numpy()
    mean, sd = alpha / beta, math.sqrt(alpha) / beta
    assert abs(x.mean() - mean) < 4 * sd / math.sqrt(20000)
    assert abs(x.std() / sd - 1) < 0.05
    assert (x > 0).all()
    gt.random.set_seed(9)
    y = gt.random.gamma([20000], alpha, beta=beta, dtype=gt.float64).numpy()
    assert abs(y.mean() - mean) < 4 * sd / math.sqrt(20000)


def test_gamma_tiny_alpha_gives_the_smallest_normal_number_not_zero():
    x = gt.random.stateless_gamma([1000], seed=[1, 1], alpha=1e-3).numpy()
    assert x.min() == np.finfo(np.float32).tiny and (x > 0).all()


def test_poisson_and_binomial_moments_and_edge_values():
    gt.random.set_seed(2)
    x = gt.random.poisson([20000], [0.5, 30.0], dtype=gt.float64).numpy()
    np.testing.assert_allclose(x.mean(0), [0.5, 30.0], rtol=0.03)
    np.testing.assert_allclose(x.var(0), [0.5, 30.0], rtol=0.05)
    np.testing.assert_array_equal(gt.random.stateless_poisson([3, 2], [1, 1], [0.0, -2.0]).numpy(), 0)
    b = gt.random.stateless_binomial([20000, 2], [3, 4], counts=[10.0, 200.0], probs=[0.3, 0.9]).numpy()
    np.testing.assert_allclose(b.mean(0), [3.0, 180.0], rtol=0.02)
    np.testing.assert_allclose(b.var(0), [2.1, 18.0], rtol=0.06)
    assert b[:, 0].min() >= 0 and b[:, 0].max() <= 10
    edge = gt.random.stateless_binomial([4], [1, 1], counts=[0.0, 5.0, 5.0, -1.0], probs=[0.5, 0.0, 1.0, 0.5])
    np.testing.assert_array_equal(edge.numpy(), [0, 0, 5, 0])
    nan = gt.random.stateless_binomial([2], [1, 1], 5.0, [np.nan, 1.0], output_dtype=gt.float32).numpy()
    assert np.isnan(nan[0]) and nan[1] == 5.0


def _truncated_moments(mu, sd, lo, hi):
    phi = lambda z: 0.0 if math.isinf(z) else math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    cdf = lambda z: 0.5 * math.erfc(-z / math.sqrt(2))
    zphi = lambda z: 0.0 if math.isinf(z) else z * phi(z)
    a, b = (lo - mu) / sd, (hi - mu) / sd
    mass = cdf(b) - cdf(a)
    m = (phi(a) - phi(b)) / mass
    v = 1 + (zphi(a) - zphi(b)) / mass - m * m
    return mu + sd * m, sd * math.sqrt(v)


@pytest.mark.parametrize("params", [(0.0, 1.0, -2.0, 2.0), (1.0, 2.0, -1.0, 0.5), (0.0, 1.0, 3.0, np.inf),
                                    (0.0, 1.0, -np.inf, -4.0), (5.0, 0.1, 5.5, 5.51), (0.0, 1.0, -1.0, 1.2)])
def test_parameterized_truncated_normal_bounds_and_moments(params):
    mu, sd, lo, hi = params
    x = gt.random.stateless_parameterized_truncated_normal(
        [20000], [5, 6], means=np.float64(mu), stddevs=np.float64(sd), minvals=np.float64(lo),
        maxvals=np.float64(hi)).numpy()
    assert x.min() >= lo and x.max() <= hi
    m, s = _truncated_moments(mu, sd, lo, hi)
    assert abs(x.mean() - m) < 5 * s / math.sqrt(20000)
    assert abs(x.std() / s - 1) < 0.05


# -- gamma gradients ---------------------------------------------------------------------------
def _richardson(f, x, h):
    """Central difference of f at x with step h, Richardson-extrapolated (error O(h**4))."""
    d1 = (f(x + h) - f(x - h)) / (2 * h)
    d2 = (f(x + h / 2) - f(x - h / 2)) / h
    return (4 * d2 - d1) / 3


def test_gamma_gradient_wrt_alpha_is_the_derivative_of_the_sample_with_the_draws_held_fixed():
    # The samples are P^-1(alpha, u) with u fixed by the seed, so the implicit gradient must match
    # a finite difference of the samples themselves, element by element, to the method's accuracy.
    # The difference is taken on log(sample), which is smooth in alpha even where a small alpha
    # makes the sample itself vary over many orders of magnitude.
    alpha = np.array([0.05, 0.7, 3.0, 60.0])
    shape = [50, 4]

    def log_sample(a, j):
        return np.log(gt.random.stateless_gamma(shape, seed=[21, 7], alpha=a, dtype=gt.float64).numpy()[:, j])
    for j in range(4):
        a = gt.constant(alpha)
        tangent = np.eye(4)[j]
        with gt.autodiff.ForwardAccumulator(a, gt.constant(tangent)) as acc:
            x = gt.random.stateless_gamma(shape, seed=[21, 7], alpha=a, dtype=gt.float64)
        jvp = acc.jvp(x).numpy()
        fd = _richardson(lambda t, j=j, e=tangent: log_sample(alpha + t * e, j), 0.0, 1e-3 * alpha[j])
        live = x.numpy()[:, j] > 1e-280  # away from the smallest-normal clamp
        assert live.sum() > 40
        np.testing.assert_allclose(jvp[live, j] / x.numpy()[live, j], fd[live], rtol=1e-8, atol=0)
        assert (jvp[live, j] > 0).all()  # larger concentration, larger samples
        np.testing.assert_array_equal(np.delete(jvp, j, axis=1), 0.0)
    # reverse mode agrees with forward mode
    w = gt.random.stateless_normal(shape, seed=[3, 3], dtype=gt.float64)
    a = gt.constant(alpha)
    with gt.GradientTape() as tape:
        tape.watch(a)
        loss = gt.reduce_sum(w * gt.random.stateless_gamma(shape, seed=[21, 7], alpha=a, dtype=gt.float64))
    grads = []
    for j in range(4):
        with gt.autodiff.ForwardAccumulator(a, gt.constant(np.eye(4)[j])) as acc:
            x = gt.random.stateless_gamma(shape, seed=[21, 7], alpha=a, dtype=gt.float64)
        grads.append(float((w.numpy() * acc.jvp(x).numpy()).sum()))
    np.testing.assert_allclose(tape.gradient(loss, a).numpy(), grads, rtol=1e-12)


def test_gamma_gradient_wrt_beta_and_broadcast_alpha():
    alpha, beta = gt.constant([[1.5], [4.0]], dtype=gt.float64), gt.constant([2.0, 0.5, 3.0], dtype=gt.float64)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([alpha, beta])
        x = gt.random.stateless_gamma([30, 2, 3], seed=[8, 9], alpha=alpha, beta=beta, dtype=gt.float64)
        s = gt.reduce_sum(x)
    ga, gb = tape.gradient(s, [alpha, beta])
    assert ga.shape == (2, 1) and gb.shape == (3,)
    np.testing.assert_allclose(gb.numpy(), (-x.numpy() / beta.numpy()).sum(axis=(0, 1)), rtol=1e-12)

    def total(a, b):
        return gt.random.stateless_gamma([30, 2, 3], seed=[8, 9], alpha=a, beta=b, dtype=gt.float64).numpy().sum()
    a0, b0 = alpha.numpy(), beta.numpy()
    fd_a = [_richardson(lambda t, e=np.eye(2)[i][:, None]: total(a0 + t * e, b0), 0.0, 1e-3) for i in range(2)]
    np.testing.assert_allclose(ga.numpy().ravel(), fd_a, rtol=1e-7)
    fd_b = [_richardson(lambda t, e=np.eye(3)[i]: total(a0, b0 + t * e), 0.0, 1e-4) for i in range(3)]
    np.testing.assert_allclose(gb.numpy(), fd_b, rtol=1e-7)


def test_stateful_gamma_gradient_replays_under_the_global_seed():
    alpha = 2.0

    def draw(a):
        gt.random.set_seed(77)
        return gt.random.gamma([200], a, dtype=gt.float64)
    a = gt.constant(alpha, dtype=gt.float64)
    with gt.GradientTape() as tape:
        tape.watch(a)
        s = gt.reduce_sum(draw(a))
    fd = _richardson(lambda t: draw(alpha + t).numpy().sum(), 0.0, 1e-3)
    np.testing.assert_allclose(float(tape.gradient(s, a)), fd, rtol=1e-7)
    # float32 samples: the gradient is float32 and E[d x / d alpha] = 1
    a32 = gt.constant(3.0)
    with gt.GradientTape() as tape:
        tape.watch(a32)
        m = gt.reduce_mean(gt.random.gamma([5000], a32, seed=3))
    g = tape.gradient(m, a32)
    assert g.dtype == np.float32 and abs(float(g) - 1.0) < 0.05


def test_other_samplers_have_no_gradient():
    lam = gt.constant(3.0)
    with gt.GradientTape() as tape:
        tape.watch(lam)
        y = gt.reduce_sum(gt.random.poisson([4], lam))
    assert tape.gradient(y, lam) is None


# -- candidate samplers ---------------------------------------------------------------------------
def _tries_from(expected, p):
    """The num_tries k of TensorFlow's unique-sampling formula 1 - (1 - p)**k."""
    return np.log1p(-expected.astype(np.float64)) / np.log1p(-np.asarray(p, np.float64))


def test_uniform_candidate_sampler_counts():
    true = [[0, 3], [9, 9]]
    s, t, e = gt.random.uniform_candidate_sampler(true, 2, 6, False, 10, seed=1)
    assert s.shape == (6,) and s.dtype == np.int64 and t.shape == (2, 2) and t.dtype == np.float32
    np.testing.assert_allclose(t.numpy(), 0.6, rtol=1e-6)
    np.testing.assert_allclose(e.numpy(), 0.6, rtol=1e-6)
    seen_duplicates = False
    for seed in range(20):
        s, t, e = gt.random.uniform_candidate_sampler(true, 2, 6, True, 10, seed=seed)
        assert len(set(s.numpy().tolist())) == 6 and set(s.numpy().tolist()) <= set(range(10))
        k = _tries_from(e.numpy(), 0.1)
        if np.allclose(e.numpy(), 0.6):  # no duplicate drawn: num_tries == num_sampled
            continue
        seen_duplicates = True
        assert abs(k[0] - round(k[0])) < 1e-3 and round(k[0]) > 6
        np.testing.assert_allclose(t.numpy(), 1 - 0.9 ** round(k[0]), rtol=1e-5)
    assert seen_duplicates
    gt.random.set_seed(1)
    draws = gt.random.uniform_candidate_sampler([[0]], 1, 20000, False, 4)[0].numpy()
    np.testing.assert_allclose(np.bincount(draws, minlength=4) / 20000, 0.25, atol=0.015)


def test_log_uniform_candidate_sampler_counts():
    R = 10
    p = lambda c: np.log((np.asarray(c) + 2.0) / (np.asarray(c) + 1.0)) / np.log(R + 1.0)
    true = np.array([[0], [7], [9]])
    s, t, e = gt.random.log_uniform_candidate_sampler(true, 1, 8, False, R, seed=2)
    np.testing.assert_allclose(t.numpy(), 8 * p(true), rtol=1e-6)
    np.testing.assert_allclose(e.numpy(), 8 * p(s.numpy()), rtol=1e-6)
    s, t, e = gt.random.log_uniform_candidate_sampler(true, 1, 8, True, R, seed=2)
    assert len(set(s.numpy().tolist())) == 8
    k = float(_tries_from(e.numpy()[:1], p(s.numpy()[0]))[0])
    assert abs(k - round(k)) < 1e-3 and round(k) > 8  # 8 distinct of 10 Zipfian classes took more tries
    np.testing.assert_allclose(e.numpy(), 1 - (1 - p(s.numpy())) ** round(k), rtol=1e-5)
    np.testing.assert_allclose(t.numpy(), 1 - (1 - p(true)) ** round(k), rtol=1e-5)
    gt.random.set_seed(3)
    draws = gt.random.log_uniform_candidate_sampler([[0]], 1, 20000, False, R)[0].numpy()
    np.testing.assert_allclose(np.bincount(draws, minlength=R) / 20000, p(range(R)), atol=0.015)


def test_fixed_unigram_candidate_sampler():
    uni = [1.0, 0.0, 4.0, 2.0]
    s, t, e = gt.random.fixed_unigram_candidate_sampler([[2], [1]], 1, 3, False, 4, unigrams=uni, seed=1)
    np.testing.assert_allclose(t.numpy().ravel(), [3 * 4 / 7, 0.0], rtol=1e-6)
    np.testing.assert_allclose(e.numpy(), 3 * np.array(uni)[s.numpy()] / 7, rtol=1e-6)
    # distortion 0.5, two reserved ids (weight 0) in front
    s, t, e = gt.random.fixed_unigram_candidate_sampler([[2], [3]], 1, 4, False, 6, unigrams=[4.0, 1.0, 9.0, 16.0],
                                                        distortion=0.5, num_reserved_ids=2, seed=1)
    np.testing.assert_allclose(t.numpy().ravel(), 4 * np.array([2.0, 1.0]) / 10, rtol=1e-6)
    # shard 1 of 2 keeps the odd ids, renumbered from 0
    s, t, e = gt.random.fixed_unigram_candidate_sampler([[0]], 1, 2, False, 2, unigrams=[5.0, 1.0, 5.0, 3.0],
                                                        num_shards=2, shard=1, seed=1)
    np.testing.assert_allclose(t.numpy().ravel(), [2 * 1 / 4], rtol=1e-6)
    gt.random.set_seed(4)
    draws = gt.random.fixed_unigram_candidate_sampler([[0]], 1, 20000, False, 4, unigrams=uni)[0].numpy()
    np.testing.assert_allclose(np.bincount(draws, minlength=4) / 20000, np.array(uni) / 7, atol=0.015)
    s = gt.random.fixed_unigram_candidate_sampler([[0]], 1, 3, True, 4, unigrams=uni, seed=5)[0].numpy()
    assert sorted(s.tolist()) == [0, 2, 3]  # the zero-weight class is never drawn


def test_fixed_unigram_candidate_sampler_reads_a_vocab_file(tmp_path):
    path = tmp_path / "vocab.csv"
    path.write_text("the,4\nof,2\nzebra,2\n")
    s, t, e = gt.random.fixed_unigram_candidate_sampler([[0]], 1, 2, False, 3, vocab_file=str(path), seed=1)
    np.testing.assert_allclose(t.numpy(), [[2 * 0.5]], rtol=1e-6)


def test_learned_unigram_candidate_sampler_learns_per_op_seed():
    f = gt.random.learned_unigram_candidate_sampler
    _, t, _ = f([[3], [3]], 1, 2, False, 4, seed=5)
    np.testing.assert_allclose(t.numpy(), 0.5)  # the first call samples from the uniform weights
    _, t, e = f([[3], [0]], 1, 2, False, 4, seed=5)
    np.testing.assert_allclose(t.numpy().ravel(), [2 * 3 / 6, 2 * 1 / 6], rtol=1e-6)
    _, t, _ = f([[3], [0]], 1, 2, False, 4, seed=6)  # another op seed: another distribution
    np.testing.assert_allclose(t.numpy(), 0.5)
    _, t, _ = f([[3], [0]], 1, 2, False, 4, seed=5)
    np.testing.assert_allclose(t.numpy().ravel(), [2 * 4 / 8, 2 * 2 / 8], rtol=1e-6)
    gt.random.set_seed(1)  # resets the learned weights; unseeded calls start afresh each time
    for _ in range(2):
        _, t, _ = f([[3]], 1, 2, False, 4)
        np.testing.assert_allclose(t.numpy(), 0.5)
    gt.random.set_seed(1)
    _, t, _ = f([[3]], 1, 2, False, 4, seed=5)
    np.testing.assert_allclose(t.numpy(), 0.5)
    gt.random.set_seed(None)  # no seeds at all: one distribution across calls
    f([[1]], 1, 2, False, 4)
    _, t, _ = f([[1]], 1, 2, False, 4)
    np.testing.assert_allclose(t.numpy(), [[2 * 2 / 5]], rtol=1e-6)


def test_all_candidate_sampler():
    s, t, e = gt.random.all_candidate_sampler([[0, 1], [2, 3]], 2, 5, False, seed=3)
    np.testing.assert_array_equal(s.numpy(), np.arange(5))
    np.testing.assert_array_equal(t.numpy(), np.ones((2, 2)))
    np.testing.assert_array_equal(e.numpy(), np.ones(5))
    assert s.dtype == np.int64 and t.dtype == e.dtype == np.float32


# -- errors ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,match", [
    (lambda: gt.random.gamma([2], -1.0), r"gamma: alpha .* must be positive"),
    (lambda: gt.random.gamma([2], 1.0, beta=0.0), r"gamma: beta .* must be positive"),
    (lambda: gt.random.gamma([2], 1.0, dtype=gt.int32), r"gamma: dtype must be a floating point"),
    (lambda: gt.random.gamma([2], gt.constant(1.0, dtype=gt.float64)), r"gamma: alpha has dtype float64.*gt.cast"),
    (lambda: gt.random.gamma([2], [1.0, 2.0], beta=[1.0, 2.0, 3.0]), r"gamma: the shapes of alpha \[2\], beta \[3\]"),
    (lambda: gt.random.gamma([-1], 1.0), r"gamma: shape must have non-negative"),
    (lambda: gt.random.stateless_gamma([3], [1, 2], alpha=[1.0, 2.0]), r"stateless_gamma: shape \[3\] must end with"),
    (lambda: gt.random.stateless_gamma([3], [1, 2, 3], alpha=1.0), r"seed must be a shape \[2\]"),
    (lambda: gt.random.poisson([2], np.inf), r"poisson: lam .* must be finite"),
    (lambda: gt.random.poisson([2], 1.0, dtype=gt.bool), r"poisson: dtype must be one of"),
    (lambda: gt.random.stateless_poisson([2, 3], [1, 2], [1.0, 2.0]), r"stateless_poisson: shape \[2, 3\] must end"),
    (lambda: gt.random.stateless_binomial([2], [1, 2], 5, [np.nan, 0.5]), r"stateless_binomial: probs contains NaN"),
    (lambda: gt.random.stateless_binomial([2], [1, 2], 5, 0.5, output_dtype=gt.complex64),
     r"stateless_binomial: output_dtype must be one of"),
    (lambda: gt.random.stateless_parameterized_truncated_normal([2], [1, 2], stddevs=0.0),
     r"stateless_parameterized_truncated_normal: invalid parameters: need stddevs > 0"),
    (lambda: gt.random.stateless_parameterized_truncated_normal([2], [1, 2], minvals=1.0, maxvals=1.0),
     r"minvals < maxvals"),
    (lambda: gt.random.stateless_parameterized_truncated_normal(
        [2], [1, 2], means=gt.constant(0.0), stddevs=gt.constant(1.0, dtype=gt.float64)), r"share one floating"),
    (lambda: gt.random.split([1, 2, 3]), r"split: seed must be a shape \[2\]"),
    (lambda: gt.random.split([1, 2], -1), r"split: num must be a non-negative int"),
    (lambda: gt.random.split([1, 2], alg="mt19937"), r"split: alg must be"),
    (lambda: gt.random.fold_in([1, 2], 1.5), r"fold_in: data must be an int32 or int64 scalar"),
    (lambda: gt.random.uniform_candidate_sampler([1, 2], 1, 2, False, 5), r"true_classes must have shape"),
    (lambda: gt.random.uniform_candidate_sampler([[1.0]], 1, 2, False, 5), r"true_classes must be an integer"),
    (lambda: gt.random.uniform_candidate_sampler([[7]], 1, 2, False, 5), r"true_classes must lie in \[0, 5\)"),
    (lambda: gt.random.uniform_candidate_sampler([[1]], 1, 6, True, 5), r"with unique=True num_sampled \(6\)"),
    (lambda: gt.random.uniform_candidate_sampler([[1]], 1, 0, False, 5), r"num_sampled must be an int >= 1"),
    (lambda: gt.random.log_uniform_candidate_sampler([[1]], 1, 2, False, 0), r"range_max must be an int >= 1"),
    (lambda: gt.random.fixed_unigram_candidate_sampler([[1]], 1, 2, False, 5, unigrams=[1.0, 2.0]),
     r"range_max is 5 but there are 2 weights"),
    (lambda: gt.random.fixed_unigram_candidate_sampler([[1]], 1, 2, False, 2), r"exactly one of vocab_file"),
    (lambda: gt.random.fixed_unigram_candidate_sampler([[1]], 1, 2, False, 2, vocab_file="/no/such/file"),
     r"vocab_file '/no/such/file' does not exist"),
    (lambda: gt.random.fixed_unigram_candidate_sampler([[1]], 1, 2, True, 2, unigrams=[1.0, 0.0]),
     r"classes that can be sampled \(1\)"),
    (lambda: gt.random.all_candidate_sampler([[4]], 1, 3, False), r"all_candidate_sampler: true_classes must lie"),
])
def test_errors_name_the_op_the_argument_and_the_fix(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_gamma_has_no_second_derivative_with_respect_to_alpha():
    a = gt.Variable([1.5, 2.0], dtype=gt.float64)
    with gt.GradientTape() as outer:
        with gt.GradientTape() as inner:
            y = gt.reduce_sum(gt.random.stateless_gamma((4, 2), [1, 2], a, dtype=gt.float64))
        g = inner.gradient(y, a)
    assert np.all(np.isfinite(g.numpy())) and np.all(g.numpy() > 0)
    with pytest.raises(LookupError, match="no derivative of its own"):
        outer.gradient(g, a)
