"""``gt.train.Checkpoint``: save and restore variables and optimizer state in one ``.npz`` file.

Every variable reachable from the checkpoint's objects is stored under its path from them
(``model/layers/0/kernel``), each optimizer's step under ``optimizer/iterations`` and its slots
under ``optimizer/slots/<slot>/<variable path>`` (so they follow the variable, not creation
order). The file is a plain NumPy ``.npz`` archive: ``np.load`` reads it.

Saving is atomic: the archive is written to a temporary file in the destination directory,
flushed and fsynced, then moved over the destination with ``os.replace``; a failure at any
point leaves the previous file untouched and removes the temporary file. Restoring checks
every entry (names, shapes, dtypes) before assigning anything, so a mismatch raises a
ValueError that names the variable and both shapes and leaves every object unchanged.
Optimizer slots that do not exist yet (they are created on an optimizer's first update) are
created by the restore.
"""

from __future__ import annotations

import os
import tempfile
import warnings
import zipfile
from typing import Any

import numpy as np

from ._engine.tensor import Variable
from .io._example import (  # noqa: F401 - tf.train's protocol buffer messages
    BytesList, Example, Feature, FeatureList, FeatureLists, Features, FloatList, Int64List, SequenceExample,
)
from .module import Module
from .optimizers.optimizer import Optimizer

__all__ = ["BytesList", "Checkpoint", "CheckpointLoadStatus", "Example", "Feature", "FeatureList", "FeatureLists",
           "Features", "FloatList", "Int64List", "SequenceExample"]

_FORMAT_KEY = "__gradtape_checkpoint__"
_FORMAT = "gradtape.train.Checkpoint/1"


class _Holder(Module):
    """The non-optimizer objects of a checkpoint as attributes, so the module walk names them."""


def _npz_path(path: Any) -> str:
    path = os.fspath(path)
    return path if path.endswith(".npz") else path + ".npz"


def _fsync_dir(d: str) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _write_npz(f, arrays: dict) -> None:
    """Write ``arrays`` as an uncompressed ``.npz`` archive to the open binary file ``f``."""
    with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for key, arr in arrays.items():
            with zf.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(arr), allow_pickle=False)


def atomic_write_npz(path: str, arrays: dict) -> None:
    """Write an ``.npz`` archive to ``path`` atomically (temp file, fsync, ``os.replace``).

    >>> import os, tempfile, numpy as np
    >>> from gradtape.train import atomic_write_npz
    >>> p = os.path.join(tempfile.mkdtemp(), "a.npz")
    >>> atomic_write_npz(p, {"x": np.arange(3)})
    >>> np.load(p)["x"]
    array([0, 1, 2])
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_npz(f, arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(directory)


class CheckpointLoadStatus:
    """What a restore did: ``ignored`` lists checkpoint entries of objects not being restored.

    >>> import gradtape as gt
    >>> gt.train.CheckpointLoadStatus(["optimizer/iterations"]).expect_partial().ignored
    ['optimizer/iterations']
    """

    def __init__(self, ignored: list):
        self.ignored = list(ignored)

    def assert_consumed(self) -> "CheckpointLoadStatus":
        """Raise AssertionError if some checkpoint entries were not restored into anything."""
        if self.ignored:
            raise AssertionError(f"Unresolved checkpoint entries (their objects were not given to "
                                 f"this Checkpoint): {self.ignored}")
        return self

    def assert_existing_objects_matched(self) -> "CheckpointLoadStatus":
        """Every variable of the given objects was restored (always true after a restore)."""
        return self

    def expect_partial(self) -> "CheckpointLoadStatus":
        """Accept that some checkpoint entries were not used."""
        return self


class Checkpoint:
    """Group models, optimizers and variables for saving, as ``tf.train.Checkpoint``.

    ``Checkpoint(model=..., optimizer=..., step=gt.Variable(0), ...)``: the keyword names
    become the first component of each stored name. Objects may be modules (layers, models,
    metrics), optimizers, variables, or lists/dicts of them. ``save(path)`` / ``write(path)``
    write ``path`` (``.npz`` appended when missing) and return the file name; ``save`` also
    increments ``save_counter``. ``restore(path)`` / ``read(path)`` load it. Unlike TensorFlow,
    ``save`` does not add a ``-N`` suffix: the same path is overwritten (atomically).

    Entries of objects this checkpoint was not given are ignored (listed in the returned
    status's ``ignored``), but every variable of the objects it was given must be in the file
    with the same shape, and every entry under those objects must match a variable: a lazily
    built model must be built (called once) before restoring into it.

    >>> import os, tempfile
    >>> import gradtape as gt
    >>> model = gt.layers.Dense(2)
    >>> _ = model(gt.ones((1, 3)))
    >>> opt = gt.optimizers.Adam()
    >>> _ = opt.minimize(lambda: gt.reduce_sum(model(gt.ones((1, 3)))), model.trainable_variables)
    >>> ckpt = gt.train.Checkpoint(model=model, optimizer=opt)
    >>> path = ckpt.save(os.path.join(tempfile.mkdtemp(), "ckpt"))
    >>> sorted(gt.train.Checkpoint.list_variables(path))[:3]
    ['model/bias', 'model/kernel', 'optimizer/iterations']
    >>> status = ckpt.restore(path)
    """

    def __init__(self, **kwargs: Any):
        for name, obj in kwargs.items():
            if "/" in name or name in ("save_counter", _FORMAT_KEY):
                raise ValueError(f"Checkpoint: {name!r} cannot be used as an object name")
            if not _trackable(obj):
                raise ValueError(f"Checkpoint: `{name}` must be a gt.Module (layer, model, metric), an "
                                 f"optimizer, a gt.Variable, or a list/dict of modules and variables; "
                                 f"got {type(obj).__name__}")
        self._objects = dict(kwargs)
        self.save_counter = Variable(np.int64(0), trainable=False, name="save_counter")

    # -- collecting ----------------------------------------------------------------------------
    def _variables(self) -> dict:
        """``{key: variable}`` for every non-optimizer variable (first path wins)."""
        holder = _Holder(name="checkpoint")
        for name, obj in self._objects.items():
            if not isinstance(obj, Optimizer):
                setattr(holder, name, obj)
        return dict(holder._named_variables())

    def _optimizers(self) -> dict:
        return {n: o for n, o in self._objects.items() if isinstance(o, Optimizer)}

    def _gather(self) -> dict:
        variables = self._variables()
        path_of = {id(v): k for k, v in variables.items()}
        arrays = {_FORMAT_KEY: np.array(_FORMAT), "save_counter": self.save_counter.numpy()}
        for k, v in variables.items():
            arrays[k] = np.array(v.numpy(), copy=True)
        for oname, opt in self._optimizers().items():
            arrays[f"{oname}/iterations"] = opt.iterations.numpy()
            lost = []
            for var in opt._slot_vars:
                vpath = path_of.get(id(var))
                if vpath is None:
                    lost.append(var.name)
                    continue
                for sname, slot in opt._slots[id(var)].items():
                    arrays[f"{oname}/slots/{sname}/{vpath}"] = np.array(slot.numpy(), copy=True)
            if lost:
                warnings.warn(f"Checkpoint: the slots of optimizer `{oname}` for variables {lost} are "
                              "not saved: those variables are not reachable from this checkpoint's "
                              "objects", UserWarning, stacklevel=3)
        return arrays

    # -- saving -----------------------------------------------------------------------------
    def write(self, file_path: Any) -> str:
        """Write every variable and optimizer slot to ``file_path`` (atomically); return the path.

        >>> import os, tempfile
        >>> import gradtape as gt
        >>> ckpt = gt.train.Checkpoint(step=gt.Variable(3))
        >>> os.path.basename(ckpt.write(os.path.join(tempfile.mkdtemp(), "state")))
        'state.npz'
        """
        path = _npz_path(file_path)
        atomic_write_npz(path, self._gather())
        return path

    def save(self, file_prefix: Any) -> str:
        """Increment ``save_counter`` and :meth:`write` (``save_counter`` is unchanged on failure).

        >>> import os, tempfile
        >>> import gradtape as gt
        >>> ckpt = gt.train.Checkpoint(step=gt.Variable(3))
        >>> _ = ckpt.save(os.path.join(tempfile.mkdtemp(), "state"))
        >>> int(ckpt.save_counter)
        1
        """
        self.save_counter.assign_add(np.int64(1))
        try:
            return self.write(file_prefix)
        except BaseException:
            self.save_counter.assign_sub(np.int64(1))
            raise

    # -- restoring -----------------------------------------------------------------------------
    @staticmethod
    def _load(file_path: Any) -> tuple[str, dict]:
        path = os.fspath(file_path)
        if not os.path.exists(path) and os.path.exists(path + ".npz"):
            path = path + ".npz"
        if not os.path.exists(path):
            raise FileNotFoundError(f"Checkpoint.restore: no checkpoint file at {path!r}")
        try:
            with np.load(path, allow_pickle=False) as z:
                data = {k: z[k] for k in z.files}
        except (zipfile.BadZipFile, ValueError, OSError) as e:
            raise ValueError(f"Checkpoint.restore: {path!r} is not a readable checkpoint: {e}") from e
        fmt = data.pop(_FORMAT_KEY, None)
        if fmt is not None and str(fmt) != _FORMAT:
            raise ValueError(f"Checkpoint.restore: {path!r} has format {str(fmt)!r}, expected {_FORMAT!r}")
        return path, data

    @staticmethod
    def list_variables(file_path: Any) -> dict:
        """``{name: shape}`` of every entry of a checkpoint file.

        >>> import os, tempfile
        >>> import gradtape as gt
        >>> p = gt.train.Checkpoint(w=gt.Variable([1.0, 2.0])).write(os.path.join(tempfile.mkdtemp(), "c"))
        >>> gt.train.Checkpoint.list_variables(p)
        {'save_counter': (), 'w': (2,)}
        """
        _, data = Checkpoint._load(file_path)
        return {k: tuple(v.shape) for k, v in data.items()}

    def _plan(self, path: str, data: dict) -> tuple[list, list, list]:
        """Check everything; return ``(assignments, slot creations, ignored keys)``."""
        variables = self._variables()
        path_of = {id(v): k for k, v in variables.items()}
        optimizers = self._optimizers()
        names = set(self._objects)
        problems: list[str] = []
        assign: list = []
        create: list = []  # (optimizer, variable, {slot: array})
        ignored: list = []

        def check(key: str, target_shape, target_dtype, arr) -> bool:
            if tuple(arr.shape) != tuple(target_shape):
                problems.append(f"variable '{key}' has shape {tuple(arr.shape)} in the checkpoint but "
                                f"shape {tuple(target_shape)} in the object being restored")
                return False
            if (target_dtype.kind in "iub") and arr.dtype.kind in "fc":
                problems.append(f"variable '{key}' has dtype {arr.dtype.name} in the checkpoint but "
                                f"{target_dtype.name} in the object being restored")
                return False
            if arr.dtype.kind not in "biufc":
                problems.append(f"variable '{key}' has unsupported dtype {arr.dtype} in the checkpoint")
                return False
            return True

        for key, var in variables.items():
            if key not in data:
                problems.append(f"variable '{key}' (shape {var.shape}) is missing from the checkpoint")
            elif check(key, var.shape, var.dtype, data[key]):
                assign.append((var, data[key]))
        used = set(variables)
        slot_plan: dict = {}
        for oname, opt in optimizers.items():
            ik = f"{oname}/iterations"
            if ik not in data:
                problems.append(f"'{ik}' is missing from the checkpoint")
            else:
                used.add(ik)
                if check(ik, (), opt.iterations.dtype, data[ik]):
                    assign.append((opt.iterations, data[ik]))
            prefix = f"{oname}/slots/"
            for key in data:
                if not key.startswith(prefix):
                    continue
                used.add(key)
                sname, _, vpath = key[len(prefix):].partition("/")
                var = variables.get(vpath)
                if var is None:
                    problems.append(f"optimizer slot '{key}' belongs to variable '{vpath}', which the "
                                    "objects being restored do not have")
                    continue
                if sname not in opt._slot_names_for(var):
                    problems.append(f"optimizer slot '{key}': {type(opt).__name__} `{oname}` has no slot "
                                    f"{sname!r} (its slots are {list(opt._slot_names_for(var))})")
                    continue
                if check(key, var.shape, var.dtype, data[key]):
                    slot_plan.setdefault((oname, id(var)), (opt, var, {}))[2][sname] = data[key]
            for (oname2, _), (opt2, var, slots) in slot_plan.items():
                if oname2 != oname:
                    continue
                want = set(opt2._slot_names_for(var))
                if set(slots) != want:
                    problems.append(f"optimizer `{oname}` needs slots {sorted(want)} for variable "
                                    f"'{path_of[id(var)]}' but the checkpoint has {sorted(slots)}")
                create.append((opt2, var, slots))
        if "save_counter" in data:
            used.add("save_counter")
            if check("save_counter", (), self.save_counter.dtype, data["save_counter"]):
                assign.append((self.save_counter, data["save_counter"]))
        for key in sorted(set(data) - used):
            if key.split("/", 1)[0] in names:
                problems.append(f"checkpoint entry '{key}' (shape {tuple(data[key].shape)}) matches no "
                                "variable of the objects being restored (build lazily created layers "
                                "by calling the model once before restoring)")
            else:
                ignored.append(key)
        if problems:
            raise ValueError(f"Checkpoint.restore({path!r}) failed; nothing was changed:\n  - "
                             + "\n  - ".join(problems))
        return assign, create, ignored

    def restore(self, save_path: Any) -> CheckpointLoadStatus:
        """Restore every variable and optimizer slot from ``save_path``; all-or-nothing.

        >>> import os, tempfile
        >>> import gradtape as gt
        >>> w = gt.Variable([1.0, 2.0])
        >>> ckpt = gt.train.Checkpoint(w=w)
        >>> p = ckpt.write(os.path.join(tempfile.mkdtemp(), "c"))
        >>> _ = w.assign([0.0, 0.0])
        >>> _ = ckpt.restore(p)
        >>> w.numpy()
        array([1., 2.], dtype=float32)
        """
        path, data = self._load(save_path)
        assign, create, ignored = self._plan(path, data)
        for var, arr in assign:
            var.assign(np.asarray(arr).astype(var.dtype))
        tracked = {id(v) for v in self._variables().values()}
        restored_slots: dict = {}
        for opt, var, slots in create:
            own = opt._create_slots(var)
            for sname, arr in slots.items():
                own[sname].assign(np.asarray(arr).astype(var.dtype))
            restored_slots.setdefault(id(opt), set()).add(id(var))
        # Slots the checkpoint does not have did not exist when it was saved: drop them, so the
        # optimizer continues exactly as it would have from the saved state.
        for opt in self._optimizers().values():
            keep = restored_slots.get(id(opt), set())
            for var in list(opt._slot_vars):
                if id(var) not in keep and id(var) in tracked:
                    opt._slots.pop(id(var), None)
                    opt._slot_vars.remove(var)
        return CheckpointLoadStatus(ignored)

    read = restore

    def __repr__(self) -> str:
        return f"<gt.train.Checkpoint objects={list(self._objects)}>"


def _trackable(obj: Any, top: bool = True) -> bool:
    if isinstance(obj, (Module, Variable)) or (top and isinstance(obj, Optimizer)):
        return True
    if isinstance(obj, (list, tuple)):
        return all(_trackable(o, False) for o in obj)
    if isinstance(obj, dict):
        return all(_trackable(o, False) for o in obj.values())
    return False
