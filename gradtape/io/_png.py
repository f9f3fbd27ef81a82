"""PNG encoding and decoding with ``zlib`` alone, as TensorFlow's libpng-based ops.

The encoder makes what libpng makes for TensorFlow: every row filtered with the filter of
least sum of absolute (signed) bytes (None, Sub, Up, Average, Paeth, first on ties), the rows
deflated with the ``Z_FILTERED`` strategy, a window shrunk for small images and IDAT chunks
of 8192 bytes, so the bytes equal ``tf.io.encode_png``'s (with the same zlib). The decoder
reads every PNG of bit depth 1 to 16 (gray, gray+alpha, RGB, RGBA, palette, ``tRNS``, Adam7
interlacing) and converts channels and depths as TensorFlow: gray from RGB by libpng's
``0.299 R + 0.587 G + 0.114 B`` in 15-bit fixed point (alpha dropped, not composited),
16 to 8 bits by keeping the high byte, 8 to 16 bits by multiplying by 257. As TensorFlow, a
``tRNS`` transparent color of a gray or RGB image becomes an alpha channel only when 4
channels are asked for, and the alpha added to an image of bit depth below 8 is
``2**depth - 1`` (libpng's filler at the file's depth), not 255.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from ..errors import InvalidArgumentError

__all__ = ["decode", "encode"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> PNG color type
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # color type -> samples per pixel
_ZBUF = 8192


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _filter_rows(rows: np.ndarray, bpp: int) -> bytes:
    """libpng's adaptive filtering: each row with the filter of least sum of |signed byte|."""
    height, width = rows.shape
    out = bytearray()
    prev = np.zeros(width, np.int32)
    for y in range(height):
        cur = rows[y].astype(np.int32)
        left = np.concatenate([np.zeros(bpp, np.int32), cur[:-bpp]])
        up_left = np.concatenate([np.zeros(bpp, np.int32), prev[:-bpp]])
        p = left + prev - up_left
        pa, pb, pc = np.abs(p - left), np.abs(p - prev), np.abs(p - up_left)
        paeth = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, prev, up_left))
        candidates = (cur, cur - left, cur - prev, cur - ((left + prev) >> 1), cur - paeth)
        best, best_sum, best_row = 0, None, None
        for kind, filtered in enumerate(candidates):
            f = filtered & 0xFF
            total = int(np.minimum(f, 256 - f).sum())
            if best_sum is None or total < best_sum:
                best, best_sum, best_row = kind, total, f
        out.append(best)
        out += best_row.astype(np.uint8).tobytes()
        prev = cur
    return bytes(out)


def _window_bits(size: int) -> int:
    bits = 15
    if size <= 16384:
        half = 1 << (bits - 1)
        while size + 262 <= half:
            half >>= 1
            bits -= 1
    return max(bits, 9)


def _optimize_cmf(data: bytearray, size: int) -> None:
    """libpng's rewrite of the zlib header for a stream smaller than its window."""
    if size > 16384 or data[0] & 0x0F != 8 or data[0] & 0xF0 > 0x70:
        return
    cinfo = data[0] >> 4
    half = 1 << (cinfo + 7)
    if size <= half:
        while True:
            half >>= 1
            cinfo -= 1
            if not (cinfo > 0 and size <= half):
                break
        data[0] = (data[0] & 0x0F) | (cinfo << 4)
        flg = data[1] & 0xE0
        data[1] = flg + 0x1F - ((data[0] << 8) + flg) % 0x1F


def encode(image: np.ndarray, compression: int = -1) -> bytes:
    """The PNG bytes of a ``[height, width, channels]`` uint8 or uint16 array."""
    if image.ndim != 3:
        raise InvalidArgumentError(f"encode_png: image must be 3-dimensional [height, width, channels], got "
                                   f"shape {image.shape}")
    height, width, channels = image.shape
    if channels not in _COLOR_TYPES:
        raise InvalidArgumentError(f"encode_png: image must have 1, 2, 3, or 4 channels, got {channels}")
    if image.dtype not in (np.uint8, np.uint16):
        raise TypeError(f"encode_png: image must be uint8 or uint16, got {image.dtype}")
    if not -1 <= compression <= 9:
        raise InvalidArgumentError(f"encode_png: compression should be in [-1,9], got {compression}")
    depth = image.dtype.itemsize * 8
    rows = np.ascontiguousarray(image.astype(">u2") if depth == 16 else image).view(np.uint8)
    rows = rows.reshape(height, width * channels * image.dtype.itemsize)
    filtered = _filter_rows(rows, channels * image.dtype.itemsize) if height and width else b"\x00" * height
    size = len(filtered)
    z = zlib.compressobj(compression, zlib.DEFLATED, _window_bits(size), 8, zlib.Z_FILTERED)
    data = bytearray(z.compress(filtered) + z.flush())
    _optimize_cmf(data, size)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, _COLOR_TYPES[channels], 0, 0, 0)
    idat = b"".join(_chunk(b"IDAT", bytes(data[i:i + _ZBUF])) for i in range(0, len(data), _ZBUF))
    return _SIGNATURE + _chunk(b"IHDR", ihdr) + idat + _chunk(b"IEND", b"")


# -- decoding -----------------------------------------------------------------------------------
def _unfilter(raw: memoryview, height: int, stride: int, bpp: int) -> np.ndarray:
    out = np.zeros((height, stride), np.uint8)
    prev = np.zeros(stride, np.int64)
    pos = 0
    for y in range(height):
        kind = raw[pos]
        cur = np.frombuffer(raw[pos + 1:pos + 1 + stride], np.uint8).astype(np.int64)
        pos += stride + 1
        if kind == 0:
            row = cur
        elif kind == 2:
            row = (cur + prev) & 0xFF
        elif kind == 1 and stride % bpp == 0:
            row = np.cumsum(cur.reshape(-1, bpp), axis=0).reshape(-1) & 0xFF
        elif kind in (1, 3, 4):
            r, b_row = cur.tolist(), prev.tolist()
            for i in range(stride):  # each byte depends on the one bpp to its left
                a = r[i - bpp] if i >= bpp else 0
                b = b_row[i]
                if kind == 1:
                    pred = a
                elif kind == 3:
                    pred = (a + b) >> 1
                else:
                    c = b_row[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                r[i] = (r[i] + pred) & 0xFF
            row = np.array(r, np.int64)
        else:
            raise InvalidArgumentError(f"decode_png: invalid PNG filter type {kind} in row {y}")
        out[y] = row
        prev = row
    return out


def _samples(rows: np.ndarray, width: int, samples: int, depth: int) -> np.ndarray:
    """Unpacked samples ``[height, width, samples]`` (uint8, or uint16 for depth 16)."""
    if depth == 16:
        return rows.view(">u2").astype(np.uint16)[:, :width * samples].reshape(len(rows), width, samples)
    if depth == 8:
        return rows[:, :width * samples].reshape(len(rows), width, samples)
    bits = np.unpackbits(rows, axis=1).reshape(len(rows), -1, depth)
    values = (bits * (1 << np.arange(depth - 1, -1, -1))).sum(-1).astype(np.uint8)
    return values[:, :width * samples].reshape(len(rows), width, samples)


_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def decode_raw(data: bytes) -> tuple[np.ndarray, int, int, bytes | None, bytes | None]:
    """``(samples, color type, bit depth, PLTE, tRNS)`` of a PNG file."""
    if data[:8] != _SIGNATURE:
        raise InvalidArgumentError("decode_png: Unknown image file format. One of JPEG, PNG, GIF, BMP required.")
    pos, ihdr, idat, plte, trns = 8, None, [], None, None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise InvalidArgumentError("decode_png: the PNG data is truncated")
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"PLTE":
            plte = body
        elif kind == b"tRNS":
            trns = body
        elif kind == b"IEND":
            break
        pos += 12 + length
    if ihdr is None or not idat:
        raise InvalidArgumentError("decode_png: the PNG has no IHDR or no IDAT chunk")
    width, height, depth, color, _, _, interlace = ihdr
    if color not in _CHANNELS or depth not in (1, 2, 4, 8, 16):
        raise InvalidArgumentError(f"decode_png: unsupported PNG color type {color} / bit depth {depth}")
    try:
        raw = memoryview(zlib.decompress(b"".join(idat)))
    except zlib.error as e:
        raise InvalidArgumentError(f"decode_png: corrupt PNG image data ({e})") from None
    samples = _CHANNELS[color]
    bpp = max(1, samples * depth // 8)

    def rows_of(w: int, h: int, offset: int) -> tuple[np.ndarray, int]:
        stride = (w * samples * depth + 7) // 8
        if offset + h * (stride + 1) > len(raw):
            raise InvalidArgumentError("decode_png: the PNG image data is truncated")
        return _samples(_unfilter(raw[offset:], h, stride, bpp), w, samples, depth), offset + h * (stride + 1)

    if not interlace:
        pixels, _ = rows_of(width, height, 0)
    else:
        pixels = np.zeros((height, width, samples), np.uint16 if depth == 16 else np.uint8)
        offset = 0
        for x0, y0, dx, dy in _ADAM7:
            w, h = -(-(width - x0) // dx), -(-(height - y0) // dy)
            if w > 0 and h > 0:
                sub, offset = rows_of(w, h, offset)
                pixels[y0::dy, x0::dx] = sub
    return pixels, color, depth, plte, trns


def _to_gray(rgb: np.ndarray, sixteen: bool) -> np.ndarray:
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    gray = (9797 * r + 19234 * g + 3737 * b + (16384 if sixteen else 0)) >> 15
    gray = np.where((r == g) & (r == b), r, gray)
    return gray[..., None].astype(rgb.dtype)


def decode(data: bytes, channels: int = 0, dtype=np.uint8) -> np.ndarray:
    """A ``[height, width, channels]`` array of ``dtype`` (uint8 or uint16) from PNG bytes."""
    if channels not in (0, 1, 3, 4):
        raise InvalidArgumentError(f"decode_png: `channels` must be 0, 1, 3 or 4 but got {channels}")
    pixels, color, depth, plte, trns = decode_raw(bytes(data))
    if depth < 8 and color == 0:  # expand gray to 8 bits
        pixels = (pixels.astype(np.uint16) * (255 // ((1 << depth) - 1))).astype(np.uint8)
    if color == 3:
        if plte is None:
            raise InvalidArgumentError("decode_png: a palette PNG has no PLTE chunk")
        palette = np.frombuffer(plte, np.uint8).reshape(-1, 3)
        index = pixels[..., 0]
        if trns is not None:
            alpha = np.full(len(palette), 255, np.uint8)
            alpha[:len(trns)] = np.frombuffer(trns, np.uint8)[:len(palette)]
            palette = np.concatenate([palette, alpha[:, None]], axis=1)
        pixels = palette[np.minimum(index, len(palette) - 1)]
    elif trns is not None and color in (0, 2) and channels == 4:  # TensorFlow ignores tRNS otherwise
        key = np.frombuffer(trns, ">u2").astype(np.int64)
        if depth < 8:
            key = key * (255 // ((1 << depth) - 1))
        opaque = (1 << min(depth, 16) if depth == 16 else 256) - 1
        transparent = np.all(pixels.astype(np.int64) == key[:pixels.shape[-1]], axis=-1)
        pixels = np.concatenate([pixels, np.where(transparent, 0, opaque)[..., None].astype(pixels.dtype)], -1)
    sixteen = pixels.dtype == np.uint16
    have = pixels.shape[-1]
    if channels == 1 and have >= 3:
        pixels = _to_gray(pixels[..., :3], sixteen)
    elif channels == 1:
        pixels = pixels[..., :1]
    elif channels in (3, 4):
        color_part = np.repeat(pixels[..., :1], 3, -1) if have <= 2 else pixels[..., :3]
        if channels == 4:
            # libpng's filler is given at the file's bit depth: 1 for a 1-bit image, 15 for a 4-bit one
            filler = 65535 if sixteen else (1 << depth) - 1 if depth < 8 else 255
            alpha = pixels[..., -1:] if have in (2, 4) else np.full_like(pixels[..., :1], filler)
            color_part = np.concatenate([color_part, alpha], -1)
        pixels = color_part
    if np.dtype(dtype) == np.uint8:
        return (pixels >> 8).astype(np.uint8) if sixteen else pixels
    if np.dtype(dtype) == np.uint16:
        return pixels if sixteen else pixels.astype(np.uint16) * 257
    raise TypeError(f"decode_png: dtype must be uint8 or uint16, got {np.dtype(dtype)}")
