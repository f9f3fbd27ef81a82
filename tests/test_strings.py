"""gt.strings against TensorFlow's tf.strings: the expected values are TensorFlow 2.21's results
(TensorFlow gives bytes; gradtape gives str, so they are written as str here)."""

import numpy as np
import pytest

import gradtape as gt
from gradtape import strings

TEXT = ["Hello", "", "héllo wörld", "  Ünïcode  "]


def val(t):
    return np.asarray(t.numpy()).tolist()


def test_string_results_are_object_arrays_of_str():
    out = strings.upper(["a"])
    assert out.dtype == gt.string and type(out.numpy()[0]) is str
    assert val(strings.lower(gt.constant([b"AB"]))) == ["ab"]  # bytes input is accepted


def test_length_bytes_and_chars():
    assert val(strings.length(TEXT)) == [5, 0, 13, 13]  # TensorFlow's values
    assert val(strings.length(TEXT, unit="UTF8_CHAR")) == [5, 0, 11, 11]  # TensorFlow's values
    assert strings.length([["a"], ["bcd"]]).dtype == gt.int32
    with pytest.raises(ValueError, match="length: unit='foo'.*'BYTE' or 'UTF8_CHAR'"):
        strings.length(TEXT, unit="foo")
    with pytest.raises(TypeError, match="length: input must be a string tensor.*as_string"):
        strings.length([1.0, 2.0])


def test_lower_upper_strip():
    # TensorFlow's values: ASCII letters only by default, all letters with encoding="utf-8"
    assert val(strings.lower(TEXT)) == ["hello", "", "héllo wörld", "  Ünïcode  "]
    assert val(strings.upper(TEXT)) == ["HELLO", "", "HéLLO WöRLD", "  ÜNïCODE  "]
    assert val(strings.lower(TEXT, encoding="utf-8")) == ["hello", "", "héllo wörld", "  ünïcode  "]
    assert val(strings.upper(["héllo", "ß"], encoding="utf-8")) == ["HÉLLO", "SS"]
    # TensorFlow strips ASCII whitespace only
    assert val(strings.strip([" a \t\n", "\u00a0b\u00a0", "", "\x0bc\x0c\r"])) == ["a", "\u00a0b\u00a0", "", "c"]
    with pytest.raises(ValueError, match="lower: encoding='latin-1' is not supported"):
        strings.lower(TEXT, encoding="latin-1")


def test_join_and_reduce_join():
    assert val(strings.join([["a", "b"], "x"], separator="-")) == ["a-x", "b-x"]  # TensorFlow's values
    assert val(strings.join([])) == ""
    with pytest.raises(ValueError, match="join: the inputs have shapes .* same shape or be scalars"):
        strings.join([[["a"], ["b"]], ["x", "y"]])
    m = [["a", "b", "c"], ["d", "e", "f"]]
    # TensorFlow's values
    assert val(strings.reduce_join(m, separator="|")) == "a|b|c|d|e|f"
    assert val(strings.reduce_join(m, axis=0, separator="|")) == ["a|d", "b|e", "c|f"]
    assert val(strings.reduce_join(m, axis=-1, keepdims=True)) == [["abc"], ["def"]]
    assert val(strings.reduce_join(m, axis=[0, 1])) == "adbecf"
    assert val(strings.reduce_join(m, axis=[1, 0])) == "abcdef"
    assert val(strings.reduce_join(m, keepdims=True)) == [["abcdef"]]
    assert val(strings.reduce_join(np.zeros([0, 2], dtype=object), axis=0)) == ["", ""]
    with pytest.raises(ValueError, match="reduce_join: axis 2 is out of range for inputs of rank 2"):
        strings.reduce_join(m, axis=2)
    with pytest.raises(ValueError, match="reduce_join: axis 1 is listed twice"):
        strings.reduce_join(m, axis=[1, -1])


def test_split_and_bytes_split():
    # TensorFlow's values and types: a RaggedTensor, rank N + 1 for an input of rank N
    def rows(x, **kw):
        out = strings.split(x, **kw)
        assert isinstance(out, gt.RaggedTensor) and out.dtype == gt.string
        return out.to_list()
    assert rows(["a b  c", "", " x "]) == [["a", "b", "c"], [], ["x"]]
    assert rows(["a,b,,c", "", ","], sep=",") == [["a", "b", "", "c"], [""], ["", ""]]
    assert rows(["a\u00a0b\tc\nd"]) == [["a\u00a0b", "c", "d"]]
    assert rows(["Hello", " a  b c "], maxsplit=1) == [["Hello", ""], ["a", "b c "]]
    assert rows([" a  b c "], maxsplit=0) == [[" a  b c "]]
    assert rows(["a<>b<>c"], sep="<>") == [["a", "b", "c"]]
    nested = strings.split([["a b"], ["c"]])
    assert nested.to_list() == [[["a", "b"]], [["c"]]] and nested.ragged_rank == 2
    assert list(nested.shape) == [2, None, None]
    assert strings.split(["a b", "c"]).row_lengths().numpy().tolist() == [2, 1]
    assert strings.split(["a b", "c"]).to_tensor().numpy().tolist() == [["a", "b"], ["c", ""]]
    scalar = strings.split("a b")
    assert scalar.shape == (2,) and val(scalar) == ["a", "b"]
    assert strings.bytes_split(["abc", "", "hé"]).to_list() == [["a", "b", "c"], [], ["h", b"\xc3", b"\xa9"]]


def test_substr():
    # TensorFlow's values
    assert val(strings.substr("Hello", -3, 2)) == "ll"
    assert val(strings.substr("Hello", 2, 100)) == "llo"
    assert val(strings.substr("Hello", 5, 1)) == ""
    assert val(strings.substr("Hello", 1, -1)) == "ello"
    assert val(strings.substr(["Hello", "héllo"], 1, 3, unit="UTF8_CHAR")) == ["ell", "éll"]
    assert val(strings.substr("héllo", -4, 2, unit="UTF8_CHAR")) == "él"
    assert val(strings.substr("héllo", 1, 1)) == b"\xc3"  # half a character: kept as bytes
    assert val(strings.substr(["Hello", "World"], [0, 1], [1, 2])) == ["H", "or"]
    assert val(strings.substr("Hello", [0, 1], [1, 2])) == ["H", "el"]  # input broadcasts against pos
    assert val(strings.substr([["Hello", "Hi"], ["abc", "d"]], [[1, 0], [0, 0]], [[1, 1], [2, 1]])) == [
        ["e", "H"], ["ab", "d"]]
    with pytest.raises(ValueError, match="substr: pos 6 out of range for string 'Hello' at index 0"):
        strings.substr("Hello", 6, 1)
    with pytest.raises(ValueError, match="substr: pos and len must have the same shape"):
        strings.substr(["Hello", "World"], [0, 1], 2)


def test_regex():
    # TensorFlow's values
    assert val(strings.regex_full_match(["abc", "ab", "", "é"], "a.c|.")) == [True, False, False, True]
    texts = ["hello world", "", "héllo"]
    assert val(strings.regex_replace(texts, r"(l+)", r"<\1>")) == ["he<ll>o wor<l>d", "", "h\u00e9<ll>o"]
    assert val(strings.regex_replace(["hello world"], "o", r"\0\0", replace_global=False)) == ["helloo world"]
    assert val(strings.regex_replace(["héllo"], ".", "x")) == ["xxxxx"]
    assert val(strings.regex_replace(["abc"], "", "-")) == ["-a-b-c-"]
    assert val(strings.regex_replace(["a.b"], r"\.", r"\\")) == ["a\\b"]
    assert val(strings.regex_replace(["ab"], "b", "$1")) == ["a$1"]
    assert val(strings.regex_replace(["hello world"], r"(\w+) (\w+)", r"\2 \1")) == ["world hello"]
    with pytest.raises(ValueError, match="regex_full_match: invalid pattern 'a\\('"):
        strings.regex_full_match(["abc"], "a(")
    with pytest.raises(ValueError, match="regex_replace: pattern must be a scalar string"):
        strings.regex_replace(["ab", "cd"], ["a", "d"], "X")
    with pytest.raises(ValueError, match=r"regex_replace: rewrite .* refers to group \\2"):
        strings.regex_replace(["ab"], "(b)", r"\2")


def test_to_number():
    # TensorFlow's values
    out = strings.to_number(["1.5", "-2", "1e3", " 3 ", "inf", "0x10", "+5", ".5", "1e400"])
    assert out.dtype == gt.float32
    assert val(out) == [1.5, -2.0, 1000.0, 3.0, float("inf"), 16.0, 5.0, 0.5, float("inf")]
    assert np.isnan(strings.to_number("NaN").numpy())
    assert val(strings.to_number(["+5", "007", " 8 ", "-0"], out_type=gt.int32)) == [5, 7, 8, 0]
    assert val(strings.to_number(["9999999999"], out_type=gt.int64)) == [9999999999]
    assert val(strings.to_number(["0.1"], out_type=gt.float64)) == [0.1]
    for bad, dtype in [("1.5", gt.int32), ("abc", gt.float32), ("", gt.float32), ("1_0", gt.float32),
                       ("1e", gt.float32), ("9999999999", gt.int32), ("-1", np.uint32), ("0x10", gt.int32)]:
        with pytest.raises(ValueError, match=f"to_number: could not convert string '{bad}'"):
            strings.to_number([bad], out_type=dtype)
    with pytest.raises(TypeError, match="to_number: out_type=bool is not supported"):
        strings.to_number(["1"], out_type=gt.bool)


def test_as_string():
    # TensorFlow's values
    vals = gt.constant([1.5, 0.1, 1e10, 123456789.0, np.inf, -np.nan, 0.0])
    assert val(strings.as_string(vals)) == ["1.500000", "0.100000", "10000000000.000000", "123456792.000000",
                                            "inf", "-nan", "0.000000"]
    assert val(strings.as_string([1.5, 0.1, 3.14159], precision=2)) == ["1.50", "0.10", "3.14"]
    assert val(strings.as_string([1.5, 0.1], scientific=True, precision=3)) == ["1.500e+00", "1.000e-01"]
    assert val(strings.as_string([1e10, 1e-5, 123456789.0], shortest=True)) == ["1e+10", "1e-05", "1.23457e+08"]
    assert val(strings.as_string([1.5, -2.0], width=10)) == ["  1.500000", " -2.000000"]
    assert val(strings.as_string([1, -2, 30], width=5, fill="0")) == ["00001", "-0002", "00030"]
    assert val(strings.as_string([1, -2], width=5, fill="-")) == ["1    ", "-2   "]
    assert val(strings.as_string(gt.constant([np.inf]), width=6, fill="0")) == ["   inf"]
    assert val(strings.as_string([True, False])) == ["true", "false"]
    assert val(strings.as_string(gt.constant(np.array([1 + 2j], np.complex64)))) == ["(1.000000,2.000000)"]
    assert val(strings.as_string(gt.constant(np.array([0.1], np.float16)))) == ["0.099976"]
    assert val(strings.as_string(["a", "é"], width=4)) == ["   a", "  é"]  # width counts bytes
    with pytest.raises(ValueError, match="as_string: fill='x' is not supported"):
        strings.as_string([1], width=5, fill="x")
    with pytest.raises(ValueError, match="as_string: fill must be one or fewer characters"):
        strings.as_string([1], fill="00")
    with pytest.raises(ValueError, match="as_string: precision is not supported for dtype int32"):
        strings.as_string([1], precision=2)
    with pytest.raises(ValueError, match="as_string: cannot select both scientific and shortest"):
        strings.as_string([1.0], scientific=True, shortest=True)


def test_format():
    # TensorFlow's values
    assert val(strings.format("a {} b {}", [1, gt.constant([1.5, 2.0])])) == "a 1 b [1.5 2]"
    assert val(strings.format("x={}", gt.constant(["a", "é"], dtype=gt.string))) == 'x=["a" "é"]'
    assert val(strings.format("{}", gt.range(10))) == "[0 1 2 ... 7 8 9]"
    assert val(strings.format("{}", gt.range(10), summarize=-1)) == "[0 1 2 3 4 5 6 7 8 9]"
    assert val(strings.format("{}", gt.reshape(gt.range(8), [2, 2, 2]))) == "[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]"
    assert val(strings.format("{}", gt.reshape(gt.range(12), [4, 3]), summarize=1)) == "[[0 ... 2]\n ...\n [9 ... 11]]"
    floats = gt.constant([0.1, 1e10, 1.0 / 3, 123456789.0, -1.5])
    assert val(strings.format("{}", floats)) == "[0.1 1e+10 0.333333343 123456792 -1.5]"
    assert val(strings.format("{}", gt.constant([0.1, 1.0 / 3], dtype=gt.float64))) == "[0.1 0.33333333333333331]"
    assert val(strings.format("{}", gt.constant([True, False]))) == "[1 0]"
    assert val(strings.format("a % b", [1], placeholder="%")) == "a 1 b"
    assert val(strings.format("{} {}", [[1, 2], [3, 4]])) == "[1 2] [3 4]"
    assert val(strings.format("é {}", ["ü"])) == 'é "ü"'
    with pytest.raises(ValueError, match="format: the template has 2 placeholder"):
        strings.format("{} {}", [1])


def test_to_hash_bucket_fast_matches_tensorflow():
    # TensorFlow's values (FarmHash Fingerprint64 modulo num_buckets)
    words = ["Hello", "", "héllo", "TensorFlow", "a"]
    assert val(strings.to_hash_bucket_fast(words, 10)) == [1, 3, 1, 4, 9]
    assert val(strings.to_hash_bucket_fast(words, 2**31 - 1)) == [1576802502, 1699943623, 69405851, 514838136,
                                                                   493484721]
    assert strings.to_hash_bucket_fast(words, 10).dtype == gt.int64
    with pytest.raises(ValueError, match="to_hash_bucket_fast: num_buckets must be an integer >= 1"):
        strings.to_hash_bucket_fast(words, 0)


def test_fingerprint_every_length_path():
    # TensorFlow's tf.fingerprint values (as little-endian uint64) for strings of each FarmHash length class
    from gradtape.ops.strings import _fingerprint64
    expected = {0: 11160318154034397263, 1: 13745158429558087051, 3: 4662423180930907492, 5: 1540533402979949747,
                8: 907454142650066470, 12: 567769801253413308, 17: 14506534093795057959, 32: 11907377154618496232,
                40: 12941229458084698938, 64: 389040666157116578, 65: 8638051931306504420,
                100: 11391788667801836296, 200: 7886090686657605591}
    for n, fp in expected.items():
        assert _fingerprint64(bytes((7 * i + 3) % 256 for i in range(n))) == fp, n
