"""gt.random: seeding rules, reproducibility, shapes, dtypes and (loose, fixed-seed) statistics."""

import numpy as np
import pytest

import gradtape as gt


@pytest.fixture(autouse=True)
def _reset_seed():
    gt.random.set_seed(None)
    yield
    gt.random.set_seed(None)


def draw_sequence():
    return [gt.random.normal([3]).numpy(), gt.random.uniform([2]).numpy(),
            gt.random.normal([3], seed=7).numpy(), gt.random.normal([3], seed=7).numpy(),
            gt.random.truncated_normal([2]).numpy(), gt.random.categorical([[0.0, 0.0]], 5).numpy(),
            gt.random.shuffle(gt.range(10)).numpy()]


def test_global_seed_replays_the_whole_sequence():
    gt.random.set_seed(1234)
    a = draw_sequence()
    gt.random.set_seed(1234)
    b = draw_sequence()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    gt.random.set_seed(4321)
    c = draw_sequence()
    assert not np.array_equal(a[0], c[0])


def test_within_a_sequence_draws_differ():
    gt.random.set_seed(1)
    a = draw_sequence()
    assert not np.array_equal(a[0], gt.random.normal([3]).numpy())  # unseeded ops advance a counter
    assert not np.array_equal(a[2], a[3])  # two calls with one op seed continue one stream


def test_op_seed_without_global_seed_is_reproducible():
    a = gt.random.uniform([4], seed=11).numpy()
    b = gt.random.uniform([4], seed=11).numpy()
    assert not np.array_equal(a, b)
    gt.random.set_seed(None)  # as a fresh program
    np.testing.assert_array_equal(gt.random.uniform([4], seed=11).numpy(), a)


def test_no_seed_at_all_is_nondeterministic():
    assert not np.array_equal(gt.random.normal([8]).numpy(), gt.random.normal([8]).numpy())


def test_stateless_ops_are_pure_functions_of_the_seed():
    for f in (gt.random.stateless_normal, gt.random.stateless_uniform, gt.random.stateless_truncated_normal):
        a = f([3, 2], seed=[1, 2]).numpy()
        np.testing.assert_array_equal(f([3, 2], seed=gt.constant([1, 2])).numpy(), a)
        assert not np.array_equal(f([3, 2], seed=[1, 3]).numpy(), a)
        assert a.shape == (3, 2) and a.dtype == np.float32
    c = gt.random.stateless_categorical(gt.constant([[0.0, 1.0, 2.0]]), 10, seed=[5, 6]).numpy()
    c2 = gt.random.stateless_categorical([[0.0, 1.0, 2.0]], 10, seed=[5, 6]).numpy()
    np.testing.assert_array_equal(c2, c)
    assert c.dtype == np.int64 and c.shape == (1, 10)
    with pytest.raises(ValueError, match="seed"):
        gt.random.stateless_normal([2], seed=[1, 2, 3])


def test_stateless_uniform_integers():
    x = gt.random.stateless_uniform([1000], seed=[1, 1], minval=-3, maxval=4, dtype=gt.int32).numpy()
    assert x.dtype == np.int32 and x.min() == -3 and x.max() == 3
    full = gt.random.stateless_uniform([1000], seed=[1, 1], minval=None, maxval=None, dtype=gt.int64).numpy()
    assert full.dtype == np.int64 and full.min() < -2 ** 60 and full.max() > 2 ** 60
    with pytest.raises(ValueError, match="maxval"):
        gt.random.stateless_uniform([2], seed=[1, 1], dtype=gt.int32)


def test_generator_is_reproducible_from_a_seed():
    g1, g2 = gt.random.Generator.from_seed(42), gt.random.Generator.from_seed(42)
    for name in ("normal", "uniform", "truncated_normal"):
        a, b = getattr(g1, name)([5]), getattr(g2, name)([5])
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    first = gt.random.Generator.from_seed(42).normal([5]).numpy()
    assert not np.array_equal(g1.normal([5]).numpy(), first)  # the state advanced
    g1.reset_from_seed(42)
    np.testing.assert_array_equal(g1.normal([5]).numpy(), first)
    assert not np.array_equal(gt.random.Generator.from_seed(43).normal([5]).numpy(), first)
    s = g1.make_seeds(3)
    assert s.shape == (2, 3) and s.dtype == np.int64
    a, b = g1.split(2)
    assert not np.array_equal(a.normal([4]).numpy(), b.normal([4]).numpy())
    x = gt.random.Generator.from_seed(1).uniform([100], 0, 5, dtype=gt.int64).numpy()
    assert x.dtype == np.int64 and set(x.tolist()) <= set(range(5))
    gt.random.Generator.from_non_deterministic_state().normal([2])


@pytest.mark.parametrize("dtype", [gt.float16, gt.float32, gt.float64])
def test_float_shapes_dtypes_and_ranges(dtype):
    gt.random.set_seed(0)
    n = gt.random.normal([4, 3], mean=2.0, stddev=0.5, dtype=dtype)
    assert n.shape == (4, 3) and n.dtype == dtype
    u = gt.random.uniform((1000,), minval=-2.0, maxval=-1.0, dtype=dtype).numpy()
    assert u.dtype == dtype and u.min() >= -2.0 and u.max() < -1.0
    assert gt.random.uniform([], dtype=dtype).shape == ()
    assert gt.random.normal(gt.constant([2, 0])).shape == (2, 0)


def test_integer_uniform_needs_maxval_and_covers_the_range():
    gt.random.set_seed(0)
    x = gt.random.uniform([2000], 0, 10, dtype=gt.int32).numpy()
    assert x.dtype == np.int32 and set(x.tolist()) == set(range(10))
    with pytest.raises(ValueError, match="maxval"):
        gt.random.uniform([3], dtype=gt.int32)
    with pytest.raises(ValueError, match="floating"):
        gt.random.normal([3], dtype=gt.int32)


def test_truncated_normal_bounds_and_spread():
    gt.random.set_seed(3)
    x = gt.random.truncated_normal([20000], mean=1.0, stddev=2.0, dtype=gt.float64).numpy()
    assert np.abs(x - 1.0).max() <= 4.0
    assert abs(x.mean() - 1.0) < 0.05
    assert abs(x.std() - 2.0 * 0.8796) < 0.05  # the sd of a normal truncated at 2 sigma


def test_normal_moments():
    gt.random.set_seed(4)
    x = gt.random.normal([20000], mean=-1.0, stddev=3.0, dtype=gt.float64).numpy()
    assert abs(x.mean() + 1.0) < 0.1 and abs(x.std() - 3.0) < 0.1


def test_categorical_frequencies():
    gt.random.set_seed(5)
    p = np.array([0.2, 0.3, 0.5, 0.0])
    with np.errstate(divide="ignore"):
        logits = np.log(np.stack([p, p[::-1]]))
    x = gt.random.categorical(logits, 20000).numpy()
    assert x.shape == (2, 20000) and x.dtype == np.int64
    np.testing.assert_allclose(np.bincount(x[0], minlength=4) / 20000, p, atol=0.02)
    np.testing.assert_allclose(np.bincount(x[1], minlength=4) / 20000, p[::-1], atol=0.02)
    assert gt.random.categorical([[0.0, 0.0]], 3, dtype=gt.int32).dtype == np.int32


def test_shuffle_permutes_the_first_axis():
    gt.random.set_seed(6)
    v = np.arange(20).reshape(10, 2)
    s = gt.random.shuffle(gt.constant(v)).numpy()
    assert sorted(s[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(s[:, 1] - s[:, 0], 1)  # rows move whole
    assert not np.array_equal(s, v)


def test_random_values_are_constants_but_mean_and_stddev_get_tensorflows_gradients():
    gt.random.set_seed(7)
    x = gt.constant(1.0)
    with gt.GradientTape() as tape:
        tape.watch(x)
        y = gt.reduce_sum(gt.random.normal([5]) * x)
    assert tape.gradient(y, x) is not None
    mean, std = gt.constant(2.0), gt.constant(3.0)
    with gt.GradientTape(persistent=True) as tape:
        tape.watch([mean, std])
        z = gt.random.normal([1000], mean=mean, stddev=std)
        s = gt.reduce_sum(z)
    assert float(tape.gradient(s, mean)) == 1000.0
    np.testing.assert_allclose(float(tape.gradient(s, std)), ((z.numpy() - 2.0) / 3.0).sum(), rtol=1e-4)
    with gt.GradientTape() as tape:
        tape.watch(x)
        r = gt.random.uniform([3])
    assert tape.gradient(r, x) is None
