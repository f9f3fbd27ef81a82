"""gt.data.Dataset: slicing, batching, shuffling reproducibility, pipelines."""

import collections

import numpy as np
import pytest

import gradtape as gt

D = gt.data.Dataset
X = np.arange(20.0).reshape(10, 2)
Y = np.arange(10)


def epochs(ds, n):
    return [[(x.numpy().copy(), y.numpy().copy()) for x, y in ds] for _ in range(n)]


def test_from_tensor_slices_and_batch():
    ds = D.from_tensor_slices((X, Y)).batch(4)
    batches = list(ds)
    assert [b[0].shape for b in batches] == [(4, 2), (4, 2), (2, 2)]
    assert isinstance(batches[0][0], gt.Tensor) and batches[0][1].dtype == Y.dtype
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in batches]), Y)
    assert len(ds) == 3 and len(D.from_tensor_slices((X, Y)).batch(4, drop_remainder=True)) == 2
    assert [b[0].shape[0] for b in D.from_tensor_slices((X, Y)).batch(4, drop_remainder=True)] == [4, 4]
    single = list(D.from_tensor_slices(X))
    assert len(single) == 10 and single[3].shape == (2,)
    np.testing.assert_array_equal(single[3].numpy(), X[3])


def test_python_lists_and_floats():
    ds = D.from_tensor_slices([[1.0, 2.0], [3.0, 4.0]])
    assert [e.dtype for e in ds] == [np.float32, np.float32]


def test_dict_and_namedtuple_structures():
    ds = D.from_tensor_slices({"x": X, "y": Y}).batch(5)
    b = next(iter(ds))
    assert set(b) == {"x", "y"} and b["x"].shape == (5, 2)
    P = collections.namedtuple("P", "a b")
    e = next(iter(D.from_tensor_slices(P(X, Y))))
    assert isinstance(e, P) and int(e.b) == 0


def test_shuffle_is_a_permutation_reproducible_from_the_seed():
    make = lambda seed: D.from_tensor_slices((X, Y)).shuffle(10, seed=seed).batch(3)  # noqa: E731
    a, b = epochs(make(1), 3), epochs(make(1), 3)
    for ea, eb in zip(a, b):
        for (xa, ya), (xb, yb) in zip(ea, eb):
            np.testing.assert_array_equal(xa, xb)
            np.testing.assert_array_equal(ya, yb)
    orders = [np.concatenate([y for _, y in ep]) for ep in a]
    for o in orders:
        assert sorted(o.tolist()) == list(range(10))
        assert o.tolist() != list(range(10))
    assert orders[0].tolist() != orders[1].tolist()  # reshuffled each epoch
    other = np.concatenate([y for _, y in epochs(make(2), 1)[0]])
    assert other.tolist() != orders[0].tolist()
    # pairs stay together
    for ep in a:
        for x, y in ep:
            np.testing.assert_array_equal(x, X[y])


def test_shuffle_without_reshuffle_repeats_the_same_order():
    ds = D.range(8).shuffle(8, seed=3, reshuffle_each_iteration=False)
    assert [int(v) for v in ds] == [int(v) for v in ds]


def test_small_buffer_shuffle_is_local_and_complete():
    ds = D.range(100).shuffle(5, seed=0)
    out = [int(v) for v in ds]
    assert sorted(out) == list(range(100)) and out != list(range(100))
    # with a buffer of 5, element k can come out at most 4 places early
    assert all(pos >= v - 4 for pos, v in enumerate(out))
    assert out == [int(v) for v in D.range(100).shuffle(5, seed=0)]
    # the element-wise path (after a map) gives the same order as the index path
    mapped = [int(v) for v in D.range(100).map(lambda v: v).shuffle(5, seed=0)]
    assert mapped == out


def test_unseeded_shuffle_follows_gt_random_seed():
    gt.random.set_seed(4)
    a = [int(v) for v in D.range(10).shuffle(10)]
    gt.random.set_seed(4)
    b = [int(v) for v in D.range(10).shuffle(10)]
    assert a == b


def test_map_filter_repeat_take_prefetch():
    ds = D.from_tensor_slices((X, Y)).map(lambda x, y: (x * 2, y + 1)).batch(5)
    x, y = next(iter(ds))
    np.testing.assert_array_equal(x.numpy(), X[:5] * 2)
    np.testing.assert_array_equal(y.numpy(), Y[:5] + 1)
    assert [int(v) for v in D.range(6).filter(lambda v: v % 3 == 0)] == [0, 3]
    assert [int(v) for v in D.range(3).repeat(2)] == [0, 1, 2, 0, 1, 2]
    assert [int(v) for v in D.range(3).repeat().take(7)] == [0, 1, 2, 0, 1, 2, 0]
    assert D.range(3).repeat().cardinality() == gt.data.INFINITE_CARDINALITY
    assert D.range(3).filter(lambda v: True).cardinality() == gt.data.UNKNOWN_CARDINALITY
    with pytest.raises(TypeError):
        len(D.range(3).repeat())
    assert len(D.range(10).prefetch(2).take(4)) == 4
    # repeat reshuffles each pass
    r = [int(v) for v in D.range(6).shuffle(6, seed=0).repeat(2)]
    assert sorted(r[:6]) == sorted(r[6:]) == list(range(6)) and r[:6] != r[6:]


def test_as_numpy_iterator_and_errors():
    b = next(D.from_tensor_slices((X, Y)).batch(2).as_numpy_iterator())
    assert isinstance(b[0], np.ndarray) and b[0].shape == (2, 2)
    with pytest.raises(ValueError, match="first dimension"):
        D.from_tensor_slices((X, Y[:5]))
    with pytest.raises(ValueError):
        D.range(3).batch(0)
    with pytest.raises(ValueError):
        D.range(3).shuffle(0)


def test_batches_of_a_large_dataset_are_fast():
    import time
    x = np.zeros((100_000, 8), np.float32)
    ds = D.from_tensor_slices((x, np.arange(100_000))).shuffle(100_000, seed=0).batch(256)
    t = time.perf_counter()
    n = sum(1 for _ in ds)
    assert n == 391 and time.perf_counter() - t < 2.0


def test_elements_do_not_alias_the_input_arrays():
    x = np.zeros((3, 2))
    first = next(iter(D.from_tensor_slices(x)))
    x[0] = 5.0
    np.testing.assert_array_equal(first.numpy(), [0.0, 0.0])
