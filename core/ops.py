"""The operations a computation-graph node can perform.

Each op is a small stateless object with three rules side by side:
``forward(*inputs)`` computes the node's value, ``local(inputs, out)`` gives the
local gradient for each input as the lesson shows it, and
``send(upstream, inputs, out, local)`` gives what the node sends back to each
input (upstream times local for elementwise ops, a vector-Jacobian product for
matrix ops). An input that receives no gradient (a target) gets ``None``.

Scalar-graph ops work on Python floats; layer-graph ops on numpy arrays with
examples as rows. Activations and losses are defined once, in ``core.activations``
and ``core.losses``; the nodes here apply those definitions.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.convention import Convention
from core.text import fill

Value = Any  # a float in the scalar graph, an ndarray in the layer graph

# Log losses clip predictions away from 0 and 1 so a saturated unit gives a
# large but finite loss instead of inf.
LOG_EPS = 1e-12
# Their gradients use the unclipped prediction, with denominators floored here: a
# prediction that rounds to exactly 0 or 1 gives a huge local gradient rather than
# a division by zero, and through a saturated sigmoid (local gradient 0) the
# product is 0. Training follows the same chain, so stepping and training agree
# even there (a fused ŷ − y would not).
DENOMINATOR_FLOOR = 1e-300


class SendRule(enum.Enum):
    """How a node makes what it sends to one input from the upstream gradient and the local one."""

    ELEMENTWISE = "upstream × local"  # number by number
    UPSTREAM = "upstream"  # passed on as it is (a bias added to every row)
    SUM_OVER_ROWS = "Σ over rows of upstream"  # a bias's gradient over the batch
    TIMES_TRANSPOSE = "upstream·Wᵀ"  # to the left factor of X·W
    TRANSPOSE_TIMES = "Xᵀ·upstream"  # to the right factor of X·W
    ROW_JACOBIAN = "each row's upstream · its Jacobian"


class Op:
    """Base class: elementwise sending (upstream × local) by default."""

    name: str
    symbol: str
    formula: str

    def forward(self, *inputs: Value) -> Value:
        raise NotImplementedError

    def local(self, inputs: Sequence[Value], out: Value) -> tuple[Value | None, ...]:
        raise NotImplementedError

    def local_formulas(self, input_labels: Sequence[str], out_label: str) -> tuple[str | None, ...]:
        """Symbolic local gradient for each input, in the lesson's notation."""
        raise NotImplementedError

    def send(
        self, upstream: Value, inputs: Sequence[Value], out: Value, local: Sequence[Value | None]
    ) -> tuple[Value | None, ...]:
        return tuple(None if g is None else upstream * g for g in local)

    def expression(self, args: Sequence[str]) -> str:
        """The forward computation written out with the given input labels or numbers."""
        raise NotImplementedError

    def send_rules(self, n_inputs: int) -> tuple[SendRule, ...]:
        """How what is sent to each input is made, as data."""
        return (SendRule.ELEMENTWISE,) * n_inputs

    def send_formulas(self, input_labels: Sequence[str]) -> tuple[str, ...]:
        """How what is sent to each input is made from the upstream gradient and the local one."""
        return tuple(rule.value for rule in self.send_rules(len(input_labels)))

    def in_convention(self, convention: Convention) -> Op:
        """This op with its formulas written for a batch convention; only matrix ops differ."""
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Multiply(Op):
    name, symbol, formula = "multiply", "×", "u·v"

    def forward(self, u: Value, v: Value) -> Value:
        return u * v

    def local(self, inputs, out):
        u, v = inputs
        return (v, u)

    def local_formulas(self, input_labels, out_label):
        u, v = input_labels
        return (v, u)

    def expression(self, args):
        return f"{args[0]}·{args[1]}"


class Add(Op):
    name, symbol, formula = "add", "+", "Σ inputs"

    def forward(self, *inputs: Value) -> Value:
        return math.fsum(inputs) if _all_floats(inputs) else sum(inputs[1:], inputs[0])

    def local(self, inputs, out):
        return tuple(1.0 for _ in inputs)

    def local_formulas(self, input_labels, out_label):
        return tuple("1" for _ in input_labels)

    def expression(self, args):
        return " + ".join(args)


@dataclass(frozen=True)
class MatMul(Op):
    """X·W for a batch: ∂C/∂X = upstream·Wᵀ, ∂C/∂W = Xᵀ·upstream.

    Its formulas can be written with examples as columns (W·X; Wᵀ·upstream, upstream·Xᵀ);
    it always computes with rows.
    """

    convention: Convention = Convention.ROWS
    name, symbol = "matmul", "·"

    @property
    def _columns(self) -> bool:
        return self.convention is Convention.COLUMNS

    @property
    def formula(self) -> str:  # type: ignore[override]
        return "W·X" if self._columns else "X·W"

    def in_convention(self, convention: Convention) -> MatMul:
        return MatMul(convention)

    def forward(self, x: Value, w: Value) -> Value:
        return x @ w

    def local(self, inputs, out):
        x, w = inputs
        return (w, x)

    def local_formulas(self, input_labels, out_label):
        x, w = input_labels
        return (w, x)

    def expression(self, args):
        x, w = args
        return f"{w}·{x}" if self._columns else f"{x}·{w}"

    def send(self, upstream, inputs, out, local):
        w, x = local
        return (upstream @ w.T, x.T @ upstream)

    def send_rules(self, n_inputs):
        return (SendRule.TIMES_TRANSPOSE, SendRule.TRANSPOSE_TIMES)

    def send_formulas(self, input_labels):
        x, w = input_labels
        if self._columns:
            return (f"{w}ᵀ·upstream", f"upstream·{x}ᵀ")
        return (f"upstream·{w}ᵀ", f"{x}ᵀ·upstream")


@dataclass(frozen=True)
class AddBias(Op):
    """Z + b with b broadcast over the rows; b's gradient sums over the batch."""

    convention: Convention = Convention.ROWS
    name, symbol = "add_bias", "+"

    @property
    def formula(self) -> str:  # type: ignore[override]
        return "Z = W·X + b" if self.convention is Convention.COLUMNS else "Z = X·W + b"

    def in_convention(self, convention: Convention) -> AddBias:
        return AddBias(convention)

    def send_formulas(self, input_labels):
        return ("upstream", f"Σ over {self.convention.batch_axis}s of upstream")

    def forward(self, z: Value, b: Value) -> Value:
        return z + b

    def local(self, inputs, out):
        return (1.0, 1.0)

    def local_formulas(self, input_labels, out_label):
        return ("1", "1")

    def expression(self, args):
        return f"{args[0]} + {args[1]}"

    def send(self, upstream, inputs, out, local):
        return (upstream, upstream.sum(axis=0))

    def send_rules(self, n_inputs):
        return (SendRule.UPSTREAM, SendRule.SUM_OVER_ROWS)


@dataclass(frozen=True)
class Activation(Op):
    """An elementwise activation node; its rules come from its definition (core.activations)."""

    definition: Any  # an ActivationDef: function, derivative, formulas

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.definition.name

    @property
    def symbol(self) -> str:  # type: ignore[override]
        return self.definition.symbol

    @property
    def formula(self) -> str:  # type: ignore[override]
        return self.definition.formula

    def forward(self, z: Value) -> Value:
        with np.errstate(all="ignore"):
            return self.definition.function(z)

    def local(self, inputs, out):
        with np.errstate(all="ignore"):
            return (self.definition.derivative(inputs[0], out),)

    def local_formulas(self, input_labels, out_label):
        return (self.definition.derivative_formula.format(z=input_labels[0], a=out_label),)

    def expression(self, args):
        return fill(self.definition.template, z=args[0])


def softmax_rows(z: np.ndarray) -> np.ndarray:
    """Softmax of each row, shifted by the row maximum so exp never overflows."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class SoftmaxComponent(Op):
    """a_k = e^{z_k} / Σ_j e^{z_j}: one output of a softmax, in the scalar graph."""

    k: int
    outputs: tuple[str, ...]  # the labels of all the softmax's outputs, for the formulas
    name: str = "softmax"
    symbol: str = "softmax"
    formula: str = "a_k = e^z_k / Σ_j e^z_j"

    def forward(self, *z: float) -> float:
        return float(softmax_rows(np.array(z))[self.k])

    def local(self, inputs, out):
        a = softmax_rows(np.array(inputs))
        return tuple(float(out * ((j == self.k) - a[j])) for j in range(len(inputs)))

    def local_formulas(self, input_labels, out_label):
        return tuple(
            f"{out_label}(1−{out_label})" if j == self.k else f"−{out_label}·{self.outputs[j]}"
            for j in range(len(input_labels))
        )

    def expression(self, args):
        return f"softmax({', '.join(args)})[{self.k + 1}]"


@dataclass(frozen=True)
class SoftmaxRows(Op):
    """Row-wise softmax in the layer graph; the local gradient is each row's Jacobian."""

    convention: Convention = Convention.ROWS
    name, symbol = "softmax", "softmax"

    @property
    def formula(self) -> str:  # type: ignore[override]
        return f"A = softmax(Z) per {self.convention.batch_axis}"

    def in_convention(self, convention: Convention) -> SoftmaxRows:
        return SoftmaxRows(convention)

    def send_formulas(self, input_labels):
        if self.convention is Convention.COLUMNS:
            return ("each column's Jacobian · its upstream",)
        return (SendRule.ROW_JACOBIAN.value,)

    def forward(self, z: Value) -> Value:
        return softmax_rows(z)

    def local(self, inputs, out):
        # J[m, k, j] = a_k (δ_kj − a_j)
        return (out[:, :, None] * (np.eye(out.shape[1])[None] - out[:, None, :]),)

    def local_formulas(self, input_labels, out_label):
        return ("a_k(δ_kj − a_j)",)

    def expression(self, args):
        return f"softmax({args[0]})"

    def send(self, upstream, inputs, out, local):
        return (np.einsum("mk,mkj->mj", upstream, local[0]),)

    def send_rules(self, n_inputs):
        return (SendRule.ROW_JACOBIAN,)


@dataclass(frozen=True)
class _LossOp(Op):
    """An op computing a loss: its name, symbol and formula are the loss's."""

    loss: Any  # a LossDef (core.losses): term, derivative, formulas

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.loss.name

    @property
    def symbol(self) -> str:  # type: ignore[override]
        return self.loss.symbol

    @property
    def formula(self) -> str:  # type: ignore[override]
        return self.loss.formula


@dataclass(frozen=True)
class ScalarLoss(_LossOp):
    """An example's loss in the scalar graph: inputs ŷ_1..ŷ_K then y_1..y_K."""

    def forward(self, *inputs: float) -> float:
        k = len(inputs) // 2
        return math.fsum(self.loss.term(p, y) for p, y in zip(inputs[:k], inputs[k:], strict=True))

    def local(self, inputs, out):
        k = len(inputs) // 2
        preds = tuple(self.loss.derivative(p, y) for p, y in zip(inputs[:k], inputs[k:], strict=True))
        return preds + (None,) * k

    def local_formulas(self, input_labels, out_label):
        k = len(input_labels) // 2
        return (
            tuple(
                self.loss.derivative_formula.format(p=p, y=y)
                for p, y in zip(input_labels[:k], input_labels[k:], strict=True)
            )
            + (None,) * k
        )

    def expression(self, args):
        k = len(args) // 2
        return " + ".join(fill(self.loss.template, p=p, y=y) for p, y in zip(args[:k], args[k:], strict=True))


@dataclass(frozen=True)
class RowLoss(_LossOp):
    """Per-example losses in the layer graph: (Ŷ, Y) of shape m×K -> L of shape m."""

    def forward(self, p: Value, y: Value) -> Value:
        with np.errstate(all="ignore"):
            return self.loss.term(p, y).sum(axis=1)

    def local(self, inputs, out):
        p, y = inputs
        with np.errstate(all="ignore"):
            return (self.loss.derivative(p, y), None)

    def local_formulas(self, input_labels, out_label):
        p, y = input_labels
        return (self.loss.derivative_formula.format(p=p, y=y), None)

    def expression(self, args):
        return "Σ_k " + fill(self.loss.template, p=args[0], y=args[1])

    def send(self, upstream, inputs, out, local):
        return (upstream[:, None] * local[0], None)


class Mean(Op):
    """The cost: the mean of the per-example losses."""

    name, symbol, formula = "mean", "mean", "C = (1/m) Σ L_i"

    def forward(self, losses: Value) -> Value:
        return float(losses.mean())

    def local(self, inputs, out):
        m = inputs[0].shape[0]
        return (np.full(m, 1.0 / m),)

    def local_formulas(self, input_labels, out_label):
        return ("1/m",)

    def expression(self, args):
        return f"mean({args[0]})"


def _all_floats(values: Sequence[Value]) -> bool:
    return all(isinstance(v, float) for v in values)
