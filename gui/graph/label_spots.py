"""Where an edge's labels may go: candidate spots along the curve leaving its source, and the
rectangles already taken (placement.py slides each edge's labels to the first free spot).

Rectangles are (left, top, right, bottom) tuples, computed as QRectF computes them (a translated
rectangle keeps its width: right = the new left + width), so a spot is free exactly when
QRectF.intersects would find it free, at a fraction of the cost. The nodes do not move while the
labels are placed, so every spot of every edge is tested against them at once, in arrays.
"""

from __future__ import annotations

import numpy as np

STEPS = 24  # candidate spots along an edge for its labels

Rect = tuple[float, float, float, float]


def _candidate_weights() -> list[tuple[float, float, float]]:
    """For each candidate spot along a curve, nearest its middle first: the weights that give the
    spot's x from the ends' x and its y from the ends' y (the S-curve of edge_curves.route_controls' first piece)."""
    weights = []
    for t in sorted((k / STEPS for k in range(1, STEPS)), key=lambda t: abs(t - 0.5)):
        u = 1 - t
        weights.append((3 * u * t * t * 0.5 + 3 * u * u * t * 0.5 + t**3, u**3 + 3 * u * u * t, 3 * u * t * t + t**3))
    return weights


_WEIGHTS = np.array(_candidate_weights())


def at(box: Rect, point: tuple[float, float]) -> Rect:
    """A label box (x, y, width, height relative to its anchor) with its anchor at ``point``."""
    left, top = box[0] + point[0], box[1] + point[1]
    return left, top, left + box[2], top + box[3]


def spots_clear_of_nodes(routes, offsets, node_rects: list[Rect]):
    """For each edge of ``routes`` (in its order): its candidate spots' x and y, nearest the middle
    first, and whether each leaves all its label boxes (``offsets``: x, y, width, height) clear of
    every node."""
    keys = list(routes)
    if not keys:
        return [], [], []
    ends = np.array([(*routes[k][0], *routes[k][1]) for k in keys], dtype=float)
    ax, ay, bx, by = (ends[:, i, None] for i in range(4))
    wx, wa, wb = _WEIGHTS.T
    px, py = ax + (bx - ax) * wx, ay * wa + by * wb  # (edges, spots): as _spots computes them one by one
    most = max(len(offsets[k]) for k in keys)
    box = np.zeros((len(keys), most, 4))
    real = np.zeros((len(keys), most), dtype=bool)
    for e, key in enumerate(keys):
        for b, xywh in enumerate(offsets[key]):
            box[e, b], real[e, b] = xywh, True
    left, top = box[:, :, 0, None] + px[:, None, :], box[:, :, 1, None] + py[:, None, :]  # (edges, boxes, spots)
    right, bottom = left + box[:, :, 2, None], top + box[:, :, 3, None]
    hit = np.zeros(left.shape, dtype=bool)
    for (node_left, node_right), tops, bottoms in _columns_of(node_rects):
        near = np.nonzero((left < node_right) & (node_left < right))  # the boxes across this column
        box_top, box_bottom = top[near], bottom[near]
        if np.all(np.diff(bottoms) >= 0):  # stacked: the first node reaching below a box's top decides
            first = np.searchsorted(bottoms, box_top, side="right")
            hit[near] |= (first < len(tops)) & (tops[np.minimum(first, len(tops) - 1)] < box_bottom)
        else:
            for node_top, node_bottom in zip(tops, bottoms, strict=True):
                hit[near] |= (box_top < node_bottom) & (node_top < box_bottom)
    clear = ~(hit & real[:, :, None]).any(axis=1)
    return px.tolist(), py.tolist(), clear.tolist()


def _columns_of(rects: list[Rect]):
    """The rectangles grouped by their left and right (a column's nodes), each group's tops and
    bottoms sorted by top."""
    groups: dict[tuple[float, float], list[tuple[float, float]]] = {}
    for left, top, right, bottom in rects:
        groups.setdefault((left, right), []).append((top, bottom))
    for span, spans in groups.items():
        spans.sort()
        yield span, np.array([t for t, _ in spans]), np.array([b for _, b in spans])


class RectIndex:
    """Rectangles bucketed in a coarse grid, so an overlap query looks only at its neighbours."""

    CELL = 160.0

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[Rect]] = {}

    def _keys(self, rect: Rect) -> list[tuple[int, int]]:
        c = self.CELL
        rows = range(int(rect[1] // c), int(rect[3] // c) + 1)
        return [(i, j) for i in range(int(rect[0] // c), int(rect[2] // c) + 1) for j in rows]

    def add(self, rect: Rect) -> None:
        c, cells = self.CELL, self._cells
        rows = range(int(rect[1] // c), int(rect[3] // c) + 1)
        for i in range(int(rect[0] // c), int(rect[2] // c) + 1):
            for j in rows:
                cells.setdefault((i, j), []).append(rect)

    def meets(self, rect: Rect) -> bool:
        """Whether ``rect`` shares any area with a rectangle added."""
        left, top, right, bottom = rect
        c, cells = self.CELL, self._cells
        rows = range(int(top // c), int(bottom // c) + 1)
        for i in range(int(left // c), int(right // c) + 1):
            for j in rows:
                for o in cells.get((i, j), ()):
                    if left < o[2] and o[0] < right and top < o[3] and o[1] < bottom:
                        return True
        return False

    def overlap(self, rect: Rect) -> float:
        """The area of ``rect`` covered by the rectangles added (counting each once)."""
        left, top, right, bottom = rect
        seen = {id(o): o for key in self._keys(rect) for o in self._cells.get(key, ())}
        return sum(
            (min(right, o[2]) - max(left, o[0])) * (min(bottom, o[3]) - max(top, o[1]))
            for o in seen.values()
            if left < o[2] and o[0] < right and top < o[3] and o[1] < bottom
        )
