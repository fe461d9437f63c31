"""The chain rule for one node: every path from it up to the loss, factor by factor."""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.graph import Graph, GraphKind
from core.ops import Add, Multiply, SendRule, Value
from core.stepper import BackwardEvent, StepPass, UpdateEvent

MAX_PATHS = 64


@dataclass(frozen=True)
class Factor:
    """∂(of)/∂(wrt): its symbolic local gradient and its number."""

    of: str
    wrt: str
    formula: str
    value: Value
    send: str  # how the gradient is passed on through this factor (upstream × local, Xᵀ·upstream…)
    rule: SendRule


@dataclass(frozen=True)
class Chain:
    node: str
    label: str
    root: str  # the root's label: L or C
    paths: tuple[tuple[Factor, ...], ...]  # each from the node up to the root
    products: tuple[Value, ...]  # each path's product (scalar graph only, else empty)
    total: Value  # ∂root/∂node from the backward pass: the sum of the products
    truncated: bool  # more than MAX_PATHS paths exist
    update: UpdateEvent | None


def chain_rule(step_pass: StepPass, node_id: str) -> Chain:
    """The chain from the root down to ``node_id``, with the pass's local gradients.

    In the scalar graph a product w·x feeding a sum z is folded into one factor
    ∂z/∂w = x, as the lesson writes it.
    """
    graph = step_pass.graph
    visits = {e.node: e for e in step_pass.events if isinstance(e, BackwardEvent)}
    paths: list[tuple[Factor, ...]] = []
    truncated = _walk(graph, visits, node_id, (), paths)
    products: tuple[Value, ...] = ()
    if graph.kind.scalar:
        products = tuple(math.prod(f.value for f in path) for path in paths)
    total = _total(step_pass, node_id)
    update = next((e for e in step_pass.events if isinstance(e, UpdateEvent) and e.node == node_id), None)
    return Chain(node_id, graph[node_id].label, graph.root.label, tuple(paths), products, total, truncated, update)


def _walk(graph: Graph, visits, node_id: str, prefix: tuple[Factor, ...], paths: list) -> bool:
    if node_id == graph.root.id:
        paths.append(prefix)
        return False
    truncated = False
    for consumer_id in graph.consumers[node_id]:
        if len(paths) >= MAX_PATHS:
            return True
        consumer = graph[consumer_id]
        factor = _factor(graph, visits, node_id, consumer_id)
        nxt = consumer_id
        if graph.kind is GraphKind.SCALAR and isinstance(consumer.op, Multiply) and _folds_into_sum(graph, consumer_id):
            nxt = graph.consumers[consumer_id][0]
            factor = Factor(graph[nxt].label, factor.wrt, factor.formula, factor.value, factor.send, factor.rule)
        truncated |= _walk(graph, visits, nxt, (*prefix, factor), paths)
    return truncated


def _folds_into_sum(graph: Graph, product_id: str) -> bool:
    consumers = graph.consumers[product_id]
    return len(consumers) == 1 and isinstance(graph[consumers[0]].op, Add)


def _factor(graph: Graph, visits, input_id: str, consumer_id: str) -> Factor:
    consumer = graph[consumer_id]
    k = consumer.inputs.index(input_id)
    labels = [graph[i].label for i in consumer.inputs]
    formula = consumer.op.local_formulas(labels, consumer.label)[k] or ""
    send = consumer.op.send_formulas(labels)[k]
    rule = consumer.op.send_rules(len(labels))[k]
    visit = visits[consumer_id]
    # A node that takes the same input twice contributes the sum of its locals.
    value = sum(v for i, v in zip(consumer.inputs, visit.local, strict=True) if i == input_id)
    return Factor(consumer.label, graph[input_id].label, formula, value, send, rule)


def _total(step_pass: StepPass, node_id: str) -> Value:
    state = step_pass.state_at(step_pass.end_of_backward)
    return state.grads.get(node_id, 0.0)
