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


# -- tf.data parity: expected values below are TensorFlow 2.21's results for the same pipelines ---
def plain(e):
    return tuple(plain(v) for v in e) if isinstance(e, tuple) else e.tolist()


def values(ds):
    return [plain(e) for e in ds.as_numpy_iterator()]


def test_python_values_get_tensorflow_dtypes():
    assert [e.dtype for e in D.from_tensor_slices([1, 2, 3])] == [np.int32] * 3
    e = next(iter(D.from_tensor_slices({"b": np.arange(2), "a": (np.ones(2), {"z": [3, 4]})})))
    assert list(e) == ["b", "a"] and e["b"].dtype == np.int64 and e["a"][1]["z"].dtype == np.int32
    assert next(iter(D.from_tensor_slices([2**40, 1]))).dtype == np.int64
    x, f, i = next(iter(D.range(2).map(lambda x: (x, 1.5, 2))))
    assert (x.dtype, f.dtype, i.dtype) == (np.int64, np.float32, np.int32)
    a, b = next(D.from_tensor_slices(([1, 2], [1.0, 2.0])).as_numpy_iterator())
    assert repr(a) == "np.int32(1)" and repr(b) == "np.float32(1.0)"


def test_from_tensors_and_range():
    (v, d), = list(D.from_tensors(([1, 2], {"a": 1.0})))
    assert v.numpy().tolist() == [1, 2] and v.dtype == np.int32 and d["a"].dtype == np.float32
    assert len(D.from_tensors(5)) == 1
    assert values(D.range(5, 0, -2)) == [5, 3, 1] and values(D.range(0)) == []
    assert [e.dtype for e in D.range(1, 3, output_type=gt.int32)] == [np.int32, np.int32]
    assert values(D.range(0, 2, output_type=gt.float32)) == [0.0, 1.0]
    assert values(D.range(2, 12, 3).shuffle(4, seed=0).batch(10)) != [[2, 5, 8, 11]]
    assert sorted(values(D.range(2, 12, 3).shuffle(4, seed=0))) == [2, 5, 8, 11]
    with pytest.raises(ValueError, match="range: step"):
        D.range(1, 5, 0)
    with pytest.raises(ValueError, match="1 to 3 arguments"):
        D.range()
    assert values(D.counter(3, 2).take(3)) == [3, 5, 7]


def test_zip_and_concatenate():
    assert values(D.zip(D.range(3), D.range(10, 12))) == [(0, 10), (1, 11)]
    nested = next(D.zip((D.range(2), (D.range(2), D.range(3)))).as_numpy_iterator())
    assert isinstance(nested[1], tuple) and len(nested[1]) == 2
    assert [{k: int(v) for k, v in e.items()} for e in D.zip({"a": D.range(2), "b": D.range(5, 7)})] == \
        [{"a": 0, "b": 5}, {"a": 1, "b": 6}]
    assert int(D.zip((D.range(2), D.range(5).repeat())).cardinality()) == 2
    with pytest.raises(TypeError, match="tuple"):
        D.zip([D.range(2), D.range(2)])
    assert values(D.range(2).concatenate(D.range(5, 7))) == [0, 1, 5, 6]
    assert len(D.range(2).concatenate(D.range(3))) == 5
    with pytest.raises(TypeError, match="concatenate: incompatible"):
        D.range(2).concatenate(D.from_tensor_slices([1.0]))
    with pytest.raises(TypeError, match="concatenate: incompatible"):
        D.range(2).concatenate(D.zip(D.range(1), D.range(1)))
    spec = D.from_tensors([1, 2]).concatenate(D.from_tensors([1, 2, 3])).element_spec
    assert spec == gt.TensorSpec((None,), gt.int32)


def test_element_spec():
    P = collections.namedtuple("P", "a b")
    spec = D.from_tensor_slices({"b": np.zeros((2, 3), np.float32), "a": ([1, 2], P([1, 2], [3, 4]))}).element_spec
    assert list(spec) == ["b", "a"] and spec["b"] == gt.TensorSpec((3,), gt.float32)
    assert isinstance(spec["a"][1], P) and spec["a"][1].b == gt.TensorSpec((), gt.int32)
    assert D.range(5).batch(2).element_spec == gt.TensorSpec((None,), gt.int64)
    assert D.range(5).batch(2, drop_remainder=True).element_spec == gt.TensorSpec((2,), gt.int64)
    assert D.range(6).batch(2).unbatch().element_spec == gt.TensorSpec((), gt.int64)
    assert D.range(2).enumerate().element_spec == (gt.TensorSpec((), gt.int64),) * 2
    assert D.range(2).map(lambda x: (gt.cast(x, gt.float32), {"k": x})).element_spec == \
        (gt.TensorSpec((), gt.float32), {"k": gt.TensorSpec((), gt.int64)})
    assert repr(D.range(3).window(2).element_spec) == \
        "DatasetSpec(TensorSpec(shape=(), dtype=gt.int64, name=None), TensorShape([]))"
    with pytest.raises(ValueError, match="empty"):
        _ = D.range(0).map(lambda x: x).element_spec


def test_reading_the_spec_does_not_change_the_shuffle_order():
    a = D.range(10).shuffle(10, seed=1).map(lambda x: x * 2)
    b = D.range(10).shuffle(10, seed=1).map(lambda x: x * 2)
    assert a.element_spec == gt.TensorSpec((), gt.int64)
    assert values(a) == values(b) and values(a) == values(b)


def test_unbatch_and_padded_batch():
    ds = D.from_tensor_slices((np.arange(6).reshape(3, 2), np.ones((3, 2)))).unbatch()
    assert values(ds) == [(i, 1.0) for i in range(6)] and len(ds) == 6
    assert int(D.range(6).batch(2).unbatch().cardinality()) == gt.data.UNKNOWN_CARDINALITY
    assert len(D.range(6).batch(2, drop_remainder=True).unbatch()) == 6
    with pytest.raises(ValueError, match="scalar"):
        list(D.range(3).unbatch())
    seqs = D.range(1, 5).map(lambda x: gt.fill([x], x))
    assert values(seqs.padded_batch(2)) == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]
    three = D.range(1, 4).map(lambda x: gt.fill([x], x))
    assert values(three.padded_batch(2, padded_shapes=[4], padding_values=np.int64(-1))) == \
        [[[1, -1, -1, -1], [2, 2, -1, -1]], [[3, 3, 3, -1]]]
    assert values(three.padded_batch(2, drop_remainder=True)) == [[[1, 0], [2, 2]]]
    pairs = D.range(1, 4).map(lambda x: (gt.fill([x], x), x))
    out = pairs.padded_batch(2, padded_shapes=([None], []), padding_values=(np.int64(9), np.int64(0)))
    assert values(out) == [([[1, 9], [2, 2]], [1, 2]), ([[3, 3, 3]], [3])]
    assert three.padded_batch(2, padded_shapes=[5]).element_spec == gt.TensorSpec((None, 5), gt.int64)
    grid = D.range(1, 3).map(lambda x: gt.fill(gt.stack([x, 3 - x]), 1.0))
    assert values(grid.padded_batch(2)) == [[[[1.0, 1.0], [0.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]]]]
    one_value = D.range(1, 3).map(lambda x: (gt.fill([x], x), gt.fill([x], x))).padded_batch(2, padding_values=np.int64(-1))
    assert values(one_value) == [([[1, -1], [2, 2]], [[1, -1], [2, 2]])]
    with pytest.raises(ValueError, match="larger than its padded shape"):
        list(three.padded_batch(2, padded_shapes=[2]))
    with pytest.raises(ValueError, match="rank 1"):
        list(three.padded_batch(2, padded_shapes=[2, 2]))
    with pytest.raises(TypeError, match="dtype"):
        list(three.padded_batch(2, padding_values=np.int32(-1)))
    with pytest.raises(ValueError, match="padded_batch"):
        list(three.batch(2))


def test_skip_shard_take_repeat_cardinality():
    assert values(D.range(5).skip(2)) == [2, 3, 4] and values(D.range(5).skip(-1)) == []
    assert [int(D.range(5).skip(7).cardinality()), int(D.range(5).repeat().skip(2).cardinality()),
            int(D.range(5).skip(-1).cardinality())] == [0, -1, 0]
    assert [int(D.range(5).take(7).cardinality()), int(D.range(5).repeat().take(2).cardinality()),
            int(D.range(5).filter(lambda x: True).take(2).cardinality())] == [5, 2, -2]
    assert values(D.range(10).shard(3, 1)) == [1, 4, 7] and len(D.range(10).shard(3, 1)) == 3
    with pytest.raises(ValueError, match="index must be between 0 and 2"):
        D.range(10).shard(3, 3)
    assert int(D.range(3).filter(lambda x: True).repeat(0).cardinality()) == 0
    assert len(D.range(10).shuffle(3).skip(2)) == 8
    assert (gt.data.INFINITE_CARDINALITY, gt.data.UNKNOWN_CARDINALITY, gt.data.AUTOTUNE) == (-1, -2, -1)
    assert (gt.data.experimental.AUTOTUNE, gt.data.experimental.UNKNOWN_CARDINALITY) == (-1, -2)
    assert repr(D.range(3).cardinality()) == "<gt.Tensor: shape=(), dtype=int64, numpy=3>"


def test_map_filter_and_take_while():
    pairs = D.from_tensor_slices(([1, 2], [3, 4]))
    assert values(pairs.map(lambda a, b: a + b, num_parallel_calls=gt.data.AUTOTUNE)) == [4, 6]
    assert values(D.from_tensor_slices({"a": [1, 2]}).map(lambda d: d["a"] * 2)) == [2, 4]
    assert values(D.range(2).map(lambda x: [x, x + 1])) == [(0, 1), (1, 2)]  # a list becomes a tuple
    assert values(D.zip(D.range(4), D.range(4)).filter(lambda a, b: a > 1)) == [(2, 2), (3, 3)]
    with pytest.raises(ValueError, match="filter: predicate must return a scalar bool"):
        list(D.range(3).filter(lambda x: x))
    with pytest.raises(ValueError, match="shape"):
        list(D.range(3).batch(2).filter(lambda x: x > 0))
    assert values(D.range(10).take_while(lambda x: x < 4)) == [0, 1, 2, 3]
    assert int(D.range(3).take_while(lambda x: True).cardinality()) == gt.data.UNKNOWN_CARDINALITY


def test_flat_map_and_interleave():
    assert values(D.range(3).flat_map(lambda x: D.range(x))) == [0, 0, 1]
    with pytest.raises(TypeError, match="must return a Dataset"):
        list(D.range(3).flat_map(lambda x: x))
    ds = D.range(1, 4).interleave(lambda x: D.from_tensors(x).repeat(4), cycle_length=2, block_length=3)
    assert values(ds) == [1, 1, 1, 2, 2, 2, 1, 2, 3, 3, 3, 3]
    ds = D.range(1, 6).interleave(lambda x: D.range(x), cycle_length=3, block_length=1)
    assert values(ds) == [0, 0, 0, 1, 1, 0, 2, 1, 0, 2, 1, 3, 2, 3, 4]
    ds = D.range(1, 6).interleave(lambda x: D.range(10 * x, 10 * x + 3), cycle_length=2)
    assert values(ds) == [10, 20, 11, 21, 12, 22, 30, 40, 31, 41, 32, 42, 50, 51, 52]
    assert sorted(values(D.range(3).interleave(lambda x: D.from_tensors(x)))) == [0, 1, 2]  # default cycle
    assert int(D.range(3).interleave(lambda x: D.range(x), cycle_length=1).cardinality()) == -2


def test_enumerate_window():
    assert values(D.from_tensor_slices(([1, 2], [3, 4])).enumerate(start=5)) == [(5, (1, 3)), (6, (2, 4))]
    win = lambda ds: [[int(x) for x in w] for w in ds]  # noqa: E731
    assert win(D.range(7).window(3, shift=2)) == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
    assert win(D.range(7).window(3, shift=1, stride=2, drop_remainder=True)) == [[0, 2, 4], [1, 3, 5], [2, 4, 6]]
    assert win(D.range(7).window(3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert win(D.range(7).window(3, 2, 2)) == [[0, 2, 4], [2, 4, 6], [4, 6], [6]]
    assert [len(D.range(7).window(3, 2)), len(D.range(7).window(3, 2, drop_remainder=True)),
            len(D.range(7).window(3, 1, 2, True))] == [4, 3, 3]
    assert int(D.range(3).repeat().window(2).cardinality()) == gt.data.INFINITE_CARDINALITY
    assert values(D.range(7).window(3, 1, drop_remainder=True).flat_map(lambda w: w.batch(3))) == \
        [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]]
    pairs = D.zip(D.range(4), D.range(4)).window(2).flat_map(lambda a, b: D.zip(a.batch(2), b.batch(2)))
    assert values(pairs) == [([0, 1], [0, 1]), ([2, 3], [2, 3])]
    assert values(D.from_tensor_slices({"a": [1, 2, 3]}).window(2).flat_map(lambda d: d["a"].batch(2))) == [[1, 2], [3]]
    assert [int(x) for w in D.range(100).repeat().window(3).take(2) for x in w] == [0, 1, 2, 3, 4, 5]
    with pytest.raises(TypeError, match="as_numpy_iterator"):
        list(D.range(3).window(2).as_numpy_iterator())


def test_reduce_scan_unique():
    assert int(D.range(5).reduce(np.int64(0), lambda s, x: s + x)) == 10
    s = D.zip(D.range(3), D.range(3)).reduce((np.int64(0), np.int64(1)), lambda s, e: (s[0] + e[0], s[1] * (e[1] + 1)))
    assert (int(s[0]), int(s[1])) == (3, 6)
    with pytest.raises(TypeError, match="reduce: the new state has dtype int64 where the initial state has int32"):
        D.range(3).reduce(0, lambda s, x: s + x)
    assert values(D.range(5).scan(np.int64(0), lambda s, x: (s + x, s * 10))) == [0, 0, 10, 30, 60]
    assert values(D.range(4).apply(gt.data.experimental.scan(np.int64(0), lambda s, x: (s + x, s)))) == [0, 0, 1, 3]
    assert values(D.zip(D.range(3), D.range(3)).scan(np.int64(0), lambda s, e: (s + e[0], e[1]))) == [0, 1, 2]
    assert len(D.range(3).scan(np.int64(0), lambda s, x: (s, x))) == 3
    assert values(D.from_tensor_slices([1, 3, 1, 2, 3]).unique()) == [1, 3, 2]
    assert values(D.from_tensor_slices([[1, 2], [1, 2]]).unique()) == [[1, 2]]
    with pytest.raises(TypeError, match="unique"):
        list(D.from_tensor_slices([1.0, 1.0]).unique())


def test_from_generator():
    def gen():
        yield 1, [1.0, 2.0]
        yield 2, [3.0]
    sig = (gt.TensorSpec((), gt.int32), gt.TensorSpec((None,), gt.float32))
    ds = D.from_generator(gen, output_signature=sig)
    assert values(ds) == [(1, [1.0, 2.0]), (2, [3.0])] and values(ds) == values(ds)
    assert ds.element_spec == sig and int(ds.cardinality()) == gt.data.UNKNOWN_CARDINALITY
    assert values(D.from_generator(lambda n: iter(range(n)), output_signature=gt.TensorSpec((), gt.int64), args=(3,))) \
        == [0, 1, 2]
    assert [e.dtype for e in D.from_generator(lambda: iter([1, 2]), output_types=gt.float32)] == [np.float32] * 2
    assert values(D.from_generator(lambda: iter([1.7]), output_signature=gt.TensorSpec((), gt.int32))) == [1]
    with pytest.raises(gt.errors.InvalidArgumentError, match="shape"):
        list(D.from_generator(lambda: iter([[1, 2]]), output_signature=gt.TensorSpec((3,), gt.int32)))
    with pytest.raises(gt.errors.InvalidArgumentError, match="structure"):
        list(D.from_generator(lambda: iter([[1, 2.0]]), output_signature=(gt.TensorSpec((), gt.int32),) * 2))
    with pytest.raises(TypeError, match="output_signature"):
        D.from_generator(lambda: iter([1]))


def test_single_element_len_cache_and_experimental():
    a, b = D.from_tensors((1, 2.0)).get_single_element()
    assert (a.dtype, b.dtype) == (np.int32, np.float32)
    with pytest.raises(gt.errors.InvalidArgumentError, match="empty"):
        D.range(0).get_single_element()
    with pytest.raises(gt.errors.InvalidArgumentError, match="more than one"):
        D.range(2).get_single_element()
    assert len(D.range(10).batch(3)) == 4
    shuffled = D.range(6).shuffle(6, seed=0)
    assert values(shuffled) != values(shuffled)
    cached = D.range(6).shuffle(6, seed=0).cache()
    assert values(cached) == values(cached)
    assert values(D.range(3).cache().prefetch(gt.data.AUTOTUNE)) == [0, 1, 2]
    assert int(gt.data.experimental.cardinality(D.range(4))) == 4
    assert values(D.range(3).apply(lambda d: d.skip(1))) == [1, 2]
    with pytest.raises(TypeError, match="apply"):
        D.range(3).apply(lambda d: 3)
