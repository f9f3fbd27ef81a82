"""JPEG decoding (through Pillow, which the test extras bring with matplotlib), against
TensorFlow 2.21's ``decode_jpeg(..., dct_method="INTEGER_ACCURATE")`` of the same file, hard-coded
here: a 16x12 RGB gradient saved by Pillow at quality 90."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

import gradtape as gt

JPEG = (
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMU"
    "FRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU"
    "FBQUFBQUFBT/wAARCAAMABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUF"
    "BAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVW"
    "V1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi"
    "4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAEC"
    "AxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVm"
    "Z2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq"
    "8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD5S8HfAz7n+j/pXufg74Gf6v8A0f8ASvcfB3hHTPk/cV7n4O8I6Z+7/cV5uBzOeh43APiB"
    "i/c3P//Z"
)
TF_RGB = (
    "AQIACQMDFgULJgYVNgQdRQQmVgMtZAQ0cQY+fQVDjwZMngVVrgRdvQNmygVu0wh0BxEIDhMNHRQVLBUfPBImSxMwWxM4aBM9dhRH"
    "hBROlBZWpRRftBJnwhNw0RR42hd/CCURECcXHiggLSkqPSgxTic6XihCaidIeShRhilYlilgpSlotSdxxCZ60ymC2iuIBzgaEDsg"
    "HTwqLDwxPDs5TDtBXTtLajpQdzxYhD1flTxopT1ytTp5wzqA0T2L2z+SBk0hDk8nG1ExK1E4O1BBS1BKXFBUaU9adlFig1JolFFy"
    "o1F5s0+Bwk+K0lGU2lOYBmEoDWQvHGU4K2U/O2NIS2RRWmRbaGNgdWVog2VvlGV5pGWAs2OIwmKQ0WSb2megB3YxD3g1Hnk+LHpI"
    "PHlQTHhXXHhhanhneHpvhHl1l3p/pXmItHiRw3iX0Xmh23yoCIk3Dow7HY1FLY1OPYtXTIteXItnaItteIt1hYx8lo2GpYyPtIqW"
    "xIue0oyo2o+uCJ0/D6BFHaFOLaFWPaBfTp9nXKBxaaB4eaF/hqCFlqGQpaGWtaCfxJ+n06Cx2qO2B7FHELJNHrNXLbNePbFmTbJw"
    "XbJ5abF/eLOHhbOOl7SYprOftbGmxbGw0rO527a+C8ZVE8dZIshiMslsQsd0Ucd7YceFbceKe8iSiciZm8mkqsisuca0yce71sjF"
    "38vMD9JcGNRjJtZqNdVzRdR8VdSFZdWNcdSTgNWcjdWjntWrrta0vdO8zNLE2tbN49jU"
)
TF_GRAY = (
    "AQULERYbISYsMDc8QUZMUQ0RFx0hJy0xNzxDSExSWF0aHiQqLzU7P0VKUFVaX2ZqJisxNjtBR0tRVlxiZmtydzM3PUNITlRYXmNp"
    "bnN4f4M/REpPVFpgZGpvdXt/hIuQTVFXXWJnbXJ4fIOIjZKYnVldY2luc3l9g4iPlJiepKlmanB2e4CGi5GVnKGmq7G2cnZ8gYaM"
    "kpacoaitsbe9woGFi5GWm6Glq7C3vMDGzNGKj5Wan6Wrr7W6wMbKz9bb"
)


def _tf(b64, shape):
    return np.frombuffer(base64.b64decode(b64), np.uint8).reshape(shape)


def test_decode_jpeg_matches_tensorflow_accurate_dct():
    data = base64.b64decode(JPEG)
    rgb = gt.io.decode_jpeg(data)
    assert rgb.dtype == gt.uint8 and rgb.shape == (12, 16, 3)
    np.testing.assert_array_equal(rgb.numpy(), _tf(TF_RGB, (12, 16, 3)))
    np.testing.assert_array_equal(gt.io.decode_jpeg(data, channels=1).numpy(), _tf(TF_GRAY, (12, 16, 1)))
    np.testing.assert_array_equal(gt.io.decode_jpeg(gt.constant(data), dct_method="INTEGER_ACCURATE").numpy(),
                                  _tf(TF_RGB, (12, 16, 3)))
    assert gt.io.decode_jpeg(data, channels=4).shape == (12, 16, 4)
    as_float = gt.io.decode_image(data, dtype=gt.float32)
    np.testing.assert_allclose(as_float.numpy(), _tf(TF_RGB, (12, 16, 3)) / 255.0, rtol=1e-6)
    assert bool(gt.io.is_jpeg(data))


def test_image_dataset_from_directory_reads_jpeg_files(tmp_path):
    rng = np.random.default_rng(0)
    for label in ("cats", "dogs"):
        (tmp_path / label).mkdir()
        for i in range(3):
            Image.fromarray(rng.integers(0, 255, (10, 8, 3), dtype=np.uint8)).save(tmp_path / label / f"{i}.jpg")
    ds = gt.keras.utils.image_dataset_from_directory(str(tmp_path), image_size=(10, 8), batch_size=6,
                                                     shuffle=False)
    images, labels = next(iter(ds))
    assert images.shape == (6, 10, 8, 3) and labels.numpy().tolist() == [0, 0, 0, 1, 1, 1]
    first = np.asarray(Image.open(tmp_path / "cats" / "0.jpg").convert("RGB"), np.float32)
    np.testing.assert_allclose(images.numpy()[0], first, atol=1e-4)  # same size: no resizing


def test_a_corrupt_jpeg_raises_a_clear_error():
    with pytest.raises(gt.errors.InvalidArgumentError, match="decode_jpeg: the contents are not a valid image"):
        gt.io.decode_jpeg(base64.b64decode(JPEG)[:40])
    with pytest.raises(gt.errors.InvalidArgumentError, match="decode_image: the contents are not a valid image"):
        gt.io.decode_image(b"\xff\xd8\xff" + bytes(20))


def _gif_and_bmp(tmp_path):
    frames = [Image.fromarray(np.full((5, 7, 3), c, np.uint8)) for c in (0, 120, 250)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    bmp = io.BytesIO()
    Image.fromarray(np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)).save(bmp, format="BMP")
    return buf.getvalue(), bmp.getvalue()


def test_the_other_codecs_match_tensorflow(tmp_path):
    # TensorFlow 2.21's results on the same bytes
    data = base64.b64decode(JPEG)
    shape = gt.io.extract_jpeg_shape(data)
    assert shape.dtype == gt.int32 and shape.numpy().tolist() == [12, 16, 3]
    assert gt.io.extract_jpeg_shape(data, output_type=gt.int64).dtype == gt.int64
    gif, bmp = _gif_and_bmp(tmp_path)
    frames = gt.io.decode_gif(gif)
    assert frames.shape == (3, 5, 7, 3) and [int(f.mean()) for f in frames.numpy()] == [0, 120, 250]
    pixels = gt.io.decode_bmp(bmp)
    assert pixels.shape == (4, 6, 3) and pixels.numpy().ravel()[:8].tolist() == list(range(8))
    assert int(pixels.numpy().sum()) == 2556
    crop = gt.io.decode_and_crop_jpeg(data, [2, 3, 4, 5])
    np.testing.assert_array_equal(crop.numpy(), _tf(TF_RGB, (12, 16, 3))[2:6, 3:8])
    with pytest.raises(gt.errors.InvalidArgumentError, match="does not fit"):
        gt.io.decode_and_crop_jpeg(data, [10, 0, 4, 4])
    import gzip
    import zlib
    assert gt.io.decode_compressed([gzip.compress(b"abc"), gzip.compress(b"")], "GZIP").numpy().tolist() == [b"abc", b""]
    assert gt.io.decode_compressed(zlib.compress(b"xy"), "ZLIB").numpy() == b"xy"
    with pytest.raises(gt.errors.InvalidArgumentError, match="not valid GZIP"):
        gt.io.decode_compressed(b"plain", "GZIP")
    for name in ("b.png", "a.png", "c.txt"):
        (tmp_path / name).write_bytes(b"")
    assert gt.io.matching_files(str(tmp_path / "*.png")).numpy().tolist() == [
        str(tmp_path / "a.png").encode(), str(tmp_path / "b.png").encode()]


def test_encode_jpeg_and_the_quality_augmentations():
    encoded = gt.io.encode_jpeg(np.full((4, 4, 3), 128, np.uint8))
    assert encoded.dtype == gt.string and encoded.shape == ()
    assert float(gt.io.decode_jpeg(encoded).numpy().mean()) == 128.0  # TensorFlow's too
    gray = gt.image.encode_jpeg(np.full((3, 5, 1), 40, np.uint8), quality=100)
    assert gt.image.decode_jpeg(gray).shape == (3, 5, 1) and gt.io.extract_jpeg_shape(gray).numpy().tolist() == [3, 5, 1]
    rng = np.random.default_rng(0)
    smooth = np.repeat(np.repeat(rng.integers(0, 255, (4, 4, 3), dtype=np.uint8), 8, 0), 8, 1)
    best = gt.io.decode_jpeg(gt.io.encode_jpeg(smooth, quality=100)).numpy().astype(int)
    worst = gt.io.decode_jpeg(gt.io.encode_jpeg(smooth, quality=5)).numpy().astype(int)
    assert np.abs(best - smooth).mean() < np.abs(worst - smooth).mean()
    adjusted = gt.image.adjust_jpeg_quality(np.full((8, 8, 3), 0.5, np.float32), 75)
    assert adjusted.dtype == gt.float32 and adjusted.shape == (8, 8, 3)
    assert float(gt.reduce_mean(adjusted)) == pytest.approx(0.49803924560546875)  # TensorFlow's value
    assert gt.image.random_jpeg_quality(smooth, 10, 90, seed=3).dtype == gt.uint8
    with pytest.raises(ValueError, match="quality must be in"):
        gt.io.encode_jpeg(smooth, quality=101)
    with pytest.raises(ValueError, match="uint8 \\[height, width, channels\\]"):
        gt.io.encode_jpeg(np.zeros((4, 4), np.uint8))
