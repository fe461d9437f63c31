"""The order of a graph's nodes, of its backward visits and of its layout's rows, checked against
plain recomputations (the builders add nodes in order; the stepper, the layout and the window rely on it)."""

from __future__ import annotations

import numpy as np
import pytest

from core import ops
from core.build import layer_graph, scalar_graph
from core.graph import Graph, GraphKind, Node, NodeKind
from core.layout import layered_layout
from core.network import Layer, Network
from core.presets import load_preset, preset_keys
from core.session import Mode, Session
from core.stepper import BackwardEvent, ForwardEvent


def _deep(width: int) -> Network:
    X = np.linspace(-1.0, 1.0, 8).reshape(4, 2)
    layers = (Layer(width, "tanh"), Layer(width, "relu"), Layer(3, "softmax"))
    return Network("deep", 2, layers, "cross_entropy", 0.1, X, np.eye(3)[[0, 1, 2, 0]], seed=3)


GRAPHS = [
    pytest.param(build, net, id=f"{name}-{build.__name__}")
    for name, net in [*((k, load_preset(k)) for k in preset_keys()), ("2-9-9-3", _deep(9))]
    for build in (scalar_graph, layer_graph)
]


@pytest.mark.parametrize(("build", "net"), GRAPHS)
def test_every_node_follows_its_inputs_and_the_root_is_last(build, net):
    graph = build(net)
    seen: set[str] = set()
    for node in graph.nodes:
        assert all(i in seen for i in node.inputs), node.id
        seen.add(node.id)
    assert len(seen) == len(graph.nodes)
    assert graph.root.kind is NodeKind.OP
    assert not graph.consumers[graph.root.id]


def _longest_from_root(graph: Graph) -> dict[str, int]:
    """Each node's longest path to the root, by relaxing every edge until nothing changes."""
    distance = {n.id: 0 for n in graph.nodes}
    changed = True
    while changed:
        changed = False
        for source, target in graph.edges:
            if distance[source] < distance[target] + 1:
                distance[source], changed = distance[target] + 1, True
    return distance


@pytest.mark.parametrize(("build", "net"), GRAPHS)
def test_backward_order_is_by_distance_from_the_root_then_forward_order(build, net):
    graph = build(net)
    distance = _longest_from_root(graph)
    forward_index = {n.id: k for k, n in enumerate(graph.op_nodes)}
    expected = sorted(graph.op_nodes, key=lambda n: (distance[n.id], forward_index[n.id]))
    assert [n.id for n in graph.backward_order] == [n.id for n in expected]
    visited: set[str] = set()
    for node in graph.backward_order:  # every consumer is visited before the nodes it takes
        assert all(c in visited for c in graph.consumers[node.id]), node.id
        visited.add(node.id)


def test_a_graph_takes_its_kind_by_name_too():
    nodes = (Node("x", NodeKind.PARAM, "x"), Node("y", NodeKind.OP, "y", ops.Multiply(), ("x", "x")))
    assert Graph(nodes, "scalar").kind is GraphKind.SCALAR
    assert Graph(nodes, GraphKind.LAYER).kind is GraphKind.LAYER
    with pytest.raises(ValueError, match="matrix"):
        Graph(nodes, "matrix")


def _layout_by_sorting_on_centre_then_row(graph: Graph, sweeps: int = 4) -> dict[str, tuple[int, float]]:
    """layered_layout's rows written the plain way: each sweep sorts a column by (centre, row)."""
    positions = layered_layout(graph, sweeps=0)  # the columns, and the rows before any sweep
    column = {k: p.column for k, p in positions.items()}
    order = {k: p.row for k, p in positions.items()}
    columns: dict[int, list[str]] = {}
    for node in graph.nodes:
        columns.setdefault(column[node.id], []).append(node.id)
    for ids in columns.values():
        ids.sort(key=lambda nid: order[nid])
    neighbours = {n.id: [*n.inputs, *graph.consumers[n.id]] for n in graph.nodes}
    keys = sorted(columns)
    for sweep in range(sweeps):
        for c in keys if sweep % 2 == 0 else reversed(keys):
            ids = columns[c]
            centre = {
                nid: sum(order[m] for m in neighbours[nid]) / len(neighbours[nid]) if neighbours[nid] else order[nid]
                for nid in ids
            }
            ids.sort(key=lambda nid: (centre[nid], order[nid]))
            for k, nid in enumerate(ids):
                order[nid] = k - (len(ids) - 1) / 2
    return {nid: (column[nid], order[nid]) for nid in column}


@pytest.mark.parametrize(("build", "net"), GRAPHS)
def test_layout_rows_are_those_of_sorting_each_column_by_centre_then_row(build, net):
    graph = build(net)
    assert {k: (p.column, p.row) for k, p in layered_layout(graph).items()} == _layout_by_sorting_on_centre_then_row(
        graph
    )


def test_a_scalar_pass_holds_numbers_so_it_has_nothing_to_make_read_only():
    step_pass = Session(_deep(3), Mode.EXAMPLE).current
    values = [*step_pass.leaves.values()]
    for event in step_pass.events:
        if isinstance(event, ForwardEvent):
            values.append(event.value)
        elif isinstance(event, BackwardEvent):
            values += [event.upstream, *(v for v in (*event.local, *event.sent) if v is not None)]
        else:
            values += [event.old, event.grad, event.new]
    assert len(values) > 3 * len(step_pass.events)
    assert all(isinstance(v, float) for v in values)
