"""Text and categorical preprocessing layers against Keras 3: TextVectorization, StringLookup,
IntegerLookup, CategoryEncoding, Hashing, HashedCrossing and Discretization.

Each entry of CASES runs the same code on a layers namespace (``gt.layers`` here,
``keras.layers`` in tools/keras_preprocessing_reference.py, which prints REF: what Keras 3.15 with
TensorFlow 2.21 gives). Vocabularies, ids, hash bins, encodings and learned boundaries must equal
Keras's; then the layers are used in models and gt.data pipelines, and bad arguments must raise
errors that name them.
"""

import numpy as np
import pytest

import gradtape as gt

L = gt.layers
DOCS = ["The cat sat.", "the dog, the CAT!", "a Dog's life", "é É ñ", "cat  dog\tcat\nsat"]
WORDS = [["a", "b", "c"], ["b", "c", "c"], ["é", "z", "a"], ["c", "Z", "b"]]
LONG = ["", "x", "abcdefgh", "abcdefghijklmnopq", "a" * 40, "b" * 65, "0123456789" * 13]


def adapted(layer, data, **kwargs):
    layer.adapt(data, **kwargs)
    return layer


def vocab_and(layer, *inputs):
    """The layer's vocabulary, then its output on each input."""
    return (layer.get_vocabulary(),) + tuple(layer(x) for x in inputs)


CASES = {
    # TextVectorization
    "tv_adapt": lambda L: vocab_and(adapted(L.TextVectorization(), DOCS), ["the cat", "unknown dog zzz the"]),
    "tv_max_tokens": lambda L: vocab_and(adapted(L.TextVectorization(max_tokens=6), DOCS), DOCS),
    "tv_sequence_length": lambda L: L.TextVectorization(output_sequence_length=3, vocabulary=["a", "b"])(
        ["a b a b a", "b", "", "c a"]),
    "tv_lower": lambda L: vocab_and(adapted(L.TextVectorization(standardize="lower"), DOCS), ["The cat."]),
    "tv_strip": lambda L: vocab_and(adapted(L.TextVectorization(standardize="strip_punctuation"), DOCS), ["The cat."]),
    "tv_no_standardize": lambda L: vocab_and(adapted(L.TextVectorization(standardize=None), DOCS), ["The cat sat."]),
    "tv_split_none": lambda L: L.TextVectorization(split=None, vocabulary=["a b", "c"])(["a b", "c", "d", "A B"]),
    "tv_split_none_2d": lambda L: L.TextVectorization(split=None, vocabulary=["a b", "c"])([["a b"], ["c"]]),
    "tv_split_none_multi_hot": lambda L: L.TextVectorization(split=None, vocabulary=["a b", "c"],
                                                             output_mode="multi_hot")(["a b", "c", "d"]),
    "tv_split_none_one_hot": lambda L: L.TextVectorization(split=None, vocabulary=["a", "b"], output_mode="one_hot")(
        ["a", "z", "b"]),
    "tv_character": lambda L: vocab_and(adapted(L.TextVectorization(split="character"), DOCS[:4]), ["cé t", "é"]),
    "tv_ngrams": lambda L: vocab_and(adapted(L.TextVectorization(ngrams=2), DOCS), ["the cat sat", "dog"]),
    "tv_ngrams_tuple": lambda L: L.TextVectorization(ngrams=(1, 3), vocabulary=["a", "b", "c", "a b", "b c", "a b c"])(
        ["a b c d", "c", ""]),
    "tv_multi_hot": lambda L: vocab_and(adapted(L.TextVectorization(output_mode="multi_hot"), DOCS),
                                        ["the cat sat on the cat", "dog"]),
    "tv_count": lambda L: adapted(L.TextVectorization(output_mode="count"), DOCS)(["the cat sat on the cat", "dog"]),
    "tv_tf_idf": lambda L: vocab_and(adapted(L.TextVectorization(output_mode="tf_idf", max_tokens=8), DOCS),
                                     ["the cat sat on the cat", "dog zzz"]),
    "tv_tf_idf_given": lambda L: L.TextVectorization(vocabulary=["a", "b"], idf_weights=[0.5, 2.0],
                                                     output_mode="tf_idf")(["a b a", "z"]),
    "tv_pad_to_max_tokens": lambda L: vocab_and(adapted(L.TextVectorization(
        output_mode="multi_hot", max_tokens=7, pad_to_max_tokens=True), DOCS[:2]), ["the cat sat", "dog"]),
    "tv_tf_idf_pad": lambda L: adapted(L.TextVectorization(output_mode="tf_idf", max_tokens=9, pad_to_max_tokens=True),
                                       DOCS[:3])(["the cat", "life"]),
    "tv_column_input": lambda L: L.TextVectorization(vocabulary=["a", "b"])([["a b"], ["b"]]),
    "tv_scalar_input": lambda L: L.TextVectorization(vocabulary=["a", "b"])("a b c"),
    "tv_empty_strings": lambda L: L.TextVectorization(vocabulary=["a", "b"])(["", " "]),
    "tv_bytes_input": lambda L: L.TextVectorization(vocabulary=["a", "b"])(np.array([b"A b.", b"c"])),
    "tv_adapt_array": lambda L: vocab_and(adapted(L.TextVectorization(), np.array(DOCS, dtype=object)), ["cat dog"]),
    "tv_set_vocabulary": lambda L: (lambda t: (t.set_vocabulary(["x", "y"]), vocab_and(t, ["y x q"]))[1])(
        L.TextVectorization()),
    # StringLookup
    "sl_adapt": lambda L: vocab_and(adapted(L.StringLookup(), WORDS), [["a", "z"], ["c", "b"]]),
    "sl_adapt_1d": lambda L: vocab_and(adapted(L.StringLookup(), ["b", "a", "b", "é", "c"]), ["a", "é", "q"]),
    "sl_max_tokens": lambda L: vocab_and(adapted(L.StringLookup(max_tokens=3), WORDS), WORDS),
    "sl_mask": lambda L: vocab_and(L.StringLookup(vocabulary=["a", "b"], mask_token=""), ["a", "", "q"]),
    "sl_mask_adapt": lambda L: vocab_and(adapted(L.StringLookup(mask_token="", oov_token="?"), [["a", "", "?", "b"]]),
                                         ["a", "", "?"]),
    "sl_mask_multi_hot": lambda L: vocab_and(L.StringLookup(vocabulary=["a", "b"], mask_token="",
                                                            output_mode="multi_hot"), [["a", "", "q"]]),
    "sl_oov_buckets": lambda L: L.StringLookup(vocabulary=["a", "b"], num_oov_indices=3)(["a", "x", "y", "zz", "b"]),
    "sl_salt": lambda L: L.StringLookup(vocabulary=["a", "b"], num_oov_indices=4, salt=7)(["x", "y", "zz", "qqq"]),
    "sl_salt_pair": lambda L: L.StringLookup(vocabulary=["a"], num_oov_indices=5, salt=(3, -9))(LONG),
    "sl_no_oov": lambda L: L.StringLookup(vocabulary=["a", "b"], num_oov_indices=0)(["b", "a"]),
    "sl_invert": lambda L: L.StringLookup(vocabulary=["a", "b"], invert=True)([0, 1, 2, 5]),
    "sl_invert_mask": lambda L: L.StringLookup(vocabulary=["a", "b"], mask_token="", invert=True)([[0, 1], [2, 3]]),
    "sl_one_hot": lambda L: L.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")(["a", "z", "b"]),
    "sl_one_hot_column": lambda L: L.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")([["a"], ["b"]]),
    "sl_multi_hot": lambda L: L.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")([["a", "z"], ["b", "b"]]),
    "sl_multi_hot_1d": lambda L: L.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")(["b", "b"]),
    "sl_multi_hot_3d": lambda L: L.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")(
        [[["a", "b"], ["b", "b"]], [["z", "z"], ["a", "a"]]]),
    "sl_count": lambda L: L.StringLookup(vocabulary=["a", "b"], output_mode="count")([["a", "z"], ["b", "b"]]),
    "sl_tf_idf_adapt": lambda L: vocab_and(adapted(L.StringLookup(output_mode="tf_idf"), WORDS), WORDS[:2]),
    "sl_tf_idf_given": lambda L: L.StringLookup(vocabulary=["a", "b"], idf_weights=[0.5, 2.0],
                                                output_mode="tf_idf")([["a", "b", "b", "z"]]),
    "sl_pad_to_max_tokens": lambda L: L.StringLookup(vocabulary=["a", "b"], max_tokens=5, pad_to_max_tokens=True,
                                                     output_mode="count")([["a", "a"]]),
    "sl_special_tokens_in_vocabulary": lambda L: vocab_and(L.StringLookup(vocabulary=["[UNK]", "a", "b"]), ["a", "z"]),
    "sl_scalar": lambda L: L.StringLookup(vocabulary=["a", "b"])("b"),
    "sl_object_array": lambda L: L.StringLookup(vocabulary=["a", "b"])(np.array(["a", b"b"], dtype=object)),
    # IntegerLookup
    "il_adapt": lambda L: vocab_and(adapted(L.IntegerLookup(), [3, 3, 1, 7, 7, 2, -5]), [3, 1, 99]),
    "il_max_tokens": lambda L: vocab_and(adapted(L.IntegerLookup(max_tokens=3), [[3, 3, 1], [7, 7, 2]]), [[3, 7, 2]]),
    "il_floormod": lambda L: L.IntegerLookup(vocabulary=[12, 36], num_oov_indices=3)([12, 5, 7, 8, 36, -4]),
    "il_farmhash": lambda L: L.IntegerLookup(vocabulary=[1, 2], num_oov_indices=4, oov_method="farmhash")(
        [7, 8, 9, 10, -11]),
    "il_salt": lambda L: L.IntegerLookup(vocabulary=[1, 2], num_oov_indices=4, oov_method="farmhash", salt=(1, 2))(
        [7, 8, 9, 10]),
    "il_mask": lambda L: vocab_and(L.IntegerLookup(vocabulary=[5, 6], mask_token=0), [0, 5, 6, 7]),
    "il_invert": lambda L: L.IntegerLookup(vocabulary=[12, 36], invert=True)([0, 1, 2, 5]),
    "il_multi_hot": lambda L: L.IntegerLookup(vocabulary=[12, 36], output_mode="multi_hot")([[12, 12], [99, 36]]),
    "il_tf_idf_adapt": lambda L: vocab_and(adapted(L.IntegerLookup(output_mode="tf_idf"), [[1, 2, 2], [2, 3, 3]]),
                                           [[1, 1, 4]]),
    "il_float_input": lambda L: L.IntegerLookup(vocabulary=[1, 2])(np.array([1.7, 2.0, -1.5], "float32")),
    # CategoryEncoding
    "ce_one_hot": lambda L: L.CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1]),
    "ce_one_hot_matrix": lambda L: L.CategoryEncoding(3, output_mode="one_hot")([[0, 1], [2, 2]]),
    "ce_one_hot_column": lambda L: L.CategoryEncoding(3, output_mode="one_hot")([[0], [2]]),
    "ce_one_hot_scalar": lambda L: L.CategoryEncoding(3, output_mode="one_hot")(1),
    "ce_one_hot_out_of_range": lambda L: L.CategoryEncoding(3, output_mode="one_hot")([5, 1]),
    "ce_multi_hot": lambda L: L.CategoryEncoding(num_tokens=4)([[0, 1], [0, 0], [1, 2], [3, 1]]),
    "ce_multi_hot_vector": lambda L: L.CategoryEncoding(3)([0, 1, 1]),
    "ce_multi_hot_out_of_range": lambda L: L.CategoryEncoding(3)([[5, 1]]),
    "ce_multi_hot_rank3": lambda L: L.CategoryEncoding(3)(np.array([[[0, 1], [2, 2]]])),
    "ce_count": lambda L: L.CategoryEncoding(4, output_mode="count")([[0, 1], [0, 0], [1, 2], [3, 1]]),
    "ce_count_weights": lambda L: L.CategoryEncoding(4, output_mode="count")(
        [[0, 1], [0, 0]], count_weights=np.array([[0.1, 0.2], [0.1, 0.4]], "float32")),
    "ce_count_rank3": lambda L: L.CategoryEncoding(3, output_mode="count")(np.array([[[0, 1], [2, 2]]])),
    "ce_float64": lambda L: L.CategoryEncoding(3, dtype="float64")(np.array([[0.0, 1.0]])),
    # Hashing
    "hash_strings": lambda L: L.Hashing(num_bins=3)([["A"], ["B"], ["C"], ["D"], ["E"]]),
    "hash_long_strings": lambda L: L.Hashing(num_bins=2**40)(LONG),
    "hash_ints": lambda L: L.Hashing(num_bins=5)([[1, 2], [3, -4]]),
    "hash_floats": lambda L: L.Hashing(num_bins=7)(np.array([[1.5, -2.5, 3.0]], "float32")),
    "hash_mask_string": lambda L: L.Hashing(num_bins=3, mask_value="")([["A"], ["B"], [""], ["C"], ["D"]]),
    "hash_mask_int": lambda L: L.Hashing(num_bins=7, mask_value=0)([[0, 1, 2]]),
    "hash_salt": lambda L: L.Hashing(num_bins=3, salt=133)([["A"], ["B"], ["C"], ["D"], ["E"]]),
    "hash_salt_pair": lambda L: L.Hashing(num_bins=100, salt=(3, 9))(LONG),
    "hash_salt_ints": lambda L: L.Hashing(num_bins=1000, salt=(-3, 2**40))([10, -20, 30]),
    "hash_one_hot": lambda L: L.Hashing(num_bins=4, output_mode="one_hot")([["a"], ["b"]]),
    "hash_multi_hot": lambda L: L.Hashing(num_bins=4, output_mode="multi_hot")([["a", "b"], ["b", "c"]]),
    "hash_count": lambda L: L.Hashing(num_bins=4, output_mode="count")([["a", "b", "a"]]),
    "hash_int32": lambda L: L.Hashing(num_bins=9, dtype="int32")(["a", "b"]),
    # HashedCrossing
    "cross_int_string": lambda L: L.HashedCrossing(num_bins=5)((np.array([1, 2, 3]), np.array(["A", "B", "C"]))),
    "cross_three": lambda L: L.HashedCrossing(num_bins=1000)(
        (np.array([1, 2]), np.array(["a", "b"]), np.array([5, 6]))),
    "cross_column": lambda L: L.HashedCrossing(num_bins=1000)((np.array([[1], [2]]), np.array([["a"], ["b"]]))),
    "cross_scalar": lambda L: L.HashedCrossing(num_bins=1000)((np.array(1), np.array("a"))),
    "cross_negative_int32": lambda L: L.HashedCrossing(num_bins=10**6)(
        (np.array([1, 2], "int32"), np.array([3, -4]))),
    "cross_one_hot": lambda L: L.HashedCrossing(num_bins=4, output_mode="one_hot")((np.array([1, 2]), np.array([3, 4]))),
    # Discretization
    "disc_int": lambda L: L.Discretization(bin_boundaries=[0.0, 1.0, 2.0])([[-1.5, 1.0, 3.4, 0.5], [0, 3, 1.3, 2]]),
    "disc_int_inputs": lambda L: L.Discretization(bin_boundaries=[0.0, 1.0])(np.array([[-1, 0, 1, 2]])),
    "disc_one_hot": lambda L: L.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")([-1.0, 0.5, 2.0]),
    "disc_multi_hot": lambda L: L.Discretization(bin_boundaries=[0.0, 1.0], output_mode="multi_hot")(
        [[-1.0, 0.5], [2.0, 2.0]]),
    "disc_count": lambda L: L.Discretization(bin_boundaries=[0.0, 1.0], output_mode="count")(
        [[-1.0, 0.5], [2.0, 2.0]]),
    "disc_adapt_array": lambda L: (lambda d: (d.bin_boundaries, d(np.array([10.0, 50.0, 90.0]))))(
        adapted(L.Discretization(num_bins=4), np.arange(100.0))),
    "disc_adapt_list": lambda L: adapted(L.Discretization(num_bins=4), [[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])
    .bin_boundaries,
    "disc_adapt_batches": lambda L: adapted(L.Discretization(num_bins=4), [np.arange(i, i + 25.0) ** 2 for i in
                                                                          range(0, 100, 25)]).bin_boundaries,
    "disc_adapt_large": lambda L: adapted(L.Discretization(num_bins=5, epsilon=0.05),
                                          np.sin(np.arange(1000.0)) * np.arange(1000.0)).bin_boundaries,
}


def summarize(value):
    """``(shape, dtype, values)`` of an output or a vocabulary list (a tuple of them for a tuple),
    the same for Keras's and gradtape's results."""
    if isinstance(value, tuple):
        return tuple(summarize(v) for v in value)
    if isinstance(value, list):
        items = [v.decode() if isinstance(v, bytes) else v for v in value]
        if all(isinstance(v, (str, np.str_)) for v in items):
            return ((len(items),), "string", [str(v) for v in items])
        a = np.asarray(items)
        return ((len(items),), "list", [int(v) if a.dtype.kind in "iu" else float(v) for v in items])
    a = np.asarray(value)
    if a.dtype.kind in "OSU":
        return (a.shape, "string", [v.decode() if isinstance(v, bytes) else str(v) for v in a.ravel()])
    return (a.shape, a.dtype.name, a.ravel().tolist())


def check_summary(got, want) -> None:
    if isinstance(want, tuple) and want and isinstance(want[0], tuple) and len(want[0]) == 3 and \
            isinstance(want[0][1], str):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            check_summary(g, w)
        return
    shape, dtype, values = want
    assert tuple(got[0]) == tuple(shape)
    assert got[1] == dtype
    if dtype in ("string",) or dtype.startswith(("int", "uint", "bool")):
        assert got[2] == list(values)
    else:
        want_values = np.asarray(values, dtype=np.float64)
        scale = max(1.0, float(np.abs(want_values).max(initial=0.0)))
        np.testing.assert_allclose(np.asarray(got[2], dtype=np.float64), want_values, rtol=2e-6, atol=2e-6 * scale)


# What Keras 3.15 (TensorFlow 2.21) gives for each case: tools/keras_preprocessing_reference.py prints it.
REF = {
    'tv_adapt': (((12,), 'string', ['', '[UNK]', 'cat', 'the', 'sat', 'dog', 'ñ', 'é', 'É', 'life', 'dogs', 'a']),
                 ((2, 4), 'int64', [3, 2, 0, 0, 1, 5, 1, 3])),
    'tv_max_tokens': (((6,), 'string', ['', '[UNK]', 'cat', 'the', 'sat', 'dog']),
                      ((5, 4), 'int64', [3, 2, 4, 0, 3, 5, 3, 2, 1, 1, 1, 0, 1, 1, 1, 0, 2, 5, 2, 4])),
    'tv_sequence_length': ((4, 3), 'int64', [2, 3, 2, 3, 0, 0, 0, 0, 0, 1, 2, 0]),
    'tv_lower': (((15,), 'string',
                  ['', '[UNK]', 'the', 'cat', 'ñ', 'é', 'É', 'sat.', 'sat', 'life', 'dog,', "dog's", 'dog', 'cat!',
                   'a']),
                 ((1, 2), 'int64', [2, 1])),
    'tv_strip': (((14,), 'string',
                  ['', '[UNK]', 'cat', 'the', 'sat', 'dog', 'ñ', 'é', 'É', 'life', 'a', 'The', 'Dogs', 'CAT']),
                 ((1, 2), 'int64', [11, 2])),
    'tv_no_standardize': (((16,), 'string',
                           ['', '[UNK]', 'cat', 'the', 'ñ', 'é', 'É', 'sat.', 'sat', 'life', 'dog,', 'dog', 'a', 'The',
                            "Dog's", 'CAT!']),
                          ((1, 3), 'int64', [13, 2, 7])),
    'tv_split_none': ((4,), 'int64', [2, 3, 1, 2]),
    'tv_split_none_2d': ((2, 1), 'int64', [2, 3]),
    'tv_split_none_multi_hot': ((3,), 'int64', [1, 1, 1]),
    'tv_split_none_one_hot': ((3, 3), 'int64', [0, 1, 0, 1, 0, 0, 0, 0, 1]),
    'tv_character': (((18,), 'string',
                      ['', '[UNK]', ' ', 't', 'e', 'a', 'h', 's', 'o', 'g', 'd', 'c', 'ñ', 'é', 'É', 'l', 'i', 'f']),
                     ((2, 4), 'int64', [11, 13, 2, 3, 13, 0, 0, 0])),
    'tv_ngrams': (((22,), 'string',
                   ['', '[UNK]', 'cat', 'the', 'the cat', 'sat', 'dog', 'cat sat', 'ñ', 'é É', 'é', 'É ñ', 'É',
                    'the dog', 'life', 'dogs life', 'dogs', 'dog the', 'dog cat', 'cat dog', 'a dogs', 'a']),
                  ((2, 5), 'int64', [3, 2, 5, 4, 7, 6, 0, 0, 0, 0])),
    'tv_ngrams_tuple': ((3, 6), 'int64', [2, 3, 4, 1, 7, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'tv_multi_hot': (((11,), 'string', ['[UNK]', 'cat', 'the', 'sat', 'dog', 'ñ', 'é', 'É', 'life', 'dogs', 'a']),
                     ((2, 11), 'int64', [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])),
    'tv_count': ((2, 11), 'int64', [1, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    'tv_tf_idf': (((8,), 'string', ['[UNK]', 'cat', 'the', 'sat', 'dog', 'ñ', 'é', 'É']),
                  ((2, 8), 'float32',
                   [1.0731009, 1.6218604, 1.9616585, 0.98082924, 0.0, 0.0, 0.0, 0.0, 1.0731009, 0.0, 0.0, 0.0,
                    0.98082924, 0.0, 0.0, 0.0])),
    'tv_tf_idf_given': ((2, 3), 'float32', [0.0, 1.0, 2.0, 1.25, 0.0, 0.0]),
    'tv_pad_to_max_tokens': (((5,), 'string', ['[UNK]', 'the', 'cat', 'sat', 'dog']),
                             ((2, 7), 'int64', [0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0])),
    'tv_tf_idf_pad': ((2, 9), 'float32',
                      [0.0, 0.69314718, 0.69314718, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.91629076, 0.0,
                       0.0, 0.0, 0.0]),
    'tv_column_input': ((2, 2), 'int64', [2, 3, 3, 0]),
    'tv_scalar_input': ((3,), 'int64', [2, 3, 1]),
    'tv_empty_strings': ((2, 0), 'int64', []),
    'tv_bytes_input': ((2, 2), 'int64', [2, 3, 1, 0]),
    'tv_adapt_array': (((12,), 'string',
                        ['', '[UNK]', 'cat', 'the', 'sat', 'dog', 'ñ', 'é', 'É', 'life', 'dogs', 'a']),
                       ((1, 2), 'int64', [2, 5])),
    'tv_set_vocabulary': (((4,), 'string', ['', '[UNK]', 'x', 'y']), ((1, 3), 'int64', [3, 2, 1])),
    'sl_adapt': (((7,), 'string', ['[UNK]', 'c', 'b', 'a', 'é', 'z', 'Z']), ((2, 2), 'int64', [3, 5, 1, 2])),
    'sl_adapt_1d': (((5,), 'string', ['[UNK]', 'b', 'é', 'c', 'a']), ((3,), 'int64', [4, 2, 0])),
    'sl_max_tokens': (((3,), 'string', ['[UNK]', 'c', 'b']), ((4, 3), 'int64', [0, 2, 1, 2, 1, 1, 0, 0, 0, 1, 0, 2])),
    'sl_mask': (((4,), 'string', ['', '[UNK]', 'a', 'b']), ((3,), 'int64', [2, 0, 1])),
    'sl_mask_adapt': (((4,), 'string', ['', '?', 'b', 'a']), ((3,), 'int64', [3, 0, 1])),
    'sl_mask_multi_hot': (((3,), 'string', ['[UNK]', 'a', 'b']), ((1, 3), 'int64', [1, 1, 0])),
    'sl_oov_buckets': ((5,), 'int64', [3, 2, 2, 1, 4]),
    'sl_salt': ((4,), 'int64', [0, 2, 0, 0]),
    'sl_salt_pair': ((7,), 'int64', [1, 1, 4, 1, 3, 0, 1]),
    'sl_no_oov': ((2,), 'int64', [1, 0]),
    'sl_invert': ((4,), 'string', ['[UNK]', 'a', 'b', '[UNK]']),
    'sl_invert_mask': ((2, 2), 'string', ['', '[UNK]', 'a', 'b']),
    'sl_one_hot': ((3, 3), 'int64', [0, 1, 0, 1, 0, 0, 0, 0, 1]),
    'sl_one_hot_column': ((2, 3), 'int64', [0, 1, 0, 0, 0, 1]),
    'sl_multi_hot': ((2, 3), 'int64', [1, 1, 0, 0, 0, 1]),
    'sl_multi_hot_1d': ((3,), 'int64', [0, 0, 1]),
    'sl_multi_hot_3d': ((2, 2, 3), 'int64', [0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0]),
    'sl_count': ((2, 3), 'int64', [1, 1, 0, 0, 0, 2]),
    'sl_tf_idf_adapt': (((7,), 'string', ['[UNK]', 'c', 'b', 'a', 'é', 'z', 'Z']),
                        ((2, 7), 'float32',
                         [0.0, 0.69314718, 0.69314718, 0.84729785, 0.0, 0.0, 0.0, 0.0, 1.3862944, 0.69314718, 0.0, 0.0,
                          0.0, 0.0])),
    'sl_tf_idf_given': ((1, 3), 'float32', [1.25, 0.5, 4.0]),
    'sl_pad_to_max_tokens': ((1, 5), 'int64', [0, 2, 0, 0, 0]),
    'sl_special_tokens_in_vocabulary': (((3,), 'string', ['[UNK]', 'a', 'b']), ((2,), 'int64', [1, 0])),
    'sl_scalar': ((), 'int64', [2]),
    'sl_object_array': ((2,), 'int64', [1, 2]),
    'il_adapt': (((6,), 'list', [-1, 7, 3, 2, 1, -5]), ((3,), 'int64', [2, 4, 0])),
    'il_max_tokens': (((3,), 'list', [-1, 7, 3]), ((1, 3), 'int64', [2, 1, 0])),
    'il_floormod': ((6,), 'int64', [3, 2, 1, 2, 4, 2]),
    'il_farmhash': ((5,), 'int64', [0, 3, 1, 2, 3]),
    'il_salt': ((4,), 'int64', [0, 3, 0, 1]),
    'il_mask': (((4,), 'list', [0, -1, 5, 6]), ((4,), 'int64', [0, 2, 3, 1])),
    'il_invert': ((4,), 'int64', [-1, 12, 36, -1]),
    'il_multi_hot': ((2, 3), 'int64', [0, 1, 0, 1, 0, 1]),
    'il_tf_idf_adapt': (((4,), 'list', [-1, 2, 3, 1]), ((1, 4), 'float32', [0.63237333, 0.0, 0.0, 1.3862944])),
    'il_float_input': ((3,), 'int64', [1, 2, 0]),
    'ce_one_hot': ((4, 4), 'float32',
                   [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0]),
    'ce_one_hot_matrix': ((2, 2, 3), 'float32', [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0]),
    'ce_one_hot_column': ((2, 3), 'float32', [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]),
    'ce_one_hot_scalar': ((1, 3), 'float32', [0.0, 1.0, 0.0]),
    'ce_one_hot_out_of_range': ((2, 3), 'float32', [0.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
    'ce_multi_hot': ((4, 4), 'float32',
                     [1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0]),
    'ce_multi_hot_vector': ((3,), 'float32', [1.0, 1.0, 0.0]),
    'ce_multi_hot_out_of_range': ((1, 3), 'float32', [0.0, 1.0, 0.0]),
    'ce_multi_hot_rank3': ((1, 2, 3), 'float32', [1.0, 0.0, 1.0, 0.0, 1.0, 1.0]),
    'ce_count': ((4, 4), 'float32', [1.0, 1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0]),
    'ce_count_weights': ((2, 4), 'float32', [0.1, 0.2, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0]),
    'ce_count_rank3': ((1, 2, 3), 'float32', [1.0, 0.0, 1.0, 0.0, 1.0, 1.0]),
    'ce_float64': ((1, 3), 'float64', [1.0, 1.0, 0.0]),
    'hash_strings': ((5, 1), 'int64', [1, 0, 1, 1, 2]),
    'hash_long_strings': ((7,), 'int64',
                          [254201053263, 802840078338, 178522695945, 855461303208, 8077699311, 921661501335,
                           125034126596]),
    'hash_ints': ((2, 2), 'int64', [4, 4, 1, 0]),
    'hash_floats': ((1, 3), 'int64', [5, 0, 2]),
    'hash_mask_string': ((5, 1), 'int64', [1, 1, 0, 2, 2]),
    'hash_mask_int': ((1, 3), 'int64', [0, 4, 2]),
    'hash_salt': ((5, 1), 'int64', [0, 0, 2, 1, 0]),
    'hash_salt_pair': ((7,), 'int64', [4, 26, 64, 4, 67, 95, 72]),
    'hash_salt_ints': ((3,), 'int64', [329, 718, 412]),
    'hash_one_hot': ((2, 4), 'float32', [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0]),
    'hash_multi_hot': ((2, 4), 'float32', [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0]),
    'hash_count': ((1, 4), 'float32', [0.0, 0.0, 1.0, 2.0]),
    'hash_int32': ((2,), 'int32', [3, 1]),
    'cross_int_string': ((3,), 'int64', [2, 3, 3]),
    'cross_three': ((2,), 'int64', [103, 666]),
    'cross_column': ((2, 1), 'int64', [445, 149]),
    'cross_scalar': ((), 'int64', [445]),
    'cross_negative_int32': ((2,), 'int64', [503651, 730542]),
    'cross_one_hot': ((2, 4), 'float32', [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]),
    'disc_int': ((2, 4), 'int32', [0, 2, 3, 1, 1, 3, 2, 3]),
    'disc_int_inputs': ((1, 4), 'int32', [0, 1, 2, 2]),
    'disc_one_hot': ((3, 3), 'float32', [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]),
    'disc_multi_hot': ((2, 3), 'float32', [1.0, 1.0, 0.0, 0.0, 0.0, 1.0]),
    'disc_count': ((2, 3), 'float32', [1.0, 1.0, 0.0, 0.0, 0.0, 2.0]),
    'disc_adapt_array': (((3,), 'list', [23.999983, 48.999981, 73.999985]), ((3,), 'int32', [0, 2, 3])),
    'disc_adapt_list': ((3,), 'list', [0.0, 0.5, 1.3]),
    'disc_adapt_batches': ((3,), 'list', [575.99915, 2400.9983, 5475.998]),
    'disc_adapt_large': ((4,), 'list', [-342.91864, -72.900787, 71.840271, 335.64825]),
}


@pytest.mark.parametrize("key", list(CASES))
def test_matches_keras(key):
    check_summary(summarize(CASES[key](L)), REF[key])


def vocabulary_of(key):
    want = REF[key]
    return want[0][2] if isinstance(want[0], tuple) and isinstance(want[0][1], str) else want[2]


# -- adapt data, input forms, pipelines and models ---------------------------------------------------
def test_adapt_accepts_datasets_arrays_lists_and_tensors():
    want = vocabulary_of("tv_adapt")
    batched = gt.data.Dataset.from_tensor_slices(DOCS).batch(2)
    for data in (DOCS, np.array(DOCS), gt.constant(DOCS), batched, batched.unbatch(), iter([DOCS[:3], DOCS[3:]])):
        layer = L.TextVectorization()
        layer.adapt(data)
        assert layer.get_vocabulary() == want, type(data)
    first = L.TextVectorization()
    first.adapt(batched, steps=1)
    assert set(first.get_vocabulary()) == {"", "[UNK]", "the", "cat", "sat", "dog"}
    lookup = L.StringLookup()
    lookup.adapt(gt.data.Dataset.from_tensor_slices(WORDS).batch(3))
    assert lookup.get_vocabulary() == vocabulary_of("sl_adapt")
    labelled = gt.data.Dataset.from_tensor_slices((np.array([3, 3, 1, 7, 7, 2, -5]), np.zeros(7))).batch(4)
    ints = L.IntegerLookup()
    ints.adapt(labelled)  # a dataset of (x, y) pairs adapts on x
    assert ints.get_vocabulary() == vocabulary_of("il_adapt")
    disc = L.Discretization(num_bins=4)
    disc.adapt(gt.data.Dataset.from_tensor_slices(np.arange(100.0) ** 2).batch(25))
    np.testing.assert_allclose(disc.bin_boundaries, REF["disc_adapt_batches"][2], rtol=1e-6)


def test_string_inputs_may_be_lists_arrays_bytes_or_tensors():
    layer = L.StringLookup(vocabulary=["a", "b", "é"])
    want = [[1, 3], [0, 2]]
    for x in ([["a", "é"], ["z", "b"]], np.array([["a", "é"], ["z", "b"]]), gt.constant([["a", "é"], ["z", "b"]]),
              np.array([[b"a", "é".encode()], [b"z", b"b"]]), np.array([["a", "é"], [b"z", "b"]], dtype=object)):
        out = layer(x)
        assert out.dtype == gt.int64 and out.numpy().tolist() == want
    with pytest.raises(TypeError, match="string"):
        layer([[1, 2]])


def test_text_vectorization_callables_and_set_vocabulary():
    layer = L.TextVectorization(standardize=lambda t: gt.strings.regex_replace(gt.strings.lower(t), "[0-9]", "#"),
                                split=lambda t: gt.strings.split(t, sep=","), vocabulary=["a", "#b"])
    np.testing.assert_array_equal(layer(["A,4B", "c,a,a"]).numpy(), [[2, 3, 0], [1, 2, 2]])
    layer.set_vocabulary(["#b", "a"])
    assert layer.get_vocabulary(include_special_tokens=False) == ["#b", "a"] and layer.vocabulary_size() == 4
    lookup = L.StringLookup(vocabulary=["x", "y"], mask_token="")
    assert lookup.get_vocabulary(include_special_tokens=False) == ["x", "y"]
    assert L.StringLookup(vocabulary=["x", "y"], output_mode="tf_idf", idf_weights=[1.0, 3.0]).idf_weights.numpy(
    ).tolist() == [2.0, 1.0, 3.0]


def test_vocabulary_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb\nc\n\n", encoding="utf-8")
    layer = L.StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "c"]
    (tmp_path / "ints.txt").write_text("10\n20\n", encoding="utf-8")
    assert L.IntegerLookup(vocabulary=str(tmp_path / "ints.txt"))([20, 5]).numpy().tolist() == [2, 0]


def test_in_keras_sequential_model_and_fit():
    vectorize = L.TextVectorization(max_tokens=10, output_sequence_length=5)
    vectorize.adapt(DOCS)
    model = gt.keras.Sequential([vectorize, L.Embedding(10, 4), gt.keras.layers.GlobalAveragePooling1D(), L.Dense(1)])
    x = np.array(DOCS)
    out = model(x)
    assert out.shape == (5, 1)
    np.testing.assert_allclose(model.predict(x, verbose=0), out.numpy(), rtol=1e-6)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, np.arange(5.0), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    encoder = gt.keras.Sequential([L.StringLookup(vocabulary=["a", "b", "c"]),
                                   L.CategoryEncoding(num_tokens=4, output_mode="multi_hot")])
    np.testing.assert_array_equal(encoder([["a", "b"], ["c", "z"]]).numpy(), [[0, 1, 1, 0], [1, 0, 0, 1]])


def test_in_data_pipeline_map():
    layer = L.TextVectorization(vocabulary=["the", "cat", "dog"])
    ds = gt.data.Dataset.from_tensor_slices(DOCS).batch(2).map(layer)
    for batch, docs in zip(ds, [DOCS[:2], DOCS[2:4], DOCS[4:]]):
        np.testing.assert_array_equal(batch.numpy(), layer(docs).numpy())
    pairs = gt.data.Dataset.from_tensor_slices((np.array(["a", "b", "q"]), np.arange(3))).batch(3)
    lookup = L.StringLookup(vocabulary=["a", "b"])
    ids, labels = next(iter(pairs.map(lambda x, y: (lookup(x), y))))
    assert ids.numpy().tolist() == [1, 2, 0] and labels.numpy().tolist() == [0, 1, 2]
    hashed = list(gt.data.Dataset.from_tensor_slices([["A"], ["B"], ["C"]]).batch(3).map(L.Hashing(num_bins=3)))
    assert hashed[0].numpy().ravel().tolist() == REF["hash_strings"][2][:3]


# -- errors --------------------------------------------------------------------------------------------
def test_lookup_errors_name_the_problem():
    with pytest.raises(gt.errors.InvalidArgumentError, match="num_oov_indices=0"):
        L.StringLookup(vocabulary=["a"], num_oov_indices=0)(["a", "b"])
    with pytest.raises(RuntimeError, match="set the vocabulary before calling"):
        L.StringLookup(output_mode="multi_hot")(["a"])
    with pytest.raises(ValueError, match="repeated"):
        L.StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="mask token"):
        L.StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match="OOV token"):
        L.StringLookup(vocabulary=["a", "[UNK]"], invert=True)
    with pytest.raises(ValueError, match="max_tokens=3"):
        L.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)
    with pytest.raises(ValueError, match="empty vocabulary"):
        L.IntegerLookup(vocabulary=[])
    with pytest.raises(ValueError, match="cannot adapt"):
        L.StringLookup(vocabulary=["a"]).adapt(["b"])
    with pytest.raises(ValueError, match="does not exist"):
        L.StringLookup(vocabulary="/no/such/vocabulary.txt")
    layer = L.StringLookup(vocabulary=["a", "b"], output_mode="count")
    layer(["a"])
    with pytest.raises(RuntimeError, match="cannot change"):
        layer.set_vocabulary(["a", "b", "c"])
    with pytest.raises(ValueError, match="last axis must have size 1"):
        L.TextVectorization(vocabulary=["a"])([["a", "b"]])
    with pytest.raises(ValueError, match="non-negative"):
        L.CategoryEncoding(3)([[-1, 1]])
    with pytest.raises(ValueError, match="count_weights"):
        L.CategoryEncoding(3)([[1]], count_weights=[[1.0]])
    with pytest.raises(ValueError, match="at least two inputs"):
        L.HashedCrossing(4)([np.array([1])])
    with pytest.raises(ValueError, match="same shape"):
        L.HashedCrossing(4)((np.array([1, 2]), np.array([1])))
    with pytest.raises(ValueError, match="integer or string"):
        L.HashedCrossing(4)((np.array([1.5]), np.array([1])))
    with pytest.raises(ValueError, match="bin_boundaries"):
        L.Discretization(num_bins=3)([1.0])
    with pytest.raises(ValueError, match="cannot adapt"):
        L.Discretization(bin_boundaries=[0.0]).adapt([1.0])


@pytest.mark.parametrize("make, error, match", [
    (lambda: L.TextVectorization(standardize="upper"), ValueError, "`standardize`"),
    (lambda: L.TextVectorization(split="comma"), ValueError, "`split`"),
    (lambda: L.TextVectorization(ngrams=0), ValueError, "`ngrams`"),
    (lambda: L.TextVectorization(output_mode="ints"), ValueError, "`output_mode`"),
    (lambda: L.TextVectorization(output_sequence_length=-1), ValueError, "`output_sequence_length`"),
    (lambda: L.TextVectorization(output_mode="count", output_sequence_length=3), ValueError,
     "`output_sequence_length`"),
    (lambda: L.TextVectorization(ragged=True, output_mode="count"), ValueError, "`ragged"),
    (lambda: L.TextVectorization(max_tokens=1), ValueError, "`max_tokens`"),
    (lambda: L.TextVectorization(output_mode="tf_idf", vocabulary=["a"]), ValueError, "`idf_weights`"),
    (lambda: L.StringLookup(num_oov_indices=-1), ValueError, "`num_oov_indices`"),
    (lambda: L.StringLookup(pad_to_max_tokens=True), ValueError, "`max_tokens`"),
    (lambda: L.StringLookup(invert=True, output_mode="count"), ValueError, "`output_mode`"),
    (lambda: L.StringLookup(sparse=True), NotImplementedError, "`sparse"),
    (lambda: L.StringLookup(idf_weights=[1.0]), ValueError, "`idf_weights`"),
    (lambda: L.StringLookup(salt="x"), ValueError, "`salt`"),
    (lambda: L.IntegerLookup(salt=3), ValueError, "`salt`"),
    (lambda: L.IntegerLookup(oov_method="mod"), ValueError, "`oov_method`"),
    (lambda: L.IntegerLookup(vocabulary_dtype="int32"), ValueError, "vocabulary_dtype"),
    (lambda: L.CategoryEncoding(), ValueError, "`num_tokens`"),
    (lambda: L.CategoryEncoding(0), ValueError, "`num_tokens`"),
    (lambda: L.CategoryEncoding(3, output_mode="int"), ValueError, "`output_mode`"),
    (lambda: L.Hashing(0), ValueError, "`num_bins`"),
    (lambda: L.Hashing(3, output_mode="tf_idf"), ValueError, "`output_mode`"),
    (lambda: L.Hashing(3, dtype="float32"), ValueError, "`dtype`"),
    (lambda: L.Hashing(3, salt=(1, 2, 3)), ValueError, "`salt`"),
    (lambda: L.HashedCrossing(0), ValueError, "`num_bins`"),
    (lambda: L.HashedCrossing(3, output_mode="multi_hot"), ValueError, "`output_mode`"),
    (lambda: L.Discretization(), ValueError, "`num_bins` or `bin_boundaries`"),
    (lambda: L.Discretization(bin_boundaries=[1.0], num_bins=3), ValueError, "`num_bins` and `bin_boundaries`"),
    (lambda: L.Discretization(bin_boundaries=[2.0, 1.0]), ValueError, "`bin_boundaries`"),
    (lambda: L.Discretization(num_bins=-1), ValueError, "`num_bins`"),
    (lambda: L.Discretization(num_bins=3, epsilon=0), ValueError, "`epsilon`"),
])
def test_bad_arguments_raise_errors_naming_them(make, error, match):
    with pytest.raises(error, match=match):
        make()
