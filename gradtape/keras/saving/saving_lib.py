"""The ``.keras`` file: a zip archive holding ``metadata.json``, ``config.json`` (the model's
serialized config, with its ``compile_config`` when compiled) and the weights.

With h5py installed the weights are ``model.weights.h5`` in Keras 3's HDF5 layout
(:mod:`.weights_layout`), so Keras 3 itself can load the file, and gradtape loads the
``.keras`` files Keras writes. gradtape does not depend on h5py: without it the weights are
written as ``model.weights.npz`` (a NumPy archive with one array per ``<path>/vars/<i>`` key,
in the same layout), which only gradtape reads. The optimizer's state is saved with the
weights (``optimizer/vars``), as Keras does. Keras's legacy ``.h5`` whole-model format is not
supported.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from .serialization import deserialize_keras_object, serialize_keras_object
from .weights_layout import load_optimizer_variables, optimizer_variables, saveables, vocabulary_assets

__all__ = ["save_model", "load_model", "model_from_json"]

_CONFIG = "config.json"
_METADATA = "metadata.json"
_H5 = "model.weights.h5"
_NPZ = "model.weights.npz"
KERAS_FORMAT_VERSION = "3.15.1"  # the Keras release whose file layout this follows


def _h5py() -> Any:
    try:
        import h5py
    except ImportError:
        return None
    return h5py


def _check_path(filepath: Any, what: str, zipped: bool = True) -> str:
    if isinstance(filepath, (io.IOBase,)):
        raise TypeError(f"{what}: pass a file path (file objects are not supported)")
    path = os.fspath(filepath)
    if path.endswith((".h5", ".hdf5")):
        raise ValueError(f"{what}: the legacy HDF5 (.h5) whole-model format is not supported by "
                         f"gradtape; use a `.keras` path (received filepath={path}). For weights "
                         "only, use model.save_weights().")
    if not zipped:
        if path.endswith(".keras"):
            raise ValueError("When using `zipped=False`, the `filepath` argument should not end in `.keras`. "
                             f"Received: filepath={path}")
        return path
    if not path.endswith(".keras"):
        raise ValueError("Invalid filepath extension for saving. Please add a `.keras` extension "
                         f"for the native Keras format. Received: filepath={path}")
    return path


def _weight_entries(model: Any) -> list[tuple[str, str, Any]]:
    """``(path, name, arrays)`` for the model's saveables and the optimizer; ``arrays`` is a
    list (stored as ``vars/0``, ``vars/1``, ...) or a dict of named arrays (a "tf_idf" lookup
    layer's ``vars/idf_weights``, as Keras stores it)."""
    named = {}
    for folder, layer in vocabulary_assets(model):
        lookup = getattr(layer, "_lookup_layer", layer)
        if lookup.output_mode == "tf_idf" and lookup.idf_weights is not None:
            named[folder] = (layer.name, {"idf_weights": lookup.idf_weights.numpy()})
    entries = []
    for path, name, variables in saveables(model):
        arrays = [v.numpy() for v in variables]
        if path in named and not arrays:
            arrays = named.pop(path)[1]
        entries.append((path, name, arrays))
    entries += [(folder, name, arrays) for folder, (name, arrays) in named.items()]
    if getattr(model, "compiled", False) and model.optimizer is not None:
        entries.append(("optimizer", model.optimizer.name, optimizer_variables(model)))
    return entries


def _h5_bytes(h5py: Any, entries: list) -> bytes:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        for path, name, arrays in entries:
            group = f.create_group(f"{path}/vars" if path else "vars")
            group.attrs["name"] = name
            for key, a in (arrays.items() if isinstance(arrays, dict) else enumerate(arrays)):
                group[str(key)] = np.asarray(a)
    return buffer.getvalue()


def _npz_bytes(entries: list) -> bytes:
    flat = {}
    for path, _, arrays in entries:
        for key, a in (arrays.items() if isinstance(arrays, dict) else enumerate(arrays)):
            flat[f"{path}/vars/{key}" if path else f"vars/{key}"] = np.asarray(a)
    buffer = io.BytesIO()
    np.savez(buffer, **flat)
    return buffer.getvalue()


def save_model(model: Any, filepath: Any, overwrite: bool = True, zipped: bool | None = None,
               weights_format: str | None = None) -> None:
    """Write ``model`` to a ``.keras`` file (see the module's docstring); ``weights_format`` is
    ``"h5"`` (needs h5py), ``"npz"``, or None for h5 when h5py is importable, else npz.
    ``zipped=False`` writes the same files into a directory (whose name must not end in
    ``.keras``), as Keras does; ``load_model`` reads both.

    >>> import os, tempfile, zipfile, gradtape as gt
    >>> model = gt.keras.Sequential([gt.keras.Input((2,)), gt.keras.layers.Dense(1)])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> gt.keras.saving.save_model(model, path, weights_format="npz")
    >>> sorted(zipfile.ZipFile(path).namelist())
    ['config.json', 'metadata.json', 'model.weights.npz']
    """
    import gradtape
    path = _check_path(filepath, "save", zipped is not False)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"save: {path} exists and overwrite=False")
    h5py = _h5py()
    if weights_format is None:
        weights_format = "h5" if h5py is not None else "npz"
    if weights_format not in ("h5", "npz"):
        raise ValueError(f"Unknown `weights_format` argument. Expected 'h5' or 'npz'. Received: "
                         f"weights_format={weights_format}")
    if weights_format == "h5" and h5py is None:
        raise ImportError("h5py must be installed to write the weights as HDF5; use "
                          "weights_format='npz' (readable by gradtape only)")
    config = json.dumps(serialize_keras_object(model))
    metadata = json.dumps({"keras_version": KERAS_FORMAT_VERSION,
                           "gradtape_version": gradtape.__version__,
                           "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")})
    entries = _weight_entries(model)
    if weights_format == "h5":
        name, data = _H5, _h5_bytes(h5py, entries)
    else:
        name, data = _NPZ, _npz_bytes(entries)
    assets = _vocabulary_files(model)
    if zipped is False:
        os.makedirs(os.path.join(path, "assets"), exist_ok=True)
        for entry, content in ((_METADATA, metadata), (_CONFIG, config), (name, data), *assets):
            os.makedirs(os.path.dirname(os.path.join(path, entry)), exist_ok=True)
            with open(os.path.join(path, entry), "wb") as f:
                f.write(content.encode("utf-8") if isinstance(content, str) else content)
        for stale in {_H5, _NPZ} - {name}:  # an earlier save in the other weights format
            if os.path.exists(os.path.join(path, stale)):
                os.remove(os.path.join(path, stale))
        return
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".keras.tmp")
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w") as zf:
            zf.writestr(_METADATA, metadata)
            zf.writestr(_CONFIG, config)
            zf.writestr(name, data)
            for entry, content in assets:
                zf.writestr(entry, content)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _vocabulary_files(model: Any) -> list[tuple[str, str]]:
    """Keras's vocabulary assets: one token a line, special tokens first; none for a layer
    whose vocabulary is in its config (as Keras)."""
    return [(f"assets/{folder}/vocabulary.txt" if folder else "assets/vocabulary.txt",
             "\n".join(str(token) for token in layer.get_vocabulary()))
            for folder, layer in vocabulary_assets(model)
            if not getattr(layer, "_lookup_layer", layer)._has_input_vocabulary]


def _load_vocabularies(model: Any, archive: Any) -> None:
    """Give the lookup layers whose vocabulary was adapted (not in their config) the saved one."""
    names = set(archive.namelist())
    for folder, layer in vocabulary_assets(model):
        if folder.endswith("_lookup_layer"):
            continue  # the text vectorization layer sets its lookup layer's
        entry = f"assets/{folder}/vocabulary.txt" if folder else "assets/vocabulary.txt"
        lookup = getattr(layer, "_lookup_layer", layer)
        if entry not in names or lookup._has_input_vocabulary or lookup.output_mode == "tf_idf":
            continue  # a vocabulary in the config, or IDF weights that are not an asset
        tokens = archive.read(entry).decode("utf-8").splitlines()  # as Keras reads them
        while tokens and tokens[-1] == "":
            tokens.pop()
        if not lookup._string_keys:
            tokens = [int(t) for t in tokens]
        layer.set_vocabulary(tokens)


class _Folder:
    """An unzipped model (``save(..., zipped=False)``) read like its zip archive."""

    def __init__(self, path: str):
        self.path = path

    def namelist(self) -> list:
        """Every file under the folder, as a zip archive names them (``assets/layers/...``)."""
        names = []
        for root, _, files in os.walk(self.path):
            rel = os.path.relpath(root, self.path)
            names += [name if rel == "." else "/".join([*rel.split(os.sep), name]) for name in files]
        return sorted(names)

    def read(self, name: str) -> bytes:
        with open(os.path.join(self.path, name), "rb") as f:
            return f.read()


class _Store:
    """The arrays of a ``model.weights.h5`` or ``.npz``, by saveable path."""

    def __init__(self, zf: Any):
        names = zf.namelist()
        self.groups: dict[str, dict[str, np.ndarray]] = {}
        if _H5 in names:
            h5py = _h5py()
            if h5py is None:
                raise ImportError("This .keras file holds its weights as HDF5 (model.weights.h5, "
                                  "as Keras writes them): install h5py to load it")
            with h5py.File(io.BytesIO(zf.read(_H5)), "r") as f:
                def visit(name: str, obj: Any) -> None:
                    if isinstance(obj, h5py.Dataset) and "/vars/" in f"/{name}":
                        group, _, key = name.rpartition("/")
                        self.groups.setdefault(group[:-len("vars")].rstrip("/"), {})[key] = obj[()]
                f.visititems(visit)
        elif _NPZ in names:
            with np.load(io.BytesIO(zf.read(_NPZ)), allow_pickle=False) as archive:
                for key in archive.files:
                    group, _, index = key.rpartition("/")
                    self.groups.setdefault(group[:-len("vars")].rstrip("/"), {})[index] = archive[key]
        else:
            raise ValueError("The .keras file has no weights (model.weights.h5 or model.weights.npz)")

    def arrays(self, path: str) -> list:
        """The numbered arrays of ``path`` (named ones, such as Keras's ``idf_weights``, are
        not variables of the layer)."""
        group = self.groups.get(path, {})
        count = sum(1 for key in group if key.isdigit())
        return [np.asarray(group[str(i)]) for i in range(count)]


def _assign_weights(model: Any, store: _Store, load_optimizer: bool) -> None:
    pairs, problems = [], []
    for path, name, variables in saveables(model):
        arrays = store.arrays(path)
        if len(arrays) != len(variables):
            problems.append(f"Layer '{name}' (at {path or 'the model'}) expected {len(variables)} "
                            f"variables, but received {len(arrays)} variables during loading.")
            continue
        for v, a in zip(variables, arrays):
            if tuple(a.shape) != tuple(v.shape):
                problems.append(f"Weight {v.name} has shape {tuple(v.shape)} but the saved one has "
                                f"shape {a.shape}")
            pairs.append((v, a))
    if problems:
        raise ValueError("Could not load the weights:\n" + "\n".join(problems))
    for v, a in pairs:
        v.assign(a.astype(v.dtype, copy=False))
    if load_optimizer and getattr(model, "compiled", False) and "optimizer" in store.groups:
        load_optimizer_variables(model, store.arrays("optimizer"))


def load_model(filepath: Any, custom_objects: dict | None = None, compile: bool = True,
               safe_mode: bool = True) -> Any:
    """The model saved in a ``.keras`` file (by gradtape or by Keras 3): rebuilt from its
    config, with its weights, compiled (optimizer state included) when it was and ``compile``.
    ``custom_objects`` maps the names of custom classes and functions; ``safe_mode=False``
    allows lambdas (their code is run).

    >>> import os, tempfile, numpy as np, gradtape as gt
    >>> inputs = gt.keras.Input((2,), name="x")
    >>> model = gt.keras.Model(inputs, gt.keras.layers.Dense(1)(inputs))
    >>> model.compile(optimizer="adam", loss="mse")
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> model.save(path)
    >>> again = gt.keras.models.load_model(path)
    >>> again.compiled, bool(np.allclose(again.get_weights()[0], model.get_weights()[0]))
    (True, True)
    """
    path = os.fspath(filepath)
    if path.endswith((".h5", ".hdf5")):
        raise ValueError(f"load_model: the legacy HDF5 (.h5) whole-model format is not supported "
                         f"by gradtape; save the model as `.keras` (received filepath={path})")
    if os.path.isdir(path):
        if not os.path.exists(os.path.join(path, _CONFIG)):
            raise ValueError(f"load_model: the directory {path} holds no saved model ({_CONFIG} is missing)")
        model, store = _read_model(_Folder(path), compile, custom_objects, safe_mode)
    elif not zipfile.is_zipfile(path):
        raise ValueError(f"File format not supported: filepath={path}. gradtape reads `.keras` "
                         "zip archives and the directories of save(..., zipped=False).")
    else:
        with zipfile.ZipFile(path, "r") as zf:
            model, store = _read_model(zf, compile, custom_objects, safe_mode)
    _assign_weights(model, store, load_optimizer=compile)
    return model


def _adapted_tf_idf_layers(config: Any) -> list:
    """The names of "tf_idf" lookup layers in ``config`` whose vocabulary is not in it."""
    found = []
    if isinstance(config, dict):
        inner = config.get("config")
        if (config.get("class_name") in ("TextVectorization", "StringLookup", "IntegerLookup")
                and isinstance(inner, dict) and inner.get("output_mode") == "tf_idf"
                and inner.get("vocabulary") is None):
            found.append(inner.get("name"))
        for value in config.values():
            found += _adapted_tf_idf_layers(value)
    elif isinstance(config, list):
        for value in config:
            found += _adapted_tf_idf_layers(value)
    return found


def _read_model(archive: Any, compile: bool, custom_objects: Any, safe_mode: bool) -> tuple:
    """(the model built from the archive's config, the store of its weights)."""
    config = json.loads(archive.read(_CONFIG).decode("utf-8"))
    tf_idf = [n for n in _adapted_tf_idf_layers(config) if n]
    if tf_idf and any(name.startswith("assets/") for name in archive.namelist()):
        raise NotImplementedError(
            f"load_model: the 'tf_idf' layer(s) {tf_idf} keep their vocabulary in the file's assets, as Keras "
            "writes them; gradtape builds a model's graph before it reads assets and cannot restore them. "
            "Save the model from gradtape (which puts the vocabulary and IDF weights in the config), or "
            "rebuild the layer with vocabulary= and idf_weights=.")
    if not compile:
        config.pop("compile_config", None)
    model = deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)
    _load_vocabularies(model, archive)
    return model, _Store(archive)


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Any:
    """A new model (fresh weights) from ``model.to_json()``'s string (or Keras's).

    >>> import gradtape as gt
    >>> model = gt.keras.Sequential([gt.keras.Input((4,)), gt.keras.layers.Dense(2)])
    >>> gt.keras.models.model_from_json(model.to_json()).count_params()
    10
    """
    return deserialize_keras_object(json.loads(json_string), custom_objects=custom_objects)
