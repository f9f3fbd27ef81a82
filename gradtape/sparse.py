"""``gt.sparse``: sparse tensors and the ops on them, as ``tf.sparse``.

>>> import gradtape as gt
>>> from gradtape import sparse as gsp
>>> st = gsp.SparseTensor([[0, 2]], [4.0], [1, 3])
>>> gsp.to_dense(st).numpy()
array([[0., 0., 4.]], dtype=float32)
"""

from .ops.sparse import *  # noqa: F401,F403
from .ops.sparse import __all__  # noqa: F401
from .sparse_tensor import SparseTensor  # noqa: F401
