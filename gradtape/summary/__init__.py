"""``gt.summary``: TensorBoard event files, as ``tf.summary``, with no dependency.

A writer from ``create_file_writer(logdir)`` made the default with ``as_default()`` receives
what ``scalar``, ``histogram``, ``text``, ``image`` and ``audio`` write: each a TFRecord
holding an ``Event`` protocol buffer with the tensor and plugin metadata that TensorFlow 2's
summary ops write, so TensorBoard shows them as it shows TensorFlow's. ``read_events`` reads
event files back (TensorFlow's or gradtape's), as ``tf.compat.v1.train.summary_iterator``.

>>> import os, tempfile, gradtape as gt
>>> logdir = tempfile.mkdtemp()
>>> writer = gt.summary.create_file_writer(logdir)
>>> with writer.as_default():
...     for step in range(3):
...         _ = gt.summary.scalar("loss", 1.0 / (step + 1), step=step)
>>> path = os.path.join(logdir, os.listdir(logdir)[0])
>>> [(e.step, round(float(e.summary.value[0].tensor), 3)) for e in gt.summary.read_events(path)
...  if e.summary]
[(0, 1.0), (1, 0.5), (2, 0.333)]

Differences from TensorFlow: the functions return Python bools, not boolean tensors; there
are no graphs, so ``trace_on``/``trace_off``/``trace_export`` only warn and ``graph`` is
absent; events are written from Python, in the calling thread.
"""

from . import experimental
from ._ops import audio, histogram, image, scalar, text, trace_export, trace_off, trace_on
from ._records import read_events
from ._writer import (
    SummaryWriter, create_file_writer, create_noop_writer, flush, record_if, should_record_summaries, write,
)

__all__ = ["SummaryWriter", "audio", "create_file_writer", "create_noop_writer", "experimental", "flush",
           "histogram", "image", "read_events", "record_if", "scalar", "should_record_summaries", "text",
           "trace_export", "trace_off", "trace_on", "write"]
