"""gt.train.Example and its parts, parse_example / parse_single_example against TensorFlow
(tests/data/io_reference.json from tools/io_reference.py), and a TFRecord input pipeline
feeding a Keras model."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest

import gradtape as gt

REF = json.loads((Path(__file__).parent / "data" / "io_reference.json").read_text())
b64 = base64.b64decode


def _feature(kind, values):
    if kind == "int64":
        return gt.train.Feature(int64_list=gt.train.Int64List(value=values))
    if kind == "float":
        return gt.train.Feature(float_list=gt.train.FloatList(value=values))
    if kind == "bytes":
        return gt.train.Feature(bytes_list=gt.train.BytesList(value=values))
    return gt.train.Feature()


def _example(spec):
    if spec is None:
        return gt.train.Example()
    feats = {k: _feature(kind, [b64(v) for v in vals] if kind == "bytes" else vals) for k, (kind, vals) in spec.items()}
    return gt.train.Example(features=gt.train.Features(feature=feats))


@pytest.mark.parametrize("name", sorted(REF["examples"]))
def test_example_bytes_and_text_equal_tensorflow(name):
    case = REF["examples"][name]
    ex = _example(case["spec"])
    assert ex.SerializeToString() == b64(case["bytes"])
    if case["text"] is not None:
        assert str(ex) == case["text"] and repr(ex) == case["text"]
    back = gt.train.Example.FromString(b64(case["bytes"]))
    assert back == ex and back.SerializeToString() == ex.SerializeToString()
    other = gt.train.Example()
    assert other.ParseFromString(b64(case["bytes"])) == len(b64(case["bytes"])) and other == ex


def test_sequence_example_equal_tensorflow():
    f = _feature
    se = gt.train.SequenceExample(
        context=gt.train.Features(feature={"n": f("int64", [2])}),
        feature_lists=gt.train.FeatureLists(feature_list={"t": gt.train.FeatureList(
            feature=[f("float", [1.0, 2.0]), f("float", [3.0])])}))
    assert se.SerializeToString() == b64(REF["sequence_example"]["bytes"])
    assert str(se) == REF["sequence_example"]["text"]
    assert gt.train.SequenceExample.FromString(se.SerializeToString()) == se


def test_message_api_follows_protobuf():
    ex = gt.train.Example()
    assert ex.SerializeToString() == b"" and not ex.HasField("features")
    _ = ex.features.feature  # reading does not set the field
    assert not ex.HasField("features")
    ex.features.feature["x"].float_list.value.extend([1, 0.1])
    assert ex.HasField("features") and ex.features.feature["x"].WhichOneof("kind") == "float_list"
    assert list(ex.features.feature["x"].float_list.value) == [1.0, float(np.float32(0.1))]
    ex.features.feature["x"].int64_list.value.append(np.int32(5))  # the oneof switches
    assert ex.features.feature["x"].WhichOneof("kind") == "int64_list"
    assert ex == gt.train.Example(features={"feature": {"x": _feature("int64", [5])}})
    assert gt.train.Feature() != gt.train.Feature(int64_list=gt.train.Int64List())
    with pytest.raises(TypeError, match="expected bytes, str found"):
        gt.train.BytesList(value=["text"])
    with pytest.raises(TypeError, match="got a boolean"):
        gt.train.Int64List(value=[True])
    with pytest.raises(ValueError, match="out of range"):
        gt.train.Int64List(value=[2 ** 63])
    with pytest.raises(TypeError):
        gt.train.Int64List(value=[1.5])
    with pytest.raises(ValueError, match='has no "foo" field'):
        gt.train.Feature(foo=1)
    with pytest.raises(AttributeError):
        ex.features = gt.train.Features()
    copy = gt.train.Example()
    copy.CopyFrom(ex)
    assert copy == ex and copy is not ex
    # unpacked repeated int64 and float values are read too
    assert list(gt.train.Int64List.FromString(b"\x08\x01\x08\x02").value) == [1, 2]
    assert list(gt.train.FloatList.FromString(b"\r\x00\x00\x80?").value) == [1.0]


# -- parse_example ----------------------------------------------------------------------------------------
SPEC = {"a": gt.io.FixedLenFeature([2], gt.int64), "f": gt.io.FixedLenFeature([], gt.float32, default_value=-1.0),
        "s": gt.io.VarLenFeature(gt.string), "q": gt.io.FixedLenSequenceFeature([2], gt.float32, allow_missing=True),
        "m": gt.io.FixedLenFeature([1, 2], gt.string, default_value=[[b"d1", b"d2"]]),
        "v": gt.io.VarLenFeature(gt.int64), "e": gt.io.VarLenFeature(gt.float32)}
DTYPES = {"a": np.int64, "f": np.float32, "s": object, "q": np.float32, "m": object, "v": np.int64, "e": np.float32}


def _check(got, expected, dtype):
    if isinstance(expected, dict):
        assert isinstance(got, gt.SparseTensor)
        assert got.indices.numpy().tolist() == expected["indices"]
        assert got.dense_shape.numpy().tolist() == expected["dense_shape"]
        values = got.values.numpy()
        assert values.dtype == np.dtype(dtype)
        want = [b64(v) for v in expected["values"]] if dtype is object else expected["values"]
        assert values.tolist() == want
        return
    a = got.numpy()
    assert a.dtype == np.dtype(dtype)
    if dtype is object:
        assert a.ravel().tolist() == [b64(v) for v in expected]
    else:
        assert a.tolist() == expected


def test_parse_example_equal_tensorflow():
    records = [b64(r) for r in REF["parse"]["records"]]
    out = gt.io.parse_example(gt.constant(np.array(records, dtype=object)), SPEC)
    assert sorted(out) == sorted(SPEC)
    for key, expected in REF["parse"]["batch"].items():
        _check(out[key], expected, DTYPES[key])
    assert out["m"].shape == (3, 1, 2)


def test_parse_single_example_equal_tensorflow():
    record = b64(REF["parse"]["records"][0])
    spec = {k: v for k, v in SPEC.items()}
    out = gt.io.parse_single_example(record, spec)
    for key, expected in REF["parse"]["single"].items():
        _check(out[key], expected, DTYPES[key])


@pytest.mark.parametrize("case", ["missing", "type", "count"])
def test_parse_example_errors_equal_tensorflow(case):
    records = [b64(r) for r in REF["parse"]["records"]]
    args = {"missing": (records[1:2], {"f": gt.io.FixedLenFeature([], gt.float32)}),
            "type": (records[:1], {"a": gt.io.FixedLenFeature([2], gt.float32)}),
            "count": (records[:1], {"a": gt.io.FixedLenFeature([3], gt.int64)})}[case]
    with pytest.raises(gt.errors.InvalidArgumentError) as info:
        gt.io.parse_example(*args)
    assert str(info.value) == REF["parse"]["errors"][case]


def test_parse_example_bad_configurations():
    record = b64(REF["parse"]["records"][0])
    with pytest.raises(ValueError, match="allow_missing"):
        gt.io.parse_single_example(record, {"q": gt.io.FixedLenSequenceFeature([2], gt.float32)})
    with pytest.raises(ValueError, match="unsupported dtype"):
        gt.io.parse_single_example(record, {"a": gt.io.FixedLenFeature([2], gt.int32)})
    with pytest.raises(ValueError, match="scalar"):
        gt.io.parse_single_example([record], {"a": gt.io.FixedLenFeature([2], gt.int64)})


# -- a full pipeline ---------------------------------------------------------------------------------------
def test_tfrecord_pipeline_trains_a_keras_model(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = (x @ np.array([1.5, -2.0, 0.5], np.float32) > 0).astype(np.int64)
    path = str(tmp_path / "train.tfrecord.gz")
    with gt.io.TFRecordWriter(path, gt.io.TFRecordOptions(compression_type="GZIP")) as w:
        for xi, yi in zip(x, y):
            ex = gt.train.Example(features=gt.train.Features(feature={
                "x": gt.train.Feature(float_list=gt.train.FloatList(value=xi)),
                "y": gt.train.Feature(int64_list=gt.train.Int64List(value=[yi]))}))
            w.write(ex.SerializeToString())
    spec = {"x": gt.io.FixedLenFeature([3], gt.float32), "y": gt.io.FixedLenFeature([], gt.int64)}

    def parse(record):
        parsed = gt.io.parse_single_example(record, spec)
        return parsed["x"], parsed["y"]

    ds = gt.data.TFRecordDataset([path], compression_type="GZIP").map(parse).batch(16)
    bx, by = next(iter(ds))
    assert bx.shape == (16, 3) and by.dtype == np.int64
    np.testing.assert_array_equal(bx.numpy(), x[:16])
    np.testing.assert_array_equal(by.numpy(), y[:16])
    gt.random.set_seed(0)
    model = gt.keras.Sequential([gt.keras.layers.Dense(8, activation="relu"), gt.keras.layers.Dense(2)])
    model.compile(optimizer=gt.keras.optimizers.Adam(0.05),
                  loss=gt.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(ds, epochs=15, verbose=0)
    assert len(history.history["loss"]) == 15
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9
