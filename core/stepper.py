"""One recorded pass (forward, backward, update) as immutable events, and the state at any step.

Stepping back never un-computes: the state at a cursor position is derived by
reading the events before it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from core.graph import Backward, Graph, backward, forward
from core.newton import NewtonStep
from core.ops import Value
from core.optimizers import GRADIENT_DESCENT, Optimizer, State
from core.update import GradientDescent


@dataclass(frozen=True)
class ForwardEvent:
    node: str
    value: Value


# A node's backward visit, recorded as core.graph.backward made it.
BackwardEvent = Backward


@dataclass(frozen=True)
class UpdateEvent:
    node: str
    old: Value
    grad: Value
    learning_rate: float
    new: Value
    quantities: tuple[tuple[str, Value], ...] = ()  # the optimiser's intermediate values: ("v", …), ("m̂", …)


@dataclass(frozen=True)
class NodeUpdates:
    """What an optimiser made of one pass's gradients, by parameter node."""

    new: Mapping[str, Value]
    quantities: Mapping[str, tuple[tuple[str, Value], ...]]
    optimizer: Optimizer
    state: State | None  # to carry into the next pass
    newton: NewtonStep | None = None


# The optimiser's update of a pass: (old values, gradients) by parameter node -> NodeUpdates.
UpdateRule = Callable[[Mapping[str, Value], Mapping[str, Value]], NodeUpdates]


Event = ForwardEvent | BackwardEvent | UpdateEvent


class Phase(enum.Enum):
    START = "start"
    FORWARD = "forward"
    BACKWARD = "backward"
    UPDATE = "update"


@dataclass(frozen=True)
class StepState:
    """What is known after the first ``cursor`` events."""

    cursor: int
    phase: Phase
    values: Mapping[str, Value]  # every known forward value; parameters as updated so far
    grads: Mapping[str, Value]  # ∂root/∂node received so far
    edge_grads: Mapping[tuple[str, str], Value]  # (input, consumer) -> what the consumer sent
    updated: frozenset[str]
    last: Event | None  # the event just stepped over


@dataclass(frozen=True)
class StepPass:
    """The events of one forward pass, backward pass and update over some examples."""

    graph: Graph
    leaves: Mapping[str, Value]
    events: tuple[Event, ...]
    examples: tuple[int, ...]
    learning_rate: float
    n_forward: int
    n_backward: int
    optimizer: Optimizer = GRADIENT_DESCENT
    state_after: State | None = None  # the optimiser's state once this pass's update is applied
    newton: NewtonStep | None = None  # Newton's method: the Hessian, its eigenvalues, damping and step
    planted_bug: str | None = None  # the core.bugs mistake in the ops that computed it, if any

    def __len__(self) -> int:
        return len(self.events)

    @property
    def end_of_forward(self) -> int:
        return self.n_forward

    @property
    def end_of_backward(self) -> int:
        return self.n_forward + self.n_backward

    @property
    def cost(self) -> float:
        """The root's value: the example's loss, or the batch cost."""
        return float(self.events[self.n_forward - 1].value)

    def phase_at(self, cursor: int) -> Phase:
        if cursor == 0:
            return Phase.START
        if cursor <= self.end_of_forward:
            return Phase.FORWARD
        if cursor <= self.end_of_backward:
            return Phase.BACKWARD
        return Phase.UPDATE

    def state_at(self, cursor: int) -> StepState:
        """Replay the first ``cursor`` events."""
        if not 0 <= cursor <= len(self.events):
            raise IndexError(f"cursor {cursor} outside 0..{len(self.events)}")
        values = dict(self.leaves)
        grads: dict[str, Value] = {}
        edge_grads: dict[tuple[str, str], Value] = {}
        updated = set()
        for event in self.events[:cursor]:
            if isinstance(event, ForwardEvent):
                values[event.node] = event.value
            elif isinstance(event, BackwardEvent):
                grads.setdefault(event.node, event.upstream)
                for input_id, sent in zip(self.graph[event.node].inputs, event.sent, strict=True):
                    if sent is None:
                        continue
                    key = (input_id, event.node)
                    edge_grads[key] = edge_grads[key] + sent if key in edge_grads else sent
                    grads[input_id] = grads[input_id] + sent if input_id in grads else sent
            else:
                values[event.node] = event.new
                updated.add(event.node)
        last = self.events[cursor - 1] if cursor else None
        return StepState(cursor, self.phase_at(cursor), values, grads, edge_grads, frozenset(updated), last)

    def leaves_after(self) -> dict[str, Value]:
        """The leaves' values once every update event has been applied."""
        new = dict(self.leaves)
        new.update({e.node: e.new for e in self.events if isinstance(e, UpdateEvent)})
        return new


def record_pass(
    graph: Graph,
    leaves: Mapping[str, Value],
    learning_rate: float,
    examples: tuple[int, ...],
    rule: UpdateRule | None = None,
    planted_bug: str | None = None,
) -> StepPass:
    """Run one forward and backward pass and the update, recording every step.

    The update is gradient descent unless ``rule`` gives another optimiser's (core.optimizers).
    ``planted_bug`` names the bug ``graph``'s ops were built with, kept with the pass.
    """
    holds_arrays = not graph.kind.scalar  # a scalar graph's values are numbers: nothing to make read-only
    if holds_arrays:
        _freeze(leaves.values())
    leaves = dict(leaves)
    with np.errstate(all="ignore"):
        values = forward(graph, leaves)
        visits, grads = backward(graph, values)
    if holds_arrays:
        _freeze(values.values())
        _freeze(v for visit in visits.values() for v in (visit.upstream, *visit.local, *visit.sent))
    events: list[Event] = [ForwardEvent(n.id, values[n.id]) for n in graph.op_nodes]
    events += visits.values()  # in backward order
    olds = {node.id: leaves[node.id] for node in graph.params}
    param_grads = {node.id: grads.get(node.id, 0.0 * leaves[node.id]) for node in graph.params}
    if rule is None:
        descent = GradientDescent(learning_rate)
        updates = NodeUpdates({k: descent.step(olds[k], g) for k, g in param_grads.items()}, {}, GRADIENT_DESCENT, None)
    else:
        with np.errstate(all="ignore"):
            updates = rule(olds, param_grads)
    new, quantities = updates.new, updates.quantities
    updated = [
        UpdateEvent(n.id, olds[n.id], param_grads[n.id], learning_rate, new[n.id], tuple(quantities.get(n.id, ())))
        for n in graph.params
    ]
    if holds_arrays:
        _freeze(v for e in updated for v in (e.grad, e.new, *(q for _, q in e.quantities)))
    events += updated
    n_ops = len(graph.op_nodes)
    return StepPass(
        graph,
        leaves,
        tuple(events),
        examples,
        learning_rate,
        n_ops,
        n_ops,
        updates.optimizer,
        updates.state,
        updates.newton,
        planted_bug,
    )


def _freeze(values: Iterable[Value | None]) -> None:
    """Recorded arrays are made read-only, so no later step can change history."""
    for value in values:
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
