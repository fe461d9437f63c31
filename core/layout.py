"""Left-to-right layered layout of a graph, in abstract columns and rows.

The view turns columns and rows into pixels; this module only decides order.
"""

from __future__ import annotations

from typing import NamedTuple

from core.graph import Graph, GraphKind


class Position(NamedTuple):
    """Where a node sits (a named tuple: quick to make, one for each node of a big graph)."""

    column: int
    row: float  # centred on 0 within the column, one unit between neighbours


def layered_layout(graph: Graph, sweeps: int = 4) -> dict[str, Position]:
    """Columns by longest path from the leaves; a leaf sits just left of its first consumer,
    or two columns left when it feeds several (an input feeding every unit), so its edges
    fan out beside the weights rather than through them.

    Rows are ordered by the barycentre of each node's neighbours, swept left to
    right and back a few times, which keeps edges from crossing in these
    feed-forward graphs.
    """
    gap = {n.id: 2 if len(graph.consumers[n.id]) > 1 else 1 for n in graph.leaves}
    column: dict[str, int] = {n.id: gap[n.id] - 1 for n in graph.leaves}
    for node in graph.op_nodes:
        column[node.id] = 1 + max(map(column.__getitem__, node.inputs), default=0)
    for node in graph.leaves:
        consumers = graph.consumers[node.id]
        column[node.id] = max(0, min(map(column.__getitem__, consumers)) - gap[node.id]) if consumers else 0
    neighbours = {n.id: list(n.inputs) + list(graph.consumers[n.id]) for n in graph.nodes}
    if graph.kind is GraphKind.EXPRESSION:
        _route_long_edges(graph, column, neighbours)
    columns: dict[int, list[str]] = {}
    for nid in column:
        columns.setdefault(column[nid], []).append(nid)
    order = {nid: float(k) for ids in columns.values() for k, nid in enumerate(ids)}
    keys = sorted(columns)

    def centre(nid: str) -> float:
        """The mean row of a node's neighbours (its own row without any)."""
        around = neighbours[nid]
        return sum(map(order.__getitem__, around)) / len(around) if around else order[nid]

    for sweep in range(sweeps):
        for c in keys if sweep % 2 == 0 else reversed(keys):
            ids = columns[c]  # always in its nodes' order: a stable sort by centre breaks ties by order
            ids.sort(key=centre)
            middle = (len(ids) - 1) / 2
            for k, nid in enumerate(ids):
                order[nid] = k - middle
    return {n.id: Position(column[n.id], order[n.id]) for n in graph.nodes}


def _route_long_edges(graph: Graph, column: dict[str, int], neighbours: dict[str, list[str]]) -> None:
    """Give an edge that skips columns a placeholder in each column it crosses, so the row
    ordering keeps a place free for it: a variable used far from its other uses (x in
    x·y + x) then passes beside the nodes in between rather than through them."""
    for source, target in graph.edges:
        span = range(column[source] + 1, column[target])
        if not span:
            continue
        chain = [source, *(f"{source}→{target}@{c}" for c in span), target]
        for c, placeholder in zip(span, chain[1:-1], strict=True):
            column[placeholder] = c
        for before, here, after in zip(chain, chain[1:], chain[2:], strict=False):
            neighbours[here] = [before, after]
        neighbours[source] = [chain[1] if n == target else n for n in neighbours[source]]
        neighbours[target] = [chain[-2] if n == source else n for n in neighbours[target]]
