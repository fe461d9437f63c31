"""Gradient checking: backprop's gradients against central finite differences.

The generic part works on any function of named arrays (a network's parameters,
an expression's variables): ``numeric_gradients`` differentiates it numerically,
``compare`` sets backprop's gradients beside those and flags the entries whose
relative error exceeds ``THRESHOLD``. ``check_network`` does both for a network's
cost over all its examples, with its planted bug if it has one.

Relative error of one entry, backprop a against numeric b:

    |a − b| / max(|a| + |b|, TINY)

0 when both agree exactly, at most 1 (opposite signs or one of them 0); TINY keeps
two gradients that are both essentially zero from counting as different.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from core.build import layer_graph, leaf_values
from core.graph import Graph, NodeKind, backward, forward
from core.network import Network, Params
from core.predict import cost

# The five-point central difference f′ ≈ (f(θ−2h) − 8f(θ−h) + 8f(θ+h) − f(θ+2h)) / 12h errs from
# the slope by about h⁴·f⁽⁵⁾/30 and by about 1.5·ε·|f|/h from rounding (ε ≈ 1.1e-16). With
# h = 1e-4 both stay near 1e-12·|f|: the two-point formula, whose slope error is h²·f‴/6, cannot
# get below about 1e-10·|f| with any h, too coarse for a threshold of 1e-6 on costs as large as
# the raw house prices' (6e8). A ReLU kink closer than 2h to a pre-activation spoils the estimate.
STEP = 1e-4
THRESHOLD = 1e-6  # relative errors above this are flagged
TINY = 1e-6  # the smallest denominator |a| + |b|: below it, differences under about 1e-12 are rounding


def numeric_gradients(
    f: Callable[[dict[str, np.ndarray]], float], values: Mapping[str, ArrayLike], step: float = STEP
) -> dict[str, np.ndarray]:
    """∂f/∂v for every entry of every named array, by five-point central differences with step ``step``.

    ``f`` receives a dict of arrays shaped like ``values`` (fresh copies each call).
    """
    base = {name: np.array(v, dtype=float) for name, v in values.items()}
    grads = {}
    for name, value in base.items():
        g = np.zeros_like(value)
        for index in np.ndindex(value.shape):

            def at(offset: float, name: str = name, index: tuple[int, ...] = index) -> float:
                shifted = {k: v.copy() for k, v in base.items()}
                shifted[name][index] += offset
                return f(shifted)

            g[index] = (at(-2 * step) - 8 * at(-step) + 8 * at(step) - at(2 * step)) / (12 * step)
        grads[name] = g
    return grads


def relative_error(backprop: ArrayLike, numeric: ArrayLike) -> np.ndarray:
    """|a − b| / max(|a| + |b|, TINY), entry by entry."""
    a, b = np.asarray(backprop, dtype=float), np.asarray(numeric, dtype=float)
    with np.errstate(invalid="ignore"):
        error = np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), TINY)
    return np.where(np.isnan(error), np.inf, error)  # a NaN or infinite gradient is never right


@dataclass(frozen=True)
class GradCheck:
    """Backprop and numeric gradients side by side, with each entry's relative error."""

    backprop: dict[str, np.ndarray]
    numeric: dict[str, np.ndarray]
    rel_error: dict[str, np.ndarray]
    threshold: float = THRESHOLD

    @property
    def max_rel_error(self) -> float:
        return max((float(e.max(initial=0.0)) for e in self.rel_error.values()), default=0.0)

    @property
    def passed(self) -> bool:
        return self.max_rel_error <= self.threshold

    def flagged(self) -> list[tuple[str, tuple[int, ...]]]:
        """(name, index) of every entry whose relative error exceeds the threshold."""
        return [
            (name, index)
            for name, error in self.rel_error.items()
            for index in np.ndindex(error.shape)
            if error[index] > self.threshold
        ]

    def entries(self) -> list[tuple[str, tuple[int, ...], float, float, float]]:
        """(name, index, backprop, numeric, relative error) for every entry, in order."""
        return [
            (name, index, float(self.backprop[name][index]), float(self.numeric[name][index]), float(error[index]))
            for name, error in self.rel_error.items()
            for index in np.ndindex(error.shape)
        ]

    def to_json(self) -> dict:
        """{"params": {name: {"backprop", "numeric", "rel_error"}}, "max_rel_error"} in the arrays' shapes."""
        return {
            "params": {
                name: {
                    "backprop": self.backprop[name].tolist(),
                    "numeric": self.numeric[name].tolist(),
                    "rel_error": self.rel_error[name].tolist(),
                }
                for name in self.backprop
            },
            "max_rel_error": self.max_rel_error,
        }


def compare(
    backprop: Mapping[str, ArrayLike], numeric: Mapping[str, ArrayLike], threshold: float = THRESHOLD
) -> GradCheck:
    """Set two gradients of the same named arrays side by side."""
    if backprop.keys() != numeric.keys():
        raise ValueError("backprop and numeric gradients name different arrays")
    a = {name: np.asarray(v, dtype=float) for name, v in backprop.items()}
    b = {name: np.asarray(numeric[name], dtype=float) for name in backprop}
    return GradCheck(a, b, {name: relative_error(a[name], b[name]) for name in a}, threshold)


def backprop_gradients(net: Network, params: Params) -> dict[str, np.ndarray]:
    """∂C/∂θ over all the examples, from the layer graph's backward pass (with the net's planted bug)."""
    graph = layer_graph(net)
    with np.errstate(all="ignore"):
        values = forward(graph, leaf_values(graph, params, net.X, net.Y))
        _, grads = backward(graph, values)
    return {name: np.asarray(grads[name], dtype=float) for name in params}


def check_network(net: Network, params: Params | None = None, step: float = STEP) -> GradCheck:
    """The gradient check of the network's cost over all its examples at ``params`` (default: initial)."""
    params = net.initial_params() if params is None else params
    numeric = numeric_gradients(lambda p: cost(net, p), params, step)
    return compare(backprop_gradients(net, params), numeric)


def check_graph(graph: Graph, leaves: Mapping[str, float], step: float = STEP) -> GradCheck:
    """The gradient check of any graph's root with respect to its parameter nodes, or its input
    nodes where it has none (an expression's variables), named by their labels, at ``leaves``."""
    wrt = graph.params or tuple(n for n in graph.leaves if n.kind is NodeKind.INPUT)
    params = {node.label: node.id for node in wrt}

    def root(values: Mapping[str, np.ndarray]) -> float:
        shifted = {**leaves, **{params[label]: float(v) for label, v in values.items()}}
        return float(forward(graph, shifted)[graph.root.id])

    with np.errstate(all="ignore"):
        _, grads = backward(graph, forward(graph, leaves))
    backprop = {label: np.asarray(grads.get(node_id, 0.0), dtype=float) for label, node_id in params.items()}
    return compare(backprop, numeric_gradients(root, {label: leaves[i] for label, i in params.items()}, step))
