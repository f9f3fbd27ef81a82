"""Helpers of the preprocessing layers: string and integer inputs as NumPy arrays, TensorFlow's
string hashes, Keras's categorical encodings, ``adapt`` data batches, and the image resizing
pieces (TensorFlow's bicubic weights, Keras's aspect-ratio crop box)."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from .._engine.tensor import Tensor
from ..ops.strings import _fingerprint64

_M64 = (1 << 64) - 1
DROP = np.iinfo(np.int64).max  # an id the encodings ignore (a mask token outside "int" mode)


# -- inputs --------------------------------------------------------------------------------------
def _text(e: Any, encoding: str, who: str) -> str:
    if isinstance(e, str):
        return str(e)
    if isinstance(e, (bytes, np.bytes_)):
        return bytes(e).decode(encoding)
    raise TypeError(f"{who}: expected string inputs (str or bytes elements), got an element {e!r} of type "
                    f"{type(e).__name__}")


def string_array(x: Any, who: str, encoding: str = "utf-8") -> np.ndarray:
    """``x`` (str, list, NumPy array or tensor of str/bytes) as an object array of ``str``."""
    if isinstance(x, Tensor):
        x = x.numpy()
    if isinstance(x, (str, bytes)):
        out = np.empty((), dtype=object)
        out[()] = _text(x, encoding, who)
        return out
    try:
        a = np.asarray(x)
    except ValueError:
        raise ValueError(f"{who}: the inputs are ragged (nested lists of different lengths); give a "
                         "rectangular array of strings") from None
    if a.dtype.kind not in "USO" and a.size:
        raise TypeError(f"{who}: expected string inputs, got an array of dtype {a.dtype.name}")
    flat = [_text(e, encoding, who) for e in a.reshape(-1)]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(a.shape)


def int_array(x: Any, who: str) -> np.ndarray:
    """``x`` (ints, floats cast toward zero, a list, array or tensor) as an int64 array."""
    a = np.asarray(x.numpy() if isinstance(x, Tensor) else x)
    if a.dtype.kind in "iub":
        return a.astype(np.int64)
    if a.dtype.kind == "f":
        return np.trunc(a).astype(np.int64)
    if a.size == 0:
        return a.astype(np.int64)
    raise TypeError(f"{who}: expected integer inputs, got an array of dtype {a.dtype.name}")


def is_string_input(x: Any) -> bool:
    """Whether ``x`` holds strings (rather than numbers)."""
    if isinstance(x, (str, bytes)):
        return True
    a = x.numpy() if isinstance(x, Tensor) else x
    if isinstance(a, np.ndarray):
        return a.dtype.kind in "USO"
    try:
        a = np.asarray(a)
    except ValueError:
        return True
    return a.dtype.kind in "USO"


# -- hashes --------------------------------------------------------------------------------------
def _rotl(x: int, b: int) -> int:
    return ((x << b) | (x >> (64 - b))) & _M64


def siphash24(k0: int, k1: int, data: bytes) -> int:
    """SipHash-2-4 of ``data`` with the key ``(k0, k1)``: TensorFlow's ``to_hash_bucket_strong``."""
    v0, v1 = k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D
    v2, v3 = k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573

    def rounds(n: int) -> None:
        nonlocal v0, v1, v2, v3
        for _ in range(n):
            v0 = (v0 + v1) & _M64
            v1 = _rotl(v1, 13) ^ v0
            v0 = _rotl(v0, 32)
            v2 = (v2 + v3) & _M64
            v3 = _rotl(v3, 16) ^ v2
            v0 = (v0 + v3) & _M64
            v3 = _rotl(v3, 21) ^ v0
            v2 = (v2 + v1) & _M64
            v1 = _rotl(v1, 17) ^ v2
            v2 = _rotl(v2, 32)

    n = len(data)
    end = n - n % 8
    for i in range(0, end, 8):
        m = int.from_bytes(data[i:i + 8], "little")
        v3 ^= m
        rounds(2)
        v0 ^= m
    last = ((n & 0xFF) << 56) | int.from_bytes(data[end:], "little")
    v3 ^= last
    rounds(2)
    v0 ^= last
    v2 ^= 0xFF
    rounds(4)
    return v0 ^ v1 ^ v2 ^ v3


def fingerprint_cat64(fp1: int, fp2: int) -> int:
    """TensorFlow's ``FingerprintCat64``: how ``tf.sparse.cross_hashed`` chains feature hashes."""
    k = 0xC6A4A7935BD1E995
    t = (fp2 * k) & _M64
    t ^= t >> 47
    r = (fp1 ^ k) ^ ((t * k) & _M64)
    r = (r * k) & _M64
    r = ((r ^ (r >> 47)) * k) & _M64
    return r ^ (r >> 47)


def salt_pair(salt: Any, who: str) -> list[int] | None:
    """Keras's ``salt``: None, one integer (used twice) or a pair of integers."""
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in salt):
        return [int(s) for s in salt]
    if isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
        return [int(salt), int(salt)]
    raise ValueError(f"{who}: the `salt` argument can only be a tuple of 2 integers or a single integer, "
                     f"got salt={salt!r}")


def hash_strings(values: np.ndarray, num_buckets: int, salt: list[int] | None) -> np.ndarray:
    """Each string's bucket: ``to_hash_bucket_strong`` with key ``salt``, else ``to_hash_bucket_fast``."""
    flat = values.reshape(-1)
    if flat.size == 0:
        return np.zeros(values.shape, np.int64)
    uniq, inverse = np.unique(flat, return_inverse=True)
    if salt is None:
        hashed = [_fingerprint64(u.encode("utf-8")) % num_buckets for u in uniq]
    else:
        k0, k1 = salt[0] & _M64, salt[1] & _M64
        hashed = [siphash24(k0, k1, u.encode("utf-8")) % num_buckets for u in uniq]
    return np.asarray(hashed, dtype=np.int64)[inverse.reshape(-1)].reshape(values.shape)


def ints_as_strings(values: np.ndarray) -> np.ndarray:
    """Integers as their decimal strings (``tf.strings.as_string``)."""
    out = np.empty(values.shape, dtype=object)
    out.reshape(-1)[:] = [str(int(v)) for v in values.reshape(-1)]
    return out


# -- encodings -----------------------------------------------------------------------------------
def encode(ids: np.ndarray, output_mode: str, depth: int, dtype: Any,
           count_weights: np.ndarray | None = None) -> np.ndarray:
    """Keras's ``encode_categorical_inputs`` (TensorFlow backend) on integer ``ids``.

    ``"one_hot"`` adds an axis (replacing a last axis of size 1); ``"multi_hot"`` and ``"count"``
    reduce axis 1 (axis 0 of a vector, which is one sample). Ids outside ``[0, depth)`` add nothing.
    """
    ids = np.asarray(ids, dtype=np.int64)
    if ids.ndim == 0:
        ids = ids[None]
    if output_mode == "one_hot":
        if ids.ndim > 1 and ids.shape[-1] == 1:
            ids = ids[..., 0]
        out = np.zeros(ids.shape + (depth,), dtype=dtype)
        keep = (ids >= 0) & (ids < depth)
        index = np.nonzero(keep)
        out[index + (ids[keep],)] = 1
        return out
    axis = 1 if ids.ndim > 1 else 0
    keep = (ids >= 0) & (ids < depth)
    index = np.nonzero(keep)
    coords = tuple(c for d, c in enumerate(index) if d != axis) + (ids[keep],)
    shape = ids.shape[:axis] + ids.shape[axis + 1:] + (depth,)
    if output_mode == "multi_hot":
        out = np.zeros(shape, dtype=dtype)
        out[coords] = 1
        return out
    total = np.zeros(shape, dtype=np.float64 if count_weights is not None else np.int64)
    np.add.at(total, coords, 1 if count_weights is None else np.broadcast_to(count_weights, ids.shape)[keep])
    return total.astype(dtype)


# -- adapt ---------------------------------------------------------------------------------------
def adapt_batches(data: Any, steps: int | None, who: str, sequences_are_batches: bool = True) -> Iterator:
    """The batches ``adapt(data)`` sees, as Keras: a dataset or another iterable gives its elements
    (the first of a tuple element); an array or tensor (and a list or tuple when
    ``sequences_are_batches``) is one batch. ``steps`` limits the number of batches."""
    if steps is not None and (not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 1):
        raise ValueError(f"{who}.adapt: `steps` must be a positive integer or None, got steps={steps!r}")
    single = (np.ndarray, Tensor, str, bytes) + ((list, tuple) if sequences_are_batches else ())
    if isinstance(data, single):
        yield data
        return
    if not hasattr(data, "__iter__"):
        raise TypeError(f"{who}.adapt: expected a dataset, an array, a tensor, a list or an iterable of batches, "
                        f"got {type(data).__name__}")
    from ..data import Dataset
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        if isinstance(data, Dataset) and isinstance(batch, tuple):
            batch = batch[0]
        yield batch


def check_choice(value: Any, allowed: tuple, name: str, who: str, allow_none: bool = False,
                 allow_callable: bool = False) -> None:
    """A ValueError naming ``name`` unless ``value`` is one of ``allowed`` (or None/callable)."""
    if (allow_none and value is None) or (allow_callable and callable(value)):
        return
    if not isinstance(value, str) or value not in allowed:
        extra = " or None" if allow_none else ""
        extra += " or a callable" if allow_callable else ""
        raise ValueError(f"{who}: `{name}` must be one of {allowed}{extra}, got {name}={value!r}")


# -- images ------------------------------------------------------------------------------------------
def _keys_table() -> np.ndarray:
    """TensorFlow's table of Keys cubic coefficients (a = -0.5) at 1/1024 steps."""
    x = (np.arange(1025) / 1024).astype(np.float32).astype(np.float64)
    near = (((-0.5 + 2) * x - (-0.5 + 3)) * x * x + 1).astype(np.float32)
    x = (x + 1.0).astype(np.float32).astype(np.float64)
    far = (((-0.5 * x + 2.5) * x - 4.0) * x + 2.0).astype(np.float32)
    return np.stack([near, far], axis=1)


def bicubic_matrix(n_in: int, n_out: int) -> np.ndarray:
    """TensorFlow 2's bicubic resize along one axis (half-pixel centres, out-of-range taps dropped)."""
    table = _keys_table()
    scale = np.float32(n_in) / np.float32(n_out)
    m = np.zeros((n_out, n_in), np.float32)
    for o in range(n_out):
        pos = (np.float32(o) + np.float32(0.5)) * scale - np.float32(0.5)
        loc = int(np.floor(pos))
        offset = int(np.rint((pos - np.float32(loc)) * np.float32(1024)))
        taps = (table[offset, 1], table[offset, 0], table[1024 - offset, 0], table[1024 - offset, 1])
        weights = [np.float32(w) if 0 <= loc - 1 + k < n_in else np.float32(0) for k, w in enumerate(taps)]
        total = np.float32(sum(weights, np.float32(0)))
        for k, w in enumerate(weights):
            if w:
                m[o, loc - 1 + k] += w * (np.float32(1) / total)
    return m


def aspect_box(height: int, width: int, target_h: int, target_w: int, real: Any = float) -> tuple[int, int, int, int]:
    """Keras's centred crop of the target aspect ratio: ``(top, left, crop_height, crop_width)``,
    computed in ``real`` (Python floats, or float32 as Keras's resize does)."""
    crop_h = max(min(height, int(real(width * target_h) / real(target_w))), 1)
    crop_w = max(min(width, int(real(height * target_w) / real(target_h))), 1)
    return int(real(height - crop_h) / real(2)), int(real(width - crop_w) / real(2)), crop_h, crop_w
