"""Summary writers, the default writer and step, ``record_if`` and ``write``: TensorFlow's
tensorflow/python/ops/summary_ops_v2.py, eagerly, with Python values in place of tensors."""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
import weakref
from typing import Any, Callable, Iterator

import numpy as np

from . import _proto
from ._records import EventFile


class _SummaryState(threading.local):
    def __init__(self) -> None:
        super().__init__()
        self.is_recording: Any = None
        self.writer: SummaryWriter | None = None
        self.step: Any = None


_state = _SummaryState()


def _numpy(x: Any) -> np.ndarray:
    """``x`` as a NumPy array, Python values converted as TensorFlow does (floats to float32)."""
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    if isinstance(x, (np.ndarray, np.generic)):
        return np.asarray(x)
    from ..ops.creation import convert_to_tensor

    try:
        return np.asarray(convert_to_tensor(x).numpy())
    except (TypeError, ValueError):
        return np.asarray(x)


class _WriterContext:
    def __init__(self, writer: SummaryWriter, step: Any) -> None:
        self._writer, self._step = writer, step
        self._old_writer = self._old_step = None

    def __enter__(self) -> SummaryWriter:
        self._old_writer, _state.writer = _state.writer, self._writer
        if self._step is not None:
            self._old_step, _state.step = _state.step, self._step
        return self._writer

    def __exit__(self, *exc: Any) -> bool:
        _state.writer.flush()
        _state.writer = self._old_writer
        if self._step is not None:
            _state.step = self._old_step
        return False


class SummaryWriter:
    """The base class of summary writers (``tf.summary.SummaryWriter``): ``as_default`` makes
    the writer the one that ``gt.summary.scalar`` and the others write to.

    >>> import gradtape as gt
    >>> isinstance(gt.summary.create_noop_writer(), gt.summary.SummaryWriter)
    True
    """

    def set_as_default(self, step: Any = None) -> None:
        """Make this writer the default for the current thread (and ``step`` the default step,
        if given) until another is set."""
        self.as_default(step).__enter__()

    def as_default(self, step: Any = None) -> Any:
        """A context manager that makes this writer (and ``step``, if given) the default, and
        flushes the writer on exit."""
        return _WriterContext(self, step)

    def init(self) -> None:
        """Initialize the writer (a no-op: gradtape's writers are ready when created)."""
        raise NotImplementedError

    def flush(self) -> None:
        """Write the pending events to disk."""
        raise NotImplementedError

    def close(self) -> None:
        """Flush and close the writer."""
        raise NotImplementedError

    def _write(self, event: bytes) -> None:
        """Queue one encoded ``Event`` (writers that keep no file drop it)."""


class _FileWriter(SummaryWriter):
    def __init__(self, logdir: str, max_queue: int, flush_millis: int, suffix: str) -> None:
        self._file = EventFile(logdir, max_queue, flush_millis, suffix)
        self._closed = False
        self._finalizer = weakref.finalize(self, self._file.close)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"SummaryWriter {self!r} is already closed")

    def set_as_default(self, step: Any = None) -> None:
        self._check_open()
        super().set_as_default(step)

    def as_default(self, step: Any = None) -> Any:
        self._check_open()
        return super().as_default(step)

    def init(self) -> None:
        self._check_open()

    def flush(self) -> None:
        if not self._closed:
            self._file.flush()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._file.close()

    def _write(self, event: bytes) -> None:
        if self._closed:
            raise RuntimeError(f"SummaryWriter {self!r} is closed: it cannot write summaries")
        self._file.add(event)

    def __repr__(self) -> str:
        return f"<gradtape.summary.SummaryWriter {os.path.dirname(self._file.path)!r}>"


class _NoopSummaryWriter(SummaryWriter):
    def set_as_default(self, step: Any = None) -> None:
        pass

    @contextlib.contextmanager
    def as_default(self, step: Any = None) -> Iterator[None]:
        yield

    def init(self) -> None:
        pass

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def _int_arg(value: Any, name: str, default: int) -> int:
    if value is None:
        return default
    value = _numpy(value)
    if value.dtype.kind not in "iu" or value.ndim:
        raise TypeError(f"create_file_writer: {name} must be an integer, got {value!r}")
    return int(value)


def create_file_writer(logdir: str | os.PathLike, max_queue: int | None = None,
                       flush_millis: int | None = None, filename_suffix: str | None = None,
                       name: str | None = None) -> SummaryWriter:
    """A writer of TensorBoard event files in ``logdir`` (created if needed), as
    ``tf.summary.create_file_writer``: one new file per writer, named
    ``events.out.tfevents.<time>.<host>.<pid>.<n><filename_suffix>`` (``.v2`` by default).
    Events are written to disk when more than ``max_queue`` (10) wait, after
    ``flush_millis`` (two minutes), on ``flush()``, at the end of ``as_default`` and on
    ``close()``. ``name`` is accepted and unused.

    >>> import os, tempfile, gradtape as gt
    >>> logdir = tempfile.mkdtemp()
    >>> writer = gt.summary.create_file_writer(logdir)
    >>> with writer.as_default(step=0):
    ...     gt.summary.scalar("loss", 0.5)
    True
    >>> writer.close()
    >>> [f.split(".")[:3] for f in os.listdir(logdir)]
    [['events', 'out', 'tfevents']]
    """
    del name
    if logdir is None:
        raise ValueError("Argument `logdir` cannot be None")
    suffix = ".v2" if filename_suffix is None else str(filename_suffix)
    return _FileWriter(os.fspath(logdir), _int_arg(max_queue, "max_queue", 10),
                       _int_arg(flush_millis, "flush_millis", 2 * 60 * 1000), suffix)


def create_noop_writer() -> SummaryWriter:
    """A writer that writes nothing (``as_default`` leaves the current writer in place).

    >>> import gradtape as gt
    >>> with gt.summary.create_noop_writer().as_default():
    ...     gt.summary.scalar("loss", 0.5, step=0)  # no default writer: nothing written
    False
    """
    return _NoopSummaryWriter()


@contextlib.contextmanager
def record_if(condition: bool | Callable[[], bool] | Any) -> Iterator[None]:
    """Within the context, summaries are written only when ``condition`` (a bool, a tensor or
    a function called at each write) is true.

    >>> import tempfile, gradtape as gt
    >>> with gt.summary.create_file_writer(tempfile.mkdtemp()).as_default(step=0):
    ...     with gt.summary.record_if(False):
    ...         gt.summary.scalar("loss", 0.5)
    False
    """
    old = _state.is_recording
    try:
        _state.is_recording = condition
        yield
    finally:
        _state.is_recording = old


def should_record_summaries() -> bool:
    """Whether a summary written now would be recorded: there is a default writer and the
    ``record_if`` condition (if any) holds.

    >>> import gradtape as gt
    >>> gt.summary.should_record_summaries()  # no default writer
    False
    """
    if _state.writer is None:
        return False
    cond = _state.is_recording
    cond = cond() if callable(cond) else cond
    return True if cond is None else bool(_numpy(cond))


def get_step() -> Any:
    """The default step (``None`` when unset), as ``tf.summary.experimental.get_step``.

    >>> import gradtape as gt
    >>> gt.summary.experimental.set_step(4)
    >>> gt.summary.experimental.get_step()
    4
    >>> gt.summary.experimental.set_step(None)
    """
    return _state.step


def set_step(step: Any) -> None:
    """Set the default step: an int, or a variable (such as an optimizer's ``iterations``)
    read at each write; ``None`` unsets it.

    >>> import gradtape as gt
    >>> step = gt.Variable(0, dtype=gt.int64)
    >>> gt.summary.experimental.set_step(step)
    >>> _ = step.assign_add(1)
    >>> int(gt.summary.experimental.get_step())
    1
    >>> gt.summary.experimental.set_step(None)
    """
    _state.step = step


_INVALID_SCOPE_CHARACTERS = re.compile(r"[^-_/.A-Za-z0-9]")


@contextlib.contextmanager
def summary_scope(name: str | None, default_name: str = "summary", values: Any = None) -> Iterator[tuple]:
    """``(tag, scope)`` for a summary named ``name`` (or ``default_name``): the tag is the name
    prefixed by the enclosing ``gt.name_scope``\\ s.

    >>> import gradtape as gt
    >>> with gt.name_scope("block"):
    ...     with gt.summary.experimental.summary_scope("loss") as (tag, scope):
    ...         tag, scope
    ('block/loss', 'block/loss/')
    """
    from ..utilities import _current_name_scope

    name = name or default_name
    current = _current_name_scope()
    tag = f"{current}/{name}" if current else name
    clean = _INVALID_SCOPE_CHARACTERS.sub("", name) or default_name
    yield tag, (f"{current}/{clean}/" if current else f"{clean}/")


def _step_value(step: Any) -> int:
    arr = _numpy(step)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"Cannot convert {step!r} to a step of dtype int64: steps are integers")
    if arr.size != 1:
        raise ValueError(f"Argument `step` must be a scalar. Received step with shape {arr.shape}.")
    return int(arr.reshape(-1)[0])


def write(tag: str, tensor: Any, step: Any = None, metadata: Any = None, name: str | None = None) -> bool:
    """Write ``tensor`` under ``tag`` to the default writer (``tf.summary.write``): True when
    written, False when there is no default writer or ``record_if`` says no. ``tensor`` may be
    a function, called only when the summary is recorded. ``metadata`` is an encoded
    ``SummaryMetadata`` (bytes, or a protobuf message) or None.

    >>> import tempfile, gradtape as gt
    >>> with gt.summary.create_file_writer(tempfile.mkdtemp()).as_default():
    ...     gt.summary.write("raw", [1, 2, 3], step=1)
    True
    """
    del name
    if step is not None:
        _step_value(step)
    if _state.writer is None:
        return False
    if not should_record_summaries():
        return False
    if step is None:
        step = _state.step
        if step is None:
            raise ValueError("No step set. Please specify one either through the `step` argument "
                             "or through tf.summary.experimental.set_step()")
    step = _step_value(step)
    if metadata is None:
        metadata = b""
    elif hasattr(metadata, "SerializeToString"):
        metadata = metadata.SerializeToString()
    value = _numpy(tensor() if callable(tensor) else tensor)
    encoded = _proto.encode_value(tag, _proto.encode_tensor(value), bytes(metadata))
    _state.writer._write(_proto.encode_event(time.time(), step, [encoded]))
    return True


def flush(writer: SummaryWriter | None = None, name: str | None = None) -> None:
    """Flush ``writer`` (the default writer if None; nothing if there is none).

    >>> import gradtape as gt
    >>> gt.summary.flush()
    """
    del name
    if writer is None:
        writer = _state.writer
        if writer is None:
            return None
    if isinstance(writer, SummaryWriter):
        return writer.flush()
    raise ValueError(f"Invalid argument to flush(): {writer!r}")
