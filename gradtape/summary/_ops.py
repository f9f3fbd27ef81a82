"""``scalar``, ``histogram``, ``text``, ``image`` and ``audio``: the values and metadata that
TensorBoard's summary_v2 ops write; ``trace_on``/``trace_off``/``trace_export``."""

from __future__ import annotations

import operator
import warnings
from typing import Any

import numpy as np

from . import _media, _proto
from ._writer import _numpy, summary_scope, write


def _metadata(plugin: str, description: str | None, content: bytes = b"") -> bytes:
    return _proto.encode_metadata(plugin, content, description=description or "")


def scalar(name: str, data: Any, step: Any = None, description: str | None = None) -> bool:
    """Write a scalar (as float32) for TensorBoard's Scalars dashboard. Returns True when
    written, False with no default writer (or when ``record_if`` says no); ``step`` defaults to
    the writer's or ``experimental.set_step``'s, and is required when a writer is set.

    >>> import tempfile, gradtape as gt
    >>> writer = gt.summary.create_file_writer(tempfile.mkdtemp())
    >>> with writer.as_default():
    ...     for step in range(3):
    ...         _ = gt.summary.scalar("loss", 1.0 / (step + 1), step=step)
    >>> gt.summary.scalar("loss", 0.1, step=3)  # no default writer
    False
    """
    value = _numpy(data)
    if value.ndim:
        raise ValueError(f"Expected scalar shape, saw shape: {value.shape}.")
    if value.dtype.kind not in "biufc":
        raise TypeError(f"scalar: data must be a number; cast of {value.dtype} to float is not supported")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        value = value.astype(np.float32)
    with summary_scope(name, "scalar_summary") as (tag, _):
        return write(tag, value, step, _metadata("scalars", description))


def histogram(name: str, data: Any, step: Any = None, buckets: int | None = None,
              description: str | None = None) -> bool:
    """Write a histogram of all of ``data``'s elements for the Histograms and Distributions
    dashboards: ``buckets`` (30) equal-width buckets from the minimum to the maximum, stored as
    a ``[buckets, 3]`` float64 tensor of ``[left, right, count]`` rows, as TensorFlow computes
    them. Returns True when written, False with no default writer.

    >>> import tempfile, numpy as np, gradtape as gt
    >>> with gt.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     gt.summary.histogram("weights", np.random.normal(size=1000), step=0, buckets=10)
    True
    """
    count = 30 if buckets is None else buckets
    try:
        count = operator.index(_numpy(count).item() if hasattr(count, "numpy") else count)
    except TypeError:
        raise TypeError(f"histogram: buckets must be an int, got {buckets!r}") from None

    def tensor() -> np.ndarray:
        values = _numpy(data)
        if values.dtype.kind not in "biuf":
            raise TypeError(f"histogram: data must be numeric; cast of {values.dtype} to double is not supported")
        return _media.histogram_buckets(values, count)

    with summary_scope(name, "histogram_summary") as (tag, _):
        return write(tag, tensor, step, _metadata("histograms", description))


def text(name: str, data: Any, step: Any = None, description: str | None = None) -> bool:
    """Write a string (or a tensor of strings) for the Text dashboard, which renders Markdown.

    >>> import tempfile, gradtape as gt
    >>> with gt.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     gt.summary.text("notes", "**bold** start", step=0)
    True
    """
    value = _numpy(data)
    if value.dtype.kind not in "SU" and not (value.dtype.kind == "O" and all(
            isinstance(s, (str, bytes)) for s in value.reshape(-1).tolist())):
        raise TypeError(f"tensor must be of type tf.string; got {value.dtype}")
    with summary_scope(name, "text_summary") as (tag, _):
        return write(tag, value, step, _metadata("text", description))


def _check_rank(value: np.ndarray, rank: int) -> None:
    if value.ndim != rank:
        raise ValueError(f"Tensor must have rank {rank}. Received rank {value.ndim}, shape {value.shape}")


def _check_max_outputs(max_outputs: int) -> int:
    from ..errors import InvalidArgumentError

    max_outputs = operator.index(max_outputs)
    if max_outputs < 0:
        raise InvalidArgumentError(f"Condition x >= 0 did not hold: max_outputs = {max_outputs}")
    return max_outputs


def image(name: str, data: Any, step: Any = None, max_outputs: int = 3,
          description: str | None = None) -> bool:
    """Write up to ``max_outputs`` images of ``data``, a ``[k, height, width, channels]``
    tensor (1 to 4 channels; floats in [0, 1] or integers, converted to uint8 as
    ``gt.image.convert_image_dtype(saturate=True)``), as PNG for the Images dashboard. The
    stored tensor is ``[width, height, png, ...]`` strings, as TensorFlow's.

    >>> import tempfile, numpy as np, gradtape as gt
    >>> with gt.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     gt.summary.image("samples", np.random.uniform(size=(2, 8, 8, 3)), step=0)
    True
    """
    def tensor() -> np.ndarray:
        from ..ops.image import convert_image_dtype

        values = _numpy(data)
        _check_rank(values, 4)
        limit = _check_max_outputs(max_outputs)
        images = np.asarray(convert_image_dtype(values, np.uint8, saturate=True).numpy())
        pngs = [_media.encode_png(im) for im in images[:limit]]
        out = np.empty(2 + len(pngs), dtype=object)
        out[:] = [str(images.shape[2]).encode(), str(images.shape[1]).encode()] + pngs
        return out

    with summary_scope(name, "image_summary") as (tag, _):
        return write(tag, tensor, step, _metadata("images", description))


def audio(name: str, data: Any, sample_rate: Any, step: Any = None, max_outputs: int = 3,
          encoding: str | None = None, description: str | None = None) -> bool:
    """Write up to ``max_outputs`` clips of ``data``, a ``[k, samples, channels]`` float
    tensor in [-1, 1], as 16-bit WAV files for the Audio dashboard (``encoding`` must be
    ``"wav"``, the default). The stored tensor is ``[k, 2]`` strings: each WAV and an empty
    label, as TensorFlow's.

    >>> import tempfile, numpy as np, gradtape as gt
    >>> tone = np.sin(np.linspace(0, 880 * np.pi, 8000, dtype=np.float32))[None, :, None]
    >>> with gt.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     gt.summary.audio("tone", tone, sample_rate=8000, step=0)
    True
    """
    if (encoding or "wav") != "wav":
        raise ValueError(f"Unknown encoding: {encoding!r}")

    def tensor() -> np.ndarray:
        values = _numpy(data)
        _check_rank(values, 3)
        limit = _check_max_outputs(max_outputs)
        rate = int(_numpy(sample_rate))
        out = np.empty((min(limit, values.shape[0]), 2), dtype=object)
        for i, clip in enumerate(values[:limit]):
            out[i] = [_media.encode_wav(clip, rate), b""]
        return out

    with summary_scope(name, "audio_summary") as (tag, _):
        return write(tag, tensor, step, _metadata("audio", description, content=b"\x10\x0b"))  # WAV


def _no_graphs(what: str) -> None:
    warnings.warn(f"gt.summary.{what}: gradtape runs eagerly and has no graphs or profiler to "
                  "trace; nothing is recorded", stacklevel=3)


def trace_on(graph: bool = True, profiler: bool = False, profiler_outdir: str | None = None) -> None:
    """Does nothing but warn: gradtape has no graphs or profiler to trace.

    >>> import warnings, gradtape as gt
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     gt.summary.trace_on()
    >>> "no graphs" in str(caught[0].message)
    True
    """
    _no_graphs("trace_on")


def trace_off() -> None:
    """Does nothing but warn (see :func:`trace_on`).

    >>> import warnings, gradtape as gt
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     gt.summary.trace_off()
    """
    _no_graphs("trace_off")


def trace_export(name: str, step: Any = None, profiler_outdir: str | None = None) -> None:
    """Does nothing but warn (see :func:`trace_on`); writes no summary.

    >>> import warnings, gradtape as gt
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     gt.summary.trace_export("trace", step=0)
    """
    _no_graphs("trace_export")
