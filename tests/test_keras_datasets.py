"""gt.keras.datasets against Keras's own loaders, offline: tiny files in Keras's exact cache formats
are written to a temporary KERAS_HOME, the modules' expected hashes are replaced by those of the fake
files, and the loaders' outputs are compared with what keras.datasets returns for the same files
(digests and tables below were produced by Keras 3.15's loaders, hash checks disabled, on these
files; cifar10's batch size is scaled down in both)."""

import gzip
import hashlib
import io
import json
import os
import pickle
import struct
import tarfile

import numpy as np
import pytest

import gradtape as gt
from gradtape.keras import file_utils
from gradtape.keras.datasets import (_utils, boston_housing, california_housing, cifar10, cifar100, fashion_mnist,
                                     imdb, mnist, reuters)

# --- fake cache files (Keras's formats, tiny) ---
def _object_array(seqs: list) -> np.ndarray:
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = list(s)
    return out


def _seqs(r: np.random.RandomState, n: int, vocab: int) -> np.ndarray:
    return _object_array([[int(w) for w in r.randint(1, vocab, r.randint(1, 7))] for _ in range(n)])


def make_mnist(datadir: str, name: str = "mnist.npz") -> dict:
    r = np.random.RandomState(1)
    arrays = {"x_train": r.randint(0, 256, (5, 28, 28)).astype(np.uint8), "y_train": r.randint(0, 10, 5).astype(np.uint8),
              "x_test": r.randint(0, 256, (3, 28, 28)).astype(np.uint8), "y_test": r.randint(0, 10, 3).astype(np.uint8)}
    np.savez_compressed(os.path.join(datadir, name), **arrays)
    return arrays


def make_fashion_mnist(datadir: str) -> dict:
    r = np.random.RandomState(2)
    sub = os.path.join(datadir, "fashion-mnist")
    os.makedirs(sub, exist_ok=True)
    arrays = {}
    for prefix, n in (("train", 4), ("t10k", 2)):
        labels, images = r.randint(0, 10, n).astype(np.uint8), r.randint(0, 256, (n, 28, 28)).astype(np.uint8)
        with gzip.open(os.path.join(sub, f"{prefix}-labels-idx1-ubyte.gz"), "wb") as f:
            f.write(struct.pack(">II", 2049, n) + labels.tobytes())
        with gzip.open(os.path.join(sub, f"{prefix}-images-idx3-ubyte.gz"), "wb") as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes())
        arrays[prefix] = (images, labels)
    return arrays


def _add_pickle(tar: tarfile.TarFile, name: str, obj: dict) -> None:
    data = pickle.dumps(obj, protocol=3)
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def make_cifar10(datadir: str, batch: int = 2) -> str:
    r = np.random.RandomState(3)
    path = os.path.join(datadir, "cifar-10-batches-py-target_archive")
    with tarfile.open(path, "w:gz") as tar:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            _add_pickle(tar, f"cifar-10-batches-py/{name}",
                        {b"batch_label": name.encode(), b"labels": [int(v) for v in r.randint(0, 10, batch)],
                         b"data": r.randint(0, 256, (batch, 3072)).astype(np.uint8),
                         b"filenames": [f"{name}_{k}.png".encode() for k in range(batch)]})
    return path


def make_cifar100(datadir: str) -> str:
    r = np.random.RandomState(4)
    path = os.path.join(datadir, "cifar-100-python-target_archive")
    with tarfile.open(path, "w:gz") as tar:
        for name, n in (("train", 3), ("test", 2)):
            _add_pickle(tar, f"cifar-100-python/{name}",
                        {b"fine_labels": [int(v) for v in r.randint(0, 100, n)],
                         b"coarse_labels": [int(v) for v in r.randint(0, 20, n)],
                         b"data": r.randint(0, 256, (n, 3072)).astype(np.uint8)})
    return path


def make_imdb(datadir: str) -> str:
    r = np.random.RandomState(5)
    np.savez(os.path.join(datadir, "imdb.npz"), x_train=_seqs(r, 7, 12), y_train=r.randint(0, 2, 7).astype(np.int64),
             x_test=_seqs(r, 5, 12), y_test=r.randint(0, 2, 5).astype(np.int64))
    with open(os.path.join(datadir, "imdb_word_index.json"), "w") as f:
        json.dump({"the": 1, "and": 2, "a": 3}, f)
    return os.path.join(datadir, "imdb.npz")


def make_reuters(datadir: str) -> str:
    r = np.random.RandomState(6)
    np.savez(os.path.join(datadir, "reuters.npz"), x=_seqs(r, 11, 12), y=r.randint(0, 46, 11).astype(np.int64))
    with open(os.path.join(datadir, "reuters_word_index.json"), "w") as f:
        json.dump({"the": 1, "of": 2, "to": 3}, f)
    return os.path.join(datadir, "reuters.npz")


def make_housing(datadir: str, name: str, n: int, features: int) -> str:
    r = np.random.RandomState(7)
    np.savez(os.path.join(datadir, name), x=r.rand(n, features), y=np.arange(n, dtype=np.float64) * 1.5)
    return os.path.join(datadir, name)


def digest(obj) -> str:
    """sha256 over the nested tuple of arrays: shapes, dtypes and contents."""
    h = hashlib.sha256()

    def feed(o):
        if isinstance(o, np.ndarray):
            h.update(f"{o.shape}{o.dtype.str}".encode())
            h.update(json.dumps(o.tolist()).encode() if o.dtype == object else np.ascontiguousarray(o).tobytes())
        elif isinstance(o, (tuple, list)):
            h.update(b"(")
            for x in o:
                feed(x)
            h.update(b")")
        else:
            h.update(repr(o).encode())

    feed(obj)
    return h.hexdigest()
# --- end fake cache files ---


KERAS_DIGESTS = {
    "mnist": "457ebf0f6482efeaded90310ba9fbe3671be155333ef672be0bd246bbe341f4a",
    "fashion_mnist": "8edec1bce5e7fefbf78402ed0e8ff5f94b306c27335cc69f7d1dfacdc59ff495",
    "cifar10": "5c3e8e3141520ad8eb56e021cc96b84ed307bdcbc974958e107ffc90529fdc08",
    "cifar100_fine": "65d5c53c7f949085024f6d050840d71bfc87812aad65a615c313b1384bd2f147",
    "cifar100_coarse": "92673855a2f23775c8626dbbbc2941bc23aa43dc86c1da309f0bce077b6508d0",
}
BOSTON_CASES = [  # kwargs, digest, y_train, y_test
    ({}, "45bde2a052934e181377d506ec638fa2f773301cb1efd046488b9fc14aec2bc7",
     [13.5, 4.5, 9.0, 1.5, 0.0, 10.5, 6.0, 12.0], [3.0, 7.5]),
    ({"test_split": 0.3, "seed": 5}, "cf5330b602870259229e407999ac377d1ed63a2b52be47c7f106750da3cbd867",
     [13.5, 7.5, 3.0, 6.0, 10.5, 1.5, 0.0], [12.0, 9.0, 4.5]),
    ({"test_split": 0.0}, "4eb54e2d5503f599cf06256fabcd938076ee3e199c293e1814ca3ec8ec76b9f4",
     [13.5, 4.5, 9.0, 1.5, 0.0, 10.5, 6.0, 12.0, 3.0, 7.5], []),
    ({"test_split": 0.25, "seed": 0}, "1033f1fb4a18785804eadba72932f13d8db9ad9e911b6dab2cf1c64d8b73f1dc",
     [3.0, 12.0, 6.0, 13.5, 1.5, 9.0, 10.5], [4.5, 0.0, 7.5]),  # 7.5 training rows: truncated to 7
]
CALIFORNIA_CASES = [  # kwargs, digest, shapes (train, test), first y_test values
    ({}, "114f0b43405f7546aedd0d522e3cd5b9ebb08db381b1a6e77254d5a599f3c3fc", (560, 140),
     [675.0, 963.0, 526.5, 336.0, 169.5, 337.5, 1008.0, 156.0]),
    ({"version": "small"}, "f6dc164a412a7c00192dd35b4e0b0157a81b4834ee81b9b3150245f3a5307d83", (480, 120),
     [244.5, 241.5, 451.5, 807.0, 339.0, 424.5, 246.0, 574.5]),
    ({"version": "small", "test_split": 0.1, "seed": 1}, "a4268a969b696ec85dcaddff2cbf1494b4652cda50733fedc4451799420b3a9a",
     (540, 60), [232.5, 534.0, 571.5, 418.5, 189.0, 33.0, 423.0, 706.5]),
]

IMDB_CASES = [  # kwargs, x_train, y_train, x_test, y_test as keras.datasets.imdb.load_data returns them
    ({},
     [[1,8],[1,11,4,5,8,10,6],[1,10,10,4,13],[1,11,4,9],[1,4,4,11,5],[1,13,2],[1,13,5]],
     [0, 0, 0, 1, 0, 0, 0],
     [[1, 7, 5, 11, 7, 5], [1, 9, 11], [1, 2], [1, 7, 6, 5, 9], [1, 6, 8, 10, 13]],
     [0, 1, 0, 1, 1]),
    ({'num_words': 10, 'skip_top': 4},
     [[2,8],[2,2,4,5,8,2,6],[2,2,2,4,2],[2,2,4,9],[2,4,4,2,5],[2,2,2],[2,2,5]],
     [0, 0, 0, 1, 0, 0, 0],
     [[2, 7, 5, 2, 7, 5], [2, 9, 2], [2, 2], [2, 7, 6, 5, 9], [2, 6, 8, 2, 2]],
     [0, 1, 0, 1, 1]),
    ({'maxlen': 6, 'seed': 7},
     [[1,4,4,11,5],[1,13,5],[1,10,10,4,13],[1,11,4,9],[1,8],[1,13,2]],
     [0, 0, 0, 1, 0, 0],
     [[1, 9, 11], [1, 2], [1, 7, 6, 5, 9], [1, 6, 8, 10, 13]],
     [1, 0, 1, 1]),
    ({'start_char': None, 'index_from': 0},
     [[5],[8,1,2,5,7,3],[7,7,1,10],[8,1,6],[1,1,8,2],[10,2],[10,2]],
     [0, 0, 0, 1, 0, 0, 0],
     [[4, 2, 8, 4, 2], [6, 8], [2], [4, 3, 2, 6], [3, 5, 7, 10]],
     [0, 1, 0, 1, 1]),
    ({'oov_char': None, 'num_words': 9, 'index_from': 2},
     [[1,7],[1,3,4,7,5],[1,3],[1,3,8],[1,3,3,4],[1],[1,4]],
     [0, 0, 0, 1, 0, 0, 0],
     [[1, 6, 4, 6, 4], [1, 8], [1], [1, 6, 5, 4, 8], [1, 5, 7]],
     [0, 1, 0, 1, 1]),
    ({'start_char': None, 'index_from': 3, 'seed': 0},
     [[11,4,9],[4,4,11,5],[8],[11,4,5,8,10,6],[10,10,4,13],[13,5],[13,2]],
     [1, 0, 0, 0, 0, 0, 0],
     [[7, 6, 5, 9], [9, 11], [2], [6, 8, 10, 13], [7, 5, 11, 7, 5]],
     [1, 1, 0, 1, 0]),
]

REUTERS_CASES = [  # as keras.datasets.reuters.load_data returns them
    ({},
     [[1,6],[1,8,5],[1,13,9,6,2,11,12],[1,9,4,6,6,7],[1,2,4,13],[1,13,7,8],[1,5,6,7,10],[1,9,9,5]],
     [3, 42, 33, 11, 41, 41, 4, 36],
     [[1, 10, 2, 2, 2, 7, 9], [1, 13, 2], [1, 8, 6, 9, 2, 13]],
     [12, 24, 7]),
    ({'num_words': 10, 'skip_top': 4},
     [[2,6],[2,8,5],[2,2,9,6,2,2,2],[2,9,4,6,6,7],[2,2,4,2],[2,2,7,8],[2,5,6,7,2],[2,9,9,5]],
     [3, 42, 33, 11, 41, 41, 4, 36],
     [[2, 2, 2, 2, 2, 7, 9], [2, 2, 2], [2, 8, 6, 9, 2, 2]],
     [12, 24, 7]),
    ({'maxlen': 6, 'seed': 7},
     [[1,13,7,8],[1,13,2],[1,2,4,13],[1,5,6,7,10],[1,8,5]],
     [41, 24, 41, 4, 42],
     [[1, 9, 9, 5], [1, 6]],
     [36, 3]),
    ({'start_char': None, 'index_from': 0},
     [[3],[5,2],[10,6,3,2,8,9],[6,1,3,3,4],[2,1,10],[10,4,5],[2,3,4,7],[6,6,2]],
     [3, 42, 33, 11, 41, 41, 4, 36],
     [[7, 2, 2, 2, 4, 6], [10, 2], [5, 3, 6, 2, 10]],
     [12, 24, 7]),
    ({'oov_char': None, 'num_words': 9, 'index_from': 2},
     [[1,5],[1,7,4],[1,8,5],[1,8,3,5,5,6],[1,3],[1,6,7],[1,4,5,6],[1,8,8,4]],
     [3, 42, 33, 11, 41, 41, 4, 36],
     [[1, 6, 8], [1], [1, 7, 5, 8]],
     [12, 24, 7]),
    ({'start_char': None, 'index_from': 3, 'seed': 0},
     [[6],[10,2,2,2,7,9],[13,2],[5,6,7,10],[9,9,5],[2,4,13],[9,4,6,6,7],[13,9,6,2,11,12]],
     [3, 12, 24, 4, 36, 41, 11, 33],
     [[8, 5], [13, 7, 8], [8, 6, 9, 2, 13]],
     [42, 41, 7]),
    ({'test_split': 0.5, 'maxlen': 5},
     [[1,6],[1,8,5],[1,2,4,13]],
     [3, 42, 41],
     [[1, 13, 7, 8], [1, 9, 9, 5], [1, 13, 2]],
     [41, 36, 24]),
]


@pytest.fixture
def datadir(tmp_path, monkeypatch):
    """An empty KERAS_HOME; returns its datasets/ folder."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    d = tmp_path / "keras_home" / "datasets"
    d.mkdir(parents=True)
    return str(d)


def _trust(monkeypatch, module, path: str, attr: str = "_FILE_HASH", algorithm: str = "sha256") -> None:
    monkeypatch.setattr(module, attr, file_utils.hash_file(path, algorithm))


def test_datasets_are_exported_under_keras():
    assert gt.keras.datasets.mnist is mnist and gt.keras.datasets.cifar100 is cifar100
    assert gt.keras.utils.get_file is file_utils.get_file
    assert {"mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing",
            "california_housing"} <= set(gt.keras.datasets.__all__)


def test_mnist_matches_keras(datadir, monkeypatch, capsys):
    arrays = make_mnist(datadir)
    _trust(monkeypatch, mnist, os.path.join(datadir, "mnist.npz"))
    out = gt.keras.datasets.mnist.load_data()
    assert digest(out) == KERAS_DIGESTS["mnist"]
    (x_train, y_train), (x_test, y_test) = out
    assert x_train.dtype == np.uint8 and x_train.shape == (5, 28, 28) and y_test.shape == (3,)
    np.testing.assert_array_equal(x_test, arrays["x_test"])
    np.testing.assert_array_equal(y_train, arrays["y_train"])
    assert "Downloading" not in capsys.readouterr().out


def test_mnist_custom_path(datadir, monkeypatch):
    make_mnist(datadir, name="digits.npz")
    _trust(monkeypatch, mnist, os.path.join(datadir, "digits.npz"))
    assert digest(mnist.load_data(path="digits.npz")) == KERAS_DIGESTS["mnist"]


def test_fashion_mnist_matches_keras(datadir):
    arrays = make_fashion_mnist(datadir)
    out = fashion_mnist.load_data()
    assert digest(out) == KERAS_DIGESTS["fashion_mnist"]
    (x_train, y_train), (x_test, y_test) = out
    assert x_train.shape == (4, 28, 28) and y_test.shape == (2,) and x_test.dtype == np.uint8
    np.testing.assert_array_equal(x_train, arrays["train"][0])
    np.testing.assert_array_equal(y_test, arrays["t10k"][1])


def test_cifar10_matches_keras(datadir, monkeypatch):
    archive = make_cifar10(datadir, batch=2)
    _trust(monkeypatch, cifar10, archive)
    monkeypatch.setattr(cifar10, "_BATCH", 2)
    out = cifar10.load_data()
    assert digest(out) == KERAS_DIGESTS["cifar10"]
    (x_train, y_train), (x_test, y_test) = out
    assert x_train.shape == (10, 32, 32, 3) and y_train.shape == (10, 1) and x_test.shape == (2, 32, 32, 3)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert os.path.isfile(os.path.join(datadir, "cifar-10-batches-py-target", "cifar-10-batches-py", "test_batch"))
    # Channels last: pixel (row 0, col 1) of image 0 holds bytes 1, 1025 and 2049 of its stored row.
    with open(os.path.join(datadir, "cifar-10-batches-py-target", "cifar-10-batches-py", "data_batch_1"), "rb") as f:
        stored = pickle.load(f)[b"data"][0]
    assert x_train[0, 0, 1].tolist() == [stored[1], stored[1025], stored[2049]]


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_matches_keras(datadir, monkeypatch, label_mode):
    _trust(monkeypatch, cifar100, make_cifar100(datadir))
    out = cifar100.load_data(label_mode)
    assert digest(out) == KERAS_DIGESTS[f"cifar100_{label_mode}"]
    (x_train, y_train), (x_test, y_test) = out
    assert x_train.shape == (3, 32, 32, 3) and y_train.shape == (3, 1) and y_test.dtype == np.int64
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data("both")


@pytest.mark.parametrize("kwargs, x_train, y_train, x_test, y_test", IMDB_CASES)
def test_imdb_matches_keras(datadir, monkeypatch, kwargs, x_train, y_train, x_test, y_test):
    _trust(monkeypatch, imdb, make_imdb(datadir))
    (xa, ya), (xb, yb) = imdb.load_data(**kwargs)
    assert xa.dtype == object and xb.dtype == object and ya.dtype == np.int64 and yb.dtype == np.int64
    assert xa.tolist() == x_train and ya.tolist() == y_train
    assert xb.tolist() == x_test and yb.tolist() == y_test


def test_imdb_errors_and_word_index(datadir, monkeypatch):
    _trust(monkeypatch, imdb, make_imdb(datadir))
    with pytest.raises(ValueError, match="maxlen=2"):
        imdb.load_data(maxlen=2)
    with pytest.warns(UserWarning, match="nb_words"):
        imdb.load_data(nb_words=5)
    _trust(monkeypatch, imdb, os.path.join(datadir, "imdb_word_index.json"), "_WORD_INDEX_HASH", "md5")
    assert imdb.get_word_index() == {"the": 1, "and": 2, "a": 3}


@pytest.mark.parametrize("kwargs, x_train, y_train, x_test, y_test", REUTERS_CASES)
def test_reuters_matches_keras(datadir, monkeypatch, kwargs, x_train, y_train, x_test, y_test):
    _trust(monkeypatch, reuters, make_reuters(datadir))
    (xa, ya), (xb, yb) = reuters.load_data(**kwargs)
    assert xa.dtype == object and xb.dtype == object and ya.dtype == np.int64
    assert xa.tolist() == x_train and ya.tolist() == y_train
    assert xb.tolist() == x_test and yb.tolist() == y_test


def test_reuters_word_index_and_labels(datadir, monkeypatch):
    make_reuters(datadir)
    _trust(monkeypatch, reuters, os.path.join(datadir, "reuters_word_index.json"), "_WORD_INDEX_HASH", "md5")
    assert reuters.get_word_index() == {"the": 1, "of": 2, "to": 3}
    names = reuters.get_label_names()
    assert len(names) == 46 and names[:3] == ("cocoa", "grain", "veg-oil") and names[19] == "money-fx"


@pytest.mark.parametrize("kwargs, expected, y_train, y_test", BOSTON_CASES)
def test_boston_housing_matches_keras(datadir, monkeypatch, kwargs, expected, y_train, y_test):
    _trust(monkeypatch, boston_housing, make_housing(datadir, "boston_housing.npz", 10, 13))
    out = boston_housing.load_data(**kwargs)
    assert digest(out) == expected
    assert out[0][1].tolist() == y_train and out[1][1].tolist() == y_test
    assert out[0][0].shape == (len(y_train), 13) and out[0][0].dtype == np.float64


@pytest.mark.parametrize("kwargs, expected, sizes, y_test_head", CALIFORNIA_CASES)
def test_california_housing_matches_keras(datadir, monkeypatch, kwargs, expected, sizes, y_test_head):
    _trust(monkeypatch, california_housing, make_housing(datadir, "california_housing.npz", 700, 8))
    (x_train, y_train), (x_test, y_test) = out = california_housing.load_data(**kwargs)
    assert digest(out) == expected
    assert (len(x_train), len(x_test)) == sizes and x_train.shape[1] == 8
    assert y_test[:8].tolist() == y_test_head


def test_regression_sets_reject_bad_arguments():
    for load in (boston_housing.load_data, california_housing.load_data):
        with pytest.raises(ValueError, match="test_split"):
            load(test_split=1)
    with pytest.raises(ValueError, match="version"):
        california_housing.load_data(version="medium")


def test_load_data_downloads_into_keras_home(datadir, tmp_path, monkeypatch, capsys):
    server = tmp_path / "server"
    server.mkdir()
    make_mnist(str(server))
    monkeypatch.setattr(_utils, "ORIGIN_FOLDER", server.as_uri() + "/")
    _trust(monkeypatch, mnist, str(server / "mnist.npz"))
    assert digest(mnist.load_data()) == KERAS_DIGESTS["mnist"]
    assert f"Downloading data from {server.as_uri()}/mnist.npz" in capsys.readouterr().out
    assert os.listdir(datadir) == ["mnist.npz"]
    mnist.load_data()
    assert "Downloading" not in capsys.readouterr().out


def test_corrupted_cache_is_fetched_again_with_keras_hash(datadir, tmp_path, monkeypatch, capsys):
    with open(os.path.join(datadir, "mnist.npz"), "wb") as f:
        f.write(b"not the real file")
    monkeypatch.setattr(_utils, "ORIGIN_FOLDER", (tmp_path / "nowhere").as_uri() + "/")
    with pytest.raises(OSError, match="URL fetch failure"):
        mnist.load_data()  # Keras's sha256 does not match the cached file, so it is downloaded again
    assert "file hash does not match" in capsys.readouterr().out
    make_mnist(str(tmp_path))  # a download with the wrong content is refused
    monkeypatch.setattr(_utils, "ORIGIN_FOLDER", tmp_path.as_uri() + "/")
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected.*731c5ac6"):
        mnist.load_data()
    with open(os.path.join(datadir, "mnist.npz"), "rb") as f:
        assert f.read() == b"not the real file"
    assert os.listdir(datadir) == ["mnist.npz"]
