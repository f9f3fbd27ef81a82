"""``gt.io``: files, TFRecords, ``tf.train.Example`` parsing, serialized tensors, PNG and CSV,
as ``tf.io``.

Everything is written in Python on NumPy and the standard library (``zlib`` for PNG and
compressed TFRecords); Pillow is used only, and only if installed, for JPEG, GIF and BMP.
String results are tensors of object dtype holding ``bytes`` (what TensorFlow gives; the
``gt.strings`` ops accept them). The bytes written (TFRecord files, compressed or not,
``serialize_tensor``, ``encode_png``, ``Example.SerializeToString``) are TensorFlow's.

>>> import os, tempfile, gradtape as gt
>>> path = os.path.join(tempfile.mkdtemp(), "train.tfrecord")
>>> with gt.io.TFRecordWriter(path) as w:
...     for label in (0, 1):
...         f = gt.train.Feature(int64_list=gt.train.Int64List(value=[label]))
...         w.write(gt.train.Example(features=gt.train.Features(feature={"y": f})).SerializeToString())
>>> spec = {"y": gt.io.FixedLenFeature([], gt.int64)}
>>> ds = gt.data.TFRecordDataset(path).map(lambda r: gt.io.parse_single_example(r, spec)["y"])
>>> [int(y) for y in ds]
[0, 1]
"""

from . import gfile
from ._csv import decode_csv
from ._images import (
    decode_and_crop_jpeg, decode_bmp, decode_gif, decode_image, decode_jpeg, encode_jpeg, extract_jpeg_shape, is_jpeg,
)
from ._ops import (
    decode_compressed, decode_png, decode_raw, encode_png, matching_files, parse_tensor, read_file, serialize_tensor,
    write_file,
)
from ._parse import FixedLenFeature, FixedLenSequenceFeature, VarLenFeature, parse_example, parse_single_example
from ._tfrecord import TFRecordCompressionType, TFRecordOptions, TFRecordWriter, tf_record_iterator

__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "TFRecordCompressionType", "TFRecordOptions",
           "TFRecordWriter", "VarLenFeature", "decode_and_crop_jpeg", "decode_bmp", "decode_compressed", "decode_csv",
           "decode_gif", "decode_image", "decode_jpeg", "decode_png", "decode_raw", "encode_jpeg", "encode_png",
           "extract_jpeg_shape", "gfile", "is_jpeg", "matching_files", "parse_example", "parse_single_example",
           "parse_tensor", "read_file", "serialize_tensor", "tf_record_iterator", "write_file"]
