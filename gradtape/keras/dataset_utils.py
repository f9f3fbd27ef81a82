"""``keras.utils.image_dataset_from_directory`` and ``text_dataset_from_directory``: a
``gt.data.Dataset`` of (file contents, label) batches from a folder with one subfolder per class.

The files are indexed as Keras indexes them (class folders in alphanumeric order, files sorted
within each, then, when ``shuffle``, one global ``np.random.RandomState(seed)`` shuffle), so the
training/validation split of a seeded call holds the same files as Keras's. The per-epoch
shuffle of the training batches uses gradtape's random stream, not TensorFlow's.
"""

from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np

from .. import data as _data
from .. import io as _io
from .._engine.tensor import Tensor, wrap
from ..ops import image as _image

__all__ = ["image_dataset_from_directory", "text_dataset_from_directory"]

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def _check_split(validation_split: float | None, subset: str | None, shuffle: bool, seed: int | None) -> None:
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide a `seed` argument, "
                         "to make sure that there is no overlap between the training and validation subset.")


def _check_labels(labels: Any, label_mode: str | None, class_names: Sequence[str] | None) -> str | None:
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("`labels` argument should be a list/tuple of integer labels, of the same size as the "
                             'number of files in the target directory, "inferred" or None. '
                             f"Received: labels={labels!r}")
        if class_names:
            raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. Received: labels={labels!r}, '
                             f"and class_names={class_names!r}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", or None. '
                         f"Received: label_mode={label_mode!r}")
    return None if labels is None else label_mode


def _valid_files(directory: str, follow_links: bool, formats: tuple) -> list[str]:
    found = []
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda w: w[0]):
        found += [os.path.join(root, f) for f in sorted(files) if f.lower().endswith(formats)]
    return found


def index_directory(directory: str, labels: Any, formats: tuple, class_names: Sequence[str] | None = None,
                    shuffle: bool = True, seed: int | None = None, follow_links: bool = False,
                    verbose: bool = True) -> tuple[list[str], np.ndarray | None, list[str] | None]:
    """The file paths under ``directory``, their integer labels and the class names, in Keras's
    order (shuffled with ``np.random.RandomState(seed)`` when ``shuffle``).

    >>> import os, tempfile, gradtape as gt
    >>> root = tempfile.mkdtemp()
    >>> for c in ("cat", "dog"):
    ...     os.mkdir(os.path.join(root, c))
    ...     gt.io.write_file(os.path.join(root, c, "1.txt"), c)
    >>> paths, labels, names = gt.keras.utils.index_directory(root, "inferred", (".txt",), shuffle=False,
    ...                                                         verbose=False)
    >>> [os.path.relpath(p, root) for p in paths], labels.tolist(), names
    (['cat/1.txt', 'dog/1.txt'], [0, 1], ['cat', 'dog'])
    """
    directory = os.fspath(directory)
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError("The `class_names` passed did not match the names of the subdirectories of the "
                                 f"target directory. Expected: {subdirs} (or a subset of it), but received: "
                                 f"class_names={list(class_names)}")
            subdirs = list(class_names)
        paths: list[str] = []
        ids: list[int] = []
        for i, sub in enumerate(subdirs):
            found = _valid_files(os.path.join(directory, sub), follow_links, formats)
            paths += found
            ids += [i] * len(found)
        names: list[str] | None = list(subdirs)
        label_array: np.ndarray | None = np.asarray(ids, np.int32)
    else:
        if class_names is not None:
            raise ValueError("When `labels` is not 'inferred', argument `class_names` cannot be specified.")
        paths = _valid_files(directory, follow_links, formats)
        if labels is None:
            names, label_array = None, None
        else:
            if len(labels) != len(paths):
                raise ValueError("Expected the lengths of `labels` to match the number of files in the target "
                                 f"directory. len(labels) is {len(labels)} while we found {len(paths)} files in "
                                 f"directory {directory}.")
            label_array = np.asarray(labels)
            names = [str(v) for v in sorted(set(labels))]
    if verbose:
        print(f"Found {len(paths)} files." if label_array is None
              else f"Found {len(paths)} files belonging to {len(names or [])} classes.")
    if shuffle:
        if seed is None:
            seed = int(np.random.randint(1e6))
        np.random.RandomState(seed).shuffle(paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return paths, label_array, names


def _split(paths: list, labels: np.ndarray | None, validation_split: float | None,
           subset: str | None) -> tuple[list, np.ndarray | None]:
    if not validation_split:
        return paths, labels
    n_val = int(validation_split * len(paths))
    if subset == "training":  # printed whatever ``verbose`` says, as Keras does
        print(f"Using {len(paths) - n_val} files for training.")
        part = slice(None, -n_val) if n_val else slice(None)
    else:
        print(f"Using {n_val} files for validation.")
        part = slice(-n_val, None) if n_val else slice(0, 0)
    return paths[part], None if labels is None else labels[part]


def _labelled(paths: list, labels: np.ndarray | None, label_mode: str | None, num_classes: int, load: Any,
              batch_size: int | None, shuffle: bool, seed: int | None) -> _data.Dataset:
    ds = _data.Dataset.from_tensor_slices(np.asarray(paths, dtype=object) if paths else np.zeros(0, str))
    if label_mode:
        if label_mode == "binary":
            y = labels.astype(np.float32)[:, None]
        elif label_mode == "categorical":
            y = np.eye(num_classes, dtype=np.float32)[labels]
        else:
            y = labels.astype(np.int32)
        ds = _data.Dataset.zip((ds, _data.Dataset.from_tensor_slices(y)))
    if shuffle:
        ds = ds.shuffle(batch_size * 8 if batch_size is not None else 1024, seed=seed)
    ds = ds.map((lambda p, y: (load(p), y)) if label_mode else load)
    if batch_size is not None:
        ds = ds.batch(batch_size)
    return ds.prefetch(_data.AUTOTUNE)


def _from_directory(kind: str, directory: str, labels: Any, label_mode: str | None, class_names: Any,
                    formats: tuple, load: Any, batch_size: int | None, shuffle: bool, seed: int | None,
                    validation_split: float | None, subset: str | None, follow_links: bool,
                    verbose: bool) -> Any:
    label_mode = _check_labels(labels, label_mode, class_names)
    _check_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = int(np.random.randint(1e6))
    paths, ids, names = index_directory(directory, labels, formats, class_names, shuffle, seed, follow_links,
                                        verbose)
    if label_mode == "binary" and len(names or []) != 2:
        raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 class_names. '
                         f"Received: class_names={names}")
    num_classes = len(names) if names else 0

    def make(which: str | None) -> _data.Dataset:
        p, y = _split(paths, ids, validation_split, which)
        if not p:
            what = {"training": "training ", "validation": "validation "}.get(which or "", "")
            raise ValueError(f"No {what}{kind} found in directory {directory}. Allowed formats: {formats}")
        ds = _labelled(p, y, label_mode, num_classes, load, batch_size, shuffle and which != "validation", seed)
        ds.class_names = names
        ds.file_paths = p
        return ds

    if subset == "both":
        return [make("training"), make("validation")]
    return make(subset)


def _smart_crop(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The largest centred crop of ``img`` (h, w, c) with the aspect ratio of ``size``."""
    height, width = img.shape[0], img.shape[1]
    crop_h = max(min(height, int(float(width * size[0]) / size[1])), 1)
    crop_w = max(min(width, int(float(height * size[1]) / size[0])), 1)
    top, left = int(float(height - crop_h) / 2), int(float(width - crop_w) / 2)
    return img[top:top + crop_h, left:left + crop_w]


def image_dataset_from_directory(directory: str, labels: Any = "inferred", label_mode: str | None = "int",
                                 class_names: Sequence[str] | None = None, color_mode: str = "rgb",
                                 batch_size: int | None = 32, image_size: Any = (256, 256), shuffle: bool = True,
                                 seed: int | None = None, validation_split: float | None = None,
                                 subset: str | None = None, interpolation: str = "bilinear",
                                 follow_links: bool = False, crop_to_aspect_ratio: bool = False,
                                 pad_to_aspect_ratio: bool = False, data_format: str | None = None,
                                 format: str = "tf", verbose: bool = True) -> Any:
    """A dataset of (float32 images resized to ``image_size``, labels) batches read from the
    image files (PNG; JPEG, GIF and BMP with Pillow) in the class subfolders of ``directory``,
    as ``keras.utils.image_dataset_from_directory``. Labels are int32 ("int"), float32 one-hot
    ("categorical") or float32 of shape (batch, 1) ("binary"); ``label_mode=None`` yields
    images only. ``subset="both"`` returns ``[training, validation]``. The dataset has the
    attributes ``class_names`` and ``file_paths``.

    >>> import os, tempfile, numpy as np, gradtape as gt
    >>> root = tempfile.mkdtemp()
    >>> for c in ("cat", "dog"):
    ...     os.mkdir(os.path.join(root, c))
    ...     gt.io.write_file(os.path.join(root, c, "1.png"), gt.io.encode_png(np.zeros((4, 6, 3), np.uint8)))
    >>> ds = gt.keras.utils.image_dataset_from_directory(root, image_size=(2, 3), shuffle=False)
    Found 2 files belonging to 2 classes.
    >>> ds.class_names
    ['cat', 'dog']
    >>> images, labels = next(iter(ds))
    >>> images.shape, images.dtype, labels.numpy()
    ((2, 2, 3, 3), dtype('float32'), array([0, 1], dtype=int32))
    """
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. Received: color_mode={color_mode}')
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"Invalid `image_size` value. Expected a tuple of 2 integers. Received: image_size={image_size}")
    size = (int(image_size[0]), int(image_size[1]))
    interpolation = interpolation.lower()
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"Argument `interpolation` should be one of {_INTERPOLATIONS}. "
                         f"Received: interpolation={interpolation}")
    if format != "tf":
        raise ValueError(f'`format` must be "tf" (gradtape has no grain datasets). Received: format={format}')
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`.")
    if data_format is None:
        from .backend import image_data_format
        data_format = image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"`data_format` must be 'channels_last' or 'channels_first', got {data_format!r}")

    def load(path: Tensor) -> Tensor:
        img = _io.decode_image(_io.read_file(path), channels=channels, expand_animations=False)
        if crop_to_aspect_ratio:
            img = wrap(_smart_crop(img.numpy(), size))
        if pad_to_aspect_ratio:
            img = _image.resize_with_pad(img, size[0], size[1], method=interpolation)
        else:
            img = _image.resize(img, size, method=interpolation)
        out = np.asarray(img.numpy(), np.float32)
        return wrap(out.transpose(2, 0, 1) if data_format == "channels_first" else out)

    return _from_directory("images", directory, labels, label_mode, class_names, IMAGE_FORMATS, load, batch_size,
                           shuffle, seed, validation_split, subset, follow_links, verbose)


def text_dataset_from_directory(directory: str, labels: Any = "inferred", label_mode: str | None = "int",
                                class_names: Sequence[str] | None = None, batch_size: int | None = 32,
                                max_length: int | None = None, shuffle: bool = True, seed: int | None = None,
                                validation_split: float | None = None, subset: str | None = None,
                                follow_links: bool = False, format: str = "tf", verbose: bool = True) -> Any:
    """A dataset of (file contents as byte strings, labels) batches read from the ``.txt``
    files in the class subfolders of ``directory``, as ``keras.utils.text_dataset_from_directory``
    (``max_length`` cuts each text to that many bytes). Labels and subsets as
    :func:`image_dataset_from_directory`.

    >>> import os, tempfile, gradtape as gt
    >>> root = tempfile.mkdtemp()
    >>> for c, text in (("neg", "bad film"), ("pos", "great film")):
    ...     os.mkdir(os.path.join(root, c))
    ...     gt.io.write_file(os.path.join(root, c, "1.txt"), text)
    >>> ds = gt.keras.utils.text_dataset_from_directory(root, batch_size=2, shuffle=False, verbose=False)
    >>> texts, labels = next(iter(ds))
    >>> texts.numpy().tolist(), labels.numpy().tolist(), ds.class_names
    ([b'bad film', b'great film'], [0, 1], ['neg', 'pos'])
    """
    if format != "tf":
        raise ValueError(f'`format` must be "tf" (gradtape has no grain datasets). Received: format={format}')

    def load(path: Tensor) -> Tensor:
        text = _io.read_file(path)
        if max_length is None:
            return text
        return wrap(np.asarray(text.numpy()[:max_length], dtype=object))

    return _from_directory("text files", directory, labels, label_mode, class_names, (".txt",), load, batch_size,
                           shuffle, seed, validation_split, subset, follow_links, verbose)
