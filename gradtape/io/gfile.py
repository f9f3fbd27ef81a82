"""``gt.io.gfile``: file system functions, as ``tf.io.gfile`` (local files only).

Missing files raise ``gt.errors.NotFoundError`` (a ``FileNotFoundError``) and existing ones
that must not exist ``gt.errors.AlreadyExistsError``. ``glob`` and ``listdir`` return sorted
lists.

>>> import os, tempfile, gradtape as gt
>>> d = tempfile.mkdtemp()
>>> with gt.io.gfile.GFile(os.path.join(d, "a.txt"), "w") as f:
...     _ = f.write("hi\\n")
>>> gt.io.gfile.listdir(d), gt.io.gfile.exists(os.path.join(d, "a.txt"))
(['a.txt'], True)
"""

from __future__ import annotations

import glob as _glob
import os
import shutil
from typing import Any, Iterator, NamedTuple

from ..errors import AlreadyExistsError, NotFoundError

__all__ = ["GFile", "copy", "exists", "glob", "isdir", "join", "listdir", "makedirs", "mkdir", "remove",
           "rename", "rmtree", "stat", "walk"]


def _missing(path: str) -> NotFoundError:
    return NotFoundError(f"{path}; No such file or directory")


class GFile:
    """A file, as ``tf.io.gfile.GFile``: ``mode`` ``"r"``/``"w"``/``"a"`` (text, UTF-8, no
    newline translation) or with ``"b"`` (bytes). Writing accepts ``str`` or ``bytes``.

    >>> import os, tempfile, gradtape as gt
    >>> path = os.path.join(tempfile.mkdtemp(), "f.bin")
    >>> with gt.io.gfile.GFile(path, "wb") as f:
    ...     _ = f.write(b"abc")
    >>> with gt.io.gfile.GFile(path, "rb") as f:
    ...     f.size(), f.read()
    (3, b'abc')
    """

    def __init__(self, name: str | os.PathLike, mode: str = "r") -> None:
        self.name, self.mode = os.fspath(name), mode
        self._binary = "b" in mode
        try:
            self._f: Any = open(self.name, mode.replace("b", "") + "b")
        except FileNotFoundError:
            raise _missing(self.name) from None

    def _out(self, data: bytes) -> Any:
        return data if self._binary else data.decode("utf-8")

    def read(self, n: int = -1) -> Any:
        """Up to ``n`` bytes (characters in text mode), all when ``n`` is -1."""
        if self._binary or n < 0:
            return self._out(self._f.read(n))
        out = []
        while len(out) < n:
            c = self._f.read(1)
            if not c:
                break
            while True:
                try:
                    out.append(c.decode("utf-8"))
                    break
                except UnicodeDecodeError:
                    more = self._f.read(1)
                    if not more:
                        raise
                    c += more
        return "".join(out)

    def readline(self) -> Any:
        """The next line, with its newline."""
        return self._out(self._f.readline())

    def readlines(self) -> list:
        """The remaining lines."""
        return [self._out(line) for line in self._f.readlines()]

    def write(self, data: Any) -> None:
        """Write ``str`` (UTF-8) or ``bytes``."""
        self._f.write(data.encode("utf-8") if isinstance(data, str) else bytes(data))

    def size(self) -> int:
        """The file's size in bytes."""
        self._f.flush()
        return os.path.getsize(self.name)

    def seek(self, offset: int = 0, whence: int = 0) -> int:
        """Move to a byte offset."""
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        """The current byte offset."""
        return self._f.tell()

    def flush(self) -> None:
        """Write out what is buffered."""
        self._f.flush()

    def close(self) -> None:
        """Close the file."""
        self._f.close()

    def __iter__(self) -> Iterator:
        return (self._out(line) for line in self._f)

    def __enter__(self) -> GFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def exists(path: str | os.PathLike) -> bool:
    """Whether ``path`` exists (file or directory)."""
    return os.path.exists(path)


def isdir(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a directory."""
    return os.path.isdir(path)


def glob(pattern: str | os.PathLike) -> list[str]:
    """The paths matching ``pattern`` (``*``, ``?``, ``[...]``), sorted."""
    return sorted(_glob.glob(os.fspath(pattern)))


def join(path: str, *paths: str) -> str:
    """Join path components, as ``os.path.join``."""
    return os.path.join(path, *paths)


def listdir(path: str | os.PathLike) -> list[str]:
    """The names of a directory's entries, sorted; ``NotFoundError`` if it does not exist."""
    if not os.path.isdir(path):
        raise _missing(os.fspath(path))
    return sorted(os.listdir(path))


def makedirs(path: str | os.PathLike) -> None:
    """Create a directory and its parents (nothing if it exists)."""
    os.makedirs(path, exist_ok=True)


def mkdir(path: str | os.PathLike) -> None:
    """Create one directory; ``AlreadyExistsError`` if it exists."""
    try:
        os.mkdir(path)
    except FileExistsError:
        raise AlreadyExistsError(f"{os.fspath(path)}; File exists") from None
    except FileNotFoundError:
        raise _missing(os.fspath(path)) from None


def remove(path: str | os.PathLike) -> None:
    """Delete a file; ``NotFoundError`` if it does not exist."""
    try:
        os.remove(path)
    except FileNotFoundError:
        raise _missing(os.fspath(path)) from None


def rmtree(path: str | os.PathLike) -> None:
    """Delete a directory and everything in it."""
    if not os.path.exists(path):
        raise _missing(os.fspath(path))
    shutil.rmtree(path)


def _check_transfer(src, dst, overwrite: bool) -> None:
    if not os.path.exists(src):
        raise _missing(os.fspath(src))
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError(f"{os.fspath(dst)}; File exists")


def copy(src: str | os.PathLike, dst: str | os.PathLike, overwrite: bool = False) -> None:
    """Copy a file; ``AlreadyExistsError`` if ``dst`` exists and not ``overwrite``."""
    _check_transfer(src, dst, overwrite)
    shutil.copyfile(src, dst)


def rename(src: str | os.PathLike, dst: str | os.PathLike, overwrite: bool = False) -> None:
    """Move a file; ``AlreadyExistsError`` if ``dst`` exists and not ``overwrite``."""
    _check_transfer(src, dst, overwrite)
    os.replace(src, dst)


class StatResult(NamedTuple):
    """``length`` in bytes, ``mtime_nsec`` and ``is_directory``, as TensorFlow's FileStatistics."""

    length: int
    mtime_nsec: int
    is_directory: bool


def stat(path: str | os.PathLike) -> StatResult:
    """The size, modification time and kind of ``path``."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _missing(os.fspath(path)) from None
    return StatResult(st.st_size, st.st_mtime_ns, os.path.isdir(path))


def walk(top: str | os.PathLike, topdown: bool = True, onerror: Any = None) -> Iterator:
    """``(dirpath, dirnames, filenames)`` for every directory under ``top``, as ``os.walk``."""
    return os.walk(top, topdown=topdown, onerror=onerror)
