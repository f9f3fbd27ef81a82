"""Reference bytes and values for tests/test_io.py and tests/test_io_parse.py from TensorFlow.

Run with a Python that has TensorFlow (for example the benchmarks' peers environment):
``python tools/io_reference.py``. It writes tests/data/io_reference.json: serialized
``tf.train.Example`` messages and their text, ``tf.io.serialize_tensor`` bytes, TFRecord files
(plain, GZIP, ZLIB), ``tf.io.encode_png`` bytes (SHA-256 for the large ones), ``decode_png``
results for hand-made PNGs (palette, ``tRNS``, interlaced, low bit depths), ``parse_example``
results and errors, ``decode_csv`` and ``decode_raw`` results. The tests replay every case.
"""
# ruff: noqa: E501
import base64
import hashlib
import json
import os
import pathlib
import re
import struct
import tempfile
import zlib

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
out: dict = {}


def feature(kind, values):
    if kind == "int64":
        return tf.train.Feature(int64_list=tf.train.Int64List(value=values))
    if kind == "float":
        return tf.train.Feature(float_list=tf.train.FloatList(value=values))
    if kind == "bytes":
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=values))
    return tf.train.Feature()


def example(spec):
    return tf.train.Example(features=tf.train.Features(feature={k: feature(*v) for k, v in spec.items()}))


# -- tf.train.Example messages: the spec (JSON-friendly), the bytes and the text -----------------
EXAMPLES = {
    "int64": {"label": ["int64", [1, -1, 0, 300, 2 ** 63 - 1, -2 ** 63]]},
    "float": {"x": ["float", [0.1, -0.0, 1e10, 3.5, 1e-7, 123456789.0]]},
    "bytes": {"b": ["bytes", ["YQ==", "AP8iJwpc", ""]]},  # base64 values
    "empty_list": {"e": ["int64", []]},
    "empty_feature": {"": ["none", []]},
    "three": {"zeta": ["int64", [1]], "alpha": ["float", [2.0]], "mid": ["bytes", ["eA=="]]},
}
out["examples"] = {}
for name, spec in EXAMPLES.items():
    decoded = {k: [kind, [base64.b64decode(v) for v in vals] if kind == "bytes" else vals] for k, (kind, vals) in spec.items()}
    ex = example(decoded)
    out["examples"][name] = {"spec": spec, "bytes": b64(ex.SerializeToString(deterministic=True)),
                             "text": str(ex) if len(spec) == 1 else None}
out["examples"]["no_features"] = {"spec": None, "bytes": b64(tf.train.Example().SerializeToString()), "text": ""}
out["examples"]["empty_features"] = {"spec": {}, "bytes": b64(tf.train.Example(features=tf.train.Features()).SerializeToString()), "text": str(tf.train.Example(features=tf.train.Features()))}
seq = tf.train.SequenceExample(
    context=tf.train.Features(feature={"n": feature("int64", [2])}),
    feature_lists=tf.train.FeatureLists(feature_list={"t": tf.train.FeatureList(feature=[feature("float", [1.0, 2.0]), feature("float", [3.0])])}))
out["sequence_example"] = {"bytes": b64(seq.SerializeToString()), "text": str(seq)}

# -- serialize_tensor ---------------------------------------------------------------------------------
TENSORS = {"f32": np.float32(1.5), "i32": np.array([1, 2, 3], np.int32), "empty": np.zeros((2, 0), np.float32),
           "bool": np.array([True, False]), "str": np.array([b"ab", b""]), "i64": np.array([[1, -2]], np.int64),
           "f64": np.array([0.25, -1e300]), "u8": np.array(3, np.uint8), "f16": np.array([2.0, -0.5], np.float16),
           "c64": np.array([1 + 2j], np.complex64)}
out["tensors"] = {k: {"dtype": str(v.dtype), "value": v.astype(object).tolist() if v.dtype.kind == "S" else v.tolist() if v.dtype.kind != "c" else [[z.real, z.imag] for z in v.ravel()],
                      "shape": list(v.shape), "bytes": b64(tf.io.serialize_tensor(v).numpy())}
                  for k, v in TENSORS.items() if v.dtype.kind != "S"}
out["tensors"]["str"] = {"dtype": "string", "value": ["YWI=", ""], "shape": [2], "bytes": b64(tf.io.serialize_tensor(TENSORS["str"]).numpy())}

# -- TFRecord files ----------------------------------------------------------------------------------
RECORDS = [b"hello", b"world" * 50, b"", bytes(range(256))]
tmp = tempfile.mkdtemp()
out["tfrecord"] = {"records": [b64(r) for r in RECORDS]}
for ct in ["", "GZIP", "ZLIB"]:
    path = os.path.join(tmp, f"r{ct}")
    with tf.io.TFRecordWriter(path, options=ct) as w:
        for r in RECORDS:
            w.write(r)
    out["tfrecord"][ct or "NONE"] = b64(open(path, "rb").read())
    with tf.io.TFRecordWriter(path, options=ct) as w:
        w.write(RECORDS[0])
        w.flush()
        for r in RECORDS[1:]:
            w.write(r)
    out["tfrecord"][(ct or "NONE") + "_flushed"] = b64(open(path, "rb").read())


# -- PNG --------------------------------------------------------------------------------------------
def pattern(h, w, c, mod=256, dtype=np.uint8):
    i, j, k = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing="ij")
    return ((i * 7919 + j * 104729 + k * 1299709 + (i * j) // 3) % mod).astype(dtype)


PNG_CASES = {"ramp": (np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3) * 7, -1),
             "gray": (pattern(6, 7, 1), -1), "ga": (pattern(5, 3, 2), -1), "rgba": (pattern(9, 4, 4), -1),
             "smooth": ((np.add.outer(np.arange(40), np.arange(50))[..., None] * np.array([1, 2, 3, 4])) % 256, -1),
             "low_entropy": (pattern(150, 160, 1, mod=37), -1), "big_rgb": (pattern(120, 130, 3), -1),
             "u16_rgb": (pattern(5, 6, 3, mod=65536, dtype=np.uint16), -1), "u16_gray": (pattern(30, 20, 1, mod=65521, dtype=np.uint16), -1),
             "level9": (pattern(20, 30, 3, mod=50), 9), "level0": (pattern(8, 8, 3), 0), "level1": (pattern(20, 30, 3, mod=50), 1)}
out["png"] = {}
for name, (img, level) in PNG_CASES.items():
    img = img.astype(np.uint16 if img.dtype == np.uint16 else np.uint8)
    png = tf.io.encode_png(img, compression=level).numpy()
    out["png"][name] = {"shape": list(img.shape), "dtype": str(img.dtype), "level": level,
                        "sha256": hashlib.sha256(png).hexdigest(), "length": len(png),
                        "bytes": b64(png) if len(png) < 400 else None}
src = tf.io.encode_png(np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 200, 30], [77, 77, 77], [1, 2, 3]]], np.uint8))
src16 = tf.io.encode_png(np.array([[[65535, 0, 0], [0, 65535, 0], [0, 0, 65535], [1000, 50000, 3000], [0x01FF, 0x0180, 0x017F]]], np.uint16))
ga = tf.io.encode_png(np.array([[[100, 50], [200, 255]]], np.uint8))
out["png_decode"] = {}
for name, data in {"rgb8": src, "rgb16": src16, "ga8": ga}.items():
    out["png_decode"][name] = {"bytes": b64(data.numpy()), "results": {
        f"{ch}_{dt.name}": tf.io.decode_png(data, channels=ch, dtype=dt).numpy().tolist() for ch in (0, 1, 3, 4) for dt in (tf.uint8, tf.uint16)}}


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def raw_png(width, height, depth, color, rows, extra=(), interlace=0):
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace)
    body = b"".join(chunk(k, d) for k, d in extra)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + body + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def packed_rows(values, depth):
    rows = []
    for row in values:
        bits = "".join(format(int(v), f"0{depth}b") for v in row)
        bits += "0" * (-len(bits) % 8)
        data = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
        rows.append(bytes([0]) + data)
    return b"".join(rows)


def adam7(img):
    """The seven Adam7 passes of an 8-bit image, each row with filter type 0 (None)."""
    h, w, c = img.shape
    out = b""
    for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)):
        sub = img[y0::dy, x0::dx]
        if sub.size:
            out += b"".join(b"\x00" + row.tobytes() for row in sub)
    return out


gray2 = pattern(5, 7, 1, mod=4)[..., 0]
palette_idx = pattern(4, 5, 1, mod=6)[..., 0]
plte = bytes([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128, 255, 255, 255])
inter = pattern(11, 13, 3)
HANDMADE = {
    "gray1": raw_png(9, 3, 1, 0, packed_rows(pattern(3, 9, 1, mod=2)[..., 0], 1)),
    "gray2_trns": raw_png(7, 5, 2, 0, packed_rows(gray2, 2), extra=[(b"tRNS", struct.pack(">H", 1))]),
    "gray4": raw_png(6, 2, 4, 0, packed_rows(pattern(2, 6, 1, mod=16)[..., 0], 4)),
    "palette": raw_png(5, 4, 8, 3, packed_rows(palette_idx, 8), extra=[(b"PLTE", plte)]),
    "palette_trns": raw_png(5, 4, 8, 3, packed_rows(palette_idx, 8), extra=[(b"PLTE", plte), (b"tRNS", bytes([0, 128, 255, 7]))]),
    "palette4": raw_png(5, 4, 4, 3, packed_rows(palette_idx, 4), extra=[(b"PLTE", plte)]),
    "rgb_trns": raw_png(3, 2, 8, 2, b"".join(b"\x00" + r.tobytes() for r in pattern(2, 3, 3, mod=2) * 255),
                        extra=[(b"tRNS", struct.pack(">HHH", 255, 0, 255))]),
    "interlaced": raw_png(13, 11, 8, 2, adam7(inter), interlace=1),
}
out["png_handmade"] = {}
for name, data in HANDMADE.items():
    out["png_handmade"][name] = {"bytes": b64(data), "results": {
        f"{ch}": tf.io.decode_png(data, channels=ch).numpy().tolist() for ch in (0, 1, 3, 4)}}


# -- parse_example -----------------------------------------------------------------------------------
def ser(spec):
    return example({k: [kind, vals] for k, (kind, vals) in spec.items()}).SerializeToString()


BATCH = [ser({"a": ("int64", [1, 2]), "f": ("float", [0.5]), "s": ("bytes", [b"x", b"yz"]), "q": ("float", [1, 2, 3, 4])}),
         ser({"a": ("int64", [3, 4]), "s": ("bytes", []), "q": ("float", [5, 6])}),
         ser({"a": ("int64", [5, 6]), "f": ("float", [2.5]), "s": ("bytes", [b"w"]), "e": ("none", [])})]
SPEC = {"a": tf.io.FixedLenFeature([2], tf.int64), "f": tf.io.FixedLenFeature([], tf.float32, default_value=-1.0),
        "s": tf.io.VarLenFeature(tf.string), "q": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True),
        "m": tf.io.FixedLenFeature([1, 2], tf.string, default_value=[[b"d1", b"d2"]]),
        "v": tf.io.VarLenFeature(tf.int64), "e": tf.io.VarLenFeature(tf.float32)}


def tolist(t):
    if isinstance(t, tf.SparseTensor):
        return {"indices": t.indices.numpy().tolist(), "values": [b64(v) if isinstance(v, bytes) else v for v in t.values.numpy().tolist()],
                "dense_shape": t.dense_shape.numpy().tolist()}
    a = t.numpy()
    return [b64(v) for v in a.ravel().tolist()] if a.dtype == object else a.tolist()


batch = tf.io.parse_example(BATCH, SPEC)
single = tf.io.parse_single_example(BATCH[0], SPEC)
out["parse"] = {"records": [b64(r) for r in BATCH], "batch": {k: tolist(v) for k, v in batch.items()},
                "single": {k: tolist(v) for k, v in single.items()}}
errors = {}
for name, (records, spec) in {
        "missing": (BATCH[1:2], {"f": tf.io.FixedLenFeature([], tf.float32)}),
        "type": (BATCH[:1], {"a": tf.io.FixedLenFeature([2], tf.float32)}),
        "count": (BATCH[:1], {"a": tf.io.FixedLenFeature([3], tf.int64)}),
}.items():
    try:
        tf.io.parse_example(records, spec)
        errors[name] = None
    except tf.errors.InvalidArgumentError as e:
        errors[name] = re.sub(r"^\{\{.*?\}\} ", "", e.message.split("\n")[0]).split(" [Op:")[0]
out["parse"]["errors"] = errors

# -- decode_csv and decode_raw ----------------------------------------------------------------------
csv = tf.io.decode_csv(["1,2.5,a", '3,,"b,""c"', ",4,"], [[0], [0.0], ["x"]])
out["csv"] = [c.numpy().astype(object).tolist() if c.dtype == tf.string else c.numpy().tolist() for c in csv]
out["csv"][2] = [b64(v) for v in out["csv"][2]]
raw = tf.io.decode_raw([b"\x01\x02\x03\x04", b"\xff\xfe\xfd\xfc"], tf.int16, little_endian=False)
out["raw"] = raw.numpy().tolist()

path = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "io_reference.json"
path.write_text(json.dumps(out, indent=1, sort_keys=True, default=lambda o: o.item()) + "\n")
print(f"wrote {path}")
