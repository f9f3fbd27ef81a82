"""gt.RaggedTensor and gt.ragged, with TensorFlow's documented values."""

import numpy as np
import pytest

import gradtape as gt
from gradtape.testing import check_gradients


def test_construction_and_structure():
    rt = gt.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])
    assert rt.to_list() == [[3, 1, 4, 1], [], [5, 9, 2], [6], []]
    assert rt.row_splits.numpy().tolist() == [0, 4, 4, 7, 8, 8]
    assert rt.row_lengths().numpy().tolist() == [4, 0, 3, 1, 0]
    assert rt.value_rowids().numpy().tolist() == [0, 0, 0, 0, 2, 2, 2, 3]
    assert rt.row_starts().numpy().tolist() == [0, 4, 4, 7, 8]
    assert rt.row_limits().numpy().tolist() == [4, 4, 7, 8, 8]
    assert rt.nrows() == 5 and rt.ragged_rank == 1 and list(rt.shape) == [5, None]
    assert rt.dtype == gt.int32 and rt.values.numpy().tolist() == [3, 1, 4, 1, 5, 9, 2, 6]
    values = [3, 1, 4, 1, 5, 9, 2, 6]
    for other in (gt.RaggedTensor.from_row_splits(values, [0, 4, 4, 7, 8, 8]),
                  gt.RaggedTensor.from_row_lengths(values, [4, 0, 3, 1, 0]),
                  gt.RaggedTensor.from_value_rowids(values, [0, 0, 0, 0, 2, 2, 2, 3], nrows=5),
                  gt.RaggedTensor.from_row_starts(values, [0, 4, 4, 7, 8]),
                  gt.RaggedTensor.from_row_limits(values, [4, 4, 7, 8, 8])):
        assert other.to_list() == rt.to_list()
    assert gt.RaggedTensor.from_uniform_row_length([1, 2, 3, 4, 5, 6], 2).to_list() == [[1, 2], [3, 4], [5, 6]]
    assert repr(gt.ragged.constant([[1.0], []])) == "<gt.RaggedTensor [[1.0], []]>"


def test_nested_ragged_dimensions():
    rt = gt.ragged.constant([[[1, 2], [3]], [], [[4, 5, 6]]])
    assert rt.ragged_rank == 2 and list(rt.shape) == [3, None, None]
    assert [s.numpy().tolist() for s in rt.nested_row_splits] == [[0, 2, 2, 3], [0, 2, 3, 6]]
    assert rt.flat_values.numpy().tolist() == [1, 2, 3, 4, 5, 6]
    assert rt.to_tensor().numpy().tolist() == [[[1, 2, 0], [3, 0, 0]], [[0, 0, 0], [0, 0, 0]],
                                               [[4, 5, 6], [0, 0, 0]]]
    assert rt[0].to_list() == [[1, 2], [3]] and rt[2][0].numpy().tolist() == [4, 5, 6]
    same = gt.RaggedTensor.from_nested_row_lengths([1, 2, 3, 4, 5, 6], [[2, 0, 1], [2, 1, 3]])
    assert same.to_list() == rt.to_list()
    # ragged_rank=1: the inner rows are a uniform dimension of the values
    uniform = gt.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)
    assert uniform.ragged_rank == 1 and list(uniform.shape) == [2, None, 2]
    assert uniform.to_tensor().numpy().tolist() == [[[1, 2], [3, 4]], [[5, 6], [0, 0]]]


def test_to_tensor_from_tensor_and_strings():
    rt = gt.ragged.constant([[9, 8, 7], [], [6, 5], [4]])
    assert rt.to_tensor().numpy().tolist() == [[9, 8, 7], [0, 0, 0], [6, 5, 0], [4, 0, 0]]
    assert rt.to_tensor(default_value=-1, shape=[5, 2]).numpy().tolist() == [
        [9, 8], [-1, -1], [6, 5], [4, -1], [-1, -1]]
    dense = gt.constant([[1, 2, 0], [3, 0, 0], [0, 0, 0]])
    assert gt.RaggedTensor.from_tensor(dense, padding=0).to_list() == [[1, 2], [3], []]
    assert gt.RaggedTensor.from_tensor(dense, lengths=[1, 3, 0]).to_list() == [[1], [3, 0, 0], []]
    assert gt.RaggedTensor.from_tensor(dense).to_list() == dense.numpy().tolist()
    words = gt.strings.split(["a b", "", "c"])
    assert words.to_tensor().numpy().tolist() == [["a", "b"], ["", ""], ["c", ""]]
    assert words.to_tensor(default_value="<pad>").numpy().tolist() == [["a", "b"], ["<pad>", "<pad>"], ["c", "<pad>"]]


def test_indexing_and_numpy():
    rt = gt.ragged.constant([[1.0, 2.0], [], [3.0], [4.0, 5.0, 6.0]])
    assert rt[0].numpy().tolist() == [1.0, 2.0] and rt[-1].numpy().tolist() == [4.0, 5.0, 6.0]
    assert rt[1:3].to_list() == [[], [3.0]] and rt[::2].to_list() == [[1.0, 2.0], [3.0]]
    assert rt[3, 1].numpy() == 5.0
    with pytest.raises(IndexError, match="row 4 is out of range for 4 rows"):
        rt[4]
    rows = rt.numpy()
    assert rows.dtype == object and [r.tolist() for r in rows] == rt.to_list()


def test_operators_and_map_flat_values():
    rt = gt.ragged.constant([[1.0, 2.0], [], [3.0]])
    assert (rt * 2 + 1).to_list() == [[3.0, 5.0], [], [7.0]]
    assert (1 - rt).to_list() == [[0.0, -1.0], [], [-2.0]]
    assert (rt * rt).to_list() == [[1.0, 4.0], [], [9.0]]
    assert (-rt).to_list() == [[-1.0, -2.0], [], [-3.0]]
    assert gt.ragged.map_flat_values(gt.exp, rt).to_list()[2] == [pytest.approx(np.exp(3.0))]
    with pytest.raises(ValueError, match="same row splits"):
        rt + gt.ragged.constant([[1.0], [2.0], []])


def test_reductions_match_tensorflow():
    rt = gt.ragged.constant([[3.0, 1.0, 4.0], [], [5.0, 9.0], [2.0]])
    assert gt.reduce_sum(rt, axis=1).numpy().tolist() == [8.0, 0.0, 14.0, 2.0]
    assert gt.reduce_sum(rt, axis=0).numpy().tolist() == [10.0, 10.0, 4.0]
    assert gt.reduce_sum(rt).numpy() == 24.0
    assert gt.reduce_sum(rt, axis=(0, 1)).numpy() == 24.0
    assert gt.reduce_mean(rt, axis=1).numpy().tolist()[::2] == [pytest.approx(8 / 3), 7.0]
    assert gt.reduce_mean(rt, axis=0).numpy().tolist() == [pytest.approx(10 / 3), 5.0, 4.0]
    assert gt.reduce_max(rt, axis=1).numpy().tolist() == [4.0, float(np.finfo(np.float32).min), 9.0, 2.0]
    assert gt.reduce_min(rt, axis=0).numpy().tolist() == [2.0, 1.0, 4.0]
    assert gt.reduce_prod(rt, axis=1).numpy().tolist() == [12.0, 1.0, 45.0, 2.0]
    assert gt.reduce_sum(rt, axis=-1).numpy().tolist() == [8.0, 0.0, 14.0, 2.0]


def test_gradients_flow_to_the_values():
    rng = np.random.default_rng(0)
    values = rng.standard_normal(7)
    lengths = [3, 1, 2, 1]  # no empty row: its maximum would be the lowest float

    def f(v):
        rt = gt.RaggedTensor.from_row_lengths(v, lengths)
        dense = rt.to_tensor(default_value=0.5)
        return (gt.reduce_sum(dense ** 2) + gt.reduce_sum(gt.reduce_max(rt, axis=1) * 3.0)
                + gt.reduce_sum(gt.reduce_mean(rt, axis=0)) + gt.reduce_sum((rt * rt).flat_values))
    check_gradients(f, [values], order=2, modes=("rev",))
    v = gt.Variable(values)
    with gt.GradientTape() as tape:
        loss = gt.reduce_sum(gt.RaggedTensor.from_row_lengths(v, [3, 0, 4]).to_tensor() * 2.0)
    np.testing.assert_allclose(tape.gradient(loss, v).numpy(), np.full(7, 2.0))


def test_bad_row_partitions_are_named():
    with pytest.raises(ValueError, match="row_splits must start at 0"):
        gt.RaggedTensor.from_row_splits([1, 2, 3], [0, 2])
    with pytest.raises(ValueError, match="row_splits must start at 0"):
        gt.RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 1, 3])
    with pytest.raises(ValueError, match="row_lengths must not be negative"):
        gt.RaggedTensor.from_row_lengths([1, 2], [3, -1])
    with pytest.raises(ValueError, match="value_rowids must be sorted"):
        gt.RaggedTensor.from_value_rowids([1, 2], [1, 0])
    with pytest.raises(ValueError, match="ragged_rank must be between 1 and 1"):
        gt.ragged.constant([[1, 2]], ragged_rank=2)
    with pytest.raises(TypeError, match="build one with gt.ragged.constant"):
        gt.RaggedTensor([1], [0, 1])
    assert gt.ragged.row_splits_to_segment_ids([0, 2, 2, 3]).numpy().tolist() == [0, 0, 2]
    assert gt.ragged.segment_ids_to_row_splits([0, 0, 2], num_segments=4).numpy().tolist() == [0, 2, 2, 3, 3]


def test_text_vectorization_ragged_output_as_keras():
    # Keras 3.15's outputs for the same calls
    tv = gt.keras.layers.TextVectorization(ragged=True)
    tv.adapt(["the cat sat", "the dog", "a"])
    out = tv(["the cat sat on", "dog", ""])
    assert isinstance(out, gt.RaggedTensor) and out.to_list() == [[2, 5, 3, 1], [4], []]
    cut = gt.keras.layers.TextVectorization(ragged=True, output_sequence_length=2, vocabulary=["the", "cat"])
    assert cut(["the cat sat on", "cat", ""]).to_list() == [[2, 3], [3], []]
    assert cut.get_config()["ragged"] is True
    with pytest.raises(ValueError, match="ragged=True` needs output_mode='int'"):
        gt.keras.layers.TextVectorization(ragged=True, output_mode="multi_hot")


def test_datasets_carry_ragged_tensors_as_tensorflow():
    # TensorFlow 2.21's element specs and elements for the same pipelines
    words = gt.data.Dataset.from_tensor_slices(["a b c", "d", "e f"]).batch(2).map(gt.strings.split)
    assert repr(words.element_spec) == "RaggedTensorSpec(TensorShape([None, None]), gt.string, 1, gt.int64)"
    got = list(words.as_numpy_iterator())
    assert [[r.tolist() for r in e] for e in got] == [[["a", "b", "c"], ["d"]], [["e", "f"]]]
    rows = gt.data.Dataset.from_tensor_slices(gt.ragged.constant([[1], [2, 3], [4, 5, 6]]))
    assert repr(rows.element_spec) == "RaggedTensorSpec(TensorShape([None]), gt.int32, 0, gt.int64)"
    assert [e.tolist() for e in rows.as_numpy_iterator()] == [[1], [2, 3], [4, 5, 6]]
    batched = rows.batch(2)
    assert repr(batched.element_spec) == "RaggedTensorSpec(TensorShape([None, None]), gt.int32, 1, gt.int64)"
    assert [b.to_list() for b in batched] == [[[1], [2, 3]], [[4, 5, 6]]]  # a single row stays ragged
    again = batched.unbatch()
    assert again.element_spec == rows.element_spec
    assert [type(e) for e in again] == [gt.Tensor] * 3
    assert [b.to_list() for b in again.batch(3)] == [[[1], [2, 3], [4, 5, 6]]]
    ranges = gt.data.Dataset.range(4).map(lambda n: gt.range(n)).ragged_batch(3)
    assert repr(ranges.element_spec) == "RaggedTensorSpec(TensorShape([None, None]), gt.int64, 1, gt.int64)"
    assert [b.to_list() for b in ranges] == [[[], [0], [0, 1]], [[0, 1, 2]]]
    pairs = gt.data.Dataset.from_tensor_slices((gt.ragged.constant([[1], [2, 3]]), [7, 8])).batch(2)
    (rt, labels), = list(pairs)
    assert rt.to_list() == [[1], [2, 3]] and labels.numpy().tolist() == [7, 8]
    with pytest.raises(ValueError, match="different first dimensions"):
        gt.data.Dataset.from_tensor_slices((gt.ragged.constant([[1], [2]]), [7, 8, 9]))
