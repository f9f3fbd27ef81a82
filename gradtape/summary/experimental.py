"""``gt.summary.experimental``: the default step and the summary scope, as
``tf.summary.experimental``.

>>> import tempfile, gradtape as gt
>>> gt.summary.experimental.set_step(7)
>>> with gt.summary.create_file_writer(tempfile.mkdtemp()).as_default():
...     gt.summary.scalar("loss", 0.5)  # written at step 7
True
>>> gt.summary.experimental.set_step(None)
"""

from ._writer import get_step, set_step, summary_scope

__all__ = ["get_step", "set_step", "summary_scope"]
