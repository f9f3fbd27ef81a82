"""Image codecs of ``gt.io`` and ``gt.image`` beyond PNG: JPEG, GIF and BMP through the optional
dependency Pillow (imported when first needed), and JPEG's header read in Python.

Pillow's JPEG pixels are TensorFlow's with ``dct_method="INTEGER_ACCURATE"``; TensorFlow's
default (a faster integer DCT) can differ from them by a few levels. ``encode_jpeg`` writes a
valid baseline (or progressive) JPEG with TensorFlow's options, but its bytes are Pillow's.
"""

from __future__ import annotations

import io as _io
import struct
from typing import Any

import numpy as np

from .._engine.tensor import Tensor, as_dtype, wrap
from ..errors import InvalidArgumentError
from . import _png
from ._ops import _scalar_bytes, _string

__all__ = ["decode_and_crop_jpeg", "decode_bmp", "decode_gif", "decode_image", "decode_jpeg", "encode_jpeg",
           "extract_jpeg_shape", "is_jpeg"]


def _pillow(op: str):
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"{op}: JPEG, GIF and BMP images need the optional dependency Pillow "
                          "(pip install pillow); PNG needs nothing") from None
    return Image


def is_jpeg(contents: Any, name: str | None = None) -> Tensor:
    """Whether the bytes start like a JPEG file, as ``tf.io.is_jpeg``.

    >>> import gradtape as gt
    >>> bool(gt.io.is_jpeg(b"\\xff\\xd8\\xff\\xe0"))
    True
    """
    return wrap(np.array(_scalar_bytes(contents, "is_jpeg", "contents")[:3] == b"\xff\xd8\xff"))


def _pillow_decode(data: bytes, channels: int, op: str) -> np.ndarray:
    Image = _pillow(op)
    try:
        with Image.open(_io.BytesIO(data)) as im:
            mode = {1: "L", 3: "RGB", 4: "RGBA"}.get(channels)
            if mode is None:
                mode = {"L": "L", "RGBA": "RGBA", "LA": "RGBA", "P": "RGB"}.get(im.mode, "RGB")
            arr = np.asarray(im.convert(mode))
    except (OSError, SyntaxError, ValueError) as e:  # Pillow's errors for bad or truncated data
        raise InvalidArgumentError(f"{op}: the contents are not a valid image or are truncated ({e})") from None
    return arr if arr.ndim == 3 else arr[..., None]


def decode_jpeg(contents: Any, channels: int = 0, name: str | None = None, **kwargs: Any) -> Tensor:
    """Decode a JPEG to a uint8 ``[height, width, channels]`` tensor, as ``tf.io.decode_jpeg``,
    with the optional dependency Pillow. The pixels are TensorFlow's with
    ``dct_method="INTEGER_ACCURATE"``; TensorFlow's default (a faster integer DCT) may differ from
    them by a few levels. ``dct_method`` and the other options are accepted and change nothing.

    >>> import numpy as np, gradtape as gt
    >>> gt.io.decode_jpeg(gt.io.encode_jpeg(np.zeros((2, 3, 3), np.uint8))).shape
    (2, 3, 3)
    """
    return wrap(_pillow_decode(_scalar_bytes(contents, "decode_jpeg", "contents"), int(channels), "decode_jpeg"))


def decode_image(contents: Any, channels: int | None = None, dtype: Any = np.uint8, name: str | None = None,
                 expand_animations: bool = True) -> Tensor:
    """Decode a PNG (or, with Pillow, a JPEG, GIF or BMP) image, as ``tf.io.decode_image``; a
    float ``dtype`` scales to ``[0, 1]`` as ``gt.image.convert_image_dtype``.

    >>> import numpy as np, gradtape as gt
    >>> png = gt.io.encode_png(np.full((1, 1, 1), 255, np.uint8))
    >>> gt.io.decode_image(png, dtype=gt.float32).numpy().tolist()
    [[[1.0]]]
    """
    data = _scalar_bytes(contents, "decode_image", "contents")
    want = np.dtype(as_dtype(dtype))
    ch = int(channels or 0)
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        pixels = _png.decode(data, ch, np.uint16 if want == np.uint16 else np.uint8)
    elif data[:3] == b"\xff\xd8\xff" or data[:4] in (b"GIF8",) or data[:2] == b"BM":
        pixels = _pillow_decode(data, ch, "decode_image")
        if want == np.uint16:
            pixels = pixels.astype(np.uint16) * 257
    else:
        raise InvalidArgumentError("decode_image: Unknown image file format. One of JPEG, PNG, GIF, BMP required.")
    if want.kind == "f":
        return wrap((pixels / float(np.iinfo(pixels.dtype).max)).astype(want))
    if want not in (np.uint8, np.uint16):
        raise TypeError(f"decode_image: dtype must be uint8, uint16 or a float type, got {want.name}")
    return wrap(pixels)


def _image_array(image: Any, op: str) -> np.ndarray:
    a = np.asarray(image._value if isinstance(image, Tensor) else image)
    if a.ndim != 3 or a.shape[2] not in (1, 3) or a.dtype != np.uint8:
        raise ValueError(f"{op}: image must be a uint8 [height, width, channels] tensor with 1 or 3 channels, "
                         f"got shape {a.shape} dtype {a.dtype}")
    return a


def encode_jpeg(image: Any, format: str = "", quality: int = 95, progressive: bool = False,  # noqa: A002
                optimize_size: bool = False, chroma_downsampling: bool = True, density_unit: str = "in",
                x_density: int = 300, y_density: int = 300, xmp_metadata: str = "", name: str | None = None) -> Tensor:
    """JPEG-encode a uint8 ``[height, width, 1 or 3]`` image, as ``tf.io.encode_jpeg`` (with
    Pillow; the bytes are Pillow's, and decode to an image within a few levels of the input).

    >>> import numpy as np, gradtape as gt
    >>> jpeg = gt.io.encode_jpeg(np.full((4, 4, 3), 128, np.uint8))
    >>> gt.io.decode_jpeg(jpeg).shape
    (4, 4, 3)
    """
    a = _image_array(image, "encode_jpeg")
    if format not in ("", "grayscale", "rgb"):
        raise ValueError(f"encode_jpeg: format must be '', 'grayscale' or 'rgb', got {format!r}")
    if not 0 <= int(quality) <= 100:
        raise ValueError(f"encode_jpeg: quality must be in [0, 100], got {quality}")
    if format == "grayscale" and a.shape[2] != 1 or format == "rgb" and a.shape[2] != 3:
        raise ValueError(f"encode_jpeg: format {format!r} does not fit an image with {a.shape[2]} channels")
    Image = _pillow("encode_jpeg")
    pic = Image.fromarray(a[..., 0] if a.shape[2] == 1 else a)
    buf = _io.BytesIO()
    dpi = (int(x_density), int(y_density)) if density_unit == "in" else (int(x_density * 2.54), int(y_density * 2.54))
    pic.save(buf, format="JPEG", quality=int(quality), progressive=bool(progressive), optimize=bool(optimize_size),
             subsampling=2 if chroma_downsampling else 0, dpi=dpi)
    return _string(buf.getvalue())


def decode_gif(contents: Any, name: str | None = None) -> Tensor:
    """Decode a GIF to a uint8 ``[frames, height, width, 3]`` tensor, as ``tf.io.decode_gif``.

    >>> import io, numpy as np, gradtape as gt
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.fromarray(np.zeros((2, 3, 3), np.uint8)).save(buf, "GIF")
    >>> gt.io.decode_gif(buf.getvalue()).shape
    (1, 2, 3, 3)
    """
    data = _scalar_bytes(contents, "decode_gif", "contents")
    if data[:4] != b"GIF8":
        raise InvalidArgumentError("decode_gif: the contents are not a GIF image (no GIF8 signature)")
    Image = _pillow("decode_gif")
    frames = []
    try:
        with Image.open(_io.BytesIO(data)) as im:
            for k in range(getattr(im, "n_frames", 1)):
                im.seek(k)
                frames.append(np.asarray(im.convert("RGB")))
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise InvalidArgumentError(f"decode_gif: the contents are not a valid image or are truncated ({e})") from None
    return wrap(np.stack(frames))


def decode_bmp(contents: Any, channels: int = 0, name: str | None = None) -> Tensor:
    """Decode a BMP to a uint8 ``[height, width, channels]`` tensor, as ``tf.io.decode_bmp``.

    >>> import io, numpy as np, gradtape as gt
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.fromarray(np.zeros((2, 3, 3), np.uint8)).save(buf, "BMP")
    >>> gt.io.decode_bmp(buf.getvalue()).shape
    (2, 3, 3)
    """
    data = _scalar_bytes(contents, "decode_bmp", "contents")
    if data[:2] != b"BM":
        raise InvalidArgumentError("decode_bmp: the contents are not a BMP image (no BM signature)")
    return wrap(_pillow_decode(data, int(channels), "decode_bmp"))


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def extract_jpeg_shape(contents: Any, output_type: Any = np.int32, name: str | None = None) -> Tensor:
    """``[height, width, channels]`` of a JPEG from its frame header, without decoding it, as
    ``tf.io.extract_jpeg_shape`` (no Pillow needed).

    >>> import numpy as np, gradtape as gt
    >>> gt.io.extract_jpeg_shape(gt.io.encode_jpeg(np.zeros((5, 7, 3), np.uint8))).numpy()
    array([5, 7, 3], dtype=int32)
    """
    data = _scalar_bytes(contents, "extract_jpeg_shape", "contents")
    if data[:2] != b"\xff\xd8":
        raise InvalidArgumentError("extract_jpeg_shape: the contents are not a JPEG image (no SOI marker)")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if marker in _SOF and pos + 10 <= len(data):
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return wrap(np.array([height, width, data[pos + 9]], dtype=np.dtype(as_dtype(output_type))))
        pos += 2 + length
    raise InvalidArgumentError("extract_jpeg_shape: no frame header (SOF marker) found: the JPEG is truncated "
                               "or invalid")


def decode_and_crop_jpeg(contents: Any, crop_window: Any, channels: int = 0, name: str | None = None,
                         **kwargs: Any) -> Tensor:
    """Decode a JPEG and keep ``crop_window`` = ``[y, x, height, width]``, as
    ``tf.io.decode_and_crop_jpeg``. The whole image is decoded, then cropped; TensorFlow decodes
    only the window, and its chroma upsampling at the window's edges can differ by a few levels.

    >>> import numpy as np, gradtape as gt
    >>> jpeg = gt.io.encode_jpeg(np.zeros((6, 6, 3), np.uint8))
    >>> gt.io.decode_and_crop_jpeg(jpeg, [1, 2, 3, 4]).shape
    (3, 4, 3)
    """
    y, x, h, w = (int(v) for v in np.asarray(crop_window._value if isinstance(crop_window, Tensor)
                                             else crop_window).reshape(-1))
    image = decode_jpeg(contents, channels)._value
    if y < 0 or x < 0 or h <= 0 or w <= 0 or y + h > image.shape[0] or x + w > image.shape[1]:
        raise InvalidArgumentError(f"decode_and_crop_jpeg: crop_window [{y}, {x}, {h}, {w}] does not fit in the "
                                   f"{image.shape[0]}x{image.shape[1]} image")
    return wrap(np.ascontiguousarray(image[y:y + h, x:x + w]))
