"""``Layer``: a Keras-style building block, a :class:`gradtape.Module` built on its first call."""

from __future__ import annotations

import inspect
import itertools
import re
from collections import defaultdict
from typing import Any, Callable

import numpy as np

import gradtape as gt
from .._engine.tensor import Tensor, Variable, as_dtype
from ..module import Module
from .. import initializers as _init
from .. import constraints as _constraints, regularizers as _regularizers
from . import _config, _masking, _regularization
from ._regularization import LossTracking, outermost_call
from . import _call_context
from ._weights import LayerWeights
from ._weight_args import IGNORED_KEYWORDS, normalize_weight_args

__all__ = ["Layer", "InputSpecError"]

_name_counters: dict[str, Any] = defaultdict(itertools.count)


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()
    return s.replace("2_d", "2d").replace("1_d", "1d")


def unique_name(base: str) -> str:
    """``base``, then ``base_1``, ``base_2``, ... (Keras's automatic layer names)."""
    n = next(_name_counters[base])
    return base if n == 0 else f"{base}_{n}"


# Set by gradtape.keras.keras_tensor (imported with gradtape): hook(layer, inputs, args, kwargs)
# records a call on KerasTensors and returns symbolic outputs, else returns NotImplemented.
_symbolic_call_hook: Callable | None = None


def _batch_input_shape(kwargs: dict) -> tuple | None:
    """Pop Keras's ``input_shape``, ``input_dim`` and ``batch_input_shape`` from ``kwargs``: the
    input shape with its batch axis (None unless given), or None."""
    shape, dim, batch = (kwargs.pop(k, None) for k in ("input_shape", "input_dim", "batch_input_shape"))
    if batch is not None:
        return tuple(batch)
    if shape is not None:
        return (None,) + (tuple(shape) if hasattr(shape, "__iter__") else (int(shape),))
    return None if dim is None else (None, int(dim))


class InputSpecError(ValueError):
    """A layer was called on an input of the wrong rank or size."""


def _shape_of(x) -> tuple:
    if isinstance(x, (Tensor, np.ndarray, np.generic)):
        return tuple(x.shape)
    if isinstance(x, (list, tuple)) and x and all(isinstance(e, (Tensor, np.ndarray)) for e in x):
        return [tuple(e.shape) for e in x]  # type: ignore[return-value]
    return tuple(np.shape(x))


def _float_dtype_of(x):
    if isinstance(x, (Tensor, np.ndarray, np.generic)):
        return x.dtype if x.dtype.kind == "f" else None
    if isinstance(x, (list, tuple)):
        for e in x:
            d = _float_dtype_of(e)
            if d is not None:
                return d
    return None


class Layer(LayerWeights, LossTracking, Module):
    """Base class of the Keras-style layers: built lazily from the first input's shape.

    Subclasses create weights in ``build(input_shape)`` with :meth:`add_weight` and compute in
    ``call(inputs, ...)``; a ``training`` keyword reaches ``call`` only when it accepts one.
    Inputs are cast to the layer's dtype (the first input's floating dtype when the layer was
    created without one, else float32), as Keras does. Setting ``trainable = False`` freezes every
    variable of the layer and its sublayers (tapes then do not watch them).

    Losses: :meth:`add_loss` inside ``call``, the ``activity_regularizer`` (every layer takes
    one) and the weights' regularizers are gathered by :attr:`losses`, as Keras 3.

    >>> import gradtape as gt
    >>> class Scale(gt.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight("w", (input_shape[-1],), initializer="ones")
    ...     def call(self, inputs):
    ...         return inputs * self.w
    >>> layer = Scale()
    >>> layer(gt.constant([[1.0, 2.0]])).numpy()
    array([[1., 2.]], dtype=float32)
    >>> [v.shape for v in layer.trainable_variables]
    [(2,)]
    """

    _call_accepts_training: dict = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass's own build marks the layer built, whether the first call or the user ran
        # it (layer.build(shape) before any call), as Keras does; a second call does not rebuild.
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_marks_built", False):
            def marked(self, *args, **kw):
                out = build(self, *args, **kw)
                self.built = True
                if args and "_built_input_shape" not in self.__dict__:
                    self.__dict__["_built_input_shape"] = args[0]  # for get_build_config
                return out
            marked._marks_built = True
            marked.__doc__, marked.__name__, marked.__qualname__ = build.__doc__, build.__name__, build.__qualname__
            cls.build = marked
        cls._call_mask_arg, cls._call_named_masks = _masking.mask_params(cls)
        cls._custom_compute_mask = cls.compute_mask is not Layer.compute_mask
        cls._mask_aware = cls._call_mask_arg or bool(cls._call_named_masks) or cls._custom_compute_mask
    _cast_integer_inputs = True  # False for layers whose inputs are ids (Embedding)
    # Masks (see _masking.py): whether call takes `mask`, the `<name>_mask` arguments it takes,
    # whether compute_mask is overridden; set for each subclass by __init_subclass__.
    _call_mask_arg = False
    _call_named_masks: tuple = ()
    _custom_compute_mask = False
    _mask_aware = False
    _supports_masking: bool | None = None  # None: whether compute_mask is overridden, as Keras

    def __new__(cls, *args: Any, **kwargs: Any):
        self = super().__new__(cls)
        self.__dict__["_init_call"] = _config.InitCall(args, kwargs)  # for get_config
        return self

    def __init__(self, trainable: bool = True, name: str | None = None, dtype=None,
                 activity_regularizer: Any = None, **kwargs: Any):
        # Keras's input_shape / input_dim / batch_input_shape: kept for gt.keras.Sequential, which
        # builds from its first layer's; a layer itself builds on its first call.
        batch_input_shape = _batch_input_shape(kwargs)
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected keyword argument(s) {sorted(kwargs)}")
        super().__init__(name=name if name is not None else unique_name(_snake(type(self).__name__)))
        self._trainable = bool(trainable)
        self._trainable_flags: dict[int, bool] = {}
        if isinstance(dtype, dict):  # a Keras DTypePolicy config (from get_config)
            dtype = dtype.get("config", {}).get("name")
        self._layer_dtype = as_dtype(dtype) if dtype is not None else None
        self.activity_regularizer = activity_regularizer
        self.built = False
        self._batch_input_shape = batch_input_shape

    # -- properties --------------------------------------------------------------------------
    @property
    def dtype(self):
        """The dtype of the layer's weights (None until known)."""
        return self._layer_dtype

    @property
    def trainable(self) -> bool:
        """Whether the layer's weights are trained (setting it applies to every sublayer)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        for layer in (self,) + tuple(m for m in self.submodules if isinstance(m, Layer)):
            layer._trainable = value
            for v in layer._own_variables():
                v.trainable = value and layer._trainable_flags.get(id(v), v.trainable)

    def _own_variables(self) -> list:
        return [v for v in self._flatten(lambda x: isinstance(x, Variable), recurse=False)
                if id(v) in self._trainable_flags]

    # -- masks -----------------------------------------------------------------------------
    @property
    def supports_masking(self) -> bool:
        """Whether the layer passes masks on: after each call, the outputs get the masks
        :meth:`compute_mask` returns. As in Keras 3, it defaults to whether the class overrides
        ``compute_mask``; layers that keep the time axis (Dense, Dropout, the normalizations,
        ...) set it. A layer that does not support masking warns when given a masked input.

        >>> import gradtape as gt
        >>> gt.layers.Dense(2).supports_masking, gt.layers.Flatten().supports_masking
        (True, False)
        """
        value = self._supports_masking
        return self._custom_compute_mask if value is None else value

    @supports_masking.setter
    def supports_masking(self, value: bool) -> None:
        self._supports_masking = bool(value)

    def compute_mask(self, inputs, previous_mask):
        """The mask(s) of the outputs for these inputs: the input's mask by default, as Keras.

        >>> import gradtape as gt
        >>> emb = gt.layers.Embedding(5, 2, mask_zero=True)
        >>> emb.compute_mask(gt.constant([[2, 0]]), None).numpy()
        array([[ True, False]])
        >>> gt.layers.Dense(2).compute_mask(gt.ones((1, 2, 3)), None) is None
        True
        """
        return previous_mask

    # -- weights ---------------------------------------------------------------------------
    def add_weight(self, name: Any = None, shape: Any = None, initializer: Any = None,
                   trainable: bool = True, dtype=None, regularizer: Any = None,
                   constraint: Any = None, **kwargs: Any) -> Variable:
        """Create a variable named ``<layer name>/<name>`` from an initializer: tf.keras's
        ``add_weight(name, shape, ...)`` or Keras 3's ``add_weight(shape=..., initializer=...)``
        (name optional, shape first if positional; see ``_weight_args.normalize_weight_args``).

        ``regularizer`` (anything ``gt.regularizers.get`` accepts) adds its penalty of the
        weight to :attr:`losses`; ``constraint`` (anything ``gt.constraints.get`` accepts)
        becomes the variable's ``constraint``, applied by the optimizers after each update.

        >>> import gradtape as gt
        >>> layer = gt.layers.Layer(name="demo")
        >>> layer.add_weight("w", (2,), initializer="zeros").name
        'demo/w:0'
        >>> layer.v = layer.add_weight("v", (2,), initializer="ones", regularizer="l2", constraint="non_neg")
        >>> [round(float(x), 4) for x in layer.losses], layer.v.constraint
        ([0.02], NonNeg())
        """
        unknown = sorted(k for k in kwargs if k not in IGNORED_KEYWORDS)
        if unknown:
            raise TypeError(f"add_weight: unexpected keyword argument(s) {unknown}")
        dt = as_dtype(dtype) if dtype is not None else (self._layer_dtype or np.dtype(np.float32))
        taken = {v.name.split("/")[-1].split(":")[0] for v in self._own_variables()}
        name, shape, initializer = normalize_weight_args(name, shape, initializer, dt, taken)
        init = _init.get(initializer)
        value = init(shape, dtype=dt)
        v = Variable(value, trainable=bool(trainable) and self._trainable, name=f"{self.name}/{name}",
                     dtype=dt, constraint=_constraints.get(constraint))
        v.regularizer = _regularizers.get(regularizer)
        self._trainable_flags[id(v)] = bool(trainable)
        return v

    def get_config(self) -> dict:
        """The constructor arguments in Keras 3's layout (``_config.py``); see from_config.

        >>> import gradtape as gt
        >>> config = gt.layers.Dense(3, activation="relu", name="d").get_config()
        >>> config["units"], config["activation"], config["kernel_initializer"]["class_name"]
        (3, 'relu', 'GlorotUniform')
        >>> gt.layers.Dense.from_config(config).units
        3
        """
        return _config.layer_config(self, base_only=_config.overrides_get_config(type(self)))

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        """A new layer (unbuilt, no weights) from :meth:`get_config`'s dict or Keras's."""
        return _config.layer_from_config(cls, config)

    def get_build_config(self) -> dict | None:  # {"input_shape": ...}, None before any build
        return _config.build_config(self)

    def build_from_config(self, config: dict | None) -> None:  # creates the weights
        _config.build_from_config(self, config)

    # -- building and calling --------------------------------------------------------------
    def build(self, input_shape) -> None:
        """Create the weights for inputs of ``input_shape`` (override in subclasses)."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The layer's computation (override in subclasses)."""
        return inputs

    def _build_shape(self, inputs, args, kwargs):
        return _shape_of(inputs)

    def _cast(self, x):
        dt = self._layer_dtype
        if isinstance(x, (np.ndarray, np.generic)):
            x = Tensor(x)
        if isinstance(x, Tensor):
            if x.dtype != dt and (x.dtype.kind == "f" or (
                    x.dtype.kind in "iub" and self._cast_integer_inputs)):
                y = gt.cast(x, dt)
                y._keras_mask = x._keras_mask  # Keras keeps the mask of a converted input
                return y
            return x
        if isinstance(x, (list, tuple)) and any(isinstance(e, (Tensor, np.ndarray)) for e in x):
            return type(x)(self._cast(e) for e in x)
        if isinstance(x, (float, list, tuple)):
            try:
                arr = np.asarray(x)
            except (ValueError, TypeError):
                return x
            if arr.dtype.kind == "f":
                return gt.constant(arr, dtype=dt)
            if arr.dtype.kind in "iub":
                return gt.constant(arr, dtype=dt if self._cast_integer_inputs else None)
        return x

    def _accepts_training(self) -> bool:
        cls = type(self)
        ok = Layer._call_accepts_training.get(cls)
        if ok is None:
            params = inspect.signature(self.call).parameters
            ok = "training" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())
            Layer._call_accepts_training[cls] = ok
        return ok

    def __call__(self, inputs, *args, **kwargs):
        if _symbolic_call_hook is not None and not (  # on KerasTensors: record a graph node
                type(inputs) is Tensor and not args
                and all(v is None or v.__class__ is bool for v in kwargs.values())):
            out = _symbolic_call_hook(self, inputs, args, kwargs)
            if out is not NotImplemented:
                return out
        # Keras's call context for ``training`` (_call_context.enter_training, inlined: every
        # layer call passes here)
        context = _call_context._state
        enclosing = getattr(context, "training", None)
        accepts = self._accepts_training()
        value = kwargs.get("training") if kwargs else None
        if value is None:
            value = enclosing
            if value is None and accepts:
                value = _call_context._signature_default(self)
        context.training = value
        if accepts and value is not None:
            kwargs["training"] = value
        elif kwargs:
            kwargs.pop("training", None)
        try:
            return self._eager_call(inputs, args, kwargs)
        finally:
            context.training = enclosing

    def _eager_call(self, inputs, args: tuple, kwargs: dict):
        if self._layer_dtype is None:
            self._layer_dtype = _float_dtype_of(inputs) or np.dtype(np.float32)
        if _regularization._holding.data and outermost_call():
            self._clear_losses()  # Keras 3: the losses of the previous call go
        if not self.built:
            shape = self._build_shape(inputs, args, kwargs)
            self.build(shape)
            self.built = True
            self.__dict__.setdefault("_built_input_shape", shape)
        prev = (getattr(inputs, "_mask", None) if type(inputs) is Tensor  # its _keras_mask
                else _masking.mask_structure(inputs))
        inputs = self._cast(inputs)
        args = tuple(self._cast(a) for a in args)
        kwargs = {k: (v if k in ("training", "mask", "attention_mask") else self._cast(v))
                  for k, v in kwargs.items()}
        if self._mask_aware:  # call takes masks, or compute_mask is the class's own
            return _masking.masked_call(self, inputs, args, kwargs, prev)
        outputs = self._tracked_call(inputs, args, kwargs)
        if prev is None:
            return outputs  # no mask in, none out (the default compute_mask)
        return _masking.finish_masks(self, inputs, outputs, prev)

    def __repr__(self) -> str:
        return f"<gt.layers.{type(self).__name__} name={self.name!r} built={self.built}>"


def call_layer(layer: Callable, x, training):
    """Call ``layer`` on ``x``, passing ``training`` when it accepts one."""
    if isinstance(layer, Layer):
        if layer._accepts_training():
            return layer(x, training=training)
        return layer(x)
    return layer(x)
