"""The operations a network's graphs and training paths use, gathered so a planted bug can swap some.

Stepping reads the graph ops (multiply, add, matmul, add_bias, mean, and each
activation's and loss's definition); the training paths read the same definitions'
kernels and ``linear``, their backward through z = x·W + b. A planted bug
(core.bugs) replaces the pieces it breaks in every one of these places at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core import ops
from core.activations import ActivationDef, activation
from core.losses import LossDef, loss


class Linear:
    """Backward through z = x·W + b in the training paths: the graph's products and sums, fused."""

    def array(
        self, x: np.ndarray, dz: np.ndarray, w: np.ndarray, gw: np.ndarray, gb: np.ndarray, dx: np.ndarray | None
    ) -> None:
        """∂C/∂W into ``gw``, ∂C/∂b into ``gb`` and, unless ``dx`` is None, ∂C/∂x into ``dx``."""
        np.matmul(x.T, dz, out=gw)
        np.add.reduce(dz, axis=0, out=gb)  # dz.sum(axis=0) without its Python wrapper
        if dx is not None:
            np.matmul(dz, w.T, out=dx)

    def float_weight_grad(self, i: int, x: str, w: str, dz: str) -> str | None:
        """What one example adds to ∂C/∂w_ij (None: nothing)."""
        return f"{x} * {dz}"

    def float_bias_grad(self, dz: str) -> str | None:
        return dz

    def float_input_grad(self, i: int, x: str, ws: Sequence[str], dzs: Sequence[str]) -> str:
        """∂C/∂x_i from every unit's ∂C/∂z_j and weight w_ij."""
        return " + ".join(f"{dz} * {w}" for dz, w in zip(dzs, ws, strict=True))


LINEAR = Linear()
_MULTIPLY, _ADD, _MATMUL, _ADD_BIAS, _MEAN = ops.Multiply(), ops.Add(), ops.MatMul(), ops.AddBias(), ops.Mean()


def _unchanged(definition):
    return definition


@dataclass(frozen=True, eq=False)
class OpSet:
    """The correct operations by default; ``core.bugs.op_set`` gives a bugged set."""

    multiply: ops.Op = _MULTIPLY
    add: ops.Op = _ADD
    matmul: ops.Op = _MATMUL
    add_bias: ops.Op = _ADD_BIAS
    mean: ops.Op = _MEAN
    linear: Linear = LINEAR
    mean_divides: bool = True  # the mean's local gradient is 1/m (training divides by m)
    fused_outputs: bool = True  # the numpy loop may use a loss's fused kernel for its output activation
    adjust_activation: Callable[[ActivationDef], ActivationDef] = _unchanged
    adjust_loss: Callable[[LossDef], LossDef] = _unchanged

    def activation(self, name: str) -> ActivationDef:
        return self.adjust_activation(activation(name))

    def loss(self, name: str) -> LossDef:
        return self.adjust_loss(loss(name))


CORRECT = OpSet()
