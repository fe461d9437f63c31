"""Activations, each defined once: forward, local gradient, formulas, and the kernels beside them.

An entry gives the forward rule and the local gradient (each for a Python float or
a numpy array), the formulas as the lesson writes them, and optionally the fast
kernels the training paths use:

- ``array_forward(z, out)`` and ``array_backward(da, z, a)``, in place on the
  numpy loop's preallocated arrays (the backward may use ``z`` and ``a`` as scratch;
  with ``array_backward_reads_z`` False, ``out`` may be ``z`` itself);
- ``float_forward`` and ``float_local``, Python source templates for the generated
  float loop (placeholders ``{z}``, ``{a}``, ``{da}``), with ``float_helpers``
  naming the functions they call.

Without kernels, both training paths call ``function`` and ``derivative`` themselves:
slower, the same numbers. ``register_activation`` adds an entry; the graphs, both
training paths, predictions, network files, the command line and the window all
look activations up here by name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core import ops
from core.ops import Value, softmax_rows

ArrayForward = Callable[[np.ndarray, np.ndarray], np.ndarray]
ArrayBackward = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class ActivationDef:
    """One activation; ``derivative(z, a)`` is the local gradient ∂a/∂z."""

    name: str
    symbol: str
    formula: str
    derivative_formula: str  # with {z} and {a} placeholders
    template: str  # the forward computation, with a {z} placeholder
    function: Callable[[Value], Value]
    derivative: Callable[[Value, Value], Value]
    probabilities: bool = False  # outputs lie strictly between 0 and 1
    array_forward: ArrayForward | None = None
    array_backward: ArrayBackward | None = None
    array_backward_reads_z: bool = True  # False: the numpy loop may write A over Z (one buffer, less memory traffic)
    float_forward: str | None = None
    float_local: str | None = None
    float_helpers: Mapping[str, Callable[..., Any]] = field(default_factory=dict)

    output_only = False  # only the output layer may use it

    # -- the graphs ------------------------------------------------------------------------

    def layer_op(self) -> ops.Op:
        """The layer graph's node op."""
        return ops.Activation(self)

    def scalar_op(self, k: int, output_labels: Sequence[str]) -> ops.Op:
        """The scalar graph's op for unit ``k``; it takes ``scalar_inputs(z_ids, k)``."""
        return ops.Activation(self)

    def scalar_inputs(self, z_ids: Sequence[str], k: int) -> tuple[str, ...]:
        return (z_ids[k],)

    # -- the numpy training loop -----------------------------------------------------------

    def forward_into(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        """A = f(Z) written into ``out``."""
        if self.array_forward is not None:
            return self.array_forward(z, out)
        out[...] = self.function(z)
        return out

    def backward_in_place(self, da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """∂C/∂Z from ∂C/∂A, in ``da``'s array."""
        if self.array_backward is not None:
            return self.array_backward(da, z, a)
        da *= self.derivative(z, a)
        return da

    # -- the generated float loop ----------------------------------------------------------

    @property
    def float_needs_z(self) -> bool:
        """Whether the backward code reads the unit's z (then the loop keeps it in a variable)."""
        return self.float_local is None or "{z}" in self.float_local

    def float_namespace(self) -> dict[str, Callable[..., Any]]:
        return {**self.float_helpers, f"act_{self.name}": self.function, f"local_{self.name}": self.derivative}

    def float_layer_forward(self, zs: Sequence[str], outs: Sequence[str]) -> list[str]:
        """Source lines computing each output ``outs[j]`` from the expression ``zs[j]``."""
        template = self.float_forward or f"act_{self.name}({{z}})"
        return [f"{a} = {template.format(z=z)}" for z, a in zip(zs, outs, strict=True)]

    def float_layer_backward(self, das: Sequence[str], zs: Sequence[str], outs: Sequence[str]) -> list[str]:
        """Expressions of ∂C/∂z_j from ∂C/∂a_j (``das[j]``, parenthesised)."""
        template = self.float_local or f"{{da}} * local_{self.name}({{z}}, {{a}})"
        return [template.format(da=da, z=z, a=a) for da, z, a in zip(das, zs, outs, strict=True)]


@dataclass(frozen=True, eq=False)
class SoftmaxDef(ActivationDef):
    """Softmax: every output depends on every input, so its local gradient is a Jacobian."""

    output_only = True

    def layer_op(self) -> ops.Op:
        return ops.SoftmaxRows()

    def scalar_op(self, k: int, output_labels: Sequence[str]) -> ops.Op:
        return ops.SoftmaxComponent(k, tuple(output_labels))

    def scalar_inputs(self, z_ids: Sequence[str], k: int) -> tuple[str, ...]:
        return tuple(z_ids)

    @property
    def float_needs_z(self) -> bool:
        return True

    def float_layer_forward(self, zs: Sequence[str], outs: Sequence[str]) -> list[str]:
        top = f"top_{outs[0]}"
        exps = [f"e_{a}" for a in outs]
        return [
            f"{top} = max({', '.join(zs)})",
            *(f"{e} = exp({z} - {top})" for e, z in zip(exps, zs, strict=True)),
            f"sum_{outs[0]} = {' + '.join(exps)}",
            *(f"{a} = {e} / sum_{outs[0]}" for a, e in zip(outs, exps, strict=True)),
        ]

    def float_layer_backward(self, das: Sequence[str], zs: Sequence[str], outs: Sequence[str]) -> list[str]:
        # ∂C/∂z_j = a_j (∂C/∂a_j − Σ_k ∂C/∂a_k a_k), in the numpy loop's order
        weighted = " + ".join(f"{da} * {a}" for da, a in zip(das, outs, strict=True))
        return [f"({da} - ({weighted})) * {a}" for da, a in zip(das, outs, strict=True)]


# -- the entries -----------------------------------------------------------------------------

LEAKY_SLOPE = 0.01  # leaky ReLU's slope for negative inputs


def _sigmoid(z: Value) -> Value:
    if isinstance(z, float):
        # Branch on sign so exp never overflows.
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_float(z: float) -> float:
    """The float loop's sigmoid: numpy's formula, with numpy's limit where exp overflows."""
    try:
        return 1.0 / (1.0 + math.exp(-z))
    except OverflowError:  # numpy's exp gives inf there, and 1 / (1 + inf) = 0
        return 0.0


def _sigmoid_into(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    np.negative(z, out=a)
    np.exp(a, out=a)
    a += 1.0
    return np.reciprocal(a, out=a)


def _sigmoid_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    da *= a
    da *= np.subtract(1.0, a, out=a)
    return da


def _one_minus_square(a: Value) -> Value:
    """1 − a² (tanh's local gradient), making one array where ``1.0 - a * a`` makes two: a full batch of
    400,000 examples × 16 units took 30 ms, now 17 ms, the same numbers."""
    if not isinstance(a, np.ndarray):
        return 1.0 - a * a
    square = a * a
    return np.subtract(1.0, square, out=square)


def _tanh(z: Value) -> Value:
    return math.tanh(z) if isinstance(z, float) else np.tanh(z)


def _tanh_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    np.multiply(a, a, out=a)
    da *= np.subtract(1.0, a, out=a)
    return da


def _relu(z: Value) -> Value:
    return max(0.0, z) if isinstance(z, float) else np.maximum(z, 0.0)


def _relu_local(z: Value, a: Value) -> Value:
    # ReLU's local gradient at 0 is taken as 0.
    return (1.0 if z > 0 else 0.0) if isinstance(z, float) else (z > 0).astype(float)


def _relu_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    da *= a > 0.0
    return da


def _leaky_relu(z: Value) -> Value:
    if isinstance(z, float):
        return z if z > 0.0 else LEAKY_SLOPE * z
    return np.where(z > 0.0, z, LEAKY_SLOPE * z)


def _leaky_relu_local(z: Value, a: Value) -> Value:
    # Like ReLU, the slope at 0 is taken as the left one.
    if isinstance(z, float):
        return 1.0 if z > 0.0 else LEAKY_SLOPE
    return np.where(z > 0.0, 1.0, LEAKY_SLOPE)


def _leaky_relu_into(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    np.multiply(z, LEAKY_SLOPE, out=a)
    return np.maximum(z, a, out=a)  # max(z, 0.01·z): z where z > 0, else 0.01·z


def _leaky_relu_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return np.multiply(da, LEAKY_SLOPE, out=da, where=z <= 0.0)


def _softplus(z: Value) -> Value:
    if isinstance(z, float):
        # ln(1 + e^z) = max(z, 0) + ln(1 + e^−|z|): exp never overflows.
        return max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    return np.logaddexp(0.0, z)


def _softplus_into(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z, out=a)


def _softplus_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    da *= _sigmoid_into(z, z)  # σ(z), computed in z's array
    return da


def _copy_into(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    np.copyto(a, z)
    return a


def _softmax_into(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    np.subtract(z, z.max(axis=1, keepdims=True), out=a)
    np.exp(a, out=a)
    a /= a.sum(axis=1, keepdims=True)
    return a


def _softmax_backward(da: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    da -= (da * a).sum(axis=1, keepdims=True)
    da *= a
    return da


def _no_elementwise_local(z: Value, a: Value) -> Value:
    raise TypeError("softmax has no elementwise local gradient: each row has a Jacobian")


IDENTITY = ActivationDef(
    "identity",
    "id",
    "a = z",
    "1",
    "{z}",
    lambda z: z,
    lambda z, a: 1.0 if isinstance(z, float) else np.ones_like(z),
    array_forward=_copy_into,
    array_backward=lambda da, z, a: da,
    array_backward_reads_z=False,
    float_forward="{z}",
    float_local="{da}",
)
SIGMOID = ActivationDef(
    "sigmoid",
    "σ",
    "a = σ(z) = 1/(1+e^−z)",
    "{a}(1−{a})",
    "σ({z})",
    _sigmoid,
    lambda z, a: a * (1.0 - a),
    probabilities=True,
    array_forward=_sigmoid_into,
    array_backward=_sigmoid_backward,
    array_backward_reads_z=False,
    float_forward="sigmoid({z})",
    float_local="{da} * {a} * (1.0 - {a})",
    float_helpers={"sigmoid": _sigmoid_float},
)
TANH = ActivationDef(
    "tanh",
    "tanh",
    "a = tanh z",
    "1−{a}²",
    "tanh({z})",
    _tanh,
    lambda z, a: _one_minus_square(a),
    array_forward=lambda z, a: np.tanh(z, out=a),
    array_backward=_tanh_backward,
    array_backward_reads_z=False,
    float_forward="tanh({z})",
    float_local="{da} * (1.0 - {a} * {a})",
    float_helpers={"tanh": math.tanh},
)
RELU = ActivationDef(
    "relu",
    "ReLU",
    "a = max(0, z)",
    "1 if {z}>0 else 0",
    "max(0, {z})",
    _relu,
    _relu_local,
    array_forward=lambda z, a: np.maximum(z, 0.0, out=a),
    array_backward=_relu_backward,
    array_backward_reads_z=False,
    float_forward="max({z}, 0.0)",
    float_local="{da} * ({a} > 0.0)",
)
LEAKY_RELU = ActivationDef(
    "leaky_relu",
    "leaky",
    "a = z if z>0 else 0.01z",
    "1 if {z}>0 else 0.01",
    "max(0.01·{z}, {z})",
    _leaky_relu,
    _leaky_relu_local,
    array_forward=_leaky_relu_into,
    array_backward=_leaky_relu_backward,
    float_forward="leaky_relu({z})",
    float_local=f"{{da}} * (1.0 if {{a}} > 0.0 else {LEAKY_SLOPE!r})",  # a > 0 exactly where z > 0
    float_helpers={"leaky_relu": _leaky_relu},
)
SOFTPLUS = ActivationDef(
    "softplus",
    "softplus",
    "a = ln(1+e^z)",
    "σ({z})",
    "ln(1+e^{z})",
    _softplus,
    lambda z, a: _sigmoid(z),
    array_forward=_softplus_into,
    array_backward=_softplus_backward,
    float_forward="softplus({z})",
    float_local="{da} * sigmoid({z})",
    float_helpers={"softplus": _softplus, "sigmoid": _sigmoid_float},
)
SOFTMAX = SoftmaxDef(
    "softmax",
    "softmax",
    "a_k = e^z_k / Σ_j e^z_j",
    "a_k(δ_kj − a_j)",
    "softmax({z})",
    softmax_rows,
    _no_elementwise_local,
    probabilities=True,
    array_forward=_softmax_into,
    array_backward=_softmax_backward,
    array_backward_reads_z=False,
    float_helpers={"exp": math.exp},
)

ACTIVATIONS: dict[str, ActivationDef] = {}


def register_activation(definition: ActivationDef) -> ActivationDef:
    """Make an activation available everywhere by its name."""
    if definition.name in ACTIVATIONS:
        raise ValueError(f"an activation named {definition.name!r} is already registered")
    ACTIVATIONS[definition.name] = definition
    return definition


for _definition in (IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, SOFTPLUS, SOFTMAX):
    register_activation(_definition)


def activation_names() -> tuple[str, ...]:
    """Every registered activation's name, in registration order."""
    return tuple(ACTIVATIONS)


def activation(name: str) -> ActivationDef:
    """The registered activation ``name``; ValueError names the known ones."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r} (use one of {', '.join(ACTIVATIONS)})") from None
