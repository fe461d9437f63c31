"""Second derivatives of a network's cost: the Hessian for Newton's method, and the one-variable
lesson (one parameter moves, the others stay fixed).

Both differentiate the backprop gradient (the layer graph's backward pass, with the network's
planted bug if it has one) by central differences; see core/newton.py for the step and its error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.build import layer_graph, leaf_values
from core.graph import Graph, backward, forward
from core.network import Network, Params
from core.newton import HESSIAN_STEP, hessian_by_differences
from core.predict import cost


def _gradient(graph: Graph, net: Network, params: Params, rows: np.ndarray | slice) -> dict[str, np.ndarray]:
    with np.errstate(all="ignore"):
        values = forward(graph, leaf_values(graph, params, net.X[rows], net.Y[rows]))
        _, grads = backward(graph, values)
    return {name: np.asarray(grads[name], dtype=float) for name in params}


def cost_gradient(net: Network, params: Params, rows: np.ndarray | slice = slice(None)) -> dict[str, np.ndarray]:
    """∂C/∂θ over the examples ``rows`` (default all), by backprop."""
    return _gradient(layer_graph(net), net, params, rows)


def cost_hessian(net: Network, params: Params, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
    """The Hessian of the cost over ``rows`` at ``params``, flattened in the order W1, b1, W2, …"""
    graph = layer_graph(net)
    return hessian_by_differences(lambda p: _gradient(graph, net, p, rows), params)


@dataclass(frozen=True)
class OneVariable:
    """The cost along one parameter x, the others fixed: f(x), f′(x), f″(x) and Newton's step.

    The tangent parabola Newton's step minimises is q(t) = f + f′·(t − x) + f″/2·(t − x)²,
    with its lowest point at x − f′/f″ when f″ > 0.
    """

    name: str  # W1, b1, …
    index: tuple[int, ...]
    x: float
    f: float
    slope: float  # f′(x)
    curvature: float  # f″(x)

    @property
    def newton_x(self) -> float | None:
        """x − f′(x)/f″(x), or None where f″(x) = 0."""
        return None if self.curvature == 0 else self.x - self.slope / self.curvature

    def parabola(self) -> tuple[float, float, float]:
        """(f, f′, f″) at x: the tangent parabola's coefficients about x."""
        return self.f, self.slope, self.curvature


def one_variable(
    net: Network, params: Params, name: str, index: tuple[int, ...], rows: np.ndarray | slice = slice(None)
) -> OneVariable:
    """f, f′ and f″ of the cost over ``rows`` along parameter ``name[index]``, the others fixed.

    f′ is backprop's; f″ is the central difference of backprop's f′ with step ``HESSIAN_STEP``.
    """
    graph = layer_graph(net)
    x = float(params[name][index])

    def slope_at(value: float) -> float:
        moved = {k: np.array(v, dtype=float) for k, v in params.items()}
        moved[name][index] = value
        return float(_gradient(graph, net, moved, rows)[name][index])

    h = HESSIAN_STEP
    curvature = (slope_at(x + h) - slope_at(x - h)) / (2 * h)
    return OneVariable(name, index, x, cost(net, params, rows), slope_at(x), curvature)
