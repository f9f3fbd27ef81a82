"""gt.io against TensorFlow: the bytes of TFRecord files, serialized tensors and PNGs, PNG
decoding, CSV and raw decoding, files and gfile. The reference data come from
tools/io_reference.py (tests/data/io_reference.json); the smallest are written out here."""

import base64
import hashlib
import json
import os
import zlib
from pathlib import Path

import numpy as np
import pytest

import gradtape as gt

REF = json.loads((Path(__file__).parent / "data" / "io_reference.json").read_text())
b64 = base64.b64decode

# Two records, b"abc" and b"", written by tf.io.TFRecordWriter (plain and with "GZIP").
TF_TFRECORD = "AwAAAAAAAACwmUkOYWJjblfxIQAAAAAAAAAAKQOYB9jqgqI="
TF_TFRECORD_GZIP = "H4sIAAAAAAAAA2NmgIANMz35EpOS88I/KkJFGDSZZ7DfeNW0CAAjSrTtIwAAAA=="
# tf.io.encode_png(np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3) * 7)
TF_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAUAAAAECAIAAADJUWIXAAAAH0lEQVQImWNkYOcTRQIsmZmZyHzGSzcfoPCtnTyR+QAO"
          "OwiZTynP4wAAAABJRU5ErkJggg==")


def _tmp(tmp_path, name):
    return str(tmp_path / name)


# -- TFRecord files -----------------------------------------------------------------------------------
@pytest.mark.parametrize("compression", ["NONE", "GZIP", "ZLIB"])
def test_tfrecord_writer_bytes_equal_tensorflow(tmp_path, compression):
    records = [b64(r) for r in REF["tfrecord"]["records"]]
    ct = "" if compression == "NONE" else compression
    path = _tmp(tmp_path, "r")
    with gt.io.TFRecordWriter(path, ct) as w:
        for r in records:
            w.write(r)
    assert open(path, "rb").read() == b64(REF["tfrecord"][compression])
    with gt.io.TFRecordWriter(path, gt.io.TFRecordOptions(ct)) as w:
        w.write(records[0])
        w.flush()
        for r in records[1:]:
            w.write(r)
    assert open(path, "rb").read() == b64(REF["tfrecord"][compression + "_flushed"])


@pytest.mark.parametrize("compression", ["NONE", "GZIP", "ZLIB"])
def test_tfrecord_dataset_reads_tensorflow_files(tmp_path, compression):
    path = _tmp(tmp_path, "tf.tfrecord")
    for key in (compression, compression + "_flushed"):
        Path(path).write_bytes(b64(REF["tfrecord"][key]))
        ct = None if compression == "NONE" else compression
        got = list(gt.data.TFRecordDataset(path, compression_type=ct, buffer_size=7).as_numpy_iterator())
        assert got == [b64(r) for r in REF["tfrecord"]["records"]]


def test_tfrecord_hard_coded_tensorflow_files(tmp_path):
    plain, gz = _tmp(tmp_path, "a"), _tmp(tmp_path, "b")
    Path(plain).write_bytes(b64(TF_TFRECORD))
    Path(gz).write_bytes(b64(TF_TFRECORD_GZIP))
    assert list(gt.io.tf_record_iterator(plain)) == [b"abc", b""]
    assert list(gt.io.tf_record_iterator(gz, "GZIP")) == [b"abc", b""]
    elements = list(gt.data.TFRecordDataset([plain, gz], compression_type=None).take(2))
    assert elements[0].shape == () and elements[0].numpy() == b"abc"
    assert gt.data.TFRecordDataset(plain).element_spec == gt.TensorSpec((), gt.string)


def test_tfrecord_corruption_and_missing_file(tmp_path):
    path = _tmp(tmp_path, "bad")
    data = bytearray(b64(TF_TFRECORD))
    data[13] ^= 1  # a byte of the first record's data
    Path(path).write_bytes(bytes(data))
    with pytest.raises(gt.errors.DataLossError, match="data's checksum"):
        list(gt.io.tf_record_iterator(path))
    Path(path).write_bytes(b64(TF_TFRECORD)[:-3])
    with pytest.raises(gt.errors.DataLossError, match="truncated"):
        list(gt.data.TFRecordDataset(path))
    with pytest.raises(gt.errors.NotFoundError):
        list(gt.data.TFRecordDataset(_tmp(tmp_path, "missing")))


def test_tfrecord_parallel_reads_interleave_files(tmp_path):
    paths = []
    for f in range(3):
        paths.append(_tmp(tmp_path, f"f{f}"))
        with gt.io.TFRecordWriter(paths[-1]) as w:
            for i in range(f + 1):
                w.write(f"{f}{i}".encode())
    seq = [x.decode() for x in gt.data.TFRecordDataset(paths).as_numpy_iterator()]
    assert seq == ["00", "10", "11", "20", "21", "22"]
    par = [x.decode() for x in gt.data.TFRecordDataset(paths, num_parallel_reads=2).as_numpy_iterator()]
    assert par == ["00", "10", "20", "11", "21", "22"]
    names = gt.data.Dataset.from_tensor_slices(np.array([p.encode() for p in paths[:2]], dtype=object))
    assert len(list(gt.data.TFRecordDataset(names))) == 3


def test_text_line_dataset(tmp_path):
    path = _tmp(tmp_path, "lines.txt")
    Path(path).write_bytes(b"a,1\r\nb,2\n\nlast")
    assert list(gt.data.TextLineDataset(path).as_numpy_iterator()) == [b"a,1", b"b,2", b"", b"last"]
    gz = _tmp(tmp_path, "lines.gz")
    z = zlib.compressobj(6, zlib.DEFLATED, 31)
    Path(gz).write_bytes(z.compress(b"x\ny\n") + z.flush())
    ds = gt.data.TextLineDataset(gz, compression_type="GZIP").map(
        lambda line: gt.io.decode_csv(line, [[""]])[0])
    assert list(ds.as_numpy_iterator()) == [b"x", b"y"]


# -- serialized tensors ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(REF["tensors"]))
def test_serialize_tensor_bytes_equal_tensorflow(name):
    case = REF["tensors"][name]
    if case["dtype"] == "string":
        value = np.array([b64(v) for v in case["value"]], dtype=object)
    elif case["dtype"] == "complex64":
        value = np.array([complex(*z) for z in case["value"]], np.complex64)
    else:
        value = np.array(case["value"], case["dtype"]).reshape(case["shape"])
    data = gt.io.serialize_tensor(value).numpy()
    assert data == b64(case["bytes"])
    back = gt.io.parse_tensor(b64(case["bytes"]), gt.string if case["dtype"] == "string" else case["dtype"])
    assert back.shape == tuple(case["shape"])
    assert back.numpy().tolist() == value.tolist()


def test_parse_tensor_type_mismatch():
    with pytest.raises(gt.errors.InvalidArgumentError, match=r"parsed tensor \(int32\) and dtype \(float32\)"):
        gt.io.parse_tensor(gt.io.serialize_tensor([1, 2]), gt.float32)


# -- PNG ------------------------------------------------------------------------------------------------
def _pattern(h, w, c, mod=256, dtype=np.uint8):
    i, j, k = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing="ij")
    return ((i * 7919 + j * 104729 + k * 1299709 + (i * j) // 3) % mod).astype(dtype)


PNG_IMAGES = {"ramp": lambda: np.arange(60, dtype=np.uint8).reshape(4, 5, 3) * 7,
              "gray": lambda: _pattern(6, 7, 1), "ga": lambda: _pattern(5, 3, 2), "rgba": lambda: _pattern(9, 4, 4),
              "smooth": lambda: ((np.add.outer(np.arange(40), np.arange(50))[..., None] * np.array([1, 2, 3, 4]))
                                 % 256).astype(np.uint8),
              "low_entropy": lambda: _pattern(150, 160, 1, mod=37), "big_rgb": lambda: _pattern(120, 130, 3),
              "u16_rgb": lambda: _pattern(5, 6, 3, mod=65536, dtype=np.uint16),
              "u16_gray": lambda: _pattern(30, 20, 1, mod=65521, dtype=np.uint16),
              "level9": lambda: _pattern(20, 30, 3, mod=50), "level0": lambda: _pattern(8, 8, 3),
              "level1": lambda: _pattern(20, 30, 3, mod=50)}


@pytest.mark.parametrize("name", sorted(PNG_IMAGES))
def test_encode_png_bytes_equal_tensorflow(name):
    case = REF["png"][name]
    img = PNG_IMAGES[name]()
    assert list(img.shape) == case["shape"] and str(img.dtype) == case["dtype"]
    png = gt.io.encode_png(img, compression=case["level"]).numpy()
    assert len(png) == case["length"]
    assert hashlib.sha256(png).hexdigest() == case["sha256"]
    assert np.array_equal(gt.io.decode_png(png, dtype=img.dtype).numpy(), img)


def test_encode_png_hard_coded():
    png = gt.io.encode_png(gt.constant(np.arange(60, dtype=np.uint8).reshape(4, 5, 3) * 7))
    assert png.numpy() == b64(TF_PNG)


@pytest.mark.parametrize("name", sorted(REF["png_decode"]))
def test_decode_png_channels_and_dtypes_equal_tensorflow(name):
    case = REF["png_decode"][name]
    data = b64(case["bytes"])
    for key, expected in case["results"].items():
        ch, dtype = key.split("_")
        got = gt.io.decode_png(data, channels=int(ch), dtype=dtype).numpy()
        assert got.dtype == np.dtype(dtype)
        assert got.tolist() == expected, key


@pytest.mark.parametrize("name", sorted(REF["png_handmade"]))
def test_decode_handmade_png_equal_tensorflow(name):
    case = REF["png_handmade"][name]
    for ch, expected in case["results"].items():
        assert gt.io.decode_png(b64(case["bytes"]), channels=int(ch)).numpy().tolist() == expected, ch


def test_decode_image_and_png_errors():
    img = gt.io.decode_image(b64(TF_PNG), dtype=gt.float32).numpy()
    assert img.dtype == np.float32 and np.allclose(img * 255, np.arange(60).reshape(4, 5, 3) * 7 % 256)
    with pytest.raises(gt.errors.InvalidArgumentError, match="channels"):
        gt.io.decode_png(b64(TF_PNG), channels=2)
    with pytest.raises(gt.errors.InvalidArgumentError, match="1, 2, 3, or 4 channels"):
        gt.io.encode_png(np.zeros((2, 2, 5), np.uint8))
    with pytest.raises(gt.errors.InvalidArgumentError, match="Unknown image file format"):
        gt.io.decode_image(b"not an image")
    assert bool(gt.io.is_jpeg(b"\xff\xd8\xff\xe0")) and not bool(gt.io.is_jpeg(b64(TF_PNG)))


# -- CSV, raw bytes, files ----------------------------------------------------------------------------
def test_decode_csv_equal_tensorflow():
    a, b, c = gt.io.decode_csv(["1,2.5,a", '3,,"b,""c"', ",4,"], [[0], [0.0], ["x"]])
    assert (a.dtype, b.dtype, c.dtype) == (np.int32, np.float32, np.dtype(object))
    assert [a.numpy().tolist(), b.numpy().tolist()] == REF["csv"][:2]
    assert c.numpy().tolist() == [b64(v) for v in REF["csv"][2]]


def test_decode_csv_options_and_errors():
    x, z = gt.io.decode_csv(["1;2;3"], [[0], gt.constant([0], gt.int64)], field_delim=";", select_cols=[0, 2])
    assert x.numpy().tolist() == [1] and z.numpy().tolist() == [3] and z.dtype == np.int64
    na, = gt.io.decode_csv(["NA"], [[7.0]], na_value="NA")
    assert na.numpy().tolist() == [7.0]
    with pytest.raises(gt.errors.InvalidArgumentError, match="Expect 3 fields but have 2 in record 0"):
        gt.io.decode_csv(["1,2"], [[0], [0], [0]])
    with pytest.raises(gt.errors.InvalidArgumentError, match="Field 1 is required but missing in record 0!"):
        gt.io.decode_csv(["1,"], [[0], gt.constant([], gt.int32)])
    with pytest.raises(gt.errors.InvalidArgumentError, match="not a valid int32: 1.5"):
        gt.io.decode_csv(["1.5"], [[0]])
    with pytest.raises(gt.errors.InvalidArgumentError, match="Unquoted fields cannot have quotes"):
        gt.io.decode_csv(['a"b'], [[""]])


def test_decode_raw_equal_tensorflow():
    out = gt.io.decode_raw([b"\x01\x02\x03\x04", b"\xff\xfe\xfd\xfc"], gt.int16, little_endian=False)
    assert out.numpy().tolist() == REF["raw"] and out.dtype == np.int16
    assert gt.io.decode_raw(b"\x01\x02\x03", gt.uint8, fixed_length=4).numpy().tolist() == [1, 2, 3, 0]
    with pytest.raises(gt.errors.InvalidArgumentError, match="same size"):
        gt.io.decode_raw([b"ab", b"abcd"], gt.uint8)
    with pytest.raises(gt.errors.InvalidArgumentError, match="not a multiple of 4"):
        gt.io.decode_raw(b"abc", gt.float32)


def test_read_write_file_and_gfile(tmp_path):
    path = _tmp(tmp_path, "d/e/f.bin")
    gt.io.write_file(path, b"\x00\xffdata")
    assert gt.io.read_file(path).numpy() == b"\x00\xffdata"
    with pytest.raises(gt.errors.NotFoundError):
        gt.io.read_file(_tmp(tmp_path, "nope"))
    gf = gt.io.gfile
    assert gf.exists(path) and gf.isdir(_tmp(tmp_path, "d")) and gf.listdir(_tmp(tmp_path, "d/e")) == ["f.bin"]
    gf.makedirs(_tmp(tmp_path, "g/h"))
    with gf.GFile(_tmp(tmp_path, "g/h/t.txt"), "w") as f:
        f.write("é\nline2\n")
    with gf.GFile(_tmp(tmp_path, "g/h/t.txt")) as f:
        assert f.read(1) == "é" and f.readline() == "\n" and list(f) == ["line2\n"]
    assert gf.glob(_tmp(tmp_path, "g/*/*.txt")) == [_tmp(tmp_path, "g/h/t.txt")]
    gf.copy(path, _tmp(tmp_path, "copy"))
    with pytest.raises(gt.errors.AlreadyExistsError):
        gf.copy(path, _tmp(tmp_path, "copy"))
    gf.remove(_tmp(tmp_path, "copy"))
    with pytest.raises(gt.errors.NotFoundError):
        gf.remove(_tmp(tmp_path, "copy"))
    assert gf.stat(path).length == 6
    gf.rmtree(_tmp(tmp_path, "g"))
    assert not os.path.exists(_tmp(tmp_path, "g"))
