"""Tensors, variables, creation functions and dtype inference."""

import numpy as np
import pytest

import gradtape as gt


def test_repr_matches_tensorflow_style():
    assert repr(gt.constant([1.0, 2.0])) == \
        "<gt.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    assert repr(gt.constant(1.0)) == "<gt.Tensor: shape=(), dtype=float32, numpy=1.0>"
    assert repr(gt.Variable([1.0])).startswith("<gt.Variable 'Variable:0' shape=(1,) dtype=float32")


@pytest.mark.parametrize("value, dtype", [
    (1.0, gt.float32), (1, gt.int32), (True, gt.bool), ([1.0, 2], gt.float32), ([[1, 2]], gt.int32),
    (2 ** 40, gt.int64), (1j, gt.complex128),
    (np.float64(1.0), gt.float64), (np.arange(3, dtype=np.int64), gt.int64),
    (np.zeros(2, np.float16), gt.float16),
])
def test_dtype_inference_follows_tensorflow(value, dtype):
    assert gt.constant(value).dtype == dtype


def test_weak_python_scalars_keep_the_tensor_dtype():
    x = gt.constant([1.0, 2.0])
    assert (x * 2.0).dtype == gt.float32
    assert (2 * x).dtype == gt.float32
    assert (x + 1).dtype == gt.float32
    assert (gt.constant([1, 2]) + 1).dtype == gt.int32
    # NumPy 2 promotion between tensors
    assert (x + gt.constant([1.0], gt.float64)).dtype == gt.float64


def test_attributes_and_conversions():
    t = gt.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3) and t.ndim == 2 and t.dtype == gt.float32 and len(t) == 2
    assert isinstance(t.numpy(), np.ndarray)
    assert np.asarray(t).shape == (2, 3)
    rows = list(t)
    assert len(rows) == 2 and rows[1].numpy().tolist() == [4.0, 5.0, 6.0]
    s = gt.constant(3.0)
    assert float(s) == 3.0 and int(gt.constant(3)) == 3 and bool(gt.constant(True))
    assert [10, 20, 30][gt.constant(1)] == 20
    with pytest.raises(ValueError, match="ambiguous"):
        bool(t)
    with pytest.raises(TypeError, match="len"):
        len(s)
    with pytest.raises(TypeError, match="integer"):
        [1, 2][gt.constant(1.0)]


def test_tensors_are_unhashable_but_have_refs():
    t = gt.constant(1.0)
    with pytest.raises(TypeError):
        hash(t)
    d = {t.ref(): 1}
    assert d[t.ref()] == 1 and t.ref().deref() is t


def test_operators():
    a, b = gt.constant([6.0, 7.0]), gt.constant([4.0, 2.0])
    np.testing.assert_allclose((a + b).numpy(), [10, 9])
    np.testing.assert_allclose((a - b).numpy(), [2, 5])
    np.testing.assert_allclose((a * b).numpy(), [24, 14])
    np.testing.assert_allclose((a / b).numpy(), [1.5, 3.5])
    np.testing.assert_allclose((a // b).numpy(), [1, 3])
    np.testing.assert_allclose((a % b).numpy(), [2, 1])
    np.testing.assert_allclose((a ** 2).numpy(), [36, 49])
    np.testing.assert_allclose((2 ** b).numpy(), [16, 4])
    np.testing.assert_allclose((-a).numpy(), [-6, -7])
    np.testing.assert_allclose(abs(gt.constant([-1.0])).numpy(), [1.0])
    assert (a > b).dtype == gt.bool and (a > b).numpy().tolist() == [True, True]
    assert (a == gt.constant([6.0, 0.0])).numpy().tolist() == [True, False]
    assert (a != 6.0).numpy().tolist() == [False, True]
    m = gt.ones((2, 3)) @ gt.ones((3, 4))
    assert m.shape == (2, 4)
    assert (~gt.constant([True])).numpy().tolist() == [False]
    assert (gt.constant([True]) & gt.constant([False])).numpy().tolist() == [False]


def test_integer_division_gives_floats_like_tensorflow():
    assert (gt.constant([3]) / gt.constant([2])).dtype == gt.float64


def test_indexing():
    x = gt.constant(np.arange(12.0).reshape(3, 4))
    np.testing.assert_array_equal(x[1].numpy(), [4, 5, 6, 7])
    np.testing.assert_array_equal(x[:, 1:3].numpy(), np.arange(12.0).reshape(3, 4)[:, 1:3])
    np.testing.assert_array_equal(x[None, ..., 0].numpy(), [[0, 4, 8]])
    np.testing.assert_array_equal(x[[0, 2]].numpy()[:, 0], [0, 8])
    np.testing.assert_array_equal(x[x > 9.0].numpy(), [10, 11])
    np.testing.assert_array_equal(x[gt.constant([2, 0])].numpy()[:, 0], [8, 0])
    with pytest.raises(IndexError, match="shape"):
        x[5]


def test_creation_functions():
    assert gt.zeros((2, 3)).dtype == gt.float32 and gt.zeros((2, 3)).numpy().sum() == 0
    assert gt.ones((2,), gt.int32).numpy().tolist() == [1, 1]
    assert gt.fill((2, 2), 3.0).numpy().tolist() == [[3, 3], [3, 3]]
    assert gt.zeros_like(gt.constant([1, 2])).dtype == gt.int32
    assert gt.ones_like(gt.constant([1.0])).numpy().tolist() == [1.0]
    assert gt.range(5).numpy().tolist() == [0, 1, 2, 3, 4] and gt.range(5).dtype == gt.int32
    assert gt.range(1, 2, 0.5).dtype == gt.float32
    assert gt.eye(3).numpy().trace() == 3
    assert gt.eye(2, batch_shape=(4,)).shape == (4, 2, 2)
    np.testing.assert_allclose(gt.linspace(0.0, 1.0, 5).numpy(), np.linspace(0, 1, 5))
    assert gt.constant(1.0, shape=(2, 2)).shape == (2, 2)
    assert gt.constant([1, 2, 3, 4], shape=(2, 2)).shape == (2, 2)
    assert gt.cast(gt.constant([1.7]), gt.int32).numpy().tolist() == [1]
    assert gt.convert_to_tensor(np.float64(1)).dtype == gt.float64
    t = gt.constant([1.0])
    assert gt.convert_to_tensor(t) is t


def test_constant_copies_numpy_input():
    a = np.ones(3)
    t = gt.constant(a)
    a[0] = 5
    assert t.numpy()[0] == 1


def test_variable_basics():
    v = gt.Variable([1.0, 2.0], name="w")
    assert v.name == "w:0" and v.trainable and v.shape == (2,) and v.dtype == gt.float32
    assert isinstance(v + 1, gt.Tensor) and not isinstance(v + 1, gt.Variable)
    assert v.assign([3.0, 4.0]) is v
    np.testing.assert_allclose(v.numpy(), [3, 4])
    v.assign_add([1.0, 1.0])
    v.assign_sub(gt.constant([0.5, 0.5]))
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    r = v.read_value()
    assert type(r) is gt.Tensor
    v.assign([0.0, 0.0])
    np.testing.assert_allclose(r.numpy(), [3.5, 4.5])  # a read is a snapshot
    assert gt.Variable(lambda: np.zeros(2)).shape == (2,)
    assert gt.Variable(1.0, dtype=gt.float64).dtype == gt.float64


def test_variable_assign_rejects_bad_values_and_stays_unchanged():
    v = gt.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="shape"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="dtype"):
        v.assign(gt.constant([1.0, 2.0], gt.float64))
    iv = gt.Variable([1, 2])
    with pytest.raises(TypeError, match="dtype"):
        iv.assign([1.5, 2.5])
    np.testing.assert_allclose(v.numpy(), [1, 2])
    assert iv.numpy().tolist() == [1, 2]


def test_numpy_views_are_read_only_so_tensors_stay_immutable():
    t = gt.constant([1.0, 2.0])
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(t)[0] = 9.0
    with pytest.raises(ValueError, match="read-only"):
        t.numpy()[0] = 9.0
    a = t.numpy().copy()
    a[0] = 9.0
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])
    assert np.array(t, copy=True).flags.writeable


def test_shape_is_a_tuple_with_tensorflows_tensorshape_methods():
    import pickle

    x = gt.zeros((2, 3, 4))
    s = x.shape
    assert isinstance(s, tuple) and isinstance(s, gt.TensorShape) and repr(s) == "(2, 3, 4)"
    assert s.as_list() == [2, 3, 4] and s.rank == s.ndims == 3 and s.dims == [2, 3, 4]
    assert s.num_elements() == 24 and s.is_fully_defined()
    assert s == (2, 3, 4) and s == [2, 3, 4] and s != [2, 3] and not (s != (2, 3, 4))
    assert hash(s) == hash((2, 3, 4)) and {s: 1}[(2, 3, 4)] == 1
    assert isinstance(s[1:], gt.TensorShape) and s[1:].as_list() == [3, 4] and s[0] == 2
    assert x.get_shape() == s and gt.Variable([1.0]).shape.as_list() == [1]
    assert np.zeros(s).shape == (2, 3, 4) and pickle.loads(pickle.dumps(s)) == s
    partial = gt.TensorShape([None, 3])
    assert partial.as_list() == [None, 3] and not partial.is_fully_defined()
    assert partial.num_elements() is None
    assert partial.is_compatible_with((5, 3)) and not partial.is_compatible_with((5, 4))
    assert partial.concatenate([7]).as_list() == [None, 3, 7]
    assert gt.TensorSpec([None, 3]).shape.as_list() == [None, 3]
    with pytest.raises(ValueError, match="unknown rank"):
        gt.TensorShape(None)


def test_scalar_tensors_take_format_specs_as_tensorflow():
    assert f"{gt.constant(0.12345):.3f}" == "0.123"
    assert "{:.2f} percent".format(100 * np.max(gt.constant([0.1, 0.7]))) == "70.00 percent"
    assert f"{gt.constant(7):03d}" == "007"
    assert f"{gt.constant([1, 2])}" == str(gt.constant([1, 2]))


def test_scalar_numpy_is_a_numpy_scalar_as_tensorflow():
    for value, dtype in [(2.5, np.float32), (3, np.int32), (True, np.bool_)]:
        out = gt.constant(value).numpy()
        assert type(out) is dtype and not isinstance(out, np.ndarray), (value, type(out))
        assert out == value
    v = gt.Variable(1.5)
    assert type(v.numpy()) is np.float32
    assert isinstance(gt.constant([1.0]).numpy(), np.ndarray)  # shaped tensors give arrays
    assert gt.reduce_sum(gt.constant([1.0, 2.0])).numpy() == np.float32(3.0)


def test_string_tensors_have_one_dtype_and_keep_exact_bytes():
    for value in ["abc", b"abc", ["a", "bc"], [[b"a\x00"], [b""]], np.array(["a", "bc"]), np.bytes_(b"x")]:
        t = gt.constant(value)
        assert t.dtype == gt.string, value
    assert gt.constant("abc").numpy() == "abc"
    raw = b"ab\x00"  # NumPy's fixed-width bytes would drop the trailing NUL
    assert gt.constant(raw).numpy() == raw
    assert gt.strings.length(gt.constant(raw)).numpy() == 3
    nested = gt.constant([[b"x\x00\x00"], [b"\x00"]])
    assert nested.numpy().tolist() == [[b"x\x00\x00"], [b"\x00"]]
    np.testing.assert_array_equal(gt.strings.length(nested).numpy(), [[3], [1]])
    assert repr(gt.constant(b"ab")) == "<gt.Tensor: shape=(), dtype=string, numpy=b'ab'>"


def test_a_serialized_example_ending_in_nul_parses():
    ex = gt.train.Example(features=gt.train.Features(feature={
        "a": gt.train.Feature(int64_list=gt.train.Int64List(value=[0]))}))
    data = ex.SerializeToString()
    assert data.endswith(b"\x00")
    parsed = gt.io.parse_single_example(gt.constant(data), {"a": gt.io.FixedLenFeature([1], gt.int64)})
    np.testing.assert_array_equal(parsed["a"].numpy(), [0])
