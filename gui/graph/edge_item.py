"""An edge from an input to its consumer: the forward value in green above it, the gradient in red below."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gui import theme
from gui.graph.node_item import NodeItem


class EdgeItem(QGraphicsItem):
    def __init__(self, source: NodeItem, target: NodeItem) -> None:
        super().__init__()
        self.source, self.target = source, target
        self.forward_text = ""
        self.backward_text = ""
        self.active = False
        self._label_at = 0.5  # where along the edge the labels sit; see set_label_position
        self.setZValue(theme.Z_EDGE)
        # Drawn directly, not cached: a long edge's cache is a pixmap as big as its bounds, and
        # following the step exposes new edges on most keys (measured: a step on 2-16-16-1 took
        # 44-57 ms with the cache, 22-24 ms without). Nodes, small and redrawn often, keep theirs.
        self._path = QPainterPath()
        self._bounds = QRectF()
        self.adjust()

    # -- verbs -----------------------------------------------------------------------

    def show_values(self, forward: str, backward: str, tooltip: str) -> None:
        if (forward, backward) != (self.forward_text, self.backward_text):
            self.prepareGeometryChange()
            self.forward_text, self.backward_text = forward, backward
            self._bounds = self._compute_bounds()
            self.update()
        if tooltip != self.toolTip():
            self.setToolTip(tooltip)

    def highlight(self, on: bool) -> None:
        if on != self.active:
            self.active = on
            self.update()

    def set_label_position(self, t: float) -> None:
        self.prepareGeometryChange()
        self._label_at = t
        self._anchor = self._path.pointAtPercent(t)
        self._bounds = self._compute_bounds()

    # -- geometry ----------------------------------------------------------------------

    def adjust(self) -> None:
        """Recompute the curve from the nodes' current positions."""
        self.prepareGeometryChange()
        s = self.source.mapToScene(QPointF(self.source.boundingRect().right() - 6, 0))
        t = self.target.mapToScene(QPointF(self.target.boundingRect().left() + 6, 0))
        dx = max((t.x() - s.x()) * 0.5, 20)
        path = QPainterPath(s)
        path.cubicTo(QPointF(s.x() + dx, s.y()), QPointF(t.x() - dx, t.y()), t)
        self._path = path
        self._anchor = path.pointAtPercent(self._label_at)
        self._bounds = self._compute_bounds()

    def label_anchor(self) -> QPointF:
        return self._anchor

    def label_rects(self) -> list[QRectF]:
        """Where the two labels are drawn, in scene coordinates."""
        anchor = self.label_anchor()
        rects = []
        for text, above in ((self.forward_text, True), (self.backward_text, False)):
            if text:
                w, h = _label_size(text, theme.THEME.font_scale)
                top = anchor.y() - h - 1 if above else anchor.y() + 1
                rects.append(QRectF(anchor.x() - w / 2, top, w, h))
        return rects

    def _compute_bounds(self) -> QRectF:
        r = self._path.boundingRect().adjusted(-8, -8, 8, 8)
        for rect in self.label_rects():
            r = r.united(rect)
        return r

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(8)
        return stroker.createStroke(self._path)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = theme.colour("backward" if self.active else "edge")
        painter.setPen(QPen(colour, 2.6 if self.active else 1.4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        self._draw_arrow(painter, colour)
        painter.setFont(theme.edge_font())
        for rect, text, name in zip(
            self.label_rects(),
            [t for t in (self.forward_text, self.backward_text) if t],
            [n for t, n in ((self.forward_text, "forward"), (self.backward_text, "backward")) if t],
            strict=True,
        ):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.colour("background"))
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(theme.colour(name))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _draw_arrow(self, painter: QPainter, colour) -> None:
        tip = self._path.pointAtPercent(1.0)
        back = self._path.pointAtPercent(0.97)
        d = tip - back
        length = max((d.x() ** 2 + d.y() ** 2) ** 0.5, 1e-6)
        ux, uy = d.x() / length, d.y() / length
        size = 8
        left = QPointF(tip.x() - size * ux + size * 0.5 * uy, tip.y() - size * uy - size * 0.5 * ux)
        right = QPointF(tip.x() - size * ux - size * 0.5 * uy, tip.y() - size * uy + size * 0.5 * ux)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF([tip, left, right]))


@lru_cache(maxsize=4096)
def _label_size(text: str, font_scale: float) -> tuple[float, float]:
    """A label's box: its text in the edge font at ``font_scale``, with a little room either side
    (label placement asks often)."""
    metrics = theme.metrics(theme.edge_font())
    return metrics.horizontalAdvance(text) + 6, metrics.height()
