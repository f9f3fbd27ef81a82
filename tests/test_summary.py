"""gt.summary: event files framed and encoded as TensorFlow's, checked against an event file that
TensorFlow 2.21 wrote (below, base64) and against TensorFlow's summary semantics."""

import base64
import os
import re
import struct
import types
import zlib

import numpy as np
import pytest

import gradtape as gt
from gradtape.summary import _proto, _records, _writer

# Written by TensorFlow 2.21 (tf.summary with TensorBoard 2.21) with the calls in
# _write_fixture_calls below, at the wall times stored in it.
TF_EVENTS = base64.b64decode(
    "PgAAAAAAAADZ0kDnCQAAwNG5wtpBGg1icmFpbi5FdmVudDoyUiQKInRlbnNvcmZsb3cuY29yZS51dGlsLmV2ZW50c193cml0"
    "ZXLmubZ0LgAAAAAAAADFy1f6Cfd12NG5wtpBEAEqIQofCgRsb3NzQgoIARIAIgQAAIA+SgsKCQoHc2NhbGFyc8IhjRs8AAAA"
    "AAAAAMi3o1IJmX7Y0bnC2kEQgICAgIAgKioKKAoDYWNjQgoIARIAIgQAAGA/ShUKCQoHc2NhbGFycxoIYWNjdXJhY3mAg47E"
    "PAAAAAAAAADIt6NSCZyi2NG5wtpBEP///////////wEqJgokCglzY29wZS9uZWdCCggBEgAiBAAAQMBKCwoJCgdzY2FsYXJz"
    "+C9d6HoAAAAAAAAAE4mGeAmxiNvRucLaQRADKm0KawoBd0JWCAISCBICCAMSAggDIkgAAAAAAADwP6qqqqqqqgJAAAAAAAAA"
    "CECqqqqqqqoCQFVVVVVVVQ1AAAAAAAAAAABVVVVVVVUNQAAAAAAAABRAAAAAAAAA8D9KDgoMCgpoaXN0b2dyYW1zoNqMm2QA"
    "AAAAAAAAQ18c3wno3tvRucLaQRADKlcKVQoDb25lQj4IAhIIEgIIAhICCAMiMAAAAAAAABBAAAAAAAAAEEAAAAAAAAAAAAAA"
    "AAAAABBAAAAAAAAAEEAAAAAAAADwP0oOCgwKCmhpc3RvZ3JhbXNEs+M6ZgAAAAAAAAByO4dqCRMO3NG5wtpBEAMqWQpXCgVl"
    "bXB0eUI+CAISCBICCAISAggDIjAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABKDgoM"
    "CgpoaXN0b2dyYW1zSwcunTEAAAAAAAAAnYOD6QkNHNzRucLaQRADKiQKIgoEbm9uZUIKCAISBhIAEgIIA0oOCgwKCmhpc3Rv"
    "Z3JhbXO4ZYagLQAAAAAAAAA8QYr7CUdX3NG5wtpBEAQqIAoeCgRub3RlQgwIBxIAQgZow6lsbG9KCAoGCgR0ZXh0zkaCTDkA"
    "AAAAAAAAiwc38QlrYtzRucLaQRAEKiwKKgoEZ3JpZEIYCAcSCBICCAISAggCQgFhQgFiQgBCAmNkSggKBgoEdGV4dIovKuFq"
    "AAAAAAAAAK+B7WcJgEnd0bnC2kEQBSpdClsKBGJlZXBCRAgHEggSAggBEgIIAkI0UklGRiwAAABXQVZFZm10IBAAAAABAAEA"
    "QB8AAIA+AAACABAAZGF0YQgAAAAAAABAAID/f0IASg0KCwoFYXVkaW8SAhALUcB1DoIAAAAAAAAAez/DXwluxN3RucLaQRAG"
    "KnUKcwoCcHhCYQgHEgQSAggDQgEzQgEyQlGJUE5HDQoaCgAAAA1JSERSAAAAAwAAAAIIAgAAABIW8U0AAAAYSURBVAiZY2Tg"
    "k9HS0tLS0mKs65kFYQEAIMoDyfVBuB4AAAAASUVORK5CYIJKCgoICgZpbWFnZXNIpI8g"
)
# A TensorFlow 1 event (tf.compat.v1.Event): tag "old", simple_value 0.5, step 9, wall time 1.5
TF1_EVENT = bytes.fromhex("09000000000000f83f10092a0c0a0a0a036f6c64150000003f")


def _write_fixture_calls(summary, name_scope):
    summary.scalar("loss", 0.25, step=1)
    summary.scalar("acc", 0.875, step=2**40, description="accuracy")
    with name_scope("scope"):
        summary.scalar("neg", -3, step=-1)
    summary.histogram("w", [1.0, 2.0, 2.0, 5.0], step=3, buckets=3)
    summary.histogram("one", [4.0], step=3, buckets=2)
    summary.histogram("empty", np.zeros(0), step=3, buckets=2)
    summary.histogram("none", [1.0, 2.0], step=3, buckets=0)
    summary.text("note", "h\u00e9llo", step=4)
    summary.text("grid", [["a", "b"], ["", "cd"]], step=4)
    summary.audio("beep", np.array([[[0.0], [0.5], [-1.0], [1.5]]], np.float32), 8000, step=5)
    summary.image("px", _PIXELS, step=6)


_PIXELS = np.arange(18, dtype=np.uint8).reshape(1, 2, 3, 3) * 14


def _framed(raw: bytes) -> list:
    """Each record of a TFRecord file with its framing."""
    out, pos = [], 0
    while pos < len(raw):
        (n,) = struct.unpack("<Q", raw[pos:pos + 8])
        out.append(raw[pos:pos + n + 16])
        pos += n + 16
    return out


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _png_pixels(png: bytes) -> np.ndarray:
    """Decode an 8-bit PNG (any of the five row filters), checking each chunk's CRC."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", png[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body)
        header = struct.unpack(">IIBBBBB", body) if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + n
    width, height, depth, color = header[:4]
    assert depth == 8
    ch = {0: 1, 4: 2, 2: 3, 6: 4}[color]
    raw, stride = zlib.decompress(idat), width * ch
    prev, rows = [0] * stride, []
    for r in range(height):
        f, line = raw[r * (stride + 1)], raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)]
        cur = [0] * stride
        for i in range(stride):
            a, c = (cur[i - ch], prev[i - ch]) if i >= ch else (0, 0)
            cur[i] = (line[i] + [0, a, prev[i], (a + prev[i]) // 2, _paeth(a, prev[i], c)][f]) & 0xFF
        rows.append(cur)
        prev = cur
    return np.array(rows, np.uint8).reshape(height, width, ch)


def _events(path):
    return [(e.step, v.tag, v.metadata.plugin_data.plugin_name, v.tensor)
            for e in gt.summary.read_events(path) if e.summary for v in e.summary.value]


def _only_file(logdir) -> str:
    (name,) = os.listdir(logdir)
    return os.path.join(logdir, name)


# -- the record format ---------------------------------------------------------------------------
def test_crc32c_known_values():
    assert _records.crc32c(b"") == 0
    assert _records.crc32c(b"123456789") == 0xE3069283
    assert _records.crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720's test vectors
    assert _records.crc32c(b"\xff" * 32) == 0x62A8AB43
    assert _records.crc32c(bytes(range(32))) == 0x46DD794E


def test_framing_is_tensorflows():
    records = list(_records.iter_records(TF_EVENTS))
    assert len(records) == 12
    assert b"".join(_records.frame(r) for r in records) == TF_EVENTS


@pytest.mark.parametrize("where, message", [(3, "length's checksum"), (20, "data's checksum"),
                                            (len(_framed(TF_EVENTS)[0]) - 1, "data's checksum")])
def test_a_corrupted_record_is_an_error(tmp_path, where, message):
    bad = bytearray(TF_EVENTS)
    bad[where] ^= 0x01
    path = tmp_path / "events.out.tfevents.bad"
    path.write_bytes(bytes(bad))
    with pytest.raises(ValueError, match=f"corrupted record at 0 .*{message}"):
        list(gt.summary.read_events(path))


def test_a_truncated_file_is_an_error(tmp_path):
    path = tmp_path / "events.out.tfevents.cut"
    path.write_bytes(TF_EVENTS[:-3])
    with pytest.raises(ValueError, match="truncated record at"):
        list(gt.summary.read_events(path))


# -- reading TensorFlow's file --------------------------------------------------------------------
def test_read_tensorflows_event_file(tmp_path):
    path = tmp_path / "events.out.tfevents.tf"
    path.write_bytes(TF_EVENTS)
    first, *rest = list(gt.summary.read_events(path))
    assert first.file_version == "brain.Event:2" and first.step == 0 and first.summary is None
    assert first.wall_time == int(first.wall_time) and not first.HasField("summary")
    assert all(e.wall_time >= first.wall_time for e in rest)
    got = {tag: (step, plugin, t) for step, tag, plugin, t in _events(path)}
    assert list(got) == ["loss", "acc", "scope/neg", "w", "one", "empty", "none", "note", "grid", "beep", "px"]
    step, plugin, t = got["loss"]
    assert (step, plugin, t.dtype, t.shape, float(t)) == (1, "scalars", np.float32, (), 0.25)
    assert got["acc"][0] == 2**40 and got["scope/neg"][0] == -1 and float(got["scope/neg"][2]) == -3.0
    assert rest[1].summary.value[0].metadata.summary_description == "accuracy"
    w = got["w"][2]
    assert got["w"][1] == "histograms" and w.dtype == np.float64
    e1, e2 = 1.0 + 4 / 3, 1.0 + 4 / 3 * 2  # tf.linspace's edges: start + delta * i
    np.testing.assert_array_equal(w, [[1.0, e1, 3.0], [e1, e2, 0.0], [e2, 5.0, 1.0]])
    np.testing.assert_array_equal(got["one"][2], [[4.0, 4.0, 0.0], [4.0, 4.0, 1.0]])
    np.testing.assert_array_equal(got["empty"][2], np.zeros((2, 3)))
    assert got["none"][2].shape == (0, 3)
    assert got["note"][1] == "text" and got["note"][2].tolist() == "h\u00e9llo".encode()
    assert got["grid"][2].tolist() == [[b"a", b"b"], [b"", b"cd"]]
    beep = got["beep"][2]
    assert got["beep"][1] == "audio" and beep.shape == (1, 2) and beep[0, 1] == b""
    assert rest[9].summary.value[0].metadata.plugin_data.content == b"\x10\x0b"  # encoding: WAV
    assert np.frombuffer(beep[0, 0][44:], "<i2").tolist() == [0, 16384, -32768, 32767]
    px = got["px"][2]
    assert got["px"][1] == "images" and px[:2].tolist() == [b"3", b"2"] and len(px) == 3
    np.testing.assert_array_equal(_png_pixels(px[2]), _PIXELS[0])  # libpng's adaptive row filters


def test_read_a_tensorflow_1_simple_value(tmp_path):
    path = tmp_path / "events.out.tfevents.v1"
    path.write_bytes(_records.frame(TF1_EVENT))
    (event,) = gt.summary.read_events(path)
    value = event.summary.value[0]
    assert (event.wall_time, event.step, value.tag, value.simple_value, value.tensor) == (1.5, 9, "old", 0.5, None)



def test_decode_tensor_protos_as_make_ndarray():
    # tf.make_tensor_proto(1.5, tf.float32, [3]): one float_val fills the shape
    np.testing.assert_array_equal(_proto.decode_tensor(bytes.fromhex("08011204120208032a040000c03f")), [1.5] * 3)
    got = _proto.decode_tensor(bytes.fromhex("08091204120208022210ffffffffffffffff0200000000000000"))
    assert got.dtype == np.int64 and got.tolist() == [-1, 2]
    assert _proto.decode_tensor(bytes.fromhex("08071204120208024201614200")).tolist() == [b"a", b""]
    complex_ = _proto.decode_tensor(bytes.fromhex("08121204120208016210000000000000f03f0000000000000040"))
    assert complex_.dtype == np.complex128 and complex_.tolist() == [1 + 2j]
    for array in (np.array([True, False]), np.arange(4, dtype=np.float16), np.array([-5, 7], np.int8),
                  np.array([2**63 + 5], np.uint64), np.arange(3, dtype=">f4")):
        back = _proto.decode_tensor(_proto.encode_tensor(array))
        assert back.dtype == array.dtype.newbyteorder("=") and back.tolist() == array.tolist()

# -- writing TensorFlow's bytes -------------------------------------------------------------------
def test_gradtape_writes_the_records_tensorflow_wrote(tmp_path, monkeypatch):
    path = tmp_path / "tf" / "events.out.tfevents.tf"
    path.parent.mkdir()
    path.write_bytes(TF_EVENTS)
    times = iter([e.wall_time for e in gt.summary.read_events(path)][1:])
    monkeypatch.setattr(_writer, "time", types.SimpleNamespace(time=lambda: next(times)))
    writer = gt.summary.create_file_writer(tmp_path / "gt")
    with writer.as_default():
        _write_fixture_calls(gt.summary, gt.name_scope)
    writer.close()
    ours, theirs = _framed(open(_only_file(tmp_path / "gt"), "rb").read()), _framed(TF_EVENTS)
    assert len(ours) == len(theirs)
    # every summary record is TensorFlow's to the byte, framing included, but the PNG's own bytes
    assert ours[1:-1] == theirs[1:-1]
    mine = _proto.decode_event(list(_records.iter_records(ours[-1]))[0])
    tf_px = _proto.decode_event(list(_records.iter_records(theirs[-1]))[0])
    assert (mine.wall_time, mine.step) == (tf_px.wall_time, tf_px.step)
    a, b = mine.summary.value[0], tf_px.summary.value[0]
    assert (a.tag, a.metadata, a.tensor[:2].tolist()) == (b.tag, b.metadata, b.tensor[:2].tolist())
    np.testing.assert_array_equal(_png_pixels(a.tensor[2]), _png_pixels(b.tensor[2]))
    # the first record: the file version at a whole second, as TensorFlow's
    first = _proto.decode_event(list(_records.iter_records(ours[0]))[0])
    assert first.file_version == "brain.Event:2" and first.wall_time == int(first.wall_time)


# -- writers, steps and recording, as TensorFlow's -------------------------------------------------
def test_file_name_and_first_record(tmp_path):
    writer = gt.summary.create_file_writer(tmp_path / "new" / "dir", filename_suffix=".mine")
    path = _only_file(tmp_path / "new" / "dir")
    assert re.fullmatch(rf"events\.out\.tfevents\.\d{{10}}\.[^/]+\.{os.getpid()}\.\d+\.mine", os.path.basename(path))
    (first,) = gt.summary.read_events(path)  # written and flushed at creation
    assert first.file_version == "brain.Event:2"
    writer.close()
    second = gt.summary.create_file_writer(tmp_path / "new" / "dir")
    assert len(os.listdir(tmp_path / "new" / "dir")) == 2 and second is not writer


def test_return_values_and_steps(tmp_path):
    assert gt.summary.scalar("a", 1.0) is False  # no default writer: no step needed
    with pytest.raises(ValueError, match="Expected scalar shape, saw shape: \\(2,\\)"):
        gt.summary.scalar("a", [1.0, 2.0])
    with pytest.raises(ValueError, match="`step` must be a scalar"):
        gt.summary.scalar("a", 1.0, step=[1, 2])
    with pytest.raises(TypeError, match="Cannot convert 1.5"):
        gt.summary.scalar("a", 1.0, step=1.5)
    writer = gt.summary.create_file_writer(tmp_path)
    with writer.as_default() as w:
        assert w is writer
        with pytest.raises(ValueError, match="No step set"):
            gt.summary.scalar("a", 1.0)
        assert gt.summary.scalar("b", 2.0, step=gt.constant(4, gt.int64)) is True
    with writer.as_default(step=gt.Variable(np.int64(7))):
        assert gt.summary.experimental.get_step() is not None
        gt.summary.scalar("c", 3.0)
    assert gt.summary.experimental.get_step() is None
    gt.summary.experimental.set_step(9)
    try:
        with writer.as_default():
            gt.summary.text("d", "x")
    finally:
        gt.summary.experimental.set_step(None)
    assert [(s, t) for s, t, _, _ in _events(_only_file(tmp_path))] == [(4, "b"), (7, "c"), (9, "d")]


def test_record_if_and_should_record(tmp_path):
    assert gt.summary.should_record_summaries() is False
    writer = gt.summary.create_file_writer(tmp_path)
    calls = []
    with writer.as_default(step=0):
        assert gt.summary.should_record_summaries() is True
        with gt.summary.record_if(False):
            assert gt.summary.scalar("no", 1.0) is False and not gt.summary.should_record_summaries()
        with gt.summary.record_if(lambda: calls.append(1) or len(calls) > 1):
            assert gt.summary.scalar("first", 1.0) is False and gt.summary.scalar("second", 1.0) is True
        with gt.summary.record_if(gt.constant(True)):
            assert gt.summary.histogram("h", [1.0, 2.0]) is True
    assert [t for _, t, _, _ in _events(_only_file(tmp_path))] == ["second", "h"]


def test_flush_queue_close_and_noop(tmp_path):
    writer = gt.summary.create_file_writer(tmp_path, max_queue=2)
    path = _only_file(tmp_path)
    writer.set_as_default(step=1)
    try:
        gt.summary.scalar("a", 1.0)
        gt.summary.scalar("b", 1.0)
        assert _events(path) == []  # queued: at most max_queue events wait
        gt.summary.scalar("c", 1.0)
        assert len(_events(path)) == 3
        gt.summary.scalar("d", 1.0)
        gt.summary.flush()
        assert len(_events(path)) == 4
        with pytest.raises(ValueError, match="Invalid argument to flush"):
            gt.summary.flush(3)
        writer.close()
        writer.close()  # twice is fine, as is flush
        writer.flush()
        with pytest.raises(RuntimeError, match="already closed"):
            writer.as_default()
        with pytest.raises(RuntimeError, match="closed"):
            gt.summary.scalar("e", 1.0)
    finally:  # set_as_default has no context to leave
        _writer._state.writer = _writer._state.step = None
    noop = gt.summary.create_noop_writer()
    with noop.as_default() as inside:
        assert inside is None and gt.summary.scalar("x", 1.0, step=0) is False
    with pytest.raises(ValueError, match="logdir"):
        gt.summary.create_file_writer(None)


def test_tags_and_name_scopes(tmp_path):
    with gt.summary.create_file_writer(tmp_path).as_default(step=0):
        with gt.name_scope("outer") as outer, gt.name_scope("inner") as inner:
            gt.summary.scalar("s a!", 1.0)
            with gt.name_scope("top/") as top:
                gt.summary.scalar("t", 1.0)
        gt.summary.scalar("", 1.0)
        gt.summary.histogram(None, [1.0])
    assert (outer, inner, top) == ("outer/", "outer/inner/", "top/")
    tags = [t for _, t, _, _ in _events(_only_file(tmp_path))]
    assert tags == ["outer/inner/s a!", "top/t", "scalar_summary", "histogram_summary"]


# -- the values -----------------------------------------------------------------------------------
def _one(tmp_path, fn, *args, **kwargs):
    with gt.summary.create_file_writer(tmp_path).as_default(step=0):
        assert fn(*args, **kwargs) is True
    return _events(_only_file(tmp_path))[0][3]


def test_histogram_buckets_as_tensorflow(tmp_path):
    # the values TensorFlow 2.21 wrote for NaN and infinite data
    np.testing.assert_array_equal(_one(tmp_path / "a", gt.summary.histogram, "h", [1.0, np.nan, 3.0], buckets=2),
                                  [[np.nan, np.nan, 0.0], [np.nan, np.nan, 0.0]])
    np.testing.assert_array_equal(_one(tmp_path / "b", gt.summary.histogram, "h", [1.0, np.inf], buckets=2),
                                  [[1.0, np.inf, 1.0], [np.inf, np.inf, 0.0]])
    # Python floats become float32 first, as tf.convert_to_tensor makes them
    h = _one(tmp_path / "c", gt.summary.histogram, "h", [0.1, 0.3], buckets=1)
    np.testing.assert_array_equal(h, [[np.float32(0.1), np.float32(0.3), 2.0]])
    data = np.random.default_rng(0).normal(size=(40, 25))
    h = _one(tmp_path / "d", gt.summary.histogram, "h", gt.constant(data))
    assert h.shape == (30, 3) and h[:, 2].sum() == 1000 and h[0, 0] == data.min() and h[-1, 1] == data.max()
    np.testing.assert_array_equal(h[:, 2], np.histogram(data, 30)[0])
    with pytest.raises(TypeError, match="buckets must be an int"):
        gt.summary.histogram("h", [1.0], step=0, buckets=2.5)


def test_images(tmp_path):
    rgba = np.random.default_rng(1).integers(0, 256, size=(4, 3, 5, 4)).astype(np.uint8)
    t = _one(tmp_path / "a", gt.summary.image, "i", rgba, max_outputs=2)
    assert t[:2].tolist() == [b"5", b"3"] and len(t) == 4
    for png, want in zip(t[2:], rgba):
        np.testing.assert_array_equal(_png_pixels(png), want)
    for channels in (1, 2, 3):
        floats = np.linspace(-0.5, 1.5, 6 * channels).reshape(1, 2, 3, channels)
        t = _one(tmp_path / f"c{channels}", gt.summary.image, "i", floats)
        want = np.clip(floats * 255.5, 0, 255).astype(np.uint8)[0]  # convert_image_dtype(saturate=True)
        np.testing.assert_array_equal(_png_pixels(t[2]), want)
    assert _one(tmp_path / "none", gt.summary.image, "i", rgba, max_outputs=0).tolist() == [b"5", b"3"]
    with gt.summary.create_file_writer(tmp_path / "bad").as_default(step=0):
        with pytest.raises(ValueError, match="must have rank 4"):
            gt.summary.image("i", np.zeros((2, 2, 3)))
        with pytest.raises(gt.errors.InvalidArgumentError):
            gt.summary.image("i", np.zeros((1, 2, 2, 3)), max_outputs=-1)
        with pytest.raises(ValueError, match="1, 2, 3, or 4 channels, got 5"):
            gt.summary.image("i", np.zeros((1, 2, 2, 5)))


def test_audio_text_and_scalar_values(tmp_path):
    clip = np.array([-1.0, -0.5, 0.3, 1.0, 1.5, 0.99999, -1.00002, 1 / 65536, 3 / 65536, -1 / 65536], np.float32)
    t = _one(tmp_path / "a", gt.summary.audio, "a", np.stack([clip[:, None]] * 3), 16000, max_outputs=2)
    assert t.shape == (2, 2) and t[:, 1].tolist() == [b"", b""]
    wav = t[0, 0]
    assert wav[:4] == b"RIFF" and struct.unpack("<HHIIHH", wav[20:36]) == (1, 1, 16000, 32000, 2, 16)
    # tf.audio.encode_wav's samples for the same clip
    assert np.frombuffer(wav[44:], "<i2").tolist() == [-32768, -16384, 9830, 32767, 32767, 32767, -32768, 1, 2, -1]
    with pytest.raises(ValueError, match="Unknown encoding"):
        gt.summary.audio("a", np.zeros((1, 2, 1)), 8000, step=0, encoding="mp3")
    assert _one(tmp_path / "t", gt.summary.text, "t", gt.constant(["x", "yz"])).tolist() == [b"x", b"yz"]
    with pytest.raises(TypeError, match="tf.string"):
        gt.summary.text("t", 5, step=0)
    s = _one(tmp_path / "s", gt.summary.scalar, "s", gt.Variable(2.5, dtype=gt.float64))
    assert s.dtype == np.float32 and float(s) == 2.5
    with pytest.raises(TypeError, match="must be a number"):
        gt.summary.scalar("s", "x", step=0)
    raw = _one(tmp_path / "w", gt.summary.write, "raw", np.arange(6, dtype=np.int16).reshape(2, 3))
    assert raw.dtype == np.int16 and raw.tolist() == [[0, 1, 2], [3, 4, 5]]


def test_trace_functions_only_warn():
    for fn, args in ((gt.summary.trace_on, ()), (gt.summary.trace_export, ("t",)), (gt.summary.trace_off, ())):
        with pytest.warns(UserWarning, match="no graphs"):
            assert fn(*args) is None
