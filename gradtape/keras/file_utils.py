"""``gt.keras.utils.get_file``: download a file into the Keras cache (``~/.keras/datasets`` by
default, or ``$KERAS_HOME/datasets``), check its hash and optionally extract it, as
``keras.utils.get_file`` does, so the files Keras has already cached are found and reused.

>>> import os, tempfile
>>> import gradtape as gt
>>> src = tempfile.mkdtemp()
>>> with open(os.path.join(src, "hello.txt"), "w") as f:
...     _ = f.write("hello")
>>> url = "file://" + os.path.join(src, "hello.txt")
>>> path = gt.keras.utils.get_file(origin=url, cache_dir=tempfile.mkdtemp())  # doctest: +ELLIPSIS
Downloading data from file://.../hello.txt
5/5 bytes
>>> os.path.basename(path), open(path).read()
('hello.txt', 'hello')
"""

from __future__ import annotations

import hashlib
import inspect
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence

__all__ = ["get_file", "keras_home", "hash_file", "validate_file", "extract_archive"]

_CHUNK = 1 << 16


def keras_home() -> str:
    """The Keras cache root: ``$KERAS_HOME`` if set, else ``~/.keras`` (``/tmp/.keras`` when the home
    directory is not writable). Read at each call, so setting ``KERAS_HOME`` later takes effect."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _resolve_hasher(algorithm: str, file_hash: str | None = None):
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath: str | os.PathLike, algorithm: str = "sha256", chunk_size: int = 65535) -> str:
    """The hex ``sha256`` (or ``md5``) digest of a file.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"")
    >>> hash_file(f.name)
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    >>> hash_file(f.name, "md5")
    'd41d8cd98f00b204e9800998ecf8427e'
    """
    hasher = _resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath: str | os.PathLike, file_hash: str, algorithm: str = "auto", chunk_size: int = 65535) -> bool:
    """Whether the file's hash equals ``file_hash``; ``"auto"`` means sha256 for a 64-character
    hash and md5 otherwise."""
    hasher = _resolve_hasher(algorithm, file_hash)
    return str(hash_file(fpath, hasher, chunk_size)) == str(file_hash)


def _hash_name(algorithm: str, file_hash: str) -> str:
    return _resolve_hasher(algorithm, file_hash).name


def _sub_path(base_dir: str, relative: str) -> str | None:
    """``base_dir/relative`` resolved, or None if it escapes ``base_dir``."""
    path = os.path.realpath(os.path.join(base_dir, relative))
    try:
        return path if os.path.commonpath([path, base_dir]) == base_dir else None
    except ValueError:
        return None


def _link_in_dir(info: tarfile.TarInfo, base_dir: str) -> bool:
    if info.islnk():
        return _sub_path(base_dir, info.name) is not None and _sub_path(base_dir, info.linkname) is not None
    destination = _sub_path(base_dir, info.name)
    if destination is None:
        return False
    link = os.path.realpath(os.path.join(os.path.dirname(destination), info.linkname))
    try:
        return os.path.commonpath([link, base_dir]) == base_dir
    except ValueError:
        return False


def _safe_tar_members(members: Iterable[tarfile.TarInfo], base_dir: str) -> Iterator[tarfile.TarInfo]:
    base_dir = os.path.realpath(base_dir)
    for info in members:
        ok = _link_in_dir(info, base_dir) if (info.issym() or info.islnk()) else _sub_path(base_dir, info.name) is not None
        if ok:
            yield info
        else:
            warnings.warn(f"Skipping invalid path during archive extraction: '{info.name}'.", stacklevel=2)


def _safe_zip_members(members: Iterable[zipfile.ZipInfo], base_dir: str) -> Iterator[zipfile.ZipInfo]:
    base_dir = os.path.realpath(base_dir)
    for info in members:
        if _sub_path(base_dir, info.filename) is not None:
            yield info
        else:
            warnings.warn(f"Skipping invalid path during archive extraction: '{info.filename}'.", stacklevel=2)


def _extract_open_archive(archive: tarfile.TarFile | zipfile.ZipFile, path: str) -> None:
    if isinstance(archive, zipfile.ZipFile):
        archive.extractall(path, members=_safe_zip_members(archive.infolist(), path))
        return
    kwargs = {}
    if sys.version_info < (3, 14) and "filter" in inspect.signature(archive.extractall).parameters:
        kwargs = {"filter": "data"}
    archive.extractall(path, members=_safe_tar_members(archive, path), **kwargs)


def extract_archive(file_path: str | os.PathLike, path: str | os.PathLike = ".",
                    archive_format: str | Sequence[str] | None = "auto") -> bool:
    """Extract a ``.tar``/``.tar.gz``/``.tar.bz2`` or ``.zip`` archive into ``path``, skipping members
    that would land outside it. ``archive_format`` is ``"tar"``, ``"zip"``, a list of those, ``"auto"``
    (``["tar", "zip"]``) or None. Returns whether an archive of an accepted format was extracted.

    >>> import os, tempfile, zipfile
    >>> d = tempfile.mkdtemp()
    >>> with zipfile.ZipFile(os.path.join(d, "a.zip"), "w") as z:
    ...     z.writestr("inner/x.txt", "x")
    >>> extract_archive(os.path.join(d, "a.zip"), os.path.join(d, "out"))
    True
    >>> open(os.path.join(d, "out", "inner", "x.txt")).read()
    'x'
    >>> extract_archive(os.path.join(d, "a.zip"), os.path.join(d, "out2"), archive_format="tar")
    False
    """
    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in archive_format:
        if kind == "tar":
            open_fn, is_match = tarfile.open, tarfile.is_tarfile
        elif kind == "zip":
            open_fn, is_match = zipfile.ZipFile, zipfile.is_zipfile
        else:
            raise NotImplementedError(kind)
        if is_match(file_path):
            with open_fn(file_path) as archive:
                try:
                    _extract_open_archive(archive, path)
                except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
                    if os.path.isfile(path):
                        os.remove(path)
                    elif os.path.exists(path):
                        shutil.rmtree(path)
                    raise
            return True
    return False


class _Progress:
    """Byte counts on stdout: updated in place on a terminal, one final line otherwise."""

    def __init__(self, total: int | None):
        self.total, self.done, self.shown = total, 0, -1
        self.tty = hasattr(sys.stdout, "isatty") and sys.stdout.isatty()

    def _line(self) -> str:
        return f"{self.done}/{self.total} bytes" if self.total else f"{self.done} bytes"

    def update(self, n: int) -> None:
        self.done += n
        if self.tty and self.total:
            pct = 100 * self.done // self.total
            if pct != self.shown:
                self.shown = pct
                print(f"\r{self._line()} ({pct}%)", end="", flush=True)

    def finish(self) -> None:
        print(("\r" if self.tty else "") + self._line() + (" (100%)" if self.tty and self.total else ""), flush=True)


def _download(origin: str, target: str, file_hash: str | None, hash_algorithm: str) -> None:
    """Fetch ``origin`` to a temporary file beside ``target``, check its hash, then move it into place:
    an interrupted or corrupted download never sits in the cache under the final name."""
    print(f"Downloading data from {origin}", flush=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".part", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(origin) as response:
                    length = response.headers.get("Content-Length")
                    progress = _Progress(int(length) if length and length.isdigit() else None)
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        out.write(chunk)
                        progress.update(len(chunk))
                    progress.finish()
            except urllib.error.HTTPError as e:
                raise OSError(f"URL fetch failure on {origin}: {e.code} -- {e.msg}") from e
            except urllib.error.URLError as e:
                raise OSError(f"URL fetch failure on {origin}: {e.errno} -- {e.reason}") from e
        if file_hash is not None and not validate_file(tmp, file_hash, algorithm=hash_algorithm):
            name = _hash_name(hash_algorithm, file_hash)
            raise ValueError(f"Incomplete or corrupted file detected. The {name} file hash of the data downloaded "
                             f"from {origin} ({hash_file(tmp, name)}) does not match the provided value of {file_hash}.")
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def get_file(fname: str | os.PathLike | None = None, origin: str | None = None, untar: bool = False,
             md5_hash: str | None = None, file_hash: str | None = None, cache_subdir: str = "datasets",
             hash_algorithm: str = "auto", extract: bool = False, archive_format: str | Sequence[str] | None = "auto",
             cache_dir: str | os.PathLike | None = None, force_download: bool = False) -> str:
    """Download ``origin`` into ``cache_dir/cache_subdir/fname`` unless it is already there, and return
    its path, as ``keras.utils.get_file``.

    ``cache_dir`` defaults to ``$KERAS_HOME`` or ``~/.keras``; ``fname`` defaults to the last part of
    the URL's path. With ``file_hash`` (sha256, or md5 when 32 characters long or with
    ``hash_algorithm="md5"``; ``md5_hash`` is the older spelling), a cached file that does not match
    is downloaded again and a download that does not match raises ``ValueError``. With ``extract=True``
    (``untar=True`` is the older spelling, tar only) the archive (tar, tar.gz, tar.bz2, zip) is saved as
    ``<fname>_archive`` and extracted into the directory ``<fname>`` whose path is returned; an
    ``fname`` with a dot is saved as is and extracted into ``<stem>_extracted``.

    >>> import os, tarfile, tempfile
    >>> import gradtape as gt
    >>> src, cache = tempfile.mkdtemp(), tempfile.mkdtemp()
    >>> with open(os.path.join(src, "a.txt"), "w") as f:
    ...     _ = f.write("data")
    >>> with tarfile.open(os.path.join(src, "pack.tar.gz"), "w:gz") as t:
    ...     t.add(os.path.join(src, "a.txt"), arcname="pack/a.txt")
    >>> url = "file://" + os.path.join(src, "pack.tar.gz")
    >>> d = gt.keras.utils.get_file("pack", origin=url, extract=True, cache_dir=cache)  # doctest: +ELLIPSIS
    Downloading data from file://...
    >>> os.path.relpath(d, cache), sorted(os.listdir(os.path.join(cache, "datasets")))
    ('datasets/pack', ['pack', 'pack_archive'])
    >>> open(os.path.join(d, "pack", "a.txt")).read()
    'data'
    >>> gt.keras.utils.get_file("pack", origin=url, extract=True, cache_dir=cache) == d  # cached: no download
    True
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if cache_dir is None:
        cache_dir = keras_home()
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(os.fspath(cache_dir))
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        pass
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)

    provided_fname = fname
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. "
                             "Please specify the `fname` argument.")
    elif os.sep in fname:
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the file's parent "
                         f"directory, use the `cache_dir` argument. Received: fname={fname}")

    if extract or untar:
        if provided_fname and "." in fname:
            download_target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, f"{fname[:fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            download_target = os.path.join(datadir, f"{fname}_archive")
    else:
        download_target = os.path.join(datadir, fname)

    download = True
    if not force_download and os.path.exists(download_target):
        download = False
        if file_hash is not None and not validate_file(download_target, file_hash, algorithm=hash_algorithm):
            print(f"A local file was found, but it seems to be incomplete or outdated because the "
                  f"{_hash_name(hash_algorithm, file_hash)} file hash does not match the original value of "
                  f"{file_hash} so we will re-download the data.", flush=True)
            download = True
    if download:
        _download(origin, download_target, file_hash, hash_algorithm)

    if extract or untar:
        if untar:
            archive_format = "tar"
        if not extract_archive(download_target, extraction_dir, archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return download_target
