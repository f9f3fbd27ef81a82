"""What summaries store: histogram buckets (TensorBoard's rule), PNG images (zlib only) and
16-bit WAV audio."""

from __future__ import annotations

import struct
import zlib

import numpy as np


def histogram_buckets(data: np.ndarray, bucket_count: int = 30) -> np.ndarray:
    """The ``[bucket_count, 3]`` float64 array of ``[left, right, count]`` rows that
    ``tf.summary.histogram`` writes (tensorboard/plugins/histogram/summary_v2.py): equal-width
    buckets from the minimum to the maximum, each closed-open but the last; all zeros for no
    data; one value repeated fills the edges with it and counts in the last bucket.

    >>> histogram_buckets(np.array([1.0, 2.0, 2.0, 5.0]), 2).tolist()
    [[1.0, 3.0, 3.0], [3.0, 5.0, 1.0]]
    """
    k = max(0, bucket_count)
    data = np.asarray(data, dtype=np.float64).reshape(-1)
    if data.size == 0 or k == 0:
        return np.zeros((k, 3))
    lo, hi = data.min(), data.max()
    width = hi - lo
    if width == 0:
        out = np.zeros((k, 3))
        out[:, :2] = hi
        out[-1, 2] = data.size
        return out
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        delta = width / k
        index = np.floor((data - lo) / delta)
        # TensorFlow casts to int32 (NaN becomes INT32_MIN) and one_hot drops negative indices
        index = np.where(np.isnan(index), -1.0, np.minimum(index, k - 1)).astype(np.int64)
        counts = np.bincount(index[index >= 0], minlength=k)[:k].astype(np.float64)
        # tf.linspace: start + delta * i inside, the exact ends outside
        edges = np.concatenate([[lo], lo + delta * np.arange(1, k, dtype=np.float64), [hi]])
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> PNG color type (gray, gray+alpha, RGB, RGBA)


def encode_png(image: np.ndarray) -> bytes:
    """An 8-bit PNG of a ``[height, width, channels]`` uint8 array (1 to 4 channels).

    >>> encode_png(np.zeros((2, 3, 1), np.uint8))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    height, width, channels = image.shape
    if channels not in _COLOR_TYPES:
        raise ValueError(f"image must have 1, 2, 3, or 4 channels, got {channels}")
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    rows = np.ascontiguousarray(image, np.uint8).reshape(height, width * channels)
    raw = np.concatenate([np.zeros((height, 1), np.uint8), rows], axis=1).tobytes()  # filter 0
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 6))
            + _chunk(b"IEND", b""))


def encode_wav(audio: np.ndarray, sample_rate: int) -> bytes:
    """A 16-bit PCM WAV file of a ``[samples, channels]`` float array in [-1, 1], as
    ``tf.audio.encode_wav`` (scaled by 32768, rounded half away from zero, clipped).

    >>> encode_wav(np.zeros((4, 1), np.float32), 8000)[:4]
    b'RIFF'
    """
    frames, channels = audio.shape
    x = np.asarray(audio, np.float32).astype(np.float64) * 32768.0
    x = np.where(np.isnan(x), 0.0, np.where(x >= 0, np.floor(x + 0.5), np.ceil(x - 0.5)))
    pcm = np.clip(x, -32768, 32767).astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, channels, sample_rate, sample_rate * channels * 2, channels * 2, 16)
    return (b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", len(pcm)) + pcm)
