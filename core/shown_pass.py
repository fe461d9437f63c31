"""A recorded layer-graph pass as a batch convention shows it (see core/convention.py).

The engine records with examples as rows. For examples as columns every matrix in the pass
(leaves, values, gradients, what is sent, updates) is transposed and each op writes its
formulas the other way round, so the narration, the chain-rule panel and the graph, which all
read a pass, follow the convention without knowing about it. The numbers are the same.
"""

from __future__ import annotations

from dataclasses import replace

from core.convention import Convention, oriented
from core.graph import Graph, Node
from core.stepper import BackwardEvent, Event, ForwardEvent, StepPass, UpdateEvent


def in_convention(step_pass: StepPass, convention: Convention) -> StepPass:
    """``step_pass`` as ``convention`` shows it; the scalar graph (one example) has no batch to orient."""
    if convention is Convention.ROWS or step_pass.graph.kind.scalar:
        return step_pass

    def shown(value):
        return oriented(value, convention)

    events: list[Event] = []
    for e in step_pass.events:
        if isinstance(e, ForwardEvent):
            events.append(ForwardEvent(e.node, shown(e.value)))
        elif isinstance(e, BackwardEvent):
            local = tuple(None if v is None else shown(v) for v in e.local)
            sent = tuple(None if v is None else shown(v) for v in e.sent)
            events.append(BackwardEvent(e.node, shown(e.upstream), local, sent))
        else:
            quantities = tuple((name, shown(v)) for name, v in e.quantities)
            events.append(UpdateEvent(e.node, shown(e.old), shown(e.grad), e.learning_rate, shown(e.new), quantities))
    return replace(
        step_pass,
        graph=_graph_in(step_pass.graph, convention),
        leaves={k: shown(v) for k, v in step_pass.leaves.items()},
        events=tuple(events),
    )


def _graph_in(graph: Graph, convention: Convention) -> Graph:
    """The graph with its ops' formulas in ``convention``; a node named by its computation
    (X·W) is named by the computation as the convention writes it (W·X)."""
    labels: dict[str, str] = {}
    nodes: list[Node] = []
    for node in graph.nodes:  # topological: a node's inputs are relabelled before it
        if node.op is None:
            labels[node.id] = node.label
            nodes.append(node)
            continue
        op = node.op.in_convention(convention)
        label = node.label
        if label == node.op.expression([graph[i].label for i in node.inputs]):
            label = op.expression([labels[i] for i in node.inputs])
        labels[node.id] = label
        nodes.append(replace(node, op=op, label=label))
    return Graph(tuple(nodes), graph.kind)
