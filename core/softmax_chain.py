"""The softmax + cross-entropy shortcut, as the chain-rule panel writes it.

With one-hot targets the softmax's Jacobian and cross-entropy's −y/ŷ cancel to
∂L/∂z_k = ŷ_k − y_k. A node feeding the softmax's sums receives the sum over the
outputs: a hidden unit h gets Σ_k (ŷ_k − y_k)·w_k, a weight w into z_k gets
(ŷ_k − y_k)·h. The numbers come from the pass's forward values, so they are an
independent check on what the backward pass sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.graph import Graph
from core.ops import Multiply, Value
from core.stepper import ForwardEvent, StepPass

ONE_HOT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class OutputTerm:
    """Output k's share: (ŷ_k − y_k), times the factor joining the node to z_k if any."""

    z: str  # the label of z_k
    prediction_label: str
    target_label: str
    prediction: float
    target: float
    factor_label: str | None  # the weight (for a unit) or the unit (for a weight); None for z_k or b_k
    factor: float | None

    @property
    def delta(self) -> float:
        """∂L/∂z_k = ŷ_k − y_k."""
        return self.prediction - self.target

    @property
    def value(self) -> float:
        return self.delta if self.factor is None else self.delta * self.factor


@dataclass(frozen=True)
class SoftmaxShortcut:
    """∂L/∂node through a softmax with cross-entropy, output by output (scalar graph)."""

    label: str
    root: str
    terms: tuple[OutputTerm, ...]

    @property
    def total(self) -> float:
        return float(sum(t.value for t in self.terms))


@dataclass(frozen=True)
class BatchSoftmaxShortcut:
    """∂C/∂Z = (Ŷ − Y)/m for the layer graph's softmax sums, over a batch of m examples."""

    label: str
    root: str
    prediction_label: str
    target_label: str
    examples: int
    value: np.ndarray


def softmax_shortcut(step_pass: StepPass, node_id: str) -> SoftmaxShortcut | BatchSoftmaxShortcut | None:
    """The shortcut for ``node_id``, or None where it does not apply (no softmax with
    cross-entropy, targets not one-hot, or the node does not feed the softmax's sums)."""
    graph = step_pass.graph
    values = _forward_values(step_pass)
    if graph.kind.scalar:
        return _scalar(graph, values, node_id)
    return _layer(graph, values, node_id, len(step_pass.examples))


def _forward_values(step_pass: StepPass) -> dict[str, Value]:
    values = dict(step_pass.leaves)
    values.update((e.node, e.value) for e in step_pass.events[: step_pass.n_forward] if isinstance(e, ForwardEvent))
    return values


def _is_cross_entropy(node) -> bool:
    loss = getattr(node.op, "loss", None)
    return loss is not None and loss.name == "cross_entropy"


def _one_hot(targets, axis: int = -1) -> bool:
    """Whether the targets along ``axis`` (each example's classes) are probabilities summing to 1."""
    t = np.asarray(targets, dtype=float)
    return bool(np.all(np.abs(t.sum(axis=axis) - 1.0) <= ONE_HOT_TOLERANCE) and np.all(t >= 0))


def _scalar(graph: Graph, values, node_id: str) -> SoftmaxShortcut | None:
    root = graph.root
    if not _is_cross_entropy(root):
        return None
    k = len(root.inputs) // 2
    outputs, targets = root.inputs[:k], root.inputs[k:]
    if any(graph[o].op is None or graph[o].op.name != "softmax" for o in outputs):
        return None
    if not _one_hot([values[t] for t in targets]):
        return None
    sums = graph[outputs[0]].inputs  # every softmax output reads all the sums z_1..z_K
    terms = []
    for output, target, z in zip(outputs, targets, sums, strict=True):
        factor = _factor(graph, values, node_id, z)
        if factor is None:
            continue
        factor_label, factor_value = factor
        terms.append(
            OutputTerm(
                graph[z].label,
                graph[output].label,
                graph[target].label,
                float(values[output]),
                float(values[target]),
                factor_label,
                factor_value,
            )
        )
    return SoftmaxShortcut(graph[node_id].label, root.label, tuple(terms)) if terms else None


def _factor(graph: Graph, values, node_id: str, z: str) -> tuple[str | None, float | None] | None:
    """How ``node_id`` enters the sum z: as z itself or an addend (factor None), through a
    product (the product's other input), or not at all (None)."""
    if node_id == z or node_id in graph[z].inputs:
        return None, None
    for product in graph[z].inputs:
        node = graph[product]
        if isinstance(node.op, Multiply) and node_id in node.inputs:
            (other,) = [i for i in node.inputs if i != node_id] or [node_id]
            return graph[other].label, float(values[other])
    return None


def _layer(graph: Graph, values, node_id: str, m: int) -> BatchSoftmaxShortcut | None:
    """(Ŷ − Y)/m, elementwise: the same whichever way round the batch convention shows the matrices."""
    root = graph.root  # C, the mean of the per-example losses L
    if len(root.inputs) != 1 or not _is_cross_entropy(graph[root.inputs[0]]):
        return None
    predictions, targets = graph[root.inputs[0]].inputs
    if graph[predictions].op is None or graph[predictions].op.name != "softmax":
        return None
    (sums,) = graph[predictions].inputs
    p, y = np.asarray(values[predictions]), np.asarray(values[targets])
    classes_axis = 1 if y.shape[0] == m else 0  # examples as rows, or as columns
    if node_id != sums or not _one_hot(y, classes_axis):
        return None
    return BatchSoftmaxShortcut(
        graph[sums].label, root.label, graph[predictions].label, graph[targets].label, m, (p - y) / m
    )
