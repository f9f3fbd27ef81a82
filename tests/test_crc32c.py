"""CRC-32C: the vectorized forms (lanes of one long string, many strings at once) against a
plain bit-by-bit reference written here, and TFRecord reading with checksums checked in batches."""

import numpy as np
import pytest

import gradtape as gt
from gradtape.summary._crc32c import crc32c, crc32c_many, crc32c_python


def reference(data: bytes) -> int:
    """Bit by bit, from the reflected Castagnoli polynomial (no tables)."""
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def test_known_values():
    assert crc32c(b"123456789") == 0xE3069283  # the standard check value
    assert crc32c(b"") == 0
    assert crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720, 32 bytes of zeros
    assert crc32c(b"\xff" * 32) == 0x62A8AB43  # RFC 3720, 32 bytes of 0xff


@pytest.mark.parametrize("n", [1 << 15, (1 << 15) + 1, 100_003, 1 << 18, 777_777])
def test_one_long_string_in_lanes_matches_the_loop(n):
    data = np.random.default_rng(n).integers(0, 256, n, dtype=np.uint8).tobytes()
    expected = crc32c_python(data) ^ 0xFFFFFFFF
    assert crc32c(data) == expected
    assert crc32c(bytearray(data)) == expected
    if n < 200_000:
        assert expected == reference(data)


def test_many_strings_of_mixed_lengths():
    rng = np.random.default_rng(1)
    lengths = [0, 0, 1, 2, 3, 7, 8, 9] + list(rng.integers(0, 600, 300)) + [5000] * 20 + [40_000, 70_000]
    items = [rng.integers(0, 256, int(n), dtype=np.uint8).tobytes() for n in lengths]
    rng.shuffle(items)
    got = crc32c_many(items)
    assert got == [crc32c_python(x) ^ 0xFFFFFFFF for x in items]
    assert crc32c_many([]) == []
    assert crc32c_many([b"123456789"] * 10) == [0xE3069283] * 10


def _write(path, records):
    with gt.io.TFRecordWriter(str(path)) as w:
        for r in records:
            w.write(r)


def test_tfrecords_read_in_batches_and_a_corrupt_record_stops_after_the_good_ones(tmp_path):
    rng = np.random.default_rng(2)
    records = [rng.integers(0, 256, int(n), dtype=np.uint8).tobytes() for n in rng.integers(0, 3000, 400)]
    path = tmp_path / "a.tfrecord"
    _write(path, records)
    assert list(gt.io.tf_record_iterator(str(path))) == records
    data = bytearray(path.read_bytes())
    # flip a byte inside the 101st record's data
    offset = sum(16 + len(r) for r in records[:100]) + 12
    data[offset + len(records[100]) // 2] ^= 0x40
    path.write_bytes(bytes(data))
    seen = []
    with pytest.raises(gt.errors.DataLossError, match="data's checksum"):
        for r in gt.io.tf_record_iterator(str(path)):
            seen.append(r)
    assert seen == records[:100]
    # a corrupt length: the records before it are still read
    data = bytearray(_tfrecord_bytes(tmp_path, records[:5]))
    data[sum(16 + len(r) for r in records[:3])] ^= 1
    path.write_bytes(bytes(data))
    seen = []
    with pytest.raises(gt.errors.DataLossError, match="length's checksum"):
        for r in gt.io.tf_record_iterator(str(path)):
            seen.append(r)
    assert seen == records[:3]


def _tfrecord_bytes(tmp_path, records):
    p = tmp_path / "tmp.tfrecord"
    _write(p, records)
    return p.read_bytes()


def test_a_large_record_round_trips(tmp_path):
    big = np.random.default_rng(3).integers(0, 256, 3_000_000, dtype=np.uint8).tobytes()
    path = tmp_path / "big.tfrecord"
    _write(path, [b"x", big, b""])
    assert list(gt.data.TFRecordDataset(str(path)).map(lambda s: gt.strings.length(s))
                .as_numpy_iterator()) == [1, 3_000_000, 0]


@pytest.mark.parametrize("compression", [None, "GZIP", "ZLIB"])
def test_the_writer_frames_in_batches_and_flush_writes_everything(tmp_path, compression):
    rng = np.random.default_rng(4)
    records = [rng.integers(0, 256, int(n), dtype=np.uint8).tobytes()
               for n in list(rng.integers(0, 900, 2500)) + [50_000]]
    path = str(tmp_path / "w.tfrecord")
    writer = gt.io.TFRecordWriter(path, compression)
    for r in records[:1500]:
        writer.write(r)
    writer.flush()  # a reader now sees every record written so far
    assert list(gt.io.tf_record_iterator(path, compression)) == records[:1500]
    for r in records[1500:]:
        writer.write(r)
    writer.close()
    assert list(gt.io.tf_record_iterator(path, compression)) == records
    with pytest.raises(ValueError, match="write after close"):
        writer.write(b"x")
