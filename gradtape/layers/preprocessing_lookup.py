"""Vocabulary lookup layers: StringLookup and IntegerLookup, as Keras 3's.

Both map tokens to integer ids through a vocabulary that is given (``vocabulary=``,
:meth:`~StringLookup.set_vocabulary`) or learned by ``adapt(data)``: the tokens sorted by count,
ties broken by the tokens themselves from high to low (Keras's order), after the mask token (id 0,
when there is one and ``output_mode="int"``) and ``num_oov_indices`` out-of-vocabulary ids. Unknown
tokens go to the OOV id, or with several OOV ids to a hash bucket among them (FarmHash
Fingerprint64, or SipHash with a ``salt``, TensorFlow's hashes, so the buckets equal Keras's).

Outputs are as Keras's (TensorFlow backend) eager results: int64 ids, int64 ``"one_hot"`` /
``"multi_hot"`` / ``"count"`` encodings, float32 ``"tf_idf"``; ``invert=True`` maps ids back to
tokens. Inputs may be Python lists, NumPy arrays (str, bytes or object dtype) or tensors. There are
no sparse or ragged outputs (``sparse=True`` raises).
"""

from __future__ import annotations

import collections
import os
import types
from typing import Any

import numpy as np

from .._engine.tensor import Tensor, wrap
from ..errors import InvalidArgumentError
from . import _preprocessing_utils as U
from .base import Layer

__all__ = ["StringLookup", "IntegerLookup"]

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def _output_mode(mode: Any, who: str, allowed: tuple = _MODES) -> str:
    mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(mode, mode) if isinstance(mode, str) else mode
    U.check_choice(mode, allowed, "output_mode", who)
    return mode


class _IndexLookup(Layer):
    """The shared machinery of :class:`StringLookup` and :class:`IntegerLookup` (Keras's IndexLookup)."""

    _string_keys = True

    def __init__(self, max_tokens: int | None, num_oov_indices: int, mask_token: Any, oov_token: Any,
                 vocabulary: Any = None, idf_weights: Any = None, invert: bool = False, output_mode: str = "int",
                 pad_to_max_tokens: bool = False, sparse: bool = False, salt: Any = None,
                 oov_method: str = "floormod", encoding: str = "utf-8", **kwargs: Any):
        who = type(self).__name__
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("dtype", None)
        if max_tokens is not None and (not isinstance(max_tokens, (int, np.integer)) or max_tokens <= 1):
            raise ValueError(f"{who}: if set, `max_tokens` must be an integer greater than 1, got max_tokens={max_tokens!r}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{who}: if `pad_to_max_tokens` is True, `max_tokens` must be set, got max_tokens=None")
        if not isinstance(num_oov_indices, (int, np.integer)) or num_oov_indices < 0:
            raise ValueError(f"{who}: `num_oov_indices` must be an integer >= 0, got num_oov_indices={num_oov_indices!r}")
        U.check_choice(oov_method, ("floormod", "farmhash"), "oov_method", who)
        if salt is not None and not self._string_keys and oov_method != "farmhash":
            raise ValueError(f"{who}: `salt` can only be used when oov_method='farmhash', got oov_method={oov_method!r}")
        self.salt = U.salt_pair(salt, who)
        output_mode = _output_mode(output_mode, who)
        if invert and output_mode != "int":
            raise ValueError(f"{who}: `output_mode` must be 'int' when `invert` is True, got output_mode={output_mode!r}")
        if sparse:
            raise NotImplementedError(f"{who}: `sparse=True` is not supported; gradtape returns dense tensors")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{who}: `idf_weights` should only be set if `output_mode` is 'tf_idf', got "
                             f"output_mode={output_mode!r}")
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None:
            raise ValueError(f"{who}: when `vocabulary` is given with output_mode='tf_idf', `idf_weights` must "
                             "also be given")
        super().__init__(**kwargs)
        self.max_tokens = None if max_tokens is None else int(max_tokens)
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token, self.oov_token = mask_token, oov_token
        self.invert, self.output_mode = bool(invert), output_mode
        self.pad_to_max_tokens, self.sparse = bool(pad_to_max_tokens), False
        self.oov_method, self.encoding = oov_method, encoding
        self._has_input_vocabulary = bool(has_input_vocabulary)
        # the vocabulary and the adapt counts live outside the module walk (which visits lists and dicts)
        self._state = types.SimpleNamespace(tokens=[], index={})
        self._idf: np.ndarray | None = None
        self._frozen_vocab_size: int | None = None
        self.reset_state()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- inputs and the vocabulary ---------------------------------------------------------------
    def _cast(self, x):
        return x  # string or integer keys: converted in call

    def _keys(self, x: Any) -> np.ndarray:
        who = self.name
        if self._string_keys:
            return U.string_array(x, who, self.encoding)
        return U.int_array(x, who)

    def _key(self, token: Any) -> Any:
        return None if token is None else self._keys(token)[()]

    def _special(self, token: Any) -> Any:
        """A mask or OOV token as a plain ``str`` or ``int`` (None stays None)."""
        return None if token is None else self._plain(self._key(token))

    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The number of ids, the mask and OOV ids included.

        >>> import gradtape as gt
        >>> gt.layers.StringLookup(vocabulary=["a", "b"]).vocabulary_size()
        3
        """
        return self._token_start_index() + len(self._state.tokens)

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary in id order (with the mask and OOV tokens unless told otherwise).

        >>> import gradtape as gt
        >>> gt.layers.StringLookup(vocabulary=["a", "b"], mask_token="").get_vocabulary()
        ['', '[UNK]', 'a', 'b']
        """
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        vocab = special + list(self._state.tokens)
        return vocab[self._token_start_index():] if not include_special_tokens else vocab

    @property
    def idf_weights(self) -> Tensor | None:
        """The ``"tf_idf"`` weights of every id (float32), or None."""
        return None if self._idf is None else wrap(self._idf.copy())

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Replace the vocabulary (a list, array or tensor of tokens, or the path of a text file with
        one token a line) and, in ``"tf_idf"`` mode, the IDF weights. A vocabulary may start with the
        mask and OOV tokens, in that order; elsewhere they are an error, as repeated tokens are.

        >>> import gradtape as gt
        >>> layer = gt.layers.IntegerLookup()
        >>> layer.set_vocabulary([10, 20])
        >>> layer([20, 10, 7]).numpy()
        array([2, 1, 0])
        """
        who = self.name
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{who}: `idf_weights` must be set if output_mode is 'tf_idf'")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{who}: `idf_weights` should only be set if output_mode is 'tf_idf', got "
                             f"output_mode={self.output_mode!r}")
        if isinstance(vocabulary, str):
            if not os.path.exists(vocabulary):
                raise ValueError(f"{who}: vocabulary file {vocabulary} does not exist")
            if self.output_mode == "tf_idf":
                raise ValueError(f"{who}: output_mode 'tf_idf' does not support loading a vocabulary from a file")
            with open(vocabulary, encoding="utf-8") as f:
                lines = f.read().splitlines()
            while lines and lines[-1] == "":
                lines.pop()
            vocabulary = lines if self._string_keys else [int(v) for v in lines]
        keys = self._keys(vocabulary)
        if keys.ndim != 1:
            raise ValueError(f"{who}: `vocabulary` must be 1-D, got shape {keys.shape}")
        if keys.size == 0:
            raise ValueError(f"{who}: cannot set an empty vocabulary")
        vocab = [self._plain(k) for k in keys]
        start = self._token_start_index()
        special = ([self._special(self.mask_token)] * self._oov_start_index()
                   + [self._special(self.oov_token)] * self.num_oov_indices)
        found_special = vocab[:start] == special
        tokens = vocab[start:] if found_special else vocab
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError(f"{who}: the vocabulary has repeated terms; make it unique. The repeated terms are "
                             f"{repeated}")
        order = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        if self.mask_token is not None and self._special(self.mask_token) in tokens:
            raise ValueError(f"{who}: found the reserved mask token {self.mask_token!r} inside `vocabulary`; give "
                             f"the mask and OOV tokens only at its start, in this order: {order}, or not at all")
        if self.invert and self.oov_token is not None and self._special(self.oov_token) in tokens:
            raise ValueError(f"{who}: found the reserved OOV token {self.oov_token!r} inside `vocabulary`; give "
                             f"the mask and OOV tokens only at its start, in this order: {order}, or not at all")
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(f"{who}: the vocabulary size {start + len(tokens)} is larger than "
                             f"max_tokens={self.max_tokens}")
        if idf_weights is not None:
            idf = np.asarray(idf_weights.numpy() if isinstance(idf_weights, Tensor) else idf_weights, np.float64)
            if idf.ndim != 1 or len(idf) != len(vocab):
                raise ValueError(f"{who}: `idf_weights` must be 1-D and as long as the vocabulary ({len(vocab)}), "
                                 f"got shape {idf.shape}")
            front = (0, 0.0) if found_special else (start, float(np.average(idf)))
            back = self.max_tokens - front[0] - len(idf) if self.pad_to_max_tokens else 0
            idf = np.pad(idf, (front[0], back), constant_values=(front[1], 0.0))
            self._set_tokens(tokens, idf.astype(np.float32))
        else:
            self._set_tokens(tokens, None)

    def _plain(self, k: Any) -> Any:
        return str(k) if self._string_keys else int(k)

    def _set_tokens(self, tokens: list, idf: np.ndarray | None) -> None:
        size = self._token_start_index() + len(tokens)
        if (self.built and self.output_mode != "int" and not self.pad_to_max_tokens
                and self._frozen_vocab_size is not None and size != self._frozen_vocab_size):
            raise RuntimeError(f"{self.name}: with output_mode={self.output_mode!r} and pad_to_max_tokens=False "
                               f"the vocabulary size cannot change after the layer is called (it was "
                               f"{self._frozen_vocab_size}, the new one is {size})")
        self._state.tokens = list(tokens)
        start = self._token_start_index()
        self._state.index = {t: i + start for i, t in enumerate(self._state.tokens)}
        if idf is not None:
            self._idf = idf
        self._frozen_vocab_size = size

    # -- adapt -------------------------------------------------------------------------------------
    def reset_state(self) -> None:
        """Forget the token counts gathered by :meth:`update_state`."""
        self._state.counts = collections.Counter()
        self._state.doc_counts = collections.Counter()
        self._state.num_documents = 0

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary (and in ``"tf_idf"`` mode the IDF weights) from ``data``: a dataset
        or iterable of batches, or one batch (an array, tensor or list; a 1-D one is a column of
        one-token documents). Tokens are ordered by count, ties from the highest token down.

        >>> import gradtape as gt
        >>> layer = gt.layers.StringLookup()
        >>> layer.adapt([["a", "b"], ["b", "c"], ["c", "c"]])
        >>> layer.get_vocabulary()
        ['[UNK]', 'c', 'b', 'a']
        """
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, Tensor, str, bytes)):
            keys = self._keys(data)
            self.update_state(keys[:, None] if keys.ndim == 1 else keys)
        else:
            for batch in U.adapt_batches(data, steps, self.name):
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Count the tokens of one batch: an array (a 1-D one is one document) or a list of token lists."""
        if self._has_input_vocabulary:
            raise ValueError(f"{self.name}: cannot adapt after setting a fixed vocabulary with the `vocabulary` "
                             "argument")
        if isinstance(data, list) and data and all(isinstance(row, list) for row in data):
            docs = [self._keys(row).reshape(-1) for row in data]
        else:
            keys = self._keys(data)
            docs = list(keys.reshape((1, -1) if keys.ndim < 2 else (keys.shape[0], -1)))
        for doc in docs:
            tokens = doc.tolist()  # str or int elements
            self._state.counts.update(tokens)
            if self.output_mode == "tf_idf":
                self._state.doc_counts.update(set(tokens))
        self._state.num_documents += len(docs)

    def finalize_state(self) -> None:
        """Turn the counts into the vocabulary (nothing changes when no token was seen)."""
        if self._has_input_vocabulary or not self._state.counts:
            return
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                self._state.counts.pop(self._special(special), None)
        counts = self._state.counts
        tokens = sorted(counts, key=lambda t: (counts[t], t.encode("utf-8") if isinstance(t, str) else t), reverse=True)
        if self.max_tokens:
            tokens = tokens[:max(self.max_tokens - self._token_start_index(), 0)]
        idf = None
        if self.output_mode == "tf_idf":
            docs = np.array([self._state.doc_counts[t] for t in tokens], dtype=np.int64)
            idf = np.log(1 + self._state.num_documents / (1 + docs)).astype(np.float32)
            mean = np.float32(np.mean(idf, dtype=np.float32)) if idf.size else np.float32(np.nan)
            idf = np.concatenate([np.full(self._token_start_index(), mean, np.float32), idf])
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - idf.size))
        self._set_tokens(tokens, idf)
        self.reset_state()

    # -- the lookup --------------------------------------------------------------------------------
    def _lookup(self, keys: np.ndarray) -> np.ndarray:
        """The ids of ``keys`` (an array of tokens): mask, vocabulary, OOV and its hash buckets."""
        start, n_oov = self._oov_start_index(), self.num_oov_indices
        default = start if n_oov == 1 else -1
        get = self._state.index.get
        ids = np.array([get(t, default) for t in keys.reshape(-1).tolist()], dtype=np.int64).reshape(keys.shape)
        mask = None
        if self.mask_token is not None:
            mask = keys == self._key(self.mask_token)
            ids = np.where(mask, 0 if self.output_mode == "int" else U.DROP, ids)
        oov = ids == -1
        if n_oov == 0 and oov.any():
            raise InvalidArgumentError(f"{self.name}: when `num_oov_indices=0` all inputs should be in the vocabulary, "
                                       f"found OOV values {sorted(set(self._plain(k) for k in keys[oov]))}; consider "
                                       "setting `num_oov_indices=1`")
        if n_oov > 1 and oov.any():
            values = keys[oov]
            if not self._string_keys and self.oov_method != "farmhash":
                buckets = np.mod(values, n_oov)
            else:
                text = values if self._string_keys else U.ints_as_strings(values)
                buckets = U.hash_strings(text, n_oov, self.salt)
            ids[oov] = buckets + start
        return ids

    def _invert(self, ids: np.ndarray) -> np.ndarray:
        start = self._token_start_index()
        table = self._state.tokens
        oov, mask = self._special(self.oov_token), self._special(self.mask_token)
        out = np.empty(ids.shape, dtype=object if self._string_keys else np.int64)
        flat, src = out.reshape(-1), ids.reshape(-1)
        for i, v in enumerate(src):
            if mask is not None and v == 0:
                flat[i] = mask
            elif start <= v < start + len(table):
                flat[i] = table[v - start]
            else:
                flat[i] = oov
        return out

    def _depth(self) -> int:
        if self.pad_to_max_tokens:
            return int(self.max_tokens)
        if self._frozen_vocab_size is None:
            raise RuntimeError(f"{self.name}: with output_mode={self.output_mode!r} and pad_to_max_tokens=False, set "
                               "the vocabulary before calling the layer: pass `vocabulary` or call `adapt`")
        return self._frozen_vocab_size

    def _encode(self, ids: np.ndarray) -> np.ndarray:
        if self.output_mode == "tf_idf":
            counts = U.encode(ids, "count", self._depth(), np.int64)
            if self._idf is None:
                raise ValueError(f"{self.name}: with output_mode='tf_idf' the IDF weights must be set")
            return counts.astype(np.float32) * self._idf
        return U.encode(ids, self.output_mode, self._depth(), np.int64)

    def call(self, inputs):
        if self.output_mode != "int":
            self._depth()
        if self.invert:
            return wrap(self._invert(U.int_array(inputs, self.name)))
        ids = self._lookup(self._keys(inputs))
        return wrap(ids if self.output_mode == "int" else self._encode(ids))


class StringLookup(_IndexLookup):
    """Map strings to integer ids through a vocabulary, as ``keras.layers.StringLookup``.

    ``num_oov_indices`` ids (1 by default, after the mask id) take the tokens not in the
    vocabulary; ``mask_token`` (None by default) maps to id 0 in ``"int"`` mode and is dropped by
    the other modes; ``oov_token`` ("[UNK]") is what ``invert=True`` returns for unknown ids.
    ``output_mode`` is "int", "one_hot", "multi_hot", "count" or "tf_idf"; ``max_tokens`` caps
    the vocabulary size (special ids included) and ``pad_to_max_tokens`` widens the encodings to
    it. ``salt`` (an int or a pair) makes the OOV buckets SipHash's instead of FarmHash's.

    >>> import gradtape as gt
    >>> layer = gt.layers.StringLookup(vocabulary=["a", "b", "c"])
    >>> layer([["a", "c"], ["d", "b"]]).numpy()
    array([[1, 3],
           [0, 2]])
    >>> gt.layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot")([["a", "z"]]).numpy()
    array([[1, 1, 0]])
    >>> gt.layers.StringLookup(vocabulary=["a", "b"], invert=True)([2, 0]).numpy()
    array(['b', '[UNK]'], dtype=object)
    """

    _takes_strings = True  # built without a call (its input is text)

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: str | None = None,
                 oov_token: str = "[UNK]", vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False, sparse: bool = False,
                 encoding: str = "utf-8", name: str | None = None, salt: Any = None, **kwargs: Any):
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary, idf_weights, invert,
                         output_mode, pad_to_max_tokens, sparse, salt, "farmhash", encoding, name=name, **kwargs)


class IntegerLookup(_IndexLookup):
    """Map integers to contiguous ids through a vocabulary, as ``keras.layers.IntegerLookup``.

    As :class:`StringLookup` with integer tokens: ``oov_token`` is -1 and with several OOV ids an
    unknown integer goes to ``value mod num_oov_indices`` (``oov_method="floormod"``) or to its
    decimal string's FarmHash bucket (``"farmhash"``, SipHash with a ``salt``). Float inputs are
    truncated to integers, as TensorFlow's cast does.

    >>> import gradtape as gt
    >>> layer = gt.layers.IntegerLookup()
    >>> layer.adapt([3, 3, 1, 7, 7, 2])
    >>> layer.get_vocabulary()
    [-1, 7, 3, 2, 1]
    >>> layer([3, 1, 99]).numpy()
    array([2, 4, 0])
    """

    _string_keys = False

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: int | None = None,
                 oov_token: int = -1, vocabulary: Any = None, vocabulary_dtype: str = "int64", idf_weights: Any = None,
                 invert: bool = False, output_mode: str = "int", sparse: bool = False, pad_to_max_tokens: bool = False,
                 oov_method: str = "floormod", salt: Any = None, name: str | None = None, **kwargs: Any):
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup: only vocabulary_dtype='int64' is supported, got "
                             f"vocabulary_dtype={vocabulary_dtype!r}")
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary, idf_weights, invert,
                         output_mode, pad_to_max_tokens, sparse, salt, oov_method, name=name, **kwargs)
