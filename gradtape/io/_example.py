"""``tf.train.Example`` and its parts (tensorflow/core/example/example.proto, feature.proto).

The messages serialize to the bytes TensorFlow's protobuf messages give with
``SerializeToString(deterministic=True)``: map entries in key order. (TensorFlow's default
serialization writes a map in hash-table order, seeded per process, so its bytes for an
example of several features change from run to run; for one feature they are these bytes.)
"""

from __future__ import annotations

from ._message import Message

__all__ = ["BytesList", "Example", "Feature", "FeatureList", "FeatureLists", "Features", "FloatList",
           "Int64List", "SequenceExample"]


class BytesList(Message):
    """A list of byte strings, as ``tf.train.BytesList``.

    >>> import gradtape as gt
    >>> gt.train.BytesList(value=[b"ab", b"c"]).SerializeToString()
    b'\\n\\x02ab\\n\\x01c'
    """

    _FIELDS = {"value": (1, "bytes", None)}


class FloatList(Message):
    """A list of float32 values, as ``tf.train.FloatList`` (values are rounded to float32).

    >>> import gradtape as gt
    >>> gt.train.FloatList(value=[1.0, 0.5]).SerializeToString()
    b'\\n\\x08\\x00\\x00\\x80?\\x00\\x00\\x00?'
    >>> gt.train.FloatList(value=[0.1]).value[0]
    0.10000000149011612
    """

    _FIELDS = {"value": (1, "float", None)}


class Int64List(Message):
    """A list of int64 values, as ``tf.train.Int64List``.

    >>> import gradtape as gt
    >>> gt.train.Int64List(value=[1, 300]).SerializeToString()
    b'\\n\\x03\\x01\\xac\\x02'
    """

    _FIELDS = {"value": (1, "int64", None)}


class Feature(Message):
    """One feature: one of ``bytes_list``, ``float_list`` or ``int64_list``, as
    ``tf.train.Feature``.

    >>> import gradtape as gt
    >>> f = gt.train.Feature(int64_list=gt.train.Int64List(value=[7]))
    >>> f.WhichOneof("kind"), list(f.int64_list.value)
    ('int64_list', [7])
    >>> print(f)
    int64_list {
      value: 7
    }
    <BLANKLINE>
    """

    _FIELDS = {"bytes_list": (1, "msg", BytesList), "float_list": (2, "msg", FloatList),
               "int64_list": (3, "msg", Int64List)}
    _ONEOF = ("bytes_list", "float_list", "int64_list")
    _ONEOF_NAME = "kind"


class Features(Message):
    """Named features (``feature`` maps a name to a :class:`Feature`), as ``tf.train.Features``.

    >>> import gradtape as gt
    >>> fs = gt.train.Features(feature={"x": gt.train.Feature(float_list=gt.train.FloatList(value=[2.0]))})
    >>> sorted(fs.feature), list(fs.feature["x"].float_list.value)
    (['x'], [2.0])
    """

    _FIELDS = {"feature": (1, "map", Feature)}


class Example(Message):
    """A record of named features, as ``tf.train.Example``.

    >>> import gradtape as gt
    >>> ex = gt.train.Example(features=gt.train.Features(feature={
    ...     "label": gt.train.Feature(int64_list=gt.train.Int64List(value=[1]))}))
    >>> data = ex.SerializeToString()
    >>> data
    b'\\n\\x10\\n\\x0e\\n\\x05label\\x12\\x05\\x1a\\x03\\n\\x01\\x01'
    >>> gt.train.Example.FromString(data) == ex
    True
    >>> ex2 = gt.train.Example()
    >>> ex2.features.feature["label"].int64_list.value.append(1)
    >>> ex2 == ex
    True
    """

    _FIELDS = {"features": (1, "msg", Features)}


class FeatureList(Message):
    """A sequence of features (``feature`` is a list of :class:`Feature`), as
    ``tf.train.FeatureList``.

    >>> import gradtape as gt
    >>> fl = gt.train.FeatureList(feature=[gt.train.Feature(int64_list=gt.train.Int64List(value=[1]))])
    >>> len(fl.feature)
    1
    """

    _FIELDS = {"feature": (1, "msgs", Feature)}


class FeatureLists(Message):
    """Named feature sequences (``feature_list`` maps a name to a :class:`FeatureList`), as
    ``tf.train.FeatureLists``.

    >>> import gradtape as gt
    >>> sorted(gt.train.FeatureLists(feature_list={"t": gt.train.FeatureList()}).feature_list)
    ['t']
    """

    _FIELDS = {"feature_list": (1, "map", FeatureList)}


class SequenceExample(Message):
    """A record of ``context`` features and sequences of features (``feature_lists``), as
    ``tf.train.SequenceExample``.

    >>> import gradtape as gt
    >>> f = lambda v: gt.train.Feature(int64_list=gt.train.Int64List(value=v))
    >>> se = gt.train.SequenceExample(
    ...     context=gt.train.Features(feature={"n": f([2])}),
    ...     feature_lists=gt.train.FeatureLists(feature_list={"t": gt.train.FeatureList(feature=[f([1]), f([2])])}))
    >>> gt.train.SequenceExample.FromString(se.SerializeToString()) == se
    True
    """

    _FIELDS = {"context": (1, "msg", Features), "feature_lists": (2, "msg", FeatureLists)}
