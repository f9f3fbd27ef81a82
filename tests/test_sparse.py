"""Sparse tensors (gradtape/sparse_tensor.py, gradtape/ops/sparse.py): TensorFlow's values,
the order of the entries, error messages and gradients through chains of sparse ops."""

import numpy as np
import pytest

import gradtape as gt
from gradtape import sparse as gsp
from gradtape.ops.sparse import embedding_lookup_sparse, safe_embedding_lookup_sparse

SP = gsp.SparseTensor
ST = SP([[0, 1], [1, 0], [1, 2]], [1.0, -2.0, 3.0], [3, 3])


def parts(st):
    return st.indices.numpy().tolist(), st.values.numpy().tolist(), list(st.shape)


# -- the SparseTensor class ------------------------------------------------------------------------
def test_attributes_and_constructor():
    assert ST.indices.dtype == gt.int64 and ST.dense_shape.dtype == gt.int64
    assert ST.dtype == gt.float32 and ST.shape == gt.TensorShape([3, 3]) and ST.get_shape().rank == 2
    assert not isinstance(ST, gt.Tensor)
    assert SP([[0]], [1], [2]).dtype == gt.int32  # TensorFlow's dtype inference
    empty = SP([], [], [2, 3])
    assert empty.indices.shape == (0, 2) and empty.values.shape == (0,)
    assert SP.from_value(ST) is ST
    w = ST.with_values(ST.values * 2.0)
    assert parts(w) == ([[0, 1], [1, 0], [1, 2]], [2.0, -4.0, 6.0], [3, 3])
    assert "SparseTensor(indices=" in repr(ST)


def test_constructor_errors():
    with pytest.raises(ValueError, match=r"indices must have shape \[N, rank\] = \[N, 2\]"):
        SP([[0, 1, 2]], [1.0], [3, 3])
    with pytest.raises(ValueError, match="one value per index"):
        SP([[0, 1]], [1.0, 2.0], [3, 3])
    with pytest.raises(ValueError, match=r"indices\[1\] = \[3, 0\] is out of bounds"):
        SP([[0, 1], [3, 0]], [1.0, 2.0], [3, 3])
    with pytest.raises(TypeError, match="indices must be integers"):
        SP([[0.5, 1]], [1.0], [3, 3])
    with pytest.raises(ValueError, match="negative size"):
        SP([], [], [-1, 2])
    with pytest.raises(TypeError, match="from_value"):
        SP.from_value(3)


def test_cwise_mul_and_div_with_dense():
    d = gt.constant([[10.0, 20.0, 30.0]])
    assert parts(ST * d)[1] == [20.0, -20.0, 90.0]
    assert parts(ST / gt.constant(2.0))[1] == [0.5, -1.0, 1.5]
    with pytest.raises(ValueError, match="must broadcast to the sparse tensor's shape"):
        ST * gt.ones((4, 3))
    with pytest.raises(TypeError, match="gt.sparse.add"):
        ST * ST


# -- values checked against TensorFlow -----------------------------------------------------------
def test_tensorflow_values():
    # All expected values below are TensorFlow's (tf.sparse / tf.nn) for the same inputs.
    np.testing.assert_array_equal(gsp.reduce_max(ST, axis=1).numpy(), [1.0, 3.0, 0.0])
    assert float(gsp.reduce_max(ST)) == 3.0
    np.testing.assert_array_equal(gsp.reduce_max(SP([[0, 1]], [-5.0], [2, 3]), axis=1).numpy(), [-5.0, 0.0])
    np.testing.assert_array_equal(gsp.reduce_sum(ST, axis=1, keepdims=True).numpy(), [[1.0], [1.0], [0.0]])
    assert parts(gsp.reduce_sum(ST, axis=0, output_is_sparse=True)) == ([[0], [1], [2]], [-2.0, 1.0, 3.0], [3])
    assert parts(gsp.expand_dims(ST)) [2] == [3, 3, 1]
    assert parts(gsp.concat(1, [ST, SP([[0, 0], [2, 1]], [5.0, 6.0], [3, 2])])) == (
        [[0, 1], [0, 3], [1, 0], [1, 2], [2, 4]], [1.0, 5.0, -2.0, 3.0, 6.0], [3, 5])
    assert parts(gsp.concat(0, [ST, SP([[0, 0], [2, 1]], [5.0, 6.0], [3, 3])])) == (
        [[0, 1], [1, 0], [1, 2], [3, 0], [5, 1]], [1.0, -2.0, 3.0, 5.0, 6.0], [6, 3])
    filled, empty = gsp.fill_empty_rows(ST, -1.0)
    assert parts(filled) == ([[0, 1], [1, 0], [1, 2], [2, 0]], [1.0, -2.0, 3.0, -1.0], [3, 3])
    assert empty.numpy().tolist() == [False, False, True]
    b = SP([[0, 1], [2, 2]], [-1.0, 6.0], [3, 3])
    assert parts(gsp.add(ST, b)) == ([[0, 1], [1, 0], [1, 2], [2, 2]], [0.0, -2.0, 3.0, 6.0], [3, 3])
    assert parts(gsp.add(ST, b, threshold=0.5)) == ([[1, 0], [1, 2], [2, 2]], [-2.0, 3.0, 6.0], [3, 3])
    assert parts(gsp.slice(ST, [1, 1], [5, 5])) == ([[0, 1]], [3.0], [2, 2])
    assert parts(gsp.transpose(ST)) == ([[0, 1], [1, 0], [2, 1]], [-2.0, 1.0, 3.0], [3, 3])
    assert parts(gsp.reshape(ST, [9, 1])) == ([[1, 0], [3, 0], [5, 0]], [1.0, -2.0, 3.0], [9, 1])
    assert parts(gsp.reshape(ST, [-1])) == ([[1], [3], [5]], [1.0, -2.0, 3.0], [9])
    assert parts(gsp.retain(ST, [True, False, True])) == ([[0, 1], [1, 2]], [1.0, 3.0], [3, 3])
    assert parts(gsp.eye(2, 3)) == ([[0, 0], [1, 1]], [1.0, 1.0], [2, 3])
    np.testing.assert_array_equal(gsp.sparse_dense_matmul(gt.ones((2, 3)), ST).numpy(),
                                  [[-2.0, 1.0, 3.0], [-2.0, 1.0, 3.0]])
    data = gt.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(gsp.segment_sum(data, [0, 2, 1], [0, 0, 2], num_segments=4).numpy(),
                                  [[6.0, 8.0], [0.0, 0.0], [3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(gsp.segment_sqrt_n(data, [0, 2, 1], [0, 0, 2]).numpy(),
                               [[4.2426405, 5.656854], [0.0, 0.0], [3.0, 4.0]], rtol=1e-6)
    soft = gsp.softmax(SP([[0, 0], [0, 2], [2, 1]], [1.0, 2.0, 3.0], [3, 3]))
    np.testing.assert_allclose(soft.values.numpy(), [0.26894143, 0.7310586, 1.0], rtol=1e-6)
    ind = gsp.to_indicator(SP([[0, 0], [0, 1], [2, 0]], gt.constant([1, 3, 0], gt.int64), [3, 2]), 4)
    assert ind.numpy().astype(int).tolist() == [[0, 1, 0, 1], [0, 0, 0, 0], [1, 0, 0, 0]]


def test_embedding_lookups_match_tensorflow():
    # TensorFlow's values (tf.nn.embedding_lookup_sparse / safe_embedding_lookup_sparse).
    params = gt.constant([[1.0, 0.0], [0.0, 2.0], [3.0, 1.0], [-1.0, 1.0]])
    at = [[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]]
    ids = SP(at, gt.constant([1, 2, 0, 3, 3], gt.int64), [4, 3])
    w = SP(at, [2.0, 1.0, 1.0, 0.5, 0.5], [4, 3])
    want = {
        ("sum", True): [[3.0, 5.0], [0.0, 0.0], [0.0, 1.0]],
        ("sum", False): [[3.0, 3.0], [0.0, 0.0], [-1.0, 2.0]],
        ("mean", True): [[1.0, 1.6666666], [0.0, 0.0], [0.0, 0.5]],
        ("mean", False): [[1.5, 1.5], [0.0, 0.0], [-0.33333334, 0.6666667]],
        ("sqrtn", True): [[1.3416407, 2.236068], [0.0, 0.0], [0.0, 0.81649655]],
        ("sqrtn", False): [[2.1213202, 2.1213202], [0.0, 0.0], [-0.57735026, 1.1547005]],
    }
    for (combiner, weighted), value in want.items():
        got = embedding_lookup_sparse(params, ids, w if weighted else None, combiner=combiner)
        np.testing.assert_allclose(got.numpy(), value, rtol=1e-6, err_msg=f"{combiner} {weighted}")
    ids3 = SP([[0, 0, 0], [0, 0, 1], [1, 1, 0]], gt.constant([2, -1, 1], gt.int64), [2, 2, 2])
    assert safe_embedding_lookup_sparse(params, ids3).numpy().tolist() == [
        [[3.0, 1.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]]]
    assert safe_embedding_lookup_sparse(params, ids3, default_id=3).numpy().tolist() == [
        [[3.0, 1.0], [-1.0, 1.0]], [[-1.0, 1.0], [0.0, 2.0]]]
    with pytest.raises(ValueError, match="combiner must be one of"):
        embedding_lookup_sparse(params, ids, None, combiner="max")
    with pytest.raises(ValueError, match=r"ids must be in \[0, 4\)"):
        embedding_lookup_sparse(params, SP([[0, 0]], gt.constant([7], gt.int64), [1, 1]), None)


# -- ordering ----------------------------------------------------------------------------------------
def test_reorder_is_a_stable_row_major_sort():
    st = SP([[2, 0], [0, 1], [1, 1], [0, 1], [0, 0]], [1.0, 2.0, 3.0, 4.0, 5.0], [3, 2])
    assert parts(gsp.reorder(st))[:2] == ([[0, 0], [0, 1], [0, 1], [1, 1], [2, 0]], [5.0, 2.0, 4.0, 3.0, 1.0])
    ordered = gsp.reorder(ST)
    assert ordered.values is ST.values  # already ordered: the same values


def test_to_dense_checks_order_unless_told_not_to():
    st = SP([[1, 2], [0, 1]], [1.0, 2.0], [3, 3])
    with pytest.raises(ValueError, match=r"to_dense: indices\[1\] = \[0, 1\] is out of order.*gt.sparse.reorder"):
        gsp.to_dense(st)
    rep = SP([[0, 1], [0, 1]], [1.0, 2.0], [3, 3])
    with pytest.raises(ValueError, match="is repeated"):
        gsp.to_dense(rep)
    np.testing.assert_array_equal(gsp.to_dense(st, validate_indices=False).numpy(),
                                  gsp.to_dense(gsp.reorder(st)).numpy())
    assert gsp.to_dense(rep, validate_indices=False).numpy()[0, 1] == 2.0  # the last one wins


def test_ops_that_sort_and_ops_that_keep_order():
    st = SP([[1, 0], [0, 1], [0, 0]], [1.0, 2.0, 3.0], [2, 2])
    assert parts(gsp.transpose(st, [0, 1]))[0] == [[0, 0], [0, 1], [1, 0]]  # sorted
    assert parts(gsp.concat(0, [st]))[0] == [[0, 0], [0, 1], [1, 0]]  # sorted
    assert parts(gsp.slice(st, [0, 0], [2, 2]))[0] == [[1, 0], [0, 1], [0, 0]]  # kept
    assert parts(gsp.softmax(st))[0] == [[1, 0], [0, 1], [0, 0]]  # kept
    filled, _ = gsp.fill_empty_rows(SP([[2, 1], [0, 1], [2, 0]], [1.0, 2.0, 3.0], [4, 2]), 0.0)
    assert parts(filled)[0] == [[0, 1], [1, 0], [2, 1], [2, 0], [3, 0]]  # by row, order kept in a row


# -- errors ------------------------------------------------------------------------------------------
def test_error_messages():
    with pytest.raises(TypeError, match="to_dense: sp_input must be a gt.SparseTensor.*from_dense"):
        gsp.to_dense(gt.ones((2, 2)))
    with pytest.raises(ValueError, match="sparse_dense_matmul: the inner dimensions do not match"):
        gsp.sparse_dense_matmul(ST, gt.ones((2, 2)))
    with pytest.raises(TypeError, match="exactly one of sp_a and b"):
        gsp.sparse_dense_matmul(gt.ones((2, 2)), gt.ones((2, 2)))
    with pytest.raises(TypeError, match="add: the dense operand has dtype float64"):
        gsp.add(ST, gt.ones((3, 3), gt.float64))
    with pytest.raises(ValueError, match="add: the sparse operands must have the same dense_shape"):
        gsp.add(ST, SP([], [], [2, 2]))
    with pytest.raises(ValueError, match="no broadcasting"):
        gsp.add(ST, gt.ones((3,)))
    with pytest.raises(ValueError, match="reduce_sum: axis=2 is out of range"):
        gsp.reduce_sum(ST, axis=2)
    with pytest.raises(ValueError, match="rank-0 sparse tensor"):
        gsp.reduce_sum(ST, output_is_sparse=True)
    with pytest.raises(ValueError, match=r"reshape: shape \[4, 4\] has 16 elements"):
        gsp.reshape(ST, [4, 4])
    with pytest.raises(ValueError, match="perm .* must be a permutation"):
        gsp.transpose(ST, [0, 0])
    with pytest.raises(ValueError, match="concat: the inputs' dense shapes"):
        gsp.concat(1, [ST, SP([], [], [2, 2])])
    with pytest.raises(ValueError, match="retain: to_retain must be a bool vector"):
        gsp.retain(ST, [True])
    with pytest.raises(TypeError, match="fill_empty_rows: default_value has dtype float64"):
        gsp.fill_empty_rows(ST, gt.constant(0.0, gt.float64))
    with pytest.raises(ValueError, match="segment_ids must be sorted"):
        gsp.segment_sum(gt.ones((3, 2)), [0, 1, 2], [1, 0, 2])
    with pytest.raises(ValueError, match="segment id 2 is out of range for num_segments=2"):
        gsp.segment_mean(gt.ones((3, 2)), [0, 1, 2], [0, 1, 2], num_segments=2)
    with pytest.raises(TypeError, match="segment_mean: data must be floating point"):
        gsp.segment_mean(gt.constant([1, 2]), [0, 1], [0, 0])
    with pytest.raises(ValueError, match=r"to_indicator: the values must be in \[0, vocab_size=2\)"):
        gsp.to_indicator(SP([[0, 0]], gt.constant([5], gt.int64), [1, 1]), 2)
    with pytest.raises(ValueError, match="map_values: every sparse argument must have the same indices"):
        gsp.map_values(gt.add, ST, SP([[0, 0], [1, 0], [1, 2]], [1.0, 1.0, 1.0], [3, 3]))
    with pytest.raises(ValueError, match="softmax: sp_input must have rank >= 2"):
        gsp.softmax(SP([[1]], [1.0], [3]))


# -- gradients ---------------------------------------------------------------------------------------
IDX = np.array([[0, 2], [1, 0], [1, 1], [2, 1]])
B = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 4.0]])


def chain(v):
    """values -> reorder -> transpose -> softmax -> matmul -> to_dense of a sparse sum."""
    st = gsp.reorder(SP(IDX[::-1], v[::-1], [3, 3]))
    soft = gsp.softmax(gsp.transpose(st))
    prod = gsp.sparse_dense_matmul(soft, B, adjoint_b=False)
    both = gsp.add(soft, gsp.map_values(gt.square, soft))
    return gt.reduce_sum(prod * prod) + gt.reduce_sum(gsp.to_dense(both) * np.arange(9.0).reshape(3, 3))


def dense_chain(v):
    d = gt.scatter_nd(IDX, v, [3, 3])
    t = gt.transpose(d)
    mask = np.zeros((3, 3), bool)
    mask[IDX[:, 1], IDX[:, 0]] = True
    e = gt.where(mask, gt.exp(t), 0.0)
    soft = e / gt.maximum(gt.reduce_sum(e, axis=1, keepdims=True), 1e-30)
    prod = soft @ B
    return gt.reduce_sum(prod * prod) + gt.reduce_sum((soft + soft * soft) * np.arange(9.0).reshape(3, 3))


def test_gradients_flow_through_a_chain_of_sparse_ops():
    v0 = np.array([0.3, -1.2, 0.8, 2.0])
    x = gt.Variable(v0)
    with gt.GradientTape() as tape:
        y = chain(x)
    got = tape.gradient(y, x)
    with gt.GradientTape() as tape:
        y2 = dense_chain(x)
    np.testing.assert_allclose(float(y), float(y2), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(got), np.asarray(tape.gradient(y2, x)), rtol=1e-10)
    gt.test.check_gradients(chain, [v0], order=2)


def test_second_order_through_to_dense_and_matmul():
    v = gt.Variable([1.0, 2.0, 3.0, 4.0])
    with gt.GradientTape() as outer:
        with gt.GradientTape() as inner:
            st = SP(IDX, v * v, [3, 3])
            y = gt.reduce_sum(gsp.sparse_dense_matmul(st, B) ** 2) + gt.reduce_sum(gsp.to_dense(st))
        g = inner.gradient(y, v)
    h = outer.jacobian(g, v)
    gt.test.check_gradients(lambda t: gt.reduce_sum(gsp.sparse_dense_matmul(SP(IDX, t * t, [3, 3]), B) ** 2),
                            [np.array([1.0, 2.0, 3.0, 4.0])], order=2)
    assert h.shape == (4, 4) and np.allclose(np.asarray(h), np.asarray(h).T)


def test_gradients_reach_dense_operands_and_defaults():
    d = gt.Variable(np.ones((3, 3), np.float32))
    default = gt.Variable(2.0)
    vals = gt.Variable([1.0, 2.0, 3.0])
    with gt.GradientTape() as tape:
        st = SP([[0, 1], [1, 0], [1, 2]], vals, [3, 3])
        y = gt.reduce_sum(gsp.add(st, d)) + gt.reduce_sum(gsp.to_dense(st, default_value=default))
    gd, gdef, gv = tape.gradient(y, [d, default, vals])
    np.testing.assert_array_equal(np.asarray(gd), np.ones((3, 3)))
    assert float(gdef) == 6.0  # six positions hold the default
    np.testing.assert_array_equal(np.asarray(gv), [2.0, 2.0, 2.0])


def test_no_gradient_to_indices_or_integer_outputs():
    v = gt.Variable([1.0, 2.0, 3.0])
    with gt.GradientTape() as tape:
        st = SP([[0, 1], [1, 0], [1, 2]], v, [3, 3])
        y = gt.reduce_sum(gt.cast(st.indices, gt.float32)) + 0.0 * gt.reduce_sum(st.values)
    assert np.asarray(tape.gradient(y, v)).tolist() == [0.0, 0.0, 0.0]


def test_datasets_carry_sparse_tensors_as_tensorflow():
    # TensorFlow 2.21's element specs and elements for the same pipelines
    ds = gt.data.Dataset.from_tensor_slices([[1, 0, 2], [0, 0, 3], [4, 0, 0]]).map(gt.sparse.from_dense)
    assert repr(ds.element_spec) == "SparseTensorSpec(TensorShape([3]), gt.int32)"
    assert [a.tolist() for a in ds.as_numpy_iterator()] == [[1, 0, 2], [0, 0, 3], [4, 0, 0]]  # dense, as TF
    batched = ds.batch(2)
    assert repr(batched.element_spec) == "SparseTensorSpec(TensorShape([None, 3]), gt.int32)"
    parts = [(e.indices.numpy().tolist(), e.values.numpy().tolist(), e.dense_shape.numpy().tolist())
             for e in batched]
    assert parts == [([[0, 0], [0, 2], [1, 2]], [1, 2, 3], [2, 3]), ([[0, 0]], [4], [1, 3])]
    rows = batched.unbatch()
    assert rows.element_spec == ds.element_spec
    assert [(e.indices.numpy().tolist(), e.dense_shape.numpy().tolist()) for e in rows] == [
        ([[0], [2]], [3]), ([[2]], [3]), ([[0]], [3])]
    sliced = gt.data.Dataset.from_tensor_slices(gt.sparse.from_dense([[1, 0], [0, 2]]))
    assert repr(sliced.element_spec) == "SparseTensorSpec(TensorShape([2]), gt.int32)"
    assert [(e.indices.numpy().tolist(), e.values.numpy().tolist()) for e in sliced] == [([[0]], [1]), ([[1]], [2])]
    grown = gt.data.Dataset.from_tensor_slices(gt.ragged.constant([[1, 2], [3]])).map(gt.sparse.from_dense).batch(2)
    (e,) = list(grown)  # each dimension as large as the largest element's
    assert e.indices.numpy().tolist() == [[0, 0], [0, 1], [1, 0]] and e.dense_shape.numpy().tolist() == [2, 2]


def test_var_len_features_batch_as_sparse_tensors(tmp_path):
    path = str(tmp_path / "ex.tfrecord")
    with gt.io.TFRecordWriter(path) as w:
        for ids in ([3, 1], [], [7, 8, 9]):
            ex = gt.train.Example(features=gt.train.Features(feature={
                "ids": gt.train.Feature(int64_list=gt.train.Int64List(value=ids))}))
            w.write(ex.SerializeToString())
    spec = {"ids": gt.io.VarLenFeature(gt.int64)}
    ds = gt.data.TFRecordDataset(path).map(lambda s: gt.io.parse_single_example(s, spec)["ids"]).batch(3)
    (batch,) = list(ds)
    assert isinstance(batch, gt.SparseTensor) and batch.dense_shape.numpy().tolist() == [3, 3]
    np.testing.assert_array_equal(gt.sparse.to_dense(batch).numpy(), [[3, 1, 0], [0, 0, 0], [7, 8, 9]])
