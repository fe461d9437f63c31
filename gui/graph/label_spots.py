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


class LabelBoxes:
    """Every edge's label boxes (x, y, width and height relative to their anchor), in arrays: made
    once, tried against the nodes at every round of placing."""

    def __init__(self, keys: list, offsets) -> None:
        self.keys, self.offsets = keys, offsets
        most = max([1, *(len(offsets[k]) for k in keys)])  # an edge without labels has a box that is not real
        padded = [list(offsets[k]) + [(0.0, 0.0, 0.0, 0.0)] * (most - len(offsets[k])) for k in keys]
        self.box = np.array(padded, dtype=float).reshape(len(keys), most, 4)
        self.real = np.array([[b < len(offsets[k]) for b in range(most)] for k in keys], dtype=bool).reshape(
            len(keys), most
        )
        real_left = np.where(self.real, self.box[:, :, 0], np.inf)
        real_right = np.where(self.real, self.box[:, :, 0] + self.box[:, :, 2], -np.inf)
        self._reach = real_left.min(axis=1), real_right.max(axis=1)  # each edge's boxes' x, left and right

    def spots_clear_of_nodes(self, routes, node_rects: list[Rect]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each edge (in ``keys``' order): its candidate spots' x and y, nearest the middle first,
        and whether each leaves all its label boxes clear of every node; arrays (edges, spots)."""
        keys = self.keys
        if not keys:
            empty = np.zeros((0, len(_WEIGHTS)))
            return empty, empty, empty.astype(bool)
        ends = np.array([(*routes[k][0], *routes[k][1]) for k in keys], dtype=float)
        ax, ay, bx, by = (ends[:, i, None] for i in range(4))
        wx, wa, wb = _WEIGHTS.T
        px, py = ax + (bx - ax) * wx, ay * wa + by * wb  # (edges, spots): as _spots computes them one by one
        box = self.box
        reach_left, reach_right = px.min(axis=1) + self._reach[0], px.max(axis=1) + self._reach[1]
        hit = np.zeros((len(keys), box.shape[1], px.shape[1]), dtype=bool)
        for (node_left, node_right), tops, bottoms in _columns_of(node_rects):
            rows = np.flatnonzero((reach_left < node_right) & (node_left < reach_right))  # edges reaching it
            if not len(rows):
                continue
            b = box[rows]
            left = b[:, :, 0, None] + px[rows, None, :]  # (rows, boxes, spots)
            top = b[:, :, 1, None] + py[rows, None, :]
            right, bottom = left + b[:, :, 2, None], top + b[:, :, 3, None]
            near = np.nonzero((left < node_right) & (node_left < right))  # the boxes across this column
            box_top, box_bottom = top[near], bottom[near]
            if np.all(np.diff(bottoms) >= 0):  # stacked: the first node reaching below a box's top decides
                first = np.searchsorted(bottoms, box_top, side="right")
                met = (first < len(tops)) & (tops[np.minimum(first, len(tops) - 1)] < box_bottom)
            else:
                met = np.zeros(len(box_top), dtype=bool)
                for node_top, node_bottom in zip(tops, bottoms, strict=True):
                    met |= (box_top < node_bottom) & (node_top < box_bottom)
            hit[rows[near[0]], near[1], near[2]] |= met
        clear = ~(hit & self.real[:, :, None]).any(axis=1)
        return px, py, clear


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
    """Rectangles bucketed in a coarse grid, so an overlap query looks only at its neighbours. The
    cells are low: the labels of a gap lie side by side in a narrow band, stacked in rows."""

    CELL = 160.0  # wide
    ROW = 32.0  # high

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[Rect]] = {}

    def _keys(self, rect: Rect) -> list[tuple[int, int]]:
        c, r = self.CELL, self.ROW
        rows = range(int(rect[1] // r), int(rect[3] // r) + 1)
        return [(i, j) for i in range(int(rect[0] // c), int(rect[2] // c) + 1) for j in rows]

    def add(self, rect: Rect) -> None:
        c, cells, r = self.CELL, self._cells, self.ROW
        rows = range(int(rect[1] // r), int(rect[3] // r) + 1)
        for i in range(int(rect[0] // c), int(rect[2] // c) + 1):
            for j in rows:
                cells.setdefault((i, j), []).append(rect)

    def free(self, boxes, point: tuple[float, float]) -> bool:
        """Whether label boxes (x, y, width, height) anchored at ``point`` share no area with a rectangle added."""
        c, cells, r = self.CELL, self._cells, self.ROW
        for box in boxes:
            left, top = box[0] + point[0], box[1] + point[1]
            right, bottom = left + box[2], top + box[3]  # as at() computes them
            rows = range(int(top // r), int(bottom // r) + 1)
            for i in range(int(left // c), int(right // c) + 1):
                for j in rows:
                    for o in cells.get((i, j), ()):
                        if left < o[2] and o[0] < right and top < o[3] and o[1] < bottom:
                            return False
        return True

    def overlap(self, rect: Rect) -> float:
        """The area of ``rect`` covered by the rectangles added (counting each once)."""
        left, top, right, bottom = rect
        seen = {id(o): o for key in self._keys(rect) for o in self._cells.get(key, ())}
        return sum(
            (min(right, o[2]) - max(left, o[0])) * (min(bottom, o[3]) - max(top, o[1]))
            for o in seen.values()
            if left < o[2] and o[0] < right and top < o[3] and o[1] < bottom
        )
