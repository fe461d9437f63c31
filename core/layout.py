"""Left-to-right layered layout of a graph, in abstract columns and rows.

The view turns columns and rows into pixels; this module only decides order.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.graph import Graph


@dataclass(frozen=True)
class Position:
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
        column[node.id] = 1 + max((column[i] for i in node.inputs), default=0)
    for node in graph.leaves:
        consumers = graph.consumers[node.id]
        column[node.id] = max(0, min(column[c] for c in consumers) - gap[node.id]) if consumers else 0
    columns: dict[int, list[str]] = {}
    for node in graph.nodes:
        columns.setdefault(column[node.id], []).append(node.id)
    order = {nid: float(k) for ids in columns.values() for k, nid in enumerate(ids)}
    neighbours = {n.id: list(n.inputs) + list(graph.consumers[n.id]) for n in graph.nodes}
    keys = sorted(columns)
    for sweep in range(sweeps):
        for c in keys if sweep % 2 == 0 else reversed(keys):
            ids = columns[c]
            centre = {
                nid: (sum(order[m] for m in neighbours[nid]) / len(neighbours[nid]) if neighbours[nid] else order[nid])
                for nid in ids
            }
            ids.sort(key=lambda nid: (centre[nid], order[nid]))
            for k, nid in enumerate(ids):
                order[nid] = k - (len(ids) - 1) / 2
    return {nid: Position(column[nid], order[nid]) for nid in column}
