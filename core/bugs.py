"""Planted bugs: classic backprop mistakes, for practising debugging with the gradient check.

A bug replaces the pieces of an OpSet it breaks, so stepping (the graph ops),
both training paths (the kernels) and the gradient check all compute the same
wrong gradients. Formulas stay as the lesson writes them: only the numbers are
wrong, which is what a learner has to spot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from core import ops
from core.activations import ActivationDef
from core.losses import LossDef
from core.opset import CORRECT, Linear, OpSet


@dataclass(frozen=True)
class PlantedBug:
    name: str  # as the command line and network settings spell it
    title: str  # the mistake, in words: what Reveal says
    where: str  # which nodes show the wrong local gradient
    plant: Callable[[OpSet], OpSet]


# -- σ′ written as σ -----------------------------------------------------------------------------


def _sigmoid_prime_as_sigmoid(definition: ActivationDef) -> ActivationDef:
    if definition.name != "sigmoid":
        return definition

    def backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        da *= a
        return da

    return replace(definition, derivative=lambda z, a: a, array_backward=backward, float_local="{da} * {a}")


# -- a sum sending its upstream gradient to its first input only -----------------------------------


class FirstInputOnlyAdd(ops.Add):
    def local(self, inputs, out):
        return (1.0, *(0.0 for _ in inputs[1:]))


class FirstInputOnlyAddBias(ops.AddBias):
    def local(self, inputs, out):
        return (1.0, 0.0)

    def send(self, upstream, inputs, out, local):
        return (upstream, np.zeros(upstream.shape[1]))


class FirstTermOnlyMatMul(ops.MatMul):
    """X·W's sums Σ_i x_i w_ij sending to their first term (i = 0) only."""

    def local(self, inputs, out):
        x, w = inputs
        first_row, first_column = np.zeros_like(w), np.zeros_like(x)
        first_row[0], first_column[:, 0] = w[0], x[:, 0]
        return (first_row, first_column)


class FirstInputOnlyLinear(Linear):
    def array(self, x, dz, w, gw, gb, dx):
        super().array(x, dz, w, gw, gb, dx)
        gw[1:] = 0.0
        gb[...] = 0.0
        if dx is not None:
            dx[:, 1:] = 0.0

    def float_weight_grad(self, i, x, w, dz):
        return super().float_weight_grad(i, x, w, dz) if i == 0 else None

    def float_bias_grad(self, dz):
        return None

    def float_input_grad(self, i, x, ws, dzs):
        return super().float_input_grad(i, x, ws, dzs) if i == 0 else "0.0"


# -- a product sending its own input instead of the other ----------------------------------------


class OwnInputMultiply(ops.Multiply):
    def local(self, inputs, out):
        u, v = inputs
        return (u, v)


class OwnInputMatMul(ops.MatMul):
    """Each product x_i·w_ij sending its own input: w_ij gets upstream·w_ij, x_i gets upstream·x_i."""

    def local(self, inputs, out):
        x, w = inputs
        return (x, w)

    def send(self, upstream, inputs, out, local):
        x, w = local
        return (x * upstream.sum(axis=1, keepdims=True), w * upstream.sum(axis=0))


class OwnInputLinear(Linear):
    def array(self, x, dz, w, gw, gb, dx):
        np.multiply(w, dz.sum(axis=0), out=gw)
        np.add.reduce(dz, axis=0, out=gb)
        if dx is not None:
            np.multiply(x, dz.sum(axis=1, keepdims=True), out=dx)

    def float_weight_grad(self, i, x, w, dz):
        return f"{w} * {dz}"

    def float_input_grad(self, i, x, ws, dzs):
        return " + ".join(f"{dz} * {x}" for dz in dzs)


# -- a loss gradient with the wrong sign -----------------------------------------------------------


def _wrong_sign(definition: LossDef) -> LossDef:
    def kernel(a, y, not_y, g, scratch, mean_over):
        total = definition.kernel(a, y, not_y, g, scratch, mean_over)
        np.negative(g, out=g)
        return total

    grad = None if definition.float_grad is None else f"-({definition.float_grad})"
    derivative = definition.derivative
    return replace(
        definition, derivative=lambda p, y: -derivative(p, y), array_kernel=kernel, fused={}, float_grad=grad
    )


# -- a missing 1/m in the mean -------------------------------------------------------------------


class MeanWithoutOneOverM(ops.Mean):
    def local(self, inputs, out):
        return (np.ones(inputs[0].shape[0]),)


BUGS: dict[str, PlantedBug] = {
    bug.name: bug
    for bug in (
        PlantedBug(
            "sigmoid_prime_as_sigmoid",
            "σ′ written as σ: the sigmoid's local gradient is σ(z) instead of σ(z)(1 − σ(z))",
            "every sigmoid node",
            lambda s: replace(s, adjust_activation=_sigmoid_prime_as_sigmoid, fused_outputs=False),
        ),
        PlantedBug(
            "sum_first_input_only",
            "a sum sends its upstream gradient to its first input only (the other terms and the bias get 0)",
            "every sum z = Σ w·x + b (in the layer graph: X·W and + b)",
            lambda s: replace(
                s,
                add=FirstInputOnlyAdd(),
                add_bias=FirstInputOnlyAddBias(),
                matmul=FirstTermOnlyMatMul(),
                linear=FirstInputOnlyLinear(),
            ),
        ),
        PlantedBug(
            "product_own_input",
            "a product w·x sends each input its own value instead of the other's (w gets w, x gets x)",
            "every product w·x (in the layer graph: X·W)",
            lambda s: replace(s, multiply=OwnInputMultiply(), matmul=OwnInputMatMul(), linear=OwnInputLinear()),
        ),
        PlantedBug(
            "loss_gradient_sign",
            "the loss gradient has the wrong sign: ∂L/∂ŷ is negated",
            "the loss node",
            lambda s: replace(s, adjust_loss=_wrong_sign, fused_outputs=False),
        ),
        PlantedBug(
            "mean_missing_1_over_m",
            "the mean's local gradient misses its 1/m: the cost's gradient is m times too large",
            "the mean node C (the layer graph; one example has no mean)",
            lambda s: replace(s, mean=MeanWithoutOneOverM(), mean_divides=False),
        ),
    )
}


def bug_names() -> tuple[str, ...]:
    return tuple(BUGS)


def op_set(bug: str | None) -> OpSet:
    """The operations with ``bug`` planted (None: the correct ones)."""
    if bug is None:
        return CORRECT
    if bug not in BUGS:
        raise ValueError(f"unknown planted bug {bug!r} (use one of {', '.join(BUGS)})")
    return BUGS[bug].plant(CORRECT)
