"""Where the graph's items go: compact columns left to right, edges routed around the nodes they
pass, and edge labels slid along their edges to spots free of nodes and other labels.

core.layout decides the order (columns, and rows within a column); this module turns it into
scene coordinates, sizing every column and gap to what it holds, so the fitted view can show the
whole graph as large as possible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from itertools import pairwise
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF

from core.layout import Position
from gui.graph.edge_curves import EdgeCurves
from gui.graph.edge_item import EdgeItem
from gui.graph.label_spots import LabelBoxes, Rect, RectIndex, at
from gui.graph.node_item import HALO, NodeItem

SCENE_MARGIN = 6.0  # around the whole graph
NODE_GAP = 16.0  # between two nodes of a column: more than their two halos, room for an edge between
COMPACT_NODE_GAP = 14.0  # the least (presenter mode's compact lines): an edge between still clears both halos
LABEL_MARGIN = 1.0  # either side of an edge label, within the gap between two columns
MIN_NODE_WIDTH = 64.0
MIN_GAP = 24.0  # between two columns with no labels between them, for the edges' curves
PORT_SPACING = 10.0  # between the ends of edges meeting one side of a node
PORT_INSET = 10.0  # edge ends keep this far from a node's top and bottom
WIDEN_ROUNDS = 4  # a gap whose labels do not fit is widened, and the labels placed again, this often…
MANY_EDGES = 400  # …but once only in a graph with more edges than this, which would take long to open
WIDEN_STEP = 0.25  # the first widening adds this share of the gap's widest label, each next one twice the last

Box = tuple[float, float, float, float]  # x, y, width, height


class Placed(NamedTuple):
    scene_rect: QRectF  # holding every node and edge
    curves: EdgeCurves  # every edge's
    node_boxes: dict[str, Rect]  # each node's box drawn in the scene (without the halo)


def place(
    nodes: Mapping[str, NodeItem],
    edges: Mapping[tuple[str, str], EdgeItem],
    layout: Mapping[str, Position],
    labels: Mapping[tuple[str, str], list[Box]],
    node_gap: float = NODE_GAP,
) -> Placed:
    """Size and place every node, route every edge, place every edge's labels (``labels``: each
    edge's label boxes, x, y, width and height relative to their anchor, at their widest).
    ``node_gap``: between two nodes of a column (at least COMPACT_NODE_GAP)."""
    # The widest label in the gap right of each column: an edge's labels go in the gap it leaves
    # its source by when it passes columns (there the curves fan out), else in the one it crosses.
    labels_in: dict[int, float] = {}
    for source, target in edges:
        widest = max((box[2] for box in labels[(source, target)]), default=0.0)
        labels_in[layout[source].column] = max(labels_in.get(layout[source].column, 0.0), widest)
    columns: dict[int, list[str]] = {}
    for node_id, pos in sorted(layout.items(), key=lambda item: (item[1].column, item[1].row)):
        columns.setdefault(pos.column, []).append(node_id)
    keys = sorted(columns)
    sizes = {node_id: nodes[node_id].needed_size() for node_id in layout}
    widths = {c: max(MIN_NODE_WIDTH, *(sizes[n][0] for n in columns[c])) for c in keys}
    middles: dict[str, float] = {}  # each node's y
    for c in keys:
        middles |= _stack(nodes, columns[c], widths[c], [sizes[n][1] for n in columns[c]], node_gap)
    column_of = {node_id: pos.column for node_id, pos in layout.items()}
    gaps = {c: max(labels_in.get(c, 0.0), MIN_GAP) + 2 * (HALO + LABEL_MARGIN) for c in keys}
    levels = _levels(nodes, edges, layout, columns)
    # A pixel of room around each label, summed as QRectF.adjusted(-1, -1, 1, 1) sums it (the same layouts).
    offsets = {key: [(x - 1, y - 1, w + 1 + 1, h + 1 + 1) for x, y, w, h in boxes] for key, boxes in labels.items()}
    boxes_of = LabelBoxes(list(edges), offsets)
    rounds = WIDEN_ROUNDS if len(edges) <= MANY_EDGES else 1
    gap_of = {key: column_of[key[0]] for key in edges}
    least_covered = len(edges) <= MANY_EDGES
    anchors: Mapping[tuple[str, str], QPointF] = {}
    for k in range(rounds + 1):
        spans, centres = _place_columns(columns, widths, gaps)
        sides = {n: (centres[c] - widths[c] / 2, centres[c] + widths[c] / 2) for n, c in column_of.items()}
        routes = {key: _route_points(key, level, spans, sides) for key, level in levels.items()}
        node_rects = [_box(centres[column_of[n]], middles[n], widths[column_of[n]], sizes[n][1]) for n in nodes]
        if k == rounds:  # the gaps are final: the last round moves nothing, so it waits until asked
            anchors = LabelAnchors(partial(_place_labels, node_rects, routes, boxes_of, gap_of, True, least_covered))
            break
        anchors, crowded = _place_labels(node_rects, routes, boxes_of, gap_of, False, least_covered)
        if not crowded:
            break
        for column in crowded:
            share = WIDEN_STEP * 2**k if rounds > 1 else 1.0  # a gap grows little when little is missing
            gaps[column] += labels_in[column] * share + LABEL_MARGIN
    for c, ids in columns.items():
        for node_id in ids:
            nodes[node_id].setX(centres[c])
    runs = list(routes.values())
    curves = EdgeCurves.through(runs)
    for (key, edge), box in zip(edges.items(), curves.route_boxes(runs), strict=True):
        edge.set_route(routes[key], box)
        edge.set_label_anchors(anchors)
    lefts, tops, rights, bottoms = zip(*node_rects, *(_edge_box(edge) for edge in edges.values()), strict=True)
    left, top = min(lefts) - SCENE_MARGIN, min(tops) - SCENE_MARGIN
    rect = QRectF(left, top, max(rights) + SCENE_MARGIN - left, max(bottoms) + SCENE_MARGIN - top)
    boxes = {n: _box(centres[c], middles[n], widths[c], sizes[n][1], margin=0.0) for n, c in column_of.items()}
    return Placed(rect, curves, boxes)


class LabelAnchors(Mapping[tuple[str, str], QPointF]):
    """Every edge's label anchor, placed when first asked for: the last round of placing labels
    changes no node or gap, and a big graph opens too far out for any label to be shown."""

    def __init__(self, place_labels: Callable[[], tuple[dict[tuple[str, str], QPointF], set[int]]]) -> None:
        self._place_labels: Callable | None = place_labels
        self._anchors: dict[tuple[str, str], QPointF] = {}

    def _placed(self) -> dict[tuple[str, str], QPointF]:
        if self._place_labels is not None:
            self._anchors, _ = self._place_labels()
            self._place_labels = None  # and what it held: the routes and boxes of every edge
        return self._anchors

    def __getitem__(self, key: tuple[str, str]) -> QPointF:
        return self._placed()[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._placed())

    def __len__(self) -> int:
        return len(self._placed())


def _stack(
    nodes: Mapping[str, NodeItem], ids: list[str], width: float, heights: list[float], gap: float
) -> dict[str, float]:
    """Size a column's nodes (``width``, ``heights``) and stack them top to bottom, centred on y = 0;
    returns each one's y."""
    middles = {}
    y = -(sum(heights) + gap * (len(ids) - 1)) / 2
    for node_id, height in zip(ids, heights, strict=True):
        item = nodes[node_id]
        item.set_size(width, height)
        middles[node_id] = y + height / 2
        item.setPos(0.0, middles[node_id])
        y += height + gap
    return middles


def _place_columns(columns, widths, gaps) -> tuple[dict[int, tuple[float, float]], dict[int, float]]:
    """Each column's left and right edge, and its middle (the nodes' x, set once the gaps are final)."""
    spans, middles, x = {}, {}, 0.0
    for c in sorted(columns):
        middles[c] = x + widths[c] / 2
        spans[c] = (x, x + widths[c])
        x += widths[c] + gaps[c]
    return spans, middles


def _levels(nodes, edges, layout, columns) -> dict[tuple[str, str], tuple[float, list[tuple[int, float]], float]]:
    """Where each edge runs, up and down: it leaves its source's right side and enters its target's
    left side at ports of its own, and crosses each column between them level through a free band
    between that column's nodes. (start y, [(column crossed, y)], end y); columns' x come later."""
    out_ports = _ports(nodes, edges, outgoing=True)
    in_ports = _ports(nodes, edges, outgoing=False)
    levels = {}
    free: dict[int, list[tuple[float, float]]] = {}  # each column's free bands, worked out when first crossed
    order = sorted(columns)
    for key in edges:
        source, target = key
        start, end = nodes[source].y() + out_ports[key], nodes[target].y() + in_ports[key]
        first, last = layout[source].column, layout[target].column
        passed = [c for c in order if first < c < last]
        bands = []
        for k, c in enumerate(passed, start=1):
            if c not in free:
                free[c] = _free_bands(nodes, columns[c])
            bands.append((c, _nearest(free[c], start + (end - start) * k / (len(passed) + 1))))
        levels[key] = (start, bands, end)
    return levels


def _route_points(key, level, spans, sides) -> list[tuple[float, float]]:
    """The edge's route (edge_curves.route_controls) with the columns where they are now (``sides``:
    each node's left and right x)."""
    (source, target), (start, bands, end) = key, level
    points = [(sides[source][1], start)]
    for c, y in bands:
        left, right = spans[c]
        points += [(left - HALO - 1, y), (right + HALO + 1, y)]  # level past the halos too
    points.append((sides[target][0], end))
    return points


def _ports(nodes, edges, outgoing: bool) -> dict[tuple[str, str], float]:
    """Each edge's offset from its node's centre on the side it meets, in the order of the nodes
    at its other end (top to bottom), so the edges meeting a side do not cross there."""
    sides: dict[str, list[tuple[str, str]]] = {}
    for key in edges:
        sides.setdefault(key[0] if outgoing else key[1], []).append(key)
    offsets = {}
    for node_id, keys in sides.items():
        other = 1 if outgoing else 0
        keys.sort(key=lambda k: nodes[k[other]].y())
        n = len(keys)
        room = max(nodes[node_id].height - 2 * PORT_INSET, 0.0)
        spacing = min(PORT_SPACING, room / (n - 1)) if n > 1 else 0.0
        for k, key in enumerate(keys):
            offsets[key] = (k - (n - 1) / 2) * spacing
    return offsets


def _free_bands(nodes, ids: list[str]) -> list[tuple[float, float]]:
    """(lowest, highest) y of each band where a level line crosses the column clear of its nodes."""
    rects = sorted((_scene_box(nodes[n]) for n in ids), key=lambda r: r[1])
    bands = [(rects[0][1] - NODE_GAP, rects[0][1] - NODE_GAP / 2)]
    bands += [((a[3] + b[1]) / 2,) * 2 for a, b in pairwise(rects)]
    bands.append((rects[-1][3] + NODE_GAP / 2, rects[-1][3] + NODE_GAP))
    return bands


def _nearest(bands: list[tuple[float, float]], wanted: float) -> float:
    """The y in ``bands`` nearest ``wanted``."""
    candidates = [min(max(wanted, low), high) for low, high in bands]
    return min(candidates, key=lambda y: abs(y - wanted))


def _place_labels(
    node_rects: list[Rect],
    routes: Mapping[tuple[str, str], list[tuple[float, float]]],
    boxes_of: LabelBoxes,
    gap_of: Mapping[tuple[str, str], int],
    last_round: bool,
    least_covered: bool,
) -> tuple[dict[tuple[str, str], QPointF], set[int]]:
    """Slide each edge's labels along the curve leaving its source (the whole edge between neighbouring
    columns) to the free spot nearest its middle. Returns each edge's label anchor, and the gaps
    (``gap_of``: the gap each edge's labels go in) where an edge found none: there the gap is widened
    and the labels placed again, so before the last round a crowded gap's other edges are not tried.
    On the last round an edge finding no free spot takes the least covered one (or with
    ``least_covered`` off, quicker in a big graph, the middle)."""
    labels, placed = RectIndex(), []  # the labels placed, indexed (and with least_covered, in their order)
    taken: RectIndex | None = None  # nodes and labels, made when a crowded edge looks for the least covered spot
    anchors, crowded = {}, set()
    xs, ys, clear = (spots.tolist() for spots in boxes_of.spots_clear_of_nodes(routes, node_rects))
    for key, x, y, edge_clear in zip(boxes_of.keys, xs, ys, clear, strict=True):
        if not last_round and gap_of[key] in crowded:
            continue
        boxes = boxes_of.offsets[key]
        chosen = None
        for point, clear_of_nodes in zip(zip(x, y, strict=True), edge_clear, strict=True):
            if clear_of_nodes and labels.free(boxes, point):
                chosen = point
                break
        if chosen is None:
            crowded.add(gap_of[key])
            if not last_round:
                continue
            if not least_covered:
                chosen = x[0], y[0]
            else:
                if taken is None:
                    taken = RectIndex()
                    for rect in (*node_rects, *placed):  # as if added all along: the same overlaps, summed alike
                        taken.add(rect)
                chosen = min(zip(x, y, strict=True), key=lambda p: _covered(taken, boxes, p))
        anchors[key] = QPointF(*chosen)
        for b in boxes:
            rect = at(b, chosen)
            labels.add(rect)
            if least_covered:
                placed.append(rect)
            if taken is not None:
                taken.add(rect)
    return anchors, crowded


def _scene_box(item: NodeItem) -> Rect:
    """(left, top, right, bottom) of a node's bounding rectangle in the scene, as sceneBoundingRect() has it."""
    return _box(item.x(), item.y(), item.width, item.height)


def _box(x: float, y: float, w: float, h: float, margin: float = HALO) -> Rect:
    """_scene_box of a node of size ``w`` × ``h`` at (``x``, ``y``); with ``margin`` 0, the box drawn
    (as QRectF(−w/2, −h/2, w, h).translated(x, y) has it)."""
    left, top = x + (-w / 2 - margin), y + (-h / 2 - margin)
    return left, top, left + (w + margin + margin), top + (h + margin + margin)


def _edge_box(edge: EdgeItem) -> Rect:
    r = edge.boundingRect()
    return r.left(), r.top(), r.right(), r.bottom()


def _covered(taken: RectIndex, boxes, point: tuple[float, float]) -> float:
    return sum(taken.overlap(at(b, point)) for b in boxes)
