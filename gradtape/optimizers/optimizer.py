"""Optimizers with Keras's API and update formulas: SGD, Adam, AdamW, RMSprop, Adagrad.

Each optimizer's update is one pure NumPy function of the variable's value, its gradient, its
slots (``m``, ``v``, ``momentum``, ...), the learning rate and the step; the results are
written back with ``assign`` / ``assign_sub`` (never recorded by tapes).

Sparse gradients (:class:`gradtape.IndexedSlices`, e.g. from ``gt.gather`` or an Embedding)
give TensorFlow's (and Keras's) results. Where rows without a gradient do not change (plain
SGD, Adagrad), only the gradient's rows are updated: duplicate indices are summed, then the
same formula runs on the selected rows of the variable and of every slot. Momentum SGD, Adam,
AdamW and RMSprop decay every row's moments and keep moving rows that had a gradient before,
so their sparse gradients are applied as the dense gradient with zero rows, as in Keras.
Repeated rows are summed first, as TensorFlow's own optimizers do; Keras 3 on TensorFlow squares
each repeat separately in the second moments of Adam and RMSprop, so with repeated ids in a batch
those two differ from Keras by design.
"""

from __future__ import annotations

import math
import warnings
from sys import getrefcount
from typing import Any, Iterable

import numpy as np

from .. import _native
from .._engine.backprop import _INPLACE_OK
from .._engine.indexed_slices import IndexedSlices
from .._engine.state import paused
from .._engine.tape import GradientTape
from .._engine.tensor import Tensor, Variable
from . import schedules as _schedules
from ._keras3 import Keras3OptimizerMethods

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "get"]


def _to_array(g) -> np.ndarray:
    if isinstance(g, Tensor):
        return np.asarray(g._value)
    return np.asarray(g)


class _Sparse:
    """A gradient's rows: unique sorted ``indices`` and the summed ``values`` for each."""

    __slots__ = ("indices", "values")

    def __init__(self, indices: np.ndarray, values: np.ndarray):
        self.indices, self.values = indices, values

    @classmethod
    def from_slices(cls, s: IndexedSlices, dtype) -> "_Sparse":
        idx = np.asarray(s.indices._value).reshape(-1).astype(np.int64)
        vals = np.asarray(s.values._value, dtype=dtype)
        vals = vals.reshape((idx.size,) + tuple(s.dense_shape[1:]))
        uniq, inv = np.unique(idx, return_inverse=True)
        if uniq.size != idx.size:
            summed = np.zeros((uniq.size,) + vals.shape[1:], dtype=vals.dtype)
            np.add.at(summed, inv.reshape(-1), vals)
            vals = summed
        else:
            vals = vals[np.argsort(idx, kind="stable")]
        return cls(uniq, vals)

    def dense(self, shape: tuple) -> np.ndarray:
        """The gradient as a dense array of ``shape`` (zero rows where there is no index)."""
        out = np.zeros(shape, dtype=self.values.dtype)
        out[self.indices] = self.values
        return out


class Optimizer(Keras3OptimizerMethods):
    """Base class of the optimizers (Keras's ``tf.keras.optimizers.Optimizer`` API).

    Arguments common to every optimizer: ``learning_rate`` (a float or a schedule from
    :mod:`gradtape.optimizers.schedules`), ``clipnorm`` (clip each gradient to this L2 norm),
    ``global_clipnorm`` (scale all gradients so their joint norm is at most this),
    ``clipvalue`` (clip elementwise; at most one of the three clipping arguments, as in
    Keras), ``weight_decay`` (decoupled:
    ``var -= lr * weight_decay * var`` before the update), ``name``.

    ``iterations`` counts the applied updates; :meth:`variables` lists it and every slot;
    :meth:`get_weights` / :meth:`set_weights` and :meth:`get_state` / :meth:`set_state` read
    and write that state. Subclasses define ``_slot_names`` and ``_update``.

    >>> import gradtape as gt
    >>> w = gt.Variable([1.0, 2.0])
    >>> opt = gt.optimizers.SGD(learning_rate=0.1)
    >>> with gt.GradientTape() as tape:
    ...     loss = gt.reduce_sum(w * w)
    >>> _ = opt.apply_gradients([(tape.gradient(loss, w), w)])
    >>> w.numpy(), int(opt.iterations)
    (array([0.8, 1.6], dtype=float32), 1)
    """

    _slot_names: tuple = ()

    def __init__(self, learning_rate: Any = 0.001, name: str = "Optimizer", weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, **kwargs: Any):
        kwargs.pop("jit_compile", None)
        if "lr" in kwargs:
            learning_rate = kwargs.pop("lr")
        for k in ("use_ema", "ema_momentum", "ema_overwrite_frequency", "gradient_accumulation_steps"):
            v = kwargs.pop(k, None)
            if v:
                raise NotImplementedError(f"{name}: {k} is not supported")
        if kwargs:
            raise TypeError(f"{name}: unexpected keyword argument(s) {sorted(kwargs)}")
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"{name}: only one of clipnorm, clipvalue and global_clipnorm can be "
                             f"set, got clipnorm={clipnorm}, clipvalue={clipvalue} and "
                             f"global_clipnorm={global_clipnorm}")
        for k, v in (("clipnorm", clipnorm), ("global_clipnorm", global_clipnorm), ("clipvalue", clipvalue)):
            if v is not None and not v > 0:
                raise ValueError(f"{name}: {k} must be positive, got {v}")
        self.name = name
        self.clipnorm = None if clipnorm is None else float(clipnorm)
        self.global_clipnorm = None if global_clipnorm is None else float(global_clipnorm)
        self.clipvalue = None if clipvalue is None else float(clipvalue)
        self.weight_decay = None if not weight_decay else float(weight_decay)
        self.learning_rate = learning_rate
        self.iterations = Variable(np.int64(0), trainable=False, name=f"{name}/iterations")
        self._slots: dict[int, dict[str, Variable]] = {}
        self._slot_vars: list[Variable] = []  # the variables with slots, in order of creation
        self._exclude_ids: set[int] = set()
        self._exclude_names: tuple = ()

    # -- learning rate -----------------------------------------------------------------------
    @property
    def learning_rate(self) -> Any:
        """The learning rate: a float, or the schedule it was given."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if isinstance(value, _schedules.LearningRateSchedule) or callable(value):
            self._learning_rate = value
        else:
            value = float(value.numpy() if isinstance(value, Tensor) else value)
            if value < 0 or not math.isfinite(value):
                raise ValueError(f"{self.name}: learning_rate must be a finite non-negative number, "
                                 f"got {value}")
            self._learning_rate = value

    lr = learning_rate

    def _current_lr(self) -> float:
        lr = self._learning_rate
        if isinstance(lr, float):
            return lr
        if isinstance(lr, _schedules.LearningRateSchedule):
            return float(lr(int(self.iterations.numpy())))
        return float(lr())  # a zero-argument callable, as Keras allows

    # -- slots -------------------------------------------------------------------------------
    def _slot_init(self, name: str, var: Variable) -> np.ndarray:
        return np.zeros(var.shape, dtype=var.dtype)

    def _create_slots(self, var: Variable) -> dict:
        slots = self._slots.get(id(var))
        if slots is None:
            base = var._name
            slots = {n: Variable(self._slot_init(n, var), trainable=False, name=f"{self.name}/{n}/{base}",
                                 dtype=var.dtype)
                     for n in self._slot_names_for(var)}
            self._slots[id(var)] = slots
            self._slot_vars.append(var)
        return slots

    def _slot_names_for(self, var: Variable) -> tuple:
        return self._slot_names

    def build(self, var_list: Iterable[Variable]) -> None:
        """Create the slots of every variable now (they are otherwise created on first update).

        >>> import gradtape as gt
        >>> w = gt.Variable([1.0])
        >>> opt = gt.optimizers.Adam()
        >>> opt.build([w])
        >>> [v.name for v in opt.variables()]
        ['Adam/iterations:0', 'Adam/m/Variable:0', 'Adam/v/Variable:0']
        """
        for v in var_list:
            self._create_slots(v)

    def get_slot(self, var: Variable, slot_name: str) -> Variable:
        """The slot variable ``slot_name`` (e.g. ``"m"``) of ``var``.

        >>> import gradtape as gt
        >>> w = gt.Variable([1.0])
        >>> opt = gt.optimizers.SGD(momentum=0.9)
        >>> opt.build([w])
        >>> opt.get_slot(w, "momentum").numpy()
        array([0.], dtype=float32)
        """
        slots = self._slots.get(id(var))
        if slots is None or slot_name not in slots:
            have = sorted(slots) if slots else []
            raise KeyError(f"{self.name}: no slot {slot_name!r} for variable {var.name} (it has {have})")
        return slots[slot_name]

    def get_slot_names(self) -> list:
        """The names of the slots this optimizer keeps per variable.

        >>> import gradtape as gt
        >>> gt.optimizers.Adam().get_slot_names()
        ['m', 'v']
        """
        return list(self._slot_names)

    def variables(self) -> list:
        """``[iterations]`` followed by every slot variable (per variable, in order of creation).

        >>> import gradtape as gt
        >>> len(gt.optimizers.SGD().variables())
        1
        """
        out = [self.iterations]
        for v in self._slot_vars:
            out.extend(self._slots[id(v)].values())
        return out

    def get_weights(self) -> list:
        """The values of :meth:`variables`, as NumPy arrays.

        >>> import gradtape as gt
        >>> gt.optimizers.SGD().get_weights()
        [array(0)]
        """
        return [np.array(v.numpy(), copy=True) for v in self.variables()]

    def set_weights(self, weights: list) -> None:
        """Assign :meth:`variables` from arrays (count and shapes are checked before any change).

        >>> import gradtape as gt
        >>> opt = gt.optimizers.SGD()
        >>> opt.set_weights([5])
        >>> int(opt.iterations)
        5
        """
        own = self.variables()
        weights = [np.asarray(w) for w in weights]
        if len(weights) != len(own):
            raise ValueError(f"{self.name}.set_weights: got {len(weights)} arrays for {len(own)} "
                             "optimizer variables (slots are created on the first update or by build())")
        for v, w in zip(own, weights):
            if tuple(w.shape) != tuple(v.shape):
                raise ValueError(f"{self.name}.set_weights: {v.name} has shape {v.shape}, got {w.shape}")
        for v, w in zip(own, weights):
            v.assign(w.astype(v.dtype))

    def get_state(self, var_list: Iterable[Variable] | None = None) -> dict:
        """The optimizer's state: ``{"iterations": int, "slots": [{slot name: array}, ...]}``.

        ``slots`` has one dict per variable of ``var_list`` (default: the variables that have
        slots, in order of creation), empty for a variable without slots yet.

        >>> import gradtape as gt
        >>> w = gt.Variable([1.0])
        >>> opt = gt.optimizers.Adagrad()
        >>> opt.build([w])
        >>> opt.get_state([w])
        {'iterations': 0, 'slots': [{'accumulator': array([0.1], dtype=float32)}]}
        """
        vars_ = self._slot_vars if var_list is None else list(var_list)
        slots = []
        for v in vars_:
            s = self._slots.get(id(v), {})
            slots.append({k: np.array(sv.numpy(), copy=True) for k, sv in s.items()})
        return {"iterations": int(self.iterations.numpy()), "slots": slots}

    def set_state(self, state: dict, var_list: Iterable[Variable]) -> None:
        """Restore :meth:`get_state`'s dict for the variables of ``var_list`` (slots created as needed).

        Everything is checked (slot names and shapes) before anything changes.

        >>> import gradtape as gt
        >>> w = gt.Variable([1.0])
        >>> opt = gt.optimizers.SGD(momentum=0.9)
        >>> opt.set_state({"iterations": 3, "slots": [{"momentum": [0.5]}]}, [w])
        >>> opt.get_slot(w, "momentum").numpy(), int(opt.iterations)
        (array([0.5], dtype=float32), 3)
        """
        vars_ = list(var_list)
        slots = list(state.get("slots", []))
        if len(slots) != len(vars_):
            raise ValueError(f"{self.name}.set_state: {len(slots)} slot entries for {len(vars_)} variables")
        checked = []
        for v, s in zip(vars_, slots):
            if not s:
                checked.append((v, {}))
                continue
            want = set(self._slot_names_for(v))
            if set(s) != want:
                raise ValueError(f"{self.name}.set_state: variable {v.name} needs slots {sorted(want)}, "
                                 f"got {sorted(s)}")
            arrs = {k: np.asarray(a) for k, a in s.items()}
            for k, a in arrs.items():
                if tuple(a.shape) != tuple(v.shape):
                    raise ValueError(f"{self.name}.set_state: slot {k!r} of variable {v.name} has "
                                     f"shape {a.shape}, expected {v.shape}")
            checked.append((v, arrs))
        for v, arrs in checked:
            if arrs:
                own = self._create_slots(v)
                for k, a in arrs.items():
                    own[k].assign(a.astype(v.dtype))
        self.iterations.assign(np.int64(state.get("iterations", 0)))

    # -- weight decay exclusions ---------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list: Iterable[Variable] | None = None,
                                  var_names: Iterable[str] | None = None) -> None:
        """Exempt variables (or those whose name contains one of ``var_names``) from weight decay.

        >>> import gradtape as gt
        >>> opt = gt.optimizers.AdamW()
        >>> opt.exclude_from_weight_decay(var_names=["bias"])
        """
        self._exclude_ids.update(v._id for v in (var_list or ()))
        self._exclude_names = self._exclude_names + tuple(var_names or ())

    def _decays(self, var: Variable) -> bool:
        if not self.weight_decay or var._id in self._exclude_ids:
            return False
        return not any(n in var.name for n in self._exclude_names)

    # -- applying gradients --------------------------------------------------------------------
    def _clip(self, grads: list) -> list:
        def sq(g):
            vals = g.values if isinstance(g, _Sparse) else g
            return float(np.sum(np.square(vals, dtype=np.float64)))

        def scale(g, s):
            if isinstance(g, _Sparse):
                return _Sparse(g.indices, (g.values * s).astype(g.values.dtype))
            return (g * s).astype(g.dtype)

        if self.clipvalue is not None:
            c = self.clipvalue
            grads = [_Sparse(g.indices, np.clip(g.values, -c, c)) if isinstance(g, _Sparse)
                     else np.clip(g, -c, c) for g in grads]
        if self.clipnorm is not None:
            c = self.clipnorm
            out = []
            for g in grads:
                n = math.sqrt(sq(g))
                out.append(scale(g, c / n) if n > c else g)
            grads = out
        if self.global_clipnorm is not None:
            c = self.global_clipnorm
            n = math.sqrt(sum(sq(g) for g in grads))
            if n > c:
                grads = [scale(g, c / n) for g in grads]
        return grads

    def apply_gradients(self, grads_and_vars: Iterable, name: str | None = None,
                        skip_gradients_aggregation: bool = False) -> Variable:
        """Apply one update to each variable from its gradient; returns ``iterations``.

        ``None`` gradients are skipped with a warning naming their variables; if every
        gradient is None a ValueError is raised. IndexedSlices update only their rows. Then,
        as Keras, each updated variable with a ``constraint`` is assigned ``constraint(variable)``.

        >>> import gradtape as gt
        >>> w = gt.Variable([1.0, 1.0])
        >>> opt = gt.optimizers.SGD(learning_rate=0.5)
        >>> int(opt.apply_gradients([(gt.constant([1.0, -1.0]), w)]))
        1
        >>> w.numpy()
        array([0.5, 1.5], dtype=float32)
        """
        pairs = list(grads_and_vars)
        for _, v in pairs:
            if not isinstance(v, Variable):
                raise TypeError(f"{self.name}.apply_gradients: expected (gradient, gt.Variable) pairs, "
                                f"got a {type(v).__name__} where a variable should be")
        missing = [v for g, v in pairs if g is None]
        kept = [(g, v) for g, v in pairs if g is not None]
        if not kept:
            raise ValueError(f"No gradients provided for any variable: "
                             f"{[v.name for _, v in pairs]}.")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {[v.name for v in missing]} when "
                          "minimizing the loss; they are left unchanged.", UserWarning, stacklevel=2)
        seen: set[int] = set()
        grads, vars_ = [], []
        for g, v in kept:
            if id(v) in seen:
                raise ValueError(f"{self.name}.apply_gradients: variable {v.name} appears twice; sum "
                                 "its gradients first")
            seen.add(id(v))
            if v.dtype.kind not in "fc":
                raise TypeError(f"{self.name}: cannot update variable {v.name} of dtype {v.dtype.name}")
            if isinstance(g, IndexedSlices):
                if tuple(g.dense_shape) != tuple(v.shape):
                    raise ValueError(f"{self.name}: gradient of shape {g.dense_shape} for variable "
                                     f"{v.name} of shape {v.shape}")
                grads.append(_Sparse.from_slices(g, v.dtype))
            else:
                a = _to_array(g)
                if a.shape != tuple(v.shape):
                    raise ValueError(f"{self.name}: gradient of shape {a.shape} for variable "
                                     f"{v.name} of shape {v.shape}")
                grads.append(a.astype(v.dtype, copy=False))
            vars_.append(v)
        grads = self._clip(grads)
        lr = self._current_lr()
        step = int(self.iterations.numpy()) + 1
        for g, v in zip(grads, vars_):
            slots = self._create_slots(v)
            wd = lr * self.weight_decay if self._decays(v) else 0.0
            if isinstance(g, _Sparse) and (wd or not self._sparse_rows_suffice()):
                g = g.dense(tuple(v.shape))
            if isinstance(g, _Sparse):
                self._apply_sparse(v, g, slots, lr, step, wd)
            else:
                self._apply_dense(v, g, slots, lr, step, wd)
        for v in vars_:  # Keras: each updated variable is projected by its constraint
            if getattr(v, "constraint", None) is not None:
                self._apply_constraint(v)
        self.iterations.assign_add(np.int64(1))
        return self.iterations

    def _apply_constraint(self, var: Variable) -> None:
        with paused():  # a projection, not part of any computation being recorded
            new = var.constraint(var)
        a = _to_array(new)
        if a.shape != tuple(var.shape):
            raise ValueError(f"{self.name}: the constraint of variable {var.name} returned shape "
                             f"{a.shape}; it must return the variable's shape {tuple(var.shape)}")
        var.assign(a.astype(var.dtype, copy=False))

    def _sparse_rows_suffice(self) -> bool:
        """Whether a row without a gradient keeps its value and slots (then a sparse gradient
        updates its rows only)."""
        return False

    def _apply_dense(self, var, g, slots, lr, step, wd) -> None:
        w = var._value
        fast = self._update_in_place if self._in_place_ok(g, slots) else None
        if fast is not None and not wd and self._new_value_in_place is not None:
            # the update and the subtraction in one pass (a compiled kernel), when there is one
            new = self._new_value_in_place(w, g, {k: s._value for k, s in slots.items()}, lr, step)
            if new is not None:
                for s in slots.values():
                    s._note_assign(s._value)
                var._note_assign(new)
                var._value = new
                return
        if fast is not None:
            # the same arithmetic, in the same order, with the slots written in place: the
            # step of a large model makes a third fewer passes over memory
            delta = fast(g, {k: s._value for k, s in slots.items()}, lr, step)
            for s in slots.values():
                s._note_assign(s._value)
        else:
            delta, new_slots = self._update(w, g, {k: s._value for k, s in slots.items()}, lr, step)
            for k, a in new_slots.items():
                slots[k].assign(a)
        if wd:
            delta = delta + w * wd
        if fast is not None and delta.dtype == w.dtype and delta.shape == w.shape:
            var._note_assign(delta)
            var._value = np.subtract(w, delta, out=delta)  # delta is this step's own scratch
        else:
            var.assign_sub(delta)

    # Optimizers whose update can run in place define ``_update_in_place(g, slots, lr, step)``:
    # it writes the new slot values into the slot arrays and returns a new array ``delta``.
    # ``_new_value_in_place(w, g, slots, lr, step)`` may also return the new value ``w - delta``
    # as a new array in the same pass (or None: it does not apply).
    _update_in_place = None
    _new_value_in_place = None

    def _in_place_ok(self, g, slots) -> bool:
        """Whether every slot array is held by its slot variable alone (no tape, no view a
        user took with ``numpy()``), so that writing it cannot change anything else."""
        if (self._update_in_place is None or not _INPLACE_OK or type(g) is not np.ndarray
                or g.dtype.kind != "f" or g.ndim == 0):
            return False
        for s in slots.values():
            a = s._value
            if not (type(a) is np.ndarray and a.base is None and a.flags.writeable
                    and a.dtype == g.dtype and getrefcount(a) == 3):  # s._value, a, the argument
                return False
        return True

    def _apply_sparse(self, var, g: _Sparse, slots, lr, step, wd) -> None:
        idx = g.indices
        w = var._value
        rows = w[idx]
        slot_rows = {k: s._value[idx] for k, s in slots.items()}
        delta, new_slots = self._update(rows, g.values, slot_rows, lr, step)
        for k, a in new_slots.items():
            full = np.array(slots[k]._value, copy=True)
            full[idx] = a
            slots[k].assign(full)
        if wd:
            delta = delta + rows * wd
        new = np.array(w, copy=True)
        new[idx] = rows - delta
        var.assign(new)

    def _update(self, w: np.ndarray, g: np.ndarray, slots: dict, lr: float, step: int):
        """Return ``(delta, new_slots)``: the variable becomes ``w - delta``."""
        raise NotImplementedError  # pragma: no cover

    def minimize(self, loss: Any, var_list: Any, tape: GradientTape | None = None) -> Variable:
        """Compute the gradients of ``loss`` for ``var_list`` and apply them; returns ``iterations``.

        ``loss`` is a zero-argument callable (run under ``tape``, or a new tape), or a tensor
        computed under the given ``tape``. ``var_list`` may be a callable returning the list,
        called after the loss (so lazily built layers have their variables).

        >>> import gradtape as gt
        >>> w = gt.Variable(3.0)
        >>> opt = gt.optimizers.SGD(learning_rate=0.25)
        >>> _ = opt.minimize(lambda: w * w, [w])
        >>> float(w)
        1.5
        """
        if callable(loss):
            tape = tape if tape is not None else GradientTape()
            with tape:
                if not callable(var_list):
                    tape.watch(list(var_list))
                loss = loss()
        elif tape is None:
            raise ValueError("minimize: `tape` is required when a Tensor loss is passed; pass a "
                             "zero-argument callable instead, or the tape that computed the loss")
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    # -- configuration ---------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments (a schedule is serialized as a dict).

        >>> import gradtape as gt
        >>> gt.optimizers.SGD(0.1, momentum=0.9).get_config()["momentum"]
        0.9
        """
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            lr = _schedules.serialize(lr)
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue}

    @classmethod
    def from_config(cls, config: dict) -> "Optimizer":
        """Rebuild an optimizer (without its state) from :meth:`get_config`'s dict.

        >>> import gradtape as gt
        >>> gt.optimizers.Adam.from_config(gt.optimizers.Adam(0.01).get_config()).learning_rate
        0.01
        """
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            config["learning_rate"] = _schedules.deserialize(lr)
        return cls(**config)

    def __repr__(self) -> str:
        return (f"<gt.optimizers.{type(self).__name__} name={self.name!r} "
                f"iterations={int(self.iterations.numpy())}>")


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum, as ``tf.keras.optimizers.SGD``.

    Without momentum ``w -= lr * g``. With momentum ``m = momentum * m - lr * g``, then
    ``w += m`` (or ``w += momentum * m - lr * g`` with ``nesterov``).

    >>> import gradtape as gt
    >>> w = gt.Variable(1.0)
    >>> opt = gt.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     _ = opt.apply_gradients([(gt.constant(1.0), w)])
    >>> round(float(w), 6)
    0.71
    """

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 name: str = "SGD", **kwargs: Any):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not 0.0 <= float(momentum) <= 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1], got {momentum}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self._slot_names = ("momentum",) if self.momentum else ()

    def _sparse_rows_suffice(self) -> bool:
        return not self.momentum

    def _update_in_place(self, g, slots, lr, step):
        if not self.momentum:
            return g * lr
        m = slots["momentum"]
        step_ = np.multiply(g, lr)
        m *= self.momentum
        m -= step_
        if self.nesterov:
            step_ -= m * self.momentum
            return step_
        return np.negative(m, out=step_)

    def _update(self, w, g, slots, lr, step):
        if not self.momentum:
            return g * lr, {}
        m = slots["momentum"] * self.momentum - g * lr
        if self.nesterov:
            return g * lr - m * self.momentum, {"momentum": m}
        return -m, {"momentum": m}

    def get_config(self) -> dict:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam, as ``tf.keras.optimizers.Adam`` (Keras's epsilon placement and bias correction).

    With ``t`` the step (1 for the first update): ``m += (g - m) * (1 - beta_1)``,
    ``v += (g**2 - v) * (1 - beta_2)``, ``alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)``,
    ``w -= alpha * m / (sqrt(v) + epsilon)``; ``amsgrad`` uses the running maximum of ``v``.

    >>> import gradtape as gt
    >>> w = gt.Variable(1.0)
    >>> opt = gt.optimizers.Adam(learning_rate=0.1)
    >>> _ = opt.apply_gradients([(gt.constant(2.0), w)])
    >>> round(float(w), 5)
    0.9
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, name: str = "Adam", **kwargs: Any):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self.amsgrad = bool(amsgrad)
        self._slot_names = ("m", "v", "vhat") if self.amsgrad else ("m", "v")
        if self.amsgrad:
            self._update_in_place = self._new_value_in_place = None  # the pure update (vhat) only

    def _alpha(self, lr, step):
        """The step size with Keras's bias correction."""
        return lr * math.sqrt(1.0 - self.beta_2 ** step) / (1.0 - self.beta_1 ** step)

    def _update(self, w, g, slots, lr, step):
        b1, b2 = self.beta_1, self.beta_2
        alpha = self._alpha(lr, step)
        m = slots["m"] + (g - slots["m"]) * (1.0 - b1)
        v = slots["v"] + (g * g - slots["v"]) * (1.0 - b2)
        new = {"m": m, "v": v}
        if self.amsgrad:
            v = new["vhat"] = np.maximum(slots["vhat"], v)
        return (m * alpha) / (np.sqrt(v) + self.epsilon), new

    def _update_in_place(self, g, slots, lr, step):
        b1, b2 = self.beta_1, self.beta_2
        alpha = self._alpha(lr, step)
        m, v = slots["m"], slots["v"]
        kernels = _native.kernels_for(g, m, v)
        if kernels is not None:
            # the same arithmetic in one pass over memory instead of ten (bit for bit the same)
            tmp = np.empty_like(g)
            kernels.adam(g, m, v, tmp, 1.0 - b1, 1.0 - b2, alpha, self.epsilon)
            return tmp
        tmp = np.subtract(g, m)
        tmp *= 1.0 - b1
        m += tmp
        np.multiply(g, g, out=tmp)
        tmp -= v
        tmp *= 1.0 - b2
        v += tmp
        den = np.sqrt(v)
        den += self.epsilon
        np.multiply(m, alpha, out=tmp)
        tmp /= den
        return tmp

    def _new_value_in_place(self, w, g, slots, lr, step):
        m, v = slots["m"], slots["v"]
        kernels = _native.kernels_for(g, m, v, w)
        if kernels is None:
            return None
        new = np.empty_like(g)
        kernels.adam(g, m, v, new, 1.0 - self.beta_1, 1.0 - self.beta_2, self._alpha(lr, step),
                     self.epsilon, w)
        return new

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay, as ``tf.keras.optimizers.AdamW``.

    Before the Adam step, ``w -= lr * weight_decay * w`` (default ``weight_decay=0.004``);
    :meth:`exclude_from_weight_decay` exempts variables such as biases.

    >>> import gradtape as gt
    >>> w = gt.Variable(1.0)
    >>> opt = gt.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    >>> _ = opt.apply_gradients([(gt.constant(0.0), w)])
    >>> round(float(w), 5)
    0.95
    """

    def __init__(self, learning_rate: Any = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False, name: str = "AdamW",
                 **kwargs: Any):
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a number (use Adam for none)")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, name=name, weight_decay=weight_decay, **kwargs)


class RMSprop(Optimizer):
    """RMSprop, as ``tf.keras.optimizers.RMSprop``.

    ``velocity = rho * velocity + (1 - rho) * g**2``; the step is
    ``lr * g / sqrt(velocity + epsilon)`` (with ``centered``, ``velocity - average_gradient**2``
    in the root, ``average_gradient`` a running mean of ``g``). With ``momentum`` the step is
    accumulated: ``mom = momentum * mom + step``, ``w -= mom``.

    >>> import gradtape as gt
    >>> w = gt.Variable(1.0)
    >>> opt = gt.optimizers.RMSprop(learning_rate=0.1, rho=0.0, epsilon=0.0)
    >>> _ = opt.apply_gradients([(gt.constant(4.0), w)])
    >>> round(float(w), 5)
    0.9
    """

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, name: str = "RMSprop", **kwargs: Any):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho, self.momentum, self.epsilon = float(rho), float(momentum), float(epsilon)
        self.centered = bool(centered)
        self._slot_names = (("velocity",) + (("momentum",) if self.momentum else ())
                            + (("average_gradient",) if self.centered else ()))

    def _update(self, w, g, slots, lr, step):
        rho = self.rho
        vel = slots["velocity"] * rho + (g * g) * (1.0 - rho)
        new = {"velocity": vel}
        if self.centered:
            avg = slots["average_gradient"] * rho + g * (1.0 - rho)
            new["average_gradient"] = avg
            denom = vel - avg * avg + self.epsilon
        else:
            denom = vel + self.epsilon
        inc = (g * lr) / np.sqrt(denom)
        if self.momentum:
            mom = slots["momentum"] * self.momentum + inc
            new["momentum"] = mom
            return mom, new
        return inc, new

    def get_config(self) -> dict:
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


class Adagrad(Optimizer):
    """Adagrad, as ``tf.keras.optimizers.Adagrad``.

    ``accumulator += g**2`` (starting at ``initial_accumulator_value``), then
    ``w -= lr * g / sqrt(accumulator + epsilon)``.

    >>> import gradtape as gt
    >>> w = gt.Variable(1.0)
    >>> opt = gt.optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=0.0)
    >>> _ = opt.apply_gradients([(gt.constant(3.0), w)])
    >>> round(float(w), 5)
    0.9
    """

    _slot_names = ("accumulator",)

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, name: str = "Adagrad", **kwargs: Any):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if initial_accumulator_value < 0:
            raise ValueError(f"Adagrad: initial_accumulator_value must be >= 0, got "
                             f"{initial_accumulator_value}")
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def _slot_init(self, name: str, var: Variable) -> np.ndarray:
        return np.full(var.shape, self.initial_accumulator_value, dtype=var.dtype)

    def _sparse_rows_suffice(self) -> bool:
        return True

    def _update(self, w, g, slots, lr, step):
        acc = slots["accumulator"] + g * g
        return (g * lr) / np.sqrt(acc + self.epsilon), {"accumulator": acc}

    def get_config(self) -> dict:
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


_BY_NAME = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad}


def get(identifier: Any) -> Optimizer:
    """An optimizer from a name (``"adam"``, with default arguments) or an instance.

    >>> import gradtape as gt
    >>> gt.optimizers.get("adam").learning_rate
    0.001
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Unknown optimizer {identifier!r}; known: {', '.join(sorted(_BY_NAME))}")
        return cls()
    raise TypeError(f"Could not interpret optimizer identifier: {identifier!r}")
