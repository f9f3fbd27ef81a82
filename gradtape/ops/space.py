"""Moving blocks of pixels between the spatial and depth axes, as ``tf.nn.depth_to_space`` and
``tf.nn.space_to_depth``.

Both are a reshape, a transpose and a reshape, so their gradients (each other) are exact and
every order of derivative works. The depth axis is ordered as TensorFlow's ``"DCR"`` mode:
depth index ``(row_in_block * block_size + column_in_block) * C + c``, in both layouts.
"""

from __future__ import annotations

from .._engine.tensor import Tensor, to_array, wrap
from .array import reshape, transpose
from .space_batch import batch_to_space, space_to_batch


def _prepare(x, block_size, data_format, op: str):
    """``(tensor, block, channels_last)`` with the arguments checked."""
    x = x if isinstance(x, Tensor) else wrap(to_array(x))
    if data_format == "NCHW_VECT_C":
        raise ValueError(f"{op}: data_format 'NCHW_VECT_C' (int8 channels in vectors of 4) is not "
                         "supported; use 'NHWC' or 'NCHW'")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"{op}: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
    if isinstance(block_size, Tensor):
        block_size = block_size._value
    b = int(block_size)
    if b != block_size or b < 2:
        raise ValueError(f"{op}: block_size must be an int of at least 2, got {block_size!r}")
    if x.ndim != 4:
        raise ValueError(f"{op}: input must have rank 4 ([batch, height, width, depth] for 'NHWC', "
                         f"[batch, depth, height, width] for 'NCHW'), got shape {tuple(x.shape)}")
    return x, b, data_format == "NHWC"


def depth_to_space(input, block_size: int, data_format: str = "NHWC", name=None) -> Tensor:  # noqa: A002
    """Rearrange depth into ``block_size x block_size`` spatial blocks: ``[N, H, W, C * b * b]``
    becomes ``[N, H * b, W * b, C]`` (``"NCHW"``: ``[N, C * b * b, H, W]`` becomes
    ``[N, C, H * b, W * b]``). Output pixel ``(i * b + di, j * b + dj)``, channel ``c`` is input
    pixel ``(i, j)``, channel ``(di * b + dj) * C + c``.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(8.0), (1, 1, 2, 4))
    >>> gt.nn.depth_to_space(x, 2).numpy()[0, :, :, 0]
    array([[0., 1., 4., 5.],
           [2., 3., 6., 7.]], dtype=float32)
    """
    op = "depth_to_space"
    x, b, last = _prepare(input, block_size, data_format, op)
    n, d = x.shape[0], x.shape[3 if last else 1]
    h, w = x.shape[1:3] if last else x.shape[2:4]
    if d % (b * b):
        raise ValueError(f"{op}: the depth ({d}) must be divisible by block_size * block_size "
                         f"({b * b}); input shape {tuple(x.shape)}, data_format {data_format!r}")
    c = d // (b * b)
    if last:
        y = transpose(reshape(x, (n, h, w, b, b, c)), (0, 1, 3, 2, 4, 5))
        return reshape(y, (n, h * b, w * b, c))
    y = transpose(reshape(x, (n, b, b, c, h, w)), (0, 3, 4, 1, 5, 2))
    return reshape(y, (n, c, h * b, w * b))


def space_to_depth(input, block_size: int, data_format: str = "NHWC", name=None) -> Tensor:  # noqa: A002
    """Move each ``block_size x block_size`` spatial block into the depth axis: ``[N, H, W, C]``
    becomes ``[N, H / b, W / b, C * b * b]`` (``"NCHW"``: ``[N, C, H, W]`` becomes
    ``[N, C * b * b, H / b, W / b]``); the inverse of :func:`depth_to_space`.

    >>> import gradtape as gt
    >>> x = gt.reshape(gt.range(4.0), (1, 2, 2, 1))
    >>> gt.nn.space_to_depth(x, 2).numpy()
    array([[[[0., 1., 2., 3.]]]], dtype=float32)
    """
    op = "space_to_depth"
    x, b, last = _prepare(input, block_size, data_format, op)
    n, c = x.shape[0], x.shape[3 if last else 1]
    h, w = x.shape[1:3] if last else x.shape[2:4]
    if h % b or w % b:
        raise ValueError(f"{op}: height ({h}) and width ({w}) must be divisible by block_size "
                         f"({b}); input shape {tuple(x.shape)}, data_format {data_format!r}")
    if last:
        y = transpose(reshape(x, (n, h // b, b, w // b, b, c)), (0, 1, 3, 2, 4, 5))
        return reshape(y, (n, h // b, w // b, b * b * c))
    y = transpose(reshape(x, (n, c, h // b, b, w // b, b)), (0, 3, 5, 1, 2, 4))
    return reshape(y, (n, b * b * c, h // b, w // b))


# tf.nn also exposes the space-to-batch pair (the same functions as tf.space_to_batch and
# tf.batch_to_space); gt.nn re-exports this module's names.
__all__ = ["depth_to_space", "space_to_depth", "space_to_batch", "batch_to_space"]
