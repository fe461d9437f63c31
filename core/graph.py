"""Computation graphs: plain nodes in topological order, and one forward/backward pass."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from core.ops import Op, Value


class GraphKind(enum.Enum):
    """What a graph's nodes hold: one example's scalars, or a batch's matrices."""

    SCALAR = "scalar"  # a network's graph for one example, one node per scalar operation
    LAYER = "layer"  # a network's graph for a batch, one node per matrix operation
    EXPRESSION = "expression"  # a typed expression, one node per variable, constant and operation

    @property
    def scalar(self) -> bool:
        """Whether every node holds one number."""
        return self is not GraphKind.LAYER


class NodeKind(enum.Enum):
    INPUT = "input"
    TARGET = "target"
    PARAM = "param"
    OP = "op"
    CONSTANT = "constant"  # a number written in an expression

    @property
    def has_chain(self) -> bool:
        """Whether the chain rule from the root down to such a leaf is worth writing out."""
        return self in (NodeKind.PARAM, NodeKind.INPUT)

    @property
    def receives_gradient(self) -> bool:
        """Targets and constants are given, not computed: nothing is sent back to them."""
        return self not in (NodeKind.TARGET, NodeKind.CONSTANT)


@dataclass(frozen=True)
class Source:
    """Where a leaf's value comes from: a data column or a parameter entry.

    ``name`` is "X", "Y" or a parameter name ("W1", "b1"); ``index`` selects one
    entry for the scalar graph (a column, or a weight's (i, j)), or is empty
    for the whole array in the layer graph.
    """

    name: str
    index: tuple[int, ...] = ()


@dataclass(frozen=True)
class Node:
    id: str
    kind: NodeKind
    label: str
    op: Op | None = None
    inputs: tuple[str, ...] = ()
    source: Source | None = None
    layer: int = 0  # the network layer the node belongs to (0: inputs and targets)
    constant: float | None = None  # a constant's value


@dataclass(frozen=True)
class Graph:
    """Nodes in topological order; the last node is the root (loss or cost)."""

    nodes: tuple[Node, ...]
    kind: GraphKind  # or its name: "scalar"
    _by_id: dict[str, Node] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", GraphKind(self.kind))
        object.__setattr__(self, "_by_id", {n.id: n for n in self.nodes})

    def __getitem__(self, node_id: str) -> Node:
        return self._by_id[node_id]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._by_id

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def root(self) -> Node:
        return self.nodes[-1]

    @cached_property
    def op_nodes(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.kind is NodeKind.OP)

    @cached_property
    def leaves(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.kind is not NodeKind.OP)

    @cached_property
    def params(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.kind is NodeKind.PARAM)

    @cached_property
    def backward_order(self) -> tuple[Node, ...]:
        """Op nodes by their longest distance from the root, ties in forward order.

        Every consumer is nearer the root than its inputs, so this is a reverse
        topological order; it visits a layer's nodes in the order the lesson reads them.
        """
        distance: dict[str, int] = {self.root.id: 0}
        for node in reversed(self.nodes):
            further = distance.get(node.id, 0) + 1
            for i in node.inputs:
                distance[i] = max(distance.get(i, 0), further)
        return tuple(sorted(self.op_nodes, key=lambda n: distance.get(n.id, 0)))  # stable: ties stay in forward order

    @cached_property
    def given(self) -> frozenset[str]:
        """The ids of the nodes that receive no gradient (targets, constants)."""
        return frozenset(n.id for n in self.leaves if not n.kind.receives_gradient)

    @cached_property
    def consumers(self) -> dict[str, tuple[str, ...]]:
        """For each node, the ids of the nodes that take it as an input."""
        out: dict[str, list[str]] = {n.id: [] for n in self.nodes}
        for n in self.nodes:
            for i in n.inputs:
                out[i].append(n.id)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def edges(self) -> tuple[tuple[str, str], ...]:
        """Every (input, consumer) pair; a value feeding a node twice gives one edge."""
        return tuple(dict.fromkeys((i, n.id) for n in self.nodes for i in n.inputs))


@dataclass(frozen=True)
class Backward:
    """What one node did on the way back; ``local`` and ``sent`` align with the node's inputs.
    A recorded pass keeps it as its event (core.stepper.BackwardEvent)."""

    node: str
    upstream: Value
    local: tuple[Value | None, ...]
    sent: tuple[Value | None, ...]


def forward(graph: Graph, leaf_values: Mapping[str, Value]) -> dict[str, Value]:
    """Every node's value, given the leaves'."""
    values = dict(leaf_values)
    for node in graph.op_nodes:
        values[node.id] = node.op.forward(*(values[i] for i in node.inputs))
    return values


def backward(graph: Graph, values: Mapping[str, Value]) -> tuple[dict[str, Backward], dict[str, Value]]:
    """Visit the op nodes in reverse topological order from the root.

    Returns each op node's visit and every node's accumulated gradient
    ∂root/∂node. Gradients accumulate, so a value feeding several nodes (or one
    node twice) receives the sum of what each sends.
    """
    grads: dict[str, Value] = {graph.root.id: 1.0}
    visits: dict[str, Backward] = {}
    given = graph.given
    for node in graph.backward_order:
        upstream = grads.get(node.id, 0.0)
        inputs = [values[i] for i in node.inputs]
        local = node.op.local(inputs, values[node.id])
        sent = tuple(node.op.send(upstream, inputs, values[node.id], local))
        if not given.isdisjoint(node.inputs):
            sent = tuple(None if i in given else s for i, s in zip(node.inputs, sent, strict=True))
        visits[node.id] = Backward(node.id, upstream, tuple(local), sent)
        for input_id, s in zip(node.inputs, sent, strict=True):
            if s is not None:
                # Not in place: arrays already recorded in a visit must not change.
                grads[input_id] = grads[input_id] + s if input_id in grads else s
    return visits, grads
