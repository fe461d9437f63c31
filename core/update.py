"""Gradient descent θ ← θ − α·g, in three forms: on a value (stepping), in place on arrays
(the numpy loop), and as Python source (the generated float loop).

The other optimisers (momentum, Adam, Newton's method) live in core/optimizers.py, which
stepping and both training paths call for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.ops import Value


@dataclass(frozen=True)
class GradientDescent:
    """Plain gradient descent with learning rate α."""

    learning_rate: float
    formula = "θ ← θ − α·∂C/∂θ"

    def step(self, value: Value, grad: Value) -> Value:
        """The updated value."""
        return value - self.learning_rate * grad

    def step_into(self, value: np.ndarray, grad: np.ndarray, out: np.ndarray) -> None:
        """The updated value written to ``out``; ``grad`` is used up."""
        grad *= self.learning_rate
        np.subtract(value, grad, out=out)

    def step_source(self, value: str, grad: str, learning_rate: str = "lr") -> str:
        """The update as a Python expression, for generated code."""
        return f"{value} - {learning_rate} * {grad}"
