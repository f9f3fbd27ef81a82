"""Keras 3's optimizer methods that take the gradients and the variables as two lists:
``apply(grads, trainable_variables)`` and the ``built`` flag (``optimizer.build(vars)`` first,
then ``apply(grads)`` alone)."""

from __future__ import annotations

from typing import Any, Iterable

__all__ = ["Keras3OptimizerMethods"]


class Keras3OptimizerMethods:
    """Mixed into ``gt.optimizers.Optimizer``; relies on its ``apply_gradients`` and on the
    variables it has slots for (``_slot_vars``, in the order ``build`` saw them)."""

    _slot_vars: list

    @property
    def built(self) -> bool:
        """Whether the optimizer has slots for some variables (``build`` or a first update).

        >>> import gradtape as gt
        >>> opt = gt.optimizers.Adam()
        >>> opt.built
        False
        >>> opt.build([gt.Variable([1.0])])
        >>> opt.built
        True
        """
        return bool(self._slot_vars)

    def apply(self, grads: Iterable[Any], trainable_variables: Iterable[Any] | None = None) -> None:
        """Keras 3's ``optimizer.apply(grads, trainable_variables)``: one update of each
        variable from the gradient at the same position (``apply_gradients(zip(grads, vars))``).
        Without ``trainable_variables``, the variables the optimizer was built with are updated,
        in the order ``build`` was given them. An empty ``grads`` does nothing, as in Keras.

        >>> import gradtape as gt
        >>> w = gt.Variable([1.0, 1.0])
        >>> opt = gt.optimizers.SGD(learning_rate=0.5)
        >>> opt.apply([gt.constant([1.0, -1.0])], [w])
        >>> w.numpy(), int(opt.iterations)
        (array([0.5, 1.5], dtype=float32), 1)
        >>> opt.apply([gt.constant([1.0, 1.0])])  # the variables it was built with
        >>> w.numpy()
        array([0., 1.], dtype=float32)
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must "
                                 "already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first.")
            variables = list(self._slot_vars)
            if len(grads) != len(variables):
                raise ValueError("When passing `grads` as a list of gradient tensors, the "
                                 "gradients must match `optimizer.variables` one-to-one. "
                                 f"Received a list of {len(grads)} gradients, but the optimizer "
                                 f"is tracking {len(variables)} trainable variables.")
        else:
            variables = list(trainable_variables)
            if len(grads) != len(variables):
                raise ValueError(f"{getattr(self, 'name', 'optimizer')}.apply: got {len(grads)} "
                                 f"gradients for {len(variables)} variables; give one per variable")
        self.apply_gradients(zip(grads, variables))  # type: ignore[attr-defined]
