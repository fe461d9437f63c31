"""The operations an expression can use beyond the network's own.

Sums reuse ``ops.Add`` and sigmoid, tanh and ReLU reuse the network's activations;
the rest are here, each with its forward rule, its local gradient and how the
lesson writes them, side by side. They work on Python floats, whose math
functions raise on a domain error instead of returning NaN; ``domain_error``
names the problem before an op is evaluated where it has no value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core import activations, ops
from core.ops import Op
from core.text import enclosed, operand

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def number_text(value: float) -> str:
    """A constant as the lesson writes it: 2, 0.5, −3."""
    return f"{value:g}".replace("-", "−")


class ExpressionOp(Op):
    """An expression op: one problem check before evaluating, for a clear message."""

    def domain_error(self, inputs: Sequence[float]) -> str | None:
        """What is wrong with evaluating at these inputs, or None."""
        return None


class Sum(ExpressionOp, ops.Add):
    """u + v; the network's sum, so the narration says "sends upstream to each"."""


class Product(ExpressionOp, ops.Multiply):
    """u·v, with operands in parentheses where a sum would read wrongly."""

    def expression(self, args):
        return f"{_factor(args[0])}·{_factor(args[1])}"


def _factor(text: str) -> str:
    return text if ("·" in text or "/" in text) and not _top_level_sum(text) else operand(text)


def _top_level_sum(text: str) -> bool:
    depth = 0
    for k, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth == 0 and k > 0 and c in "+−" and text[k - 1] == " ":
            return True
    return False


class Difference(ExpressionOp):
    name, symbol, formula = "subtract", "−", "u − v"

    def forward(self, u, v):
        return u - v

    def local(self, inputs, out):
        return (1.0, -1.0)

    def local_formulas(self, input_labels, out_label):
        return ("1", "−1")

    def expression(self, args):
        right = args[1] if not _top_level_sum(args[1]) and not args[1].startswith("−") else f"({args[1]})"
        return f"{args[0]} − {right}"


class Quotient(ExpressionOp):
    name, symbol, formula = "divide", "÷", "u / v"

    def forward(self, u, v):
        return u / v

    def domain_error(self, inputs):
        return "division by zero" if inputs[1] == 0 else None

    def local(self, inputs, out):
        u, v = inputs
        return (1.0 / v, -u / (v * v))

    def local_formulas(self, input_labels, out_label):
        u, v = (operand(a) for a in input_labels)
        return (f"1/{v}", f"−{u}/{v}²")

    def expression(self, args):
        return f"{_factor(args[0])}/{operand(args[1])}"


class Negation(ExpressionOp):
    name, symbol, formula = "negate", "−", "−u"

    def forward(self, u):
        return -u

    def local(self, inputs, out):
        return (-1.0,)

    def local_formulas(self, input_labels, out_label):
        return ("−1",)

    def expression(self, args):
        return f"−{operand(args[0])}"


@dataclass(frozen=True)
class ConstantPower(ExpressionOp):
    """u^n for a constant n: the lesson's x², with local gradient n·u^(n−1)."""

    exponent: float
    name: str = "power"
    symbol: str = "^"
    formula: str = "uⁿ"

    def forward(self, u):
        return math.pow(u, self.exponent)

    def domain_error(self, inputs):
        u, n = inputs[0], self.exponent
        if u == 0 and n < 0:
            return "division by zero (0 to a negative power)"
        if u == 0 and 0 < n < 1:
            return f"the gradient of a power {number_text(n)} is infinite at 0"
        if u < 0 and not n.is_integer():
            return f"a negative number ({number_text(u)}) to the fractional power {number_text(n)}"
        return None

    def local(self, inputs, out):
        n = self.exponent
        return (n * math.pow(inputs[0], n - 1) if n != 0 else 0.0,)

    def local_formulas(self, input_labels, out_label):
        n, u = self.exponent, input_labels[0]
        if n == 2:
            return (f"2{_factor(u)}" if operand(u) == u else f"2·{operand(u)}",)
        return (f"{number_text(n)}·{self._raised(u, n - 1)}",)

    def expression(self, args):
        return self._raised(args[0], self.exponent)

    @staticmethod
    def _raised(base: str, n: float) -> str:
        if n == 1:
            return base
        if n.is_integer() and abs(n) < 10:
            return f"{operand(base)}{number_text(n).replace('−', '-').translate(_SUPERSCRIPTS)}"
        return f"{operand(base)}^{operand(number_text(n))}"


class Power(ExpressionOp):
    """u^v with a variable exponent: defined here for u > 0."""

    name, symbol, formula = "power", "^", "u^v"

    def forward(self, u, v):
        return math.pow(u, v)

    def domain_error(self, inputs):
        u = inputs[0]
        return None if u > 0 else f"a power with a variable exponent needs a positive base, not {number_text(u)}"

    def local(self, inputs, out):
        u, v = inputs
        return (v * math.pow(u, v - 1), out * math.log(u))

    def local_formulas(self, input_labels, out_label):
        u, v = (operand(a) for a in input_labels)
        return (f"{v}·{u}^({v}−1)", f"{operand(out_label)}·log {u}")

    def expression(self, args):
        return f"{operand(args[0])}^{operand(args[1])}"


@dataclass(frozen=True)
class Function(ExpressionOp):
    """A function of one argument: its value, and its local gradient from (input, output)."""

    name: str
    function: Callable[[float], float]
    derivative: Callable[[float, float], float]
    derivative_formula: str  # with {u} and {out} placeholders
    problem: Callable[[float], str | None] = lambda u: None

    @property
    def symbol(self) -> str:  # type: ignore[override]
        return self.name

    @property
    def formula(self) -> str:  # type: ignore[override]
        return f"{self.name}(u)"

    def forward(self, u):
        return self.function(u)

    def domain_error(self, inputs):
        return self.problem(inputs[0])

    def local(self, inputs, out):
        return (self.derivative(inputs[0], out),)

    def local_formulas(self, input_labels, out_label):
        return (self.derivative_formula.format(u=operand(input_labels[0]), out=operand(out_label)),)

    def expression(self, args):
        text = args[0]
        return f"{self.name}{text if enclosed(text) and text.startswith('(') else f'({text})'}"


def _log_problem(u: float) -> str | None:
    if u == 0:
        return "log of zero"
    return f"log of a negative number ({number_text(u)})" if u < 0 else None


def _sqrt_problem(u: float) -> str | None:
    if u == 0:
        return "sqrt at 0 has no finite gradient"
    return f"sqrt of a negative number ({number_text(u)})" if u < 0 else None


def _sign(u: float) -> float:
    # |u|'s local gradient at 0 is taken as 0, as ReLU's is.
    return (u > 0) - (u < 0)


EXP = Function("exp", math.exp, lambda u, out: out, "{out}")
LOG = Function("log", math.log, lambda u, out: 1.0 / u, "1/{u}", _log_problem)
SQRT = Function("sqrt", math.sqrt, lambda u, out: 0.5 / out, "1/(2·{out})", _sqrt_problem)
SIN = Function("sin", math.sin, lambda u, out: math.cos(u), "cos {u}")
COS = Function("cos", math.cos, lambda u, out: -math.sin(u), "−sin {u}")
ABS = Function("abs", abs, lambda u, out: float(_sign(u)), "sign {u}")


@dataclass(frozen=True)
class Extreme(ExpressionOp):
    """max(u, v) or min(u, v): the gradient goes to the input chosen (the first on a tie)."""

    name: str
    pick_first: Callable[[float, float], bool]

    @property
    def symbol(self) -> str:  # type: ignore[override]
        return self.name

    @property
    def formula(self) -> str:  # type: ignore[override]
        return f"{self.name}(u, v)"

    def forward(self, u, v):
        return u if self.pick_first(u, v) else v

    def local(self, inputs, out):
        first = self.pick_first(*inputs)
        return (1.0 if first else 0.0, 0.0 if first else 1.0)

    def local_formulas(self, input_labels, out_label):
        u, v = input_labels
        first, second = ("≥", "<") if self.name == "max" else ("≤", ">")
        return (f"1 if {u} {first} {v} else 0", f"1 if {u} {second} {v} else 0")

    def expression(self, args):
        return f"{self.name}({args[0]}, {args[1]})"


MAX = Extreme("max", lambda u, v: u >= v)
MIN = Extreme("min", lambda u, v: u <= v)

# Function name -> (op, number of arguments). The network's activations are reused as they are.
FUNCTIONS: dict[str, tuple[Op, int]] = {
    "exp": (EXP, 1),
    "log": (LOG, 1),
    "sqrt": (SQRT, 1),
    "sin": (SIN, 1),
    "cos": (COS, 1),
    "tanh": (ops.Activation(activations.TANH), 1),
    "sigmoid": (ops.Activation(activations.SIGMOID), 1),
    "relu": (ops.Activation(activations.RELU), 1),
    "abs": (ABS, 1),
    "max": (MAX, 2),
    "min": (MIN, 2),
}
