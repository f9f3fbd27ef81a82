"""JPEG decoding (through Pillow, which the test extras bring with matplotlib), against
TensorFlow 2.21's ``decode_jpeg(..., dct_method="INTEGER_ACCURATE")`` of the same file, hard-coded
here: a 16x12 RGB gradient saved by Pillow at quality 90."""

import base64

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
