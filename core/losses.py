"""Losses, each defined once: per-output term, local gradient, formulas, and the kernels beside them.

A loss is written per output unit k; an example's loss sums the terms over k and
the cost is the mean over the examples. Beside the rules sit the optional fast
kernels of the training paths:

- ``array_kernel(a, y, not_y, g, scratch, mean_over)`` for the numpy loop: returns
  the loss summed over the batch and writes ∂C/∂Ŷ = (∂L/∂ŷ) / mean_over into ``g``;
  ``fused`` maps an output activation to a kernel of the same signature that writes
  ∂C/∂Z, the same chain in fewer numpy calls;
- ``float_term`` (statements adding output k's loss to ``total``), ``float_cost``
  (the summed loss from ``{total}``) and ``float_grad`` (∂L/∂ŷ_k), Python source
  templates for the generated float loop, placeholders ``{a}``, ``{y}``, ``{k}``.

Without kernels, both training paths call ``term`` and ``derivative`` themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from core.ops import DENOMINATOR_FLOOR, LOG_EPS, Value

if TYPE_CHECKING:
    from core.activations import ActivationDef

TARGET_SUM_TOLERANCE = 1e-6  # how far a row of cross-entropy targets may sum from 1 (rounded decimals)

ArrayKernel = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float], float]


@dataclass(frozen=True, eq=False)
class LossDef:
    """One loss; ``derivative(p, y)`` is the local gradient ∂term/∂prediction."""

    name: str
    symbol: str
    formula: str
    derivative_formula: str  # with {p} and {y} placeholders
    template: str  # one term of the loss, with {p} and {y} placeholders
    term: Callable[[Value, Value], Value]  # (prediction, target) -> loss term
    derivative: Callable[[Value, Value], Value]
    check_output: Callable[[ActivationDef], str | None] = lambda activation: None  # why it cannot follow it
    check_targets: Callable[[np.ndarray], str | None] = lambda Y: None  # why it is undefined for targets Y
    array_kernel: ArrayKernel | None = None
    fused: Mapping[str, ArrayKernel] = field(default_factory=dict)
    float_term: str | None = None
    float_cost: str = "{total}"
    float_grad: str | None = None
    float_helpers: Mapping[str, Callable[..., Any]] = field(default_factory=dict)

    def kernel(self, a, y, not_y, g, scratch, mean_over: float) -> float:
        """The numpy loop's loss: summed over the batch; ∂C/∂Ŷ written to ``g``."""
        if self.array_kernel is not None:
            return self.array_kernel(a, y, not_y, g, scratch, mean_over)
        np.divide(self.derivative(a, y), mean_over, out=g)
        return float(np.sum(self.term(a, y)))

    def float_namespace(self) -> dict[str, Callable[..., Any]]:
        return {**self.float_helpers, f"term_{self.name}": self.term, f"grad_{self.name}": self.derivative}

    def float_term_lines(self, k: int, a: str, y: str) -> list[str]:
        template = self.float_term or f"total += term_{self.name}({{a}}, {{y}})"
        return template.format(a=a, y=y, k=k).split("\n")

    def float_grad_expression(self, k: int, a: str, y: str) -> str:
        template = self.float_grad or f"grad_{self.name}({{a}}, {{y}})"
        return template.format(a=a, y=y, k=k)


def _clip(p: Value) -> Value:
    return min(max(p, LOG_EPS), 1.0 - LOG_EPS) if isinstance(p, float) else np.clip(p, LOG_EPS, 1.0 - LOG_EPS)


def _floored(d: Value) -> Value:
    return max(d, DENOMINATOR_FLOOR) if isinstance(d, float) else np.maximum(d, DENOMINATOR_FLOOR)


def _log(p: Value) -> Value:
    return math.log(p) if isinstance(p, float) else np.log(p)


def _half_squared_error(a, y, not_y, g, scratch, mean_over):
    d = np.subtract(a, y, out=g)
    total = 0.5 * float(np.vdot(d, d))
    d /= mean_over
    return total


def _squared_error(a, y, not_y, g, scratch, mean_over):
    d = np.subtract(a, y, out=g)
    total = float(np.vdot(d, d))
    d *= 2.0  # −2(y − ŷ) = 2(ŷ − y), exactly
    d /= mean_over
    return total


def _log_loss_cost(a, y, not_y, g, scratch) -> float:
    p = np.minimum(np.maximum(a, LOG_EPS, out=g), 1.0 - LOG_EPS, out=g)  # np.clip, at half the cost
    on_ones = np.vdot(y, np.log(p, out=scratch))
    on_zeros = np.vdot(not_y, np.log(np.subtract(1.0, p, out=scratch), out=scratch))
    return -float(on_ones + on_zeros)


def _log_loss(a, y, not_y, g, scratch, mean_over):
    total = _log_loss_cost(a, y, not_y, g, scratch)
    # ∂L/∂ŷ = −(y − ŷ) / (ŷ(1 − ŷ)) as the graph computes it: not the fused ŷ − y,
    # which a saturated graph cannot give.
    np.subtract(1.0, a, out=scratch)
    scratch *= a
    np.subtract(a, y, out=g)
    g /= mean_over
    g /= np.maximum(scratch, DENOMINATOR_FLOOR, out=scratch)
    return total


def _log_loss_through_sigmoid(a, y, not_y, g, scratch, mean_over):
    """Log loss then the sigmoid's local gradient ŷ(1 − ŷ), which is also the loss's
    denominator: the same product, in an order that needs no extra buffer."""
    total = _log_loss_cost(a, y, not_y, g, scratch)
    np.subtract(1.0, a, out=scratch)
    scratch *= a
    np.subtract(a, y, out=g)
    g /= mean_over
    g *= scratch
    g /= np.maximum(scratch, DENOMINATOR_FLOOR, out=scratch)
    return total


def _cross_entropy(a, y, not_y, g, scratch, mean_over):
    total = -float(np.vdot(y, np.log(np.maximum(a, LOG_EPS, out=scratch), out=scratch)))
    # ∂L/∂a = −y / a as the graph computes it, then back through the softmax.
    np.maximum(a, DENOMINATOR_FLOOR, out=scratch)
    np.divide(y, scratch, out=g)
    g /= -mean_over
    return total


def _row(row: np.ndarray) -> str:
    shown = ", ".join(f"{v:g}" for v in row[:6])
    return f"[{shown}{', …' if row.size > 6 else ''}]"


def _targets_between_0_and_1(Y: np.ndarray) -> str | None:
    outside = np.flatnonzero(np.any((Y < 0) | (Y > 1), axis=1))
    if outside.size:
        r = int(outside[0])
        return f"log_loss needs targets between 0 and 1; data y row {r} is {_row(Y[r])}"
    return None


def _target_distributions(Y: np.ndarray) -> str | None:
    negative = np.flatnonzero(np.any(Y < 0, axis=1))
    if negative.size:
        r = int(negative[0])
        return f"cross_entropy needs targets of at least 0; data y row {r} is {_row(Y[r])}"
    sums = Y.sum(axis=1)
    off = np.flatnonzero(np.abs(sums - 1.0) > TARGET_SUM_TOLERANCE)
    if off.size:
        r = int(off[0])
        return (
            "cross_entropy needs each row of targets to sum to 1 (one-hot or class probabilities); "
            f"data y row {r} sums to {sums[r]:g}"
        )
    return None


def _needs_probabilities(activation: ActivationDef) -> str | None:
    if activation.probabilities:
        return None
    # ln ŷ and ln(1 − ŷ) need predictions between 0 and 1
    return "log_loss needs a sigmoid (or softmax) output layer, whose predictions lie between 0 and 1"


HALF_SQUARED_ERROR = LossDef(
    "half_squared_error",
    "½(y−ŷ)²",
    "L = ½ Σ (y−ŷ)²",
    "−({y}−{p})",
    "½({y}−{p})²",
    lambda p, y: 0.5 * (y - p) * (y - p),
    lambda p, y: -(y - p),
    array_kernel=_half_squared_error,
    float_term="d_{k} = {a} - {y}\ntotal += d_{k} * d_{k}",
    float_cost="0.5 * {total}",
    float_grad="d_{k}",
)
SQUARED_ERROR = LossDef(
    "squared_error",
    "(y−ŷ)²",
    "L = Σ (y−ŷ)²",
    "−2({y}−{p})",
    "({y}−{p})²",
    lambda p, y: (y - p) * (y - p),
    lambda p, y: -2.0 * (y - p),
    array_kernel=_squared_error,
    float_term="d_{k} = {a} - {y}\ntotal += d_{k} * d_{k}",
    float_grad="2.0 * d_{k}",
)
LOG_LOSS = LossDef(
    "log_loss",
    "log loss",
    "L = −y ln ŷ − (1−y) ln(1−ŷ)",
    "−({y}−{p})/({p}(1−{p}))",
    "−{y} ln {p} − (1−{y}) ln(1−{p})",
    lambda p, y: -y * _log(_clip(p)) - (1.0 - y) * _log(1.0 - _clip(p)),
    lambda p, y: -(y - p) / _floored(p * (1.0 - p)),
    check_output=_needs_probabilities,
    check_targets=_targets_between_0_and_1,
    array_kernel=_log_loss,
    fused={"sigmoid": _log_loss_through_sigmoid},
    float_term="p_{k} = min(max({a}, LOG_EPS), HIGH)\ntotal += {y} * log(p_{k}) + (1.0 - {y}) * log(1.0 - p_{k})",
    float_cost="-{total}",
    float_grad="({a} - {y}) / max({a} * (1.0 - {a}), FLOOR)",
    float_helpers={"log": math.log, "LOG_EPS": LOG_EPS, "HIGH": 1.0 - LOG_EPS, "FLOOR": DENOMINATOR_FLOOR},
)
CROSS_ENTROPY = LossDef(
    "cross_entropy",
    "cross-entropy",
    "L = −Σ y_k ln a_k",
    "−{y}/{p}",
    "−{y} ln {p}",
    lambda p, y: -y * _log(_clip(p)),
    lambda p, y: -y / _floored(p),
    check_output=lambda activation: (
        None if activation.name == "softmax" else "cross_entropy needs a softmax output layer"
    ),
    check_targets=_target_distributions,
    array_kernel=_cross_entropy,
    float_term="total += {y} * log(max({a}, LOG_EPS))",
    float_cost="-{total}",
    float_grad="-{y} / max({a}, FLOOR)",
    float_helpers={"log": math.log, "LOG_EPS": LOG_EPS, "FLOOR": DENOMINATOR_FLOOR},
)

LOSSES: dict[str, LossDef] = {}


def register_loss(definition: LossDef) -> LossDef:
    """Make a loss available everywhere by its name."""
    if definition.name in LOSSES:
        raise ValueError(f"a loss named {definition.name!r} is already registered")
    LOSSES[definition.name] = definition
    return definition


for _definition in (HALF_SQUARED_ERROR, SQUARED_ERROR, LOG_LOSS, CROSS_ENTROPY):
    register_loss(_definition)


def loss_names() -> tuple[str, ...]:
    """Every registered loss's name, in registration order."""
    return tuple(LOSSES)


def loss(name: str) -> LossDef:
    """The registered loss ``name``; ValueError names the known ones."""
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r} (use one of {', '.join(LOSSES)})") from None
