"""gt.keras.utils.get_file offline: downloads from file:// URLs into a temporary cache, hash checks,
cache reuse, Keras's file layout for archives, extraction of tar.gz/zip and unsafe members."""

import hashlib
import io
import os
import tarfile
import zipfile

import pytest

import gradtape as gt
from gradtape.keras import file_utils

get_file = gt.keras.utils.get_file


@pytest.fixture
def src(tmp_path):
    d = tmp_path / "server"
    d.mkdir()
    (d / "data.bin").write_bytes(b"payload" * 100)
    return d


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_download_from_file_url_and_reuse(src, tmp_path, capsys):
    url = (src / "data.bin").as_uri()
    path = get_file(origin=url, cache_dir=str(tmp_path / "cache"))
    assert path == str(tmp_path / "cache" / "datasets" / "data.bin")
    assert open(path, "rb").read() == b"payload" * 100
    out = capsys.readouterr().out
    assert f"Downloading data from {url}" in out and "700/700 bytes" in out
    assert os.listdir(tmp_path / "cache" / "datasets") == ["data.bin"]  # no temporary file left
    (src / "data.bin").write_bytes(b"changed")
    assert get_file(origin=url, cache_dir=str(tmp_path / "cache")) == path  # cached: not fetched again
    assert open(path, "rb").read() == b"payload" * 100 and capsys.readouterr().out == ""
    get_file(origin=url, cache_dir=str(tmp_path / "cache"), force_download=True)
    assert open(path, "rb").read() == b"changed"


def test_keras_home_fname_and_cache_subdir(src, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    assert file_utils.keras_home() == str(tmp_path / "home")
    url = (src / "data.bin").as_uri()
    assert get_file("renamed.bin", url) == str(tmp_path / "home" / "datasets" / "renamed.bin")
    assert get_file(origin=url, cache_subdir="models") == str(tmp_path / "home" / "models" / "data.bin")
    absolute = tmp_path / "elsewhere"
    assert get_file(origin=url, cache_subdir=str(absolute)) == str(absolute / "data.bin")
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert file_utils.keras_home() == "/tmp/.keras"  # home directory not writable (here: missing)
    (tmp_path / "user").mkdir()
    assert file_utils.keras_home() == str(tmp_path / "user" / ".keras")


def test_hash_checks(src, tmp_path, capsys):
    url, data = (src / "data.bin").as_uri(), b"payload" * 100
    cache = str(tmp_path / "cache")
    assert get_file(origin=url, cache_dir=cache, file_hash=_sha256(data))
    md5 = hashlib.md5(data).hexdigest()
    assert get_file("m.bin", url, cache_dir=cache, file_hash=md5)  # 32 characters: md5
    assert get_file("m2.bin", url, cache_dir=cache, md5_hash=md5)
    assert file_utils.validate_file(os.path.join(cache, "datasets", "m.bin"), md5)
    assert not file_utils.validate_file(os.path.join(cache, "datasets", "m.bin"), md5, algorithm="sha256")
    with pytest.raises(ValueError, match=r"Incomplete or corrupted file detected\. The sha256 file hash .* "
                                         r"does not match the provided value of 0{64}"):
        get_file("bad.bin", url, cache_dir=cache, file_hash="0" * 64)
    assert not os.path.exists(os.path.join(cache, "datasets", "bad.bin"))
    assert sorted(os.listdir(os.path.join(cache, "datasets"))) == ["data.bin", "m.bin", "m2.bin"]
    # A cached file whose hash does not match is downloaded again.
    with open(os.path.join(cache, "datasets", "data.bin"), "wb") as f:
        f.write(b"stale")
    capsys.readouterr()
    get_file(origin=url, cache_dir=cache, file_hash=_sha256(data))
    assert "file hash does not match the original value" in capsys.readouterr().out
    assert open(os.path.join(cache, "datasets", "data.bin"), "rb").read() == data


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="origin"):
        get_file("x")
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        get_file(os.path.join("a", "b"), origin="file:///x", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="Can't parse the file name"):
        get_file(origin="http://example.com/", cache_dir=str(tmp_path))
    missing = (tmp_path / "missing.bin").as_uri()
    with pytest.raises(OSError, match="URL fetch failure on file://"):
        get_file(origin=missing, cache_dir=str(tmp_path / "cache"))
    assert os.listdir(tmp_path / "cache" / "datasets") == []


def _tar(path, members: dict) -> None:
    with tarfile.open(path, "w:gz") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))


def test_extract_tar_gz_with_keras_layout(src, tmp_path):
    _tar(src / "pack.tar.gz", {"pack/a.txt": b"A", "pack/sub/b.txt": b"B"})
    url, cache = (src / "pack.tar.gz").as_uri(), str(tmp_path / "cache")
    d = get_file("pack", origin=url, extract=True, cache_dir=cache)  # no dot: <fname> and <fname>_archive
    assert d == os.path.join(cache, "datasets", "pack")
    assert open(os.path.join(d, "pack", "sub", "b.txt")).read() == "B"
    assert os.path.isfile(os.path.join(cache, "datasets", "pack_archive"))
    d2 = get_file("pack.tar.gz", origin=url, extract=True, cache_dir=cache)  # with a dot: <stem>_extracted
    assert d2 == os.path.join(cache, "datasets", "pack_extracted")
    assert os.path.isfile(os.path.join(cache, "datasets", "pack.tar.gz"))
    assert open(os.path.join(d2, "pack", "a.txt")).read() == "A"
    cache2 = str(tmp_path / "cache2")
    d3 = get_file(origin=url, untar=True, cache_dir=cache2)  # name from the URL: pack.tar.gz_archive
    assert d3 == os.path.join(cache2, "datasets", "pack.tar.gz")
    assert os.path.isfile(os.path.join(cache2, "datasets", "pack.tar.gz_archive"))
    assert open(os.path.join(d3, "pack", "a.txt")).read() == "A"


def test_extract_zip_and_non_archive(src, tmp_path):
    with zipfile.ZipFile(src / "z.zip", "w") as z:
        z.writestr("inner/x.txt", "x")
    cache = str(tmp_path / "cache")
    d = get_file("z", origin=(src / "z.zip").as_uri(), extract=True, cache_dir=cache)
    assert open(os.path.join(d, "inner", "x.txt")).read() == "x"
    with pytest.warns(UserWarning, match="Could not extract archive"):
        get_file("plain", origin=(src / "data.bin").as_uri(), extract=True, cache_dir=cache)
    with pytest.warns(UserWarning, match="Could not extract archive"):
        get_file("z2", origin=(src / "z.zip").as_uri(), extract=True, archive_format="tar", cache_dir=cache)
    with pytest.raises(NotImplementedError):
        file_utils.extract_archive(str(src / "z.zip"), str(tmp_path / "o"), archive_format="rar")


def test_unsafe_members_are_skipped(tmp_path):
    _tar(tmp_path / "evil.tar.gz", {"ok.txt": b"fine", "../escape.txt": b"bad"})
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as z:
        z.writestr("ok.txt", "fine")
        z.writestr("../../zescape.txt", "bad")
    out = tmp_path / "out"
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        assert file_utils.extract_archive(str(tmp_path / "evil.tar.gz"), str(out))
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        assert file_utils.extract_archive(str(tmp_path / "evil.zip"), str(out / "z"))
    assert (out / "ok.txt").read_text() == "fine" and (out / "z" / "ok.txt").read_text() == "fine"
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "zescape.txt").exists()
