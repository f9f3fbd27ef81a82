"""TextVectorization: strings to token ids or bag-of-words encodings, as Keras 3's.

Each string is standardized (ASCII lower-casing and/or punctuation stripping, as TensorFlow's
``tf.strings.lower`` and Keras's regex; or a callable on a string tensor), split (at ASCII
whitespace, into Unicode characters, or by a callable returning lists of tokens), optionally
turned into n-grams (all 1-grams, then all 2-grams, ..., joined by a space, as
``tf.strings.ngrams``) and looked up in a vocabulary (a :class:`~gradtape.layers.StringLookup`
with the mask token "" and the OOV token "[UNK]"). ``adapt`` orders the vocabulary as Keras does:
by count, ties from the highest token (UTF-8 bytes) down.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np

from .._engine.tensor import Tensor, wrap
from . import _preprocessing_utils as U
from .base import Layer
from .preprocessing_lookup import StringLookup, _output_mode

__all__ = ["TextVectorization"]

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_ASCII_UPPER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(s: str) -> str:
    return s.encode("utf-8", "surrogateescape").translate(_ASCII_UPPER).decode("utf-8", "surrogateescape")


def _rows(value: Any, who: str) -> list:
    """A split callable's result (nested lists or a 2-D array/tensor) as lists of ``str``."""
    if hasattr(value, "to_list") and not isinstance(value, Tensor):  # a RaggedTensor
        value = value.to_list()
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{who}: a `split` callable must return a list of token lists (one per string) or a 2-D "
                        f"array, got {type(value).__name__}")
    return [list(U.string_array(list(row), who)) if len(row) else [] for row in value]


class TextVectorization(Layer):
    """Turn strings into sequences of token ids or into per-string encodings, as
    ``keras.layers.TextVectorization``.

    ``standardize``: "lower_and_strip_punctuation" (default), "lower", "strip_punctuation",
    None or a callable (string tensor in, string tensor or array out). ``split``: "whitespace"
    (default), "character", None (each string is one token) or a callable (a 1-D string tensor
    in, one list of tokens per string out). ``ngrams``: None, an int ``n`` (1- to n-grams) or a
    tuple of widths. ``output_mode``: "int" (ids, 0 is padding and 1 "[UNK]", padded to the
    longest string or cut/padded to ``output_sequence_length``; with ``ragged=True`` a
    ``gt.RaggedTensor`` of the ids, cut but not padded), "multi_hot", "count",
    "tf_idf" (or "one_hot" with ``split=None``). Ids and the integer encodings are int64,
    "tf_idf" is float32, as Keras's eager outputs.

    >>> import gradtape as gt
    >>> layer = gt.layers.TextVectorization()
    >>> layer.adapt(["The cat sat.", "The dog, the CAT!"])
    >>> layer.get_vocabulary()
    ['', '[UNK]', 'the', 'cat', 'sat', 'dog']
    >>> layer(["the cat", "a dog sat here"]).numpy()
    array([[2, 3, 0, 0],
           [1, 5, 4, 1]])
    >>> gt.layers.TextVectorization(output_mode="count", vocabulary=["a", "b"])(["a b a"]).numpy()
    array([[0, 2, 1]])
    """

    _takes_strings = True  # built without a call (its input is text)

    def __init__(self, max_tokens: int | None = None, standardize: str | Callable | None = "lower_and_strip_punctuation",
                 split: str | Callable | None = "whitespace", ngrams: int | tuple | None = None,
                 output_mode: str = "int", output_sequence_length: int | None = None, pad_to_max_tokens: bool = False,
                 vocabulary: Any = None, idf_weights: Any = None, sparse: bool = False, ragged: bool = False,
                 encoding: str = "utf-8", name: str | None = None, **kwargs: Any):
        who = "TextVectorization"
        if sparse:
            raise NotImplementedError(f"{who}: `sparse=True` is not supported; gradtape returns dense tensors")
        U.check_choice(standardize, ("lower_and_strip_punctuation", "lower", "strip_punctuation"), "standardize",
                       who, allow_none=True, allow_callable=True)
        U.check_choice(split, ("whitespace", "character"), "split", who, allow_none=True, allow_callable=True)
        output_mode = _output_mode(output_mode, who)
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool) and ngrams >= 1)
                or (isinstance(ngrams, tuple) and ngrams and all(isinstance(n, int) and n >= 1 for n in ngrams))):
            raise ValueError(f"{who}: `ngrams` must be None, a positive integer or a tuple of positive integers, "
                             f"got ngrams={ngrams!r}")
        if output_mode == "int" and not (output_sequence_length is None or (
                isinstance(output_sequence_length, int) and not isinstance(output_sequence_length, bool)
                and output_sequence_length >= 0)):
            raise ValueError(f"{who}: `output_sequence_length` must be None or a non-negative integer when "
                             f"`output_mode` is 'int', got output_sequence_length={output_sequence_length!r}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(f"{who}: `output_sequence_length` must not be set if `output_mode` is not 'int', got "
                             f"output_sequence_length={output_sequence_length!r}")
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        super().__init__(name=name, **kwargs)
        self.standardize, self.split, self.ngrams_arg = standardize, split, ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        if ragged and output_mode != "int":
            raise ValueError(f"{who}: `ragged=True` needs output_mode='int', got output_mode={output_mode!r}")
        self.output_mode, self.output_sequence_length, self.encoding = output_mode, output_sequence_length, encoding
        self.ragged = bool(ragged)
        self._lookup_layer = StringLookup(max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
                                          pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
                                          encoding=encoding, has_input_vocabulary=has_input_vocabulary,
                                          name=f"{self.name}_lookup")

    def _cast(self, x):
        return x

    # -- the vocabulary ----------------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary in id order ("" and "[UNK]" first in "int" mode, unless told otherwise)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        """The number of ids, padding and OOV included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Replace the vocabulary (and the IDF weights in "tf_idf" mode), as
        :meth:`StringLookup.set_vocabulary <gradtape.layers.StringLookup.set_vocabulary>`."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    @property
    def idf_weights(self) -> Tensor | None:
        """The "tf_idf" weights of every id (float32), or None."""
        return self._lookup_layer.idf_weights

    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Learn the vocabulary (and IDF weights) from ``data``: strings (a list, array or tensor),
        or a dataset or iterable of batches of strings.

        >>> import gradtape as gt
        >>> layer = gt.layers.TextVectorization(max_tokens=4)
        >>> layer.adapt(gt.data.Dataset.from_tensor_slices(["b a b", "c b a"]).batch(1))
        >>> layer.get_vocabulary()
        ['', '[UNK]', 'b', 'a']
        """
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, Tensor, str, bytes)):
            text = U.string_array(data, self.name, self.encoding)
            self.update_state(text[:, None] if text.ndim == 1 else text)
        else:
            for batch in U.adapt_batches(data, steps, self.name):
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Count the tokens of one batch of strings."""
        self._lookup_layer.update_state(self._preprocess(data))

    def finalize_state(self) -> None:
        """Turn the counts into the vocabulary."""
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        """Forget the counts gathered so far."""
        self._lookup_layer.reset_state()

    # -- preprocessing -----------------------------------------------------------------------------
    def _standardized(self, text: np.ndarray) -> np.ndarray:
        mode = self.standardize
        if mode in ("lower", "lower_and_strip_punctuation"):
            text = np.vectorize(_ascii_lower, otypes=[object])(text) if text.size else text
        if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
            text = np.vectorize(lambda s: _PUNCTUATION.sub("", s), otypes=[object])(text) if text.size else text
        if callable(mode):
            text = U.string_array(mode(wrap(text)), self.name, self.encoding)
        return text

    def _preprocess(self, inputs: Any) -> Any:
        """Standardized, split and n-grammed inputs: a list of token lists, or (``split=None``) an array."""
        text = self._standardized(U.string_array(inputs, self.name, self.encoding))
        if self.split is None:
            if self._ngrams is None:
                return text
            rows = [list(r) for r in (text.reshape(-1, text.shape[-1]) if text.ndim else text.reshape(1, 1))]
            grams = [self._ngram_row(r) for r in rows]
            width = len(grams[0]) if grams else 0
            return U.string_array(np.array(grams, dtype=object).reshape(text.shape[:-1] + (width,)), self.name)
        scalar = text.ndim == 0
        if text.ndim > 1:
            if text.shape[-1] != 1:
                raise ValueError(f"{self.name}: when splitting strings the input rank must be 1 or the last axis must "
                                 f"have size 1, got inputs of shape {text.shape}")
            text = text[..., 0]
        if text.ndim > 1:
            raise ValueError(f"{self.name}: expected a batch of strings of shape (batch,) or (batch, 1), got "
                             f"shape {text.shape + (1,)}")
        flat = text.reshape(-1)
        if self.split == "whitespace":
            rows = [[t.decode("utf-8", "surrogateescape") for t in s.encode("utf-8", "surrogateescape").split()]
                    for s in flat]
        elif self.split == "character":
            rows = [list(s) for s in flat]
        else:
            rows = _rows(self.split(wrap(flat)), self.name)
            if len(rows) != flat.size:
                raise ValueError(f"{self.name}: the `split` callable returned {len(rows)} token lists for "
                                 f"{flat.size} strings")
        if self._ngrams is not None:
            rows = [self._ngram_row(r) for r in rows]
        return rows[0] if scalar else rows

    def _ngram_row(self, tokens: list) -> list:
        return [" ".join(tokens[i:i + n]) for n in self._ngrams for i in range(len(tokens) - n + 1)]

    def call(self, inputs):
        data = self._preprocess(inputs)
        lookup = self._lookup_layer
        if self.output_mode != "int":
            lookup._depth()
        if isinstance(data, np.ndarray):  # split=None: one token per string
            ids = lookup._lookup(data)
            if self.output_mode != "int":
                return wrap(lookup._encode(ids))
            if self.output_sequence_length is not None and ids.ndim:
                n = self.output_sequence_length
                ids = ids[..., :n]
                ids = np.pad(ids, [(0, 0)] * (ids.ndim - 1) + [(0, n - ids.shape[-1])])
            return wrap(ids)
        if isinstance(inputs, (str, bytes)) or (isinstance(inputs, (Tensor, np.ndarray)) and inputs.ndim == 0):
            # a scalar string: one row of tokens
            ids = lookup._lookup(U.string_array(data, self.name) if data else np.empty(0, object))
            if self.output_mode != "int":
                return wrap(lookup._encode(ids))
            n = self.output_sequence_length
            return wrap(ids if n is None else np.pad(ids[:n], (0, max(n - ids.size, 0))))
        flat = [t for row in data for t in row]
        ids = lookup._lookup(U.string_array(flat, self.name) if flat else np.empty(0, object))
        bounds = np.cumsum([0] + [len(row) for row in data])
        if self.output_mode == "int" and self.ragged:  # rows as long as their tokens (cut, not padded)
            from ..ragged import RaggedTensor
            n = self.output_sequence_length
            lengths = np.diff(bounds) if n is None else np.minimum(np.diff(bounds), n)
            keep = [np.arange(b, b + k) for b, k in zip(bounds[:-1], lengths)]
            return RaggedTensor.from_row_lengths(wrap(ids[np.concatenate(keep + [np.zeros(0, np.int64)])]), lengths)
        if self.output_mode == "int":
            width = self.output_sequence_length
            if width is None:
                width = int(max((len(r) for r in data), default=0))
            out = np.zeros((len(data), width), np.int64)
            for i in range(len(data)):
                row = ids[bounds[i]:bounds[i + 1]][:width]
                out[i, :row.size] = row
            return wrap(out)
        depth = lookup._depth()
        rows = np.repeat(np.arange(len(data)), np.diff(bounds))
        counts = np.zeros((len(data), depth), np.int64)
        keep = (ids >= 0) & (ids < depth)
        np.add.at(counts, (rows[keep], ids[keep]), 1)
        if self.output_mode == "multi_hot":
            return wrap((counts > 0).astype(np.int64))
        if self.output_mode == "count":
            return wrap(counts)
        if self.output_mode == "tf_idf":
            return wrap(counts.astype(np.float32) * lookup._idf)
        raise ValueError(f"{self.name}: output_mode='one_hot' needs split=None (one token per string)")
