"""What a reader of the graph needs from its layout, checked on the items as drawn."""

from __future__ import annotations

from itertools import combinations, pairwise

from PySide6.QtCore import QPointF, QRectF

PATH_SAMPLES = 200


def label_boxes(scene) -> list[tuple[str, QRectF]]:
    """Every text's box in scene coordinates: each node (its text lies within it) and each edge label shown."""
    boxes = [(f"node {node_id}", item.sceneBoundingRect()) for node_id, item in scene.nodes.items()]
    for (source, target), edge in scene.edges.items():
        boxes += [(f"label {source}→{target}", rect) for rect in edge.label_rects()]
    return boxes


def overlapping(boxes: list[tuple[str, QRectF]]) -> list[tuple[str, str]]:
    """The pairs of boxes that share some area."""
    found = []
    for (a, ra), (b, rb) in combinations(boxes, 2):
        common = ra.intersected(rb)
        if common.width() > 0.01 and common.height() > 0.01:
            found.append((a, b))
    return found


def edges_through_nodes(scene) -> list[tuple[tuple[str, str], str]]:
    """(edge, node) for each edge whose path passes through a node it does not connect."""
    found = []
    rects = {node_id: item.sceneBoundingRect() for node_id, item in scene.nodes.items()}
    for key, edge in scene.edges.items():
        path = edge.path()
        points = [path.pointAtPercent(k / PATH_SAMPLES) for k in range(PATH_SAMPLES + 1)]
        for node_id, rect in rects.items():
            if node_id not in key and any(rect.contains(p) for p in points):
                found.append((key, node_id))
    return found


def outside(boxes: list[tuple[str, QRectF]], view) -> list[str]:
    """The boxes not wholly inside the view's viewport once mapped to it."""
    shown = QRectF(view.viewport().rect())
    return [name for name, rect in boxes if not shown.contains(QRectF(view.mapFromScene(rect).boundingRect()))]


def shows_line(texts: list[str], line: str) -> bool:
    """Whether drawn texts (an SVG's, in order) show a node's ``line``: whole, or as a node draws a
    long "name = number" line, the name and its number on two lines."""
    name, _, number = line.rpartition(" = ")
    return line in texts or any(a == f"{name} =" and b == number for a, b in pairwise(texts))


def bare_point(item) -> QPointF:
    """A point on an edge's curve away from every node and label: where the curve itself is seen."""
    scene = item.scene()
    for k in range(20, 81, 5):
        p = item.curve.point_at(k / 100)
        near = QRectF(p.x() - 5, p.y() - 5, 10, 10)
        if not [i for i in scene.items(near) if i.__class__.__name__ in ("NodeItem", "EdgeLabels")]:
            return p
    raise AssertionError("no bare point on the edge")
