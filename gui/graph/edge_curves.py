"""Every edge's resting curve and arrowhead, drawn together as the scene's background.

The curves do not change while a pass is stepped (only their labels and the highlighted ones do),
so the scene paints them with its background, which the view caches: a step or a repaint then
copies that cache, and a scroll draws only the strips it exposes. Drawing a curve costs what its
whole length costs, however little of it shows, so a curve partly in the exposed rect is drawn
as the pieces of it that are (each piece an exact part of the cubic, split by de Casteljau).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, reduce

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPolygonF

PIECE_LENGTH = 160.0  # about how long a piece of a curve is, in scene units
WHOLE_BELOW_PX = 400  # a curve whose bounds span fewer device pixels is drawn whole: pieces would cost more
JOIN_BELOW_PX = 64  # pieces shorter than this on the device are drawn in one stroke with the whole curves
ARROW_SIZE = 8.0
MIN_ARROW_PX = 1.0  # an arrowhead smaller than this on the device is not drawn (the curve's end shows it)

Point = tuple[float, float]


@dataclass
class Curve:
    """A cubic from ``p0`` to ``p3`` with control points ``p1`` and ``p2``, and its arrowhead at ``p3``.

    Its QPainterPath and arrowhead polygon are made when first drawn (most never are, one by one)."""

    p0: Point
    p1: Point
    p2: Point
    p3: Point
    has_arrow: bool = field(default=True, kw_only=True)  # False: a piece of a longer route, not its end

    @cached_property
    def arrow_points(self) -> tuple[Point, Point, Point]:
        tip, left, right = _arrowheads(np.array([(self.p0, self.p1, self.p2, self.p3)], dtype=float))[0].tolist()
        return tuple(tip), tuple(left), tuple(right)

    @cached_property
    def path(self) -> QPainterPath:
        path = QPainterPath(QPointF(*self.p0))
        path.cubicTo(QPointF(*self.p1), QPointF(*self.p2), QPointF(*self.p3))
        return path

    @cached_property
    def arrow(self) -> QPolygonF:
        return QPolygonF([QPointF(*p) for p in self.arrow_points] if self.has_arrow else [])


class Route:
    """An edge's whole run: cubic pieces end to end, the arrowhead on the last one."""

    def __init__(self, pieces: list[Curve]) -> None:
        self.pieces = pieces

    @classmethod
    def through(cls, points: Sequence[Point]) -> Route:
        """The run through ``points`` (see route_controls)."""
        controls, _ = route_controls([points])
        last = len(controls) - 1
        return cls([Curve(*map(tuple, c.tolist()), has_arrow=k == last) for k, c in enumerate(controls)])

    @cached_property
    def path(self) -> QPainterPath:
        path = QPainterPath(QPointF(*self.pieces[0].p0))
        for c in self.pieces:
            path.cubicTo(QPointF(*c.p1), QPointF(*c.p2), QPointF(*c.p3))
        return path

    @property
    def arrow(self) -> QPolygonF:
        return self.pieces[-1].arrow

    def point_at(self, t: float) -> QPointF:
        """The point a fraction ``t`` of the way along the run (by length)."""
        return self.path.pointAtPercent(min(max(t, 0.0), 1.0))


def route_controls(routes: Sequence[Sequence[Point]]) -> tuple[np.ndarray, np.ndarray]:
    """Every route's cubic pieces end to end: control points (pieces, 4, 2), and each piece's route.

    A route runs from its first point to its last (x, y): S-curves leaving and entering level, and
    between them level runs from points[1] to points[2], points[3] to points[4]… (across the columns
    an edge passes)."""
    counts = np.array([len(points) - 1 for points in routes], dtype=int)
    if not len(routes):
        return np.zeros((0, 4, 2)), np.zeros(0, dtype=int)
    flat = np.array([p for points in routes for p in points], dtype=float)
    route = np.repeat(np.arange(len(routes)), counts)
    ends = np.cumsum(counts + 1)  # where each route's points end in ``flat``
    first = np.repeat(ends - counts - 1, counts)  # each piece's route's first point
    k = np.arange(len(route)) - np.repeat(np.cumsum(counts) - counts, counts)  # the piece's place in its route
    a, b = flat[first + k], flat[first + k + 1]
    level = (k % 2 == 1)  # the second, fourth… piece: level across a column
    run = b[:, 0] - a[:, 0]
    c1x = np.where(level, a[:, 0] + run / 3, a[:, 0] + run * 0.5)  # an S-curve stays between the columns it joins
    c2x = np.where(level, a[:, 0] + 2 * run / 3, b[:, 0] - run * 0.5)
    controls = np.stack([a, np.stack([c1x, a[:, 1]], axis=1), np.stack([c2x, b[:, 1]], axis=1), b], axis=1)
    return controls, route


class EdgeCurves:
    """The curves of a scene, found by the rect they cross; a big curve partly in it is drawn as its
    pieces about PIECE_LENGTH long that are (cut when first needed).

    Made from control points in arrays (route_controls): a big graph has thousands of curves, and
    their paths are made only where one is drawn on its own."""

    def __init__(self, controls: np.ndarray | None = None, has_arrow: np.ndarray | None = None) -> None:
        p = np.zeros((0, 4, 2)) if controls is None else np.asarray(controls, dtype=float).reshape(-1, 4, 2)
        self._count = len(p)
        self._points = p.reshape(-1, 8)
        self._arrowed = np.flatnonzero(np.zeros(len(p), dtype=bool) if has_arrow is None else has_arrow)
        self._arrow_points = _arrowheads(p[self._arrowed])  # (arrows, 3, 2)
        self._arrow_boxes = _boxes(self._arrow_points, 0.0)
        self._curve_boxes = _boxes(p, pad=2.0)
        self._paths: dict[int, QPainterPath] = {}  # pieces drawn alone

    @cached_property
    def _cut(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each piece's curve, the part [t0, t1] of it, its control points, and the bounds of its
        control polygon (cut when a view first draws a curve in part: a far view draws them all whole)."""
        p = self._points.reshape(-1, 4, 2)
        counts = np.maximum(1, np.ceil(np.linalg.norm(p[:, 3] - p[:, 0], axis=1) / PIECE_LENGTH)).astype(int)
        piece_curve = np.repeat(np.arange(len(p)), counts)
        first = np.repeat(np.cumsum(counts) - counts, counts)
        k = np.arange(counts.sum()) - first
        n = counts[piece_curve]
        t = np.stack([k / n, (k + 1) / n], axis=1)
        pieces = _split(p[piece_curve], t[:, 0], t[:, 1])
        return piece_curve, t, pieces, _boxes(pieces, pad=2.0)

    @classmethod
    def through(cls, routes: Sequence[Sequence[Point]]) -> EdgeCurves:
        """The curves of the runs through each of ``routes``' points, an arrowhead on each run's last piece."""
        controls, route = route_controls(routes)
        return cls(controls, np.append(route[1:] != route[:-1], True) if len(route) else None)

    def route_boxes(self, routes: Sequence[Sequence[Point]]) -> list[tuple[float, float, float, float]]:
        """(left, top, right, bottom) holding each run's control polygons and arrowhead; the curves
        must be the runs through ``routes``, in order (EdgeCurves.through)."""
        counts = [len(points) - 1 for points in routes]
        if not counts:
            return []
        pieces = _boxes(self._points.reshape(-1, 4, 2), 0.0)
        starts = np.cumsum(counts) - counts
        lo = np.minimum(np.minimum.reduceat(pieces[:, :2], starts), self._arrow_boxes[:, :2])  # a run's arrowhead too
        hi = np.maximum(np.maximum.reduceat(pieces[:, 2:], starts), self._arrow_boxes[:, 2:])
        return np.concatenate([lo, hi], axis=1).tolist()

    def bounds(self) -> QRectF:
        """A rect holding every curve and arrowhead (empty without curves)."""
        if not self._count:
            return QRectF()
        boxes = np.concatenate([self._curve_boxes, self._arrow_boxes])
        left, top = boxes[:, :2].min(axis=0).tolist()
        right, bottom = boxes[:, 2:].max(axis=0).tolist()
        return QRectF(left, top, right - left, bottom - top)

    def paint(self, painter: QPainter, rect: QRectF, arrow_colour: QColor) -> None:
        """Draw what falls in ``rect``: curves with the painter's pen, arrowheads filled in ``arrow_colour``.

        A curve wholly inside, or small on the device, is drawn in one go; of a big one partly inside,
        only the pieces that are."""
        r = (rect.left(), rect.top(), rect.right(), rect.bottom())
        painter.save()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        boxes = self._curve_boxes
        scale = abs(painter.transform().m11())
        span = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]) * scale
        met = meets(boxes, r)
        whole = _within(boxes, r) | ((span < WHOLE_BELOW_PX) & met)
        drawn = [self._points[whole]]
        partly = met & ~whole
        if partly.any():  # a big curve partly inside: the pieces that are
            piece_curve, _, pieces, piece_boxes = self._cut
            shown = np.flatnonzero(meets(piece_boxes, r) & partly[piece_curve])
            if PIECE_LENGTH * scale < JOIN_BELOW_PX:
                drawn.append(pieces.reshape(-1, 8)[shown])
            else:  # long on the device: each alone (a stroke of one long path costs more than many calls)
                for j in shown:
                    painter.drawPath(self._piece_path(j, pieces.reshape(-1, 8)))
        cubics = np.concatenate(drawn)
        if len(cubics):
            painter.drawPath(_joined(cubics))  # in one stroke: a call per short cubic costs more than its stroke
        if ARROW_SIZE * scale >= MIN_ARROW_PX:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(arrow_colour)
            for i in np.flatnonzero(meets(self._arrow_boxes, r)):
                painter.drawPolygon(QPolygonF([QPointF(*p) for p in self._arrow_points[i].tolist()]))
        painter.restore()

    def _piece_path(self, i: int, pieces: np.ndarray) -> QPainterPath:
        """The path of piece ``i`` (kept: a tile next to this one draws it again)."""
        path = self._paths.get(i)
        if path is None:
            path = self._paths[i] = _joined(pieces[i : i + 1])
        return path


def _joined(points: np.ndarray) -> QPainterPath:
    """Cubics (rows of x0, y0, … x3, y3) as one path."""
    path = QPainterPath()
    for x0, y0, x1, y1, x2, y2, x3, y3 in points.tolist():
        path.moveTo(x0, y0)
        path.cubicTo(x1, y1, x2, y2, x3, y3)
    return path


def _arrowheads(p: np.ndarray) -> np.ndarray:
    """The arrowhead (tip, left, right) at the end of each cubic (n, 4, 2), along its tangent there."""
    direction = 3 * (p[:, 3] - p[:, 2])
    length = np.maximum(np.hypot(direction[:, 0], direction[:, 1]), 1e-6)
    ux, uy = direction[:, 0] / length, direction[:, 1] / length
    x, y, s = p[:, 3, 0], p[:, 3, 1], ARROW_SIZE
    left = np.stack([x - s * ux + s * 0.5 * uy, y - s * uy - s * 0.5 * ux], axis=1)
    right = np.stack([x - s * ux - s * 0.5 * uy, y - s * uy + s * 0.5 * ux], axis=1)
    return np.stack([p[:, 3], left, right], axis=1)


def _split(p: np.ndarray, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """The parts [t0, t1] of cubics (n, 4, 2), each itself a cubic: ends on the curve, tangents scaled."""
    k = (t1 - t0) / 3
    u0, u1 = 1 - t0, 1 - t1
    axes = []
    for c0, c1, c2, c3 in (np.ascontiguousarray(p[:, :, axis].T) for axis in (0, 1)):  # x, then y
        d0, d1, d2 = c1 - c0, c2 - c1, c3 - c2
        s = u0 * u0 * u0 * c0 + 3 * u0 * u0 * t0 * c1 + 3 * u0 * t0 * t0 * c2 + t0 * t0 * t0 * c3
        e = u1 * u1 * u1 * c0 + 3 * u1 * u1 * t1 * c1 + 3 * u1 * t1 * t1 * c2 + t1 * t1 * t1 * c3
        slope0 = 3 * u0 * u0 * d0 + 6 * u0 * t0 * d1 + 3 * t0 * t0 * d2
        slope1 = 3 * u1 * u1 * d0 + 6 * u1 * t1 * d1 + 3 * t1 * t1 * d2
        axes.append(np.stack([s, s + k * slope0, e - k * slope1, e], axis=1))
    return np.stack(axes, axis=2)


def _boxes(p: np.ndarray, pad: float) -> np.ndarray:
    """(left, top, right, bottom) of each control polygon, widened by ``pad`` (half the widest pen, and more).

    Reduced corner by corner: numpy's min over a short middle axis is several times slower."""
    corners = [p[:, i] for i in range(p.shape[1])]
    lo, hi = reduce(np.minimum, corners) - pad, reduce(np.maximum, corners) + pad
    return np.concatenate([lo, hi], axis=1).reshape(-1, 4)


def meets(boxes: np.ndarray, r: tuple[float, float, float, float]) -> np.ndarray:
    """Which of ``boxes`` (left, top, right, bottom rows) meet ``r`` (left, top, right, bottom)."""
    return (boxes[:, 0] <= r[2]) & (boxes[:, 2] >= r[0]) & (boxes[:, 1] <= r[3]) & (boxes[:, 3] >= r[1])


def _within(boxes: np.ndarray, r: tuple[float, float, float, float]) -> np.ndarray:
    return (boxes[:, 0] >= r[0]) & (boxes[:, 2] <= r[2]) & (boxes[:, 1] >= r[1]) & (boxes[:, 3] <= r[3])
