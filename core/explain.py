"""What one step did, in the lesson's terms: the pieces that the narration and the
chain-rule panel write out, each in its own format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.ops import Add, Op, SendRule, Value
from core.stepper import BackwardEvent, ForwardEvent, StepPass


@dataclass(frozen=True)
class ForwardStep:
    label: str
    op: Op
    input_labels: tuple[str, ...]
    inputs: tuple[Value, ...]
    value: Value

    @property
    def symbolic(self) -> str | None:
        """The computation in labels, or None where it only repeats the label (w1·x1)."""
        text = self.op.expression(self.input_labels)
        return None if text == self.label else text

    def numeric(self, arg: Callable[[Value], str]) -> str:
        """The computation with the inputs' numbers, each written by ``arg``."""
        return self.op.expression([arg(v) for v in self.inputs])


@dataclass(frozen=True)
class Sending:
    """What a node sends back to one input."""

    to: str
    local_formula: str
    local: Value
    send_formula: str
    sent: Value
    rule: SendRule

    @property
    def elementwise(self) -> bool:
        """Whether sent = upstream × local, number by number (so the local's number is worth showing)."""
        return self.rule is SendRule.ELEMENTWISE


@dataclass(frozen=True)
class BackwardStep:
    label: str
    symbol: str
    root: str
    upstream: Value
    sendings: tuple[Sending, ...]  # inputs that receive a gradient (targets do not)
    is_sum: bool  # a sum: local 1 to every input

    @property
    def sends_upstream_to_each(self) -> bool:
        """A sum of several inputs: every input receives the upstream gradient."""
        return self.is_sum and len(self.sendings) > 1


def forward_step(step_pass: StepPass, node_id: str) -> ForwardStep:
    """The forward computation of an op node, with its inputs' values from the pass."""
    graph = step_pass.graph
    node = graph[node_id]
    values = {e.node: e.value for e in step_pass.events[: step_pass.n_forward] if isinstance(e, ForwardEvent)}
    inputs = tuple(step_pass.leaves[i] if graph[i].op is None else values[i] for i in node.inputs)
    labels = tuple(graph[i].label for i in node.inputs)
    return ForwardStep(node.label, node.op, labels, inputs, values[node_id])


def backward_step(step_pass: StepPass, event: BackwardEvent) -> BackwardStep:
    """An op node's backward visit: upstream, and per input the local gradient and what is sent."""
    graph = step_pass.graph
    node = graph[event.node]
    labels = [graph[i].label for i in node.inputs]
    local_formulas = node.op.local_formulas(labels, node.label)
    send_formulas = node.op.send_formulas(labels)
    rules = node.op.send_rules(len(labels))
    sendings = tuple(
        Sending(label, local_formula or "", local, send_formula, sent, rule)
        for label, local_formula, send_formula, local, sent, rule in zip(
            labels, local_formulas, send_formulas, event.local, event.sent, rules, strict=True
        )
        if sent is not None
    )
    is_sum = isinstance(node.op, Add)
    return BackwardStep(node.label, node.op.symbol, graph.root.label, event.upstream, sendings, is_sum)
