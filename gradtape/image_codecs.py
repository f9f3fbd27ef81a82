"""``gt.image``'s encoders and decoders (TensorFlow lists them under ``tf.image`` as well as
``tf.io``), and the JPEG quality augmentations, which encode and decode through Pillow."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._engine.tensor import Tensor, wrap
from .io._images import (  # noqa: F401  (tf.image's names for the codecs)
    decode_and_crop_jpeg, decode_bmp, decode_gif, decode_image, decode_jpeg, encode_jpeg, extract_jpeg_shape, is_jpeg,
)
from .io._ops import decode_png, encode_png  # noqa: F401

__all__ = ["adjust_jpeg_quality", "decode_and_crop_jpeg", "decode_bmp", "decode_gif", "decode_image", "decode_jpeg",
           "decode_png", "encode_jpeg", "encode_png", "extract_jpeg_shape", "is_jpeg", "random_jpeg_quality"]


def adjust_jpeg_quality(image: Any, jpeg_quality: Any, dct_method: str = "", name: str | None = None) -> Tensor:
    """The image encoded as a JPEG of ``jpeg_quality`` (0-100) and decoded again, as
    ``tf.image.adjust_jpeg_quality``: a float image comes back as floats in [0, 1]. Not
    differentiable (TensorFlow's has no gradient either).

    >>> import numpy as np, gradtape as gt
    >>> out = gt.image.adjust_jpeg_quality(np.full((8, 8, 3), 0.5, np.float32), 75)
    >>> out.dtype.name, out.shape, bool(abs(float(out.numpy().mean()) - 0.5) < 0.01)
    ('float32', (8, 8, 3), True)
    """
    from .ops.image import convert_image_dtype
    x = image if isinstance(image, Tensor) else wrap(np.asarray(image))
    quality = int(np.asarray(jpeg_quality._value if isinstance(jpeg_quality, Tensor) else jpeg_quality))
    as_uint8 = convert_image_dtype(x, np.uint8, saturate=True)._value
    if as_uint8.ndim != 3 or as_uint8.shape[-1] not in (1, 3):
        raise ValueError(f"adjust_jpeg_quality: image must be [height, width, 1 or 3], got shape {tuple(x.shape)}")
    out = decode_jpeg(encode_jpeg(as_uint8, quality=quality), channels=as_uint8.shape[-1])
    return out if x.dtype == np.uint8 else convert_image_dtype(out, x.dtype)


def random_jpeg_quality(image: Any, min_jpeg_quality: int, max_jpeg_quality: int, seed: Any = None) -> Tensor:
    """:func:`adjust_jpeg_quality` with a quality drawn uniformly from
    ``[min_jpeg_quality, max_jpeg_quality)``, as ``tf.image.random_jpeg_quality``.

    >>> import numpy as np, gradtape as gt
    >>> gt.image.random_jpeg_quality(np.zeros((4, 4, 3), np.uint8), 50, 90, seed=1).shape
    (4, 4, 3)
    """
    from .ops.random import _stateful_rng
    lo, hi = int(min_jpeg_quality), int(max_jpeg_quality)
    if not 0 <= lo < hi <= 100:
        raise ValueError(f"random_jpeg_quality: need 0 <= min_jpeg_quality < max_jpeg_quality <= 100, got {lo}, {hi}")
    return adjust_jpeg_quality(image, int(_stateful_rng(seed).integers(lo, hi)))
