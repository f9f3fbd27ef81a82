"""The weight accessors of ``gt.layers.Layer`` (mixed into it): Keras's ``weights``,
``trainable_weights``, ``non_trainable_weights``, ``get_weights``, ``set_weights`` and
``count_params``. A frozen layer (``trainable = False``) has no trainable weights, whatever
the flags of its sublayers, as in Keras."""

from __future__ import annotations

import numpy as np

__all__ = ["LayerWeights"]


class LayerWeights:
    """Mixed into ``Layer`` before ``Module``, whose variable walks it refines."""

    @property
    def weights(self) -> tuple:
        """Keras's name for :attr:`variables`."""
        return self.variables

    @property
    def trainable_variables(self) -> tuple:
        """The variables with ``trainable=True``: none while the layer itself is frozen (as
        Keras, even if a sublayer was set trainable again afterwards)."""
        return super().trainable_variables if self.__dict__.get("_trainable", True) else ()

    @property
    def non_trainable_variables(self) -> tuple:
        """The other variables (all of them while the layer itself is frozen)."""
        return super().non_trainable_variables if self.__dict__.get("_trainable", True) else self.variables

    @property
    def trainable_weights(self) -> tuple:
        """Keras's name for :attr:`trainable_variables`."""
        return self.trainable_variables

    @property
    def non_trainable_weights(self) -> tuple:
        """Keras's name for :attr:`non_trainable_variables`."""
        return self.non_trainable_variables

    def get_weights(self) -> list:
        """The values of :attr:`weights` as NumPy arrays (copies).

        >>> import gradtape as gt
        >>> d = gt.layers.Dense(2)
        >>> _ = d(gt.ones((1, 3)))
        >>> [w.shape for w in d.get_weights()]
        [(3, 2), (2,)]
        """
        return [np.array(v.numpy(), copy=True) for v in self.weights]

    def set_weights(self, weights: list) -> None:
        """Assign :attr:`weights` from a list of arrays (checked for count and shapes first).

        >>> import gradtape as gt
        >>> d = gt.layers.Dense(1, use_bias=False)
        >>> _ = d(gt.ones((1, 2)))
        >>> d.set_weights([[[1.0], [2.0]]])
        >>> d(gt.ones((1, 2))).numpy()
        array([[3.]], dtype=float32)
        """
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(f"{self.name}.set_weights: got {len(weights)} arrays for {len(own)} weights")
        arrays = [np.asarray(w) for w in weights]
        for v, a in zip(own, arrays):
            if tuple(a.shape) != tuple(v.shape):
                raise ValueError(f"{self.name}.set_weights: weight {v.name} has shape {v.shape} but "
                                 f"the given array has shape {a.shape}")
        for v, a in zip(own, arrays):
            v.assign(a.astype(v.dtype))

    def count_params(self) -> int:
        """The number of scalars in all weights.

        >>> import gradtape as gt
        >>> d = gt.layers.Dense(2)
        >>> _ = d(gt.ones((1, 3)))
        >>> d.count_params()
        8
        """
        return int(sum(v.size for v in self.weights))

    # -- configs ---------------------------------------------------------------------------
