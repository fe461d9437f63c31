"""An edge from an input to its consumer: the forward value in green above it, the gradient in red below.

The edge item itself paints nothing: it is what a hover or a click finds (its shape is its curve),
and it holds the edge's state. Its resting curve is drawn with every other one in the scene's
cached background (gui/graph/edge_curves.py); its labels are a small child item with a pixmap cache,
and its highlighted curve a child shown only while the edge is active. A step thus repaints the few
labels and curves it changes, not every edge in view.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gui import theme
from gui.graph.edge_curves import Route
from gui.graph.node_item import NodeItem, draw_marked, lines_drawn_at

REST_WIDTH = 1.4  # the pen of a resting curve
ACTIVE_WIDTH = 2.6  # the pen of a curve carrying the current step's gradient


_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents  # looked up once: a big graph makes many edges


class EdgeItem(QGraphicsItem):
    """Routed (set_route) and its labels anchored (set_label_anchors) by gui.graph.placement, before
    it joins a scene."""

    def __init__(self, source: NodeItem, target: NodeItem, far: bool = False) -> None:
        super().__init__()
        self.source, self.target = source, target
        self.key = source.node_id, target.node_id
        self.forward_text = ""
        self.backward_text = ""
        self.active = False
        self._far = far  # see set_far
        self.setFlag(_NO_CONTENTS)
        self.setZValue(theme.Z_EDGE)
        self._labels: EdgeLabels | None = None  # made when a label is first shown near or asked for (labels)
        self._labels_due = False  # the texts or the anchor changed since the labels were laid out
        self._highlight: _ActiveCurve | None = None  # made when the edge is first highlighted
        self._points: list[tuple[float, float]] = []
        self._box = (0.0, 0.0, 0.0, 0.0)  # see route_box
        self._curve: Route | None = None
        self._anchors: Mapping[tuple[str, str], QPointF] = {}  # see set_label_anchors
        self._shape: QPainterPath | None = None
        self._bounds = QRectF()

    # -- verbs -----------------------------------------------------------------------

    def show_values(self, forward: str, backward: str) -> None:
        if (forward, backward) != (self.forward_text, self.backward_text):
            self.forward_text, self.backward_text = forward, backward
            self._labels_changed()

    def set_far(self, far: bool) -> None:
        """Far (the view too small for any text): the labels are not shown (they would be specks), and
        not made or laid out until the view comes near or someone asks for them."""
        self._far = far
        labels = self._labels if far else self._laid_out_labels()
        if labels is not None:
            labels.setVisible(not far)

    @property
    def labels(self) -> EdgeLabels | None:
        """The labels' item (None while the edge has no label), laid out for the texts and anchor now."""
        return self._laid_out_labels()

    def _laid_out_labels(self) -> EdgeLabels | None:
        if self._labels_due:
            self._labels_due = False
            if self._labels is None and (self.forward_text or self.backward_text):
                self._labels = EdgeLabels(self)
                self._labels.setVisible(not self._far)
            if self._labels is not None:
                self._labels.relayout()
        return self._labels

    def _labels_changed(self) -> None:
        self._labels_due = True
        if not self._far:
            self._laid_out_labels()  # now: the view shows them

    def toolTip(self) -> str:
        """Written by the scene when asked for (GraphScene.helpEvent, or a caller), from the state it shows."""
        scene = self.scene()
        return scene.edge_tooltip(self.key) if scene is not None else ""

    def highlight(self, on: bool) -> None:
        if on != self.active:
            self.active = on
            if self._highlight is None:
                self._highlight = _ActiveCurve(self)
            self._highlight.setVisible(on)

    def set_label_anchors(self, anchors: Mapping[tuple[str, str], QPointF]) -> None:
        """The labels at ``anchors[key]`` (on the edge): the forward one above it, the gradient below.
        Looked up when the labels are first laid out (placement.LabelAnchors places them then)."""
        self._anchors = anchors
        self._labels_changed()

    # -- geometry ----------------------------------------------------------------------

    def set_route(self, points: list[tuple[float, float]], box: tuple[float, float, float, float]) -> None:
        """Run through ``points`` (edge_curves.route_controls), within ``box`` (left, top, right, bottom:
        EdgeCurves.route_boxes, worked out for every edge at once)."""
        self.prepareGeometryChange()
        self._points = points
        self._curve = None
        self._shape = None
        self._box = box
        left, top, right, bottom = box
        self._bounds = QRectF(left - 8, top - 8, right - left + 16, bottom - top + 16)
        if self._highlight is not None:
            self._highlight.follow_route()
        self._labels_changed()

    def route_box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) holding the edge's cubics and arrowhead (set_route's ``box``)."""
        return self._box

    @property
    def curve(self) -> Route:
        """The edge's run as cubics, made when first asked for (hovering, highlighting)."""
        if self._curve is None:
            self._curve = Route.through(self._points)
        return self._curve

    def path(self) -> QPainterPath:
        """The edge's curve in scene coordinates."""
        return self.curve.path

    def label_anchor(self) -> QPointF:
        return self._anchors.get(self.key, QPointF())

    def label_texts(self) -> list[tuple[str, str]]:
        """(text, colour name) of each label shown: the forward value, then the gradient."""
        return [(t, name) for t, name in ((self.forward_text, "forward"), (self.backward_text, "backward")) if t]

    def shown_labels(self) -> list[str]:
        """The labels as drawn, with their direction marks."""
        return [theme.marked(text, name) for text, name in self.label_texts()]

    def label_rects(self) -> list[QRectF]:
        """Where the labels are drawn (the forward value above the anchor, the gradient below), in scene coordinates."""
        anchor = self.label_anchor()
        rects = []
        for text, name in self.label_texts():
            size = label_size(theme.marked(text, name))
            left, top, right, bottom = label_box(anchor.x(), anchor.y(), size, name == "forward")
            rects.append(QRectF(left, top, right - left, bottom - top))
        return rects

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(8)
            self._shape = stroker.createStroke(self.curve.path)
        return self._shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Nothing: see the module's docstring."""


class EdgeLabels(QGraphicsItem):
    """An edge's two labels (forward above the anchor, gradient below), each on a background box."""

    def __init__(self, edge: EdgeItem) -> None:
        super().__init__(edge)
        self.edge = edge
        self.shown: list[tuple[QRectF, str, str]] = []  # (rect, text, colour name)
        self._bounds = QRectF()
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def relayout(self) -> None:
        """Follow the edge's texts and anchor."""
        edge = self.edge
        texts = edge.label_texts()
        rects = edge.label_rects() if texts else []
        self.prepareGeometryChange()
        self.shown = [(r, t, name) for r, (t, name) in zip(rects, texts, strict=True)]
        bounds = QRectF()
        for r in rects:
            bounds = bounds.united(r)
        self._bounds = bounds
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def toolTip(self) -> str:
        return self.edge.toolTip()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(theme.edge_font())
        metrics = theme.metrics(theme.edge_font())
        legible = lines_drawn_at(QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()))
        for rect, text, name in self.shown:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.colour("background"))
            painter.drawRoundedRect(rect, 3, 3)
            if legible:
                painter.setPen(theme.colour(name))
                draw_marked(painter, metrics, rect, theme.MARKS[name], text)


class _ActiveCurve(QGraphicsItem):
    """The edge's curve drawn thick in the gradient's colour, over the resting one; visible only when active."""

    def __init__(self, edge: EdgeItem) -> None:
        super().__init__(edge)
        self.edge = edge
        self.curve: Route | None = None
        self._bounds = QRectF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
        self.setVisible(False)
        self.follow_route()

    def follow_route(self) -> None:
        """Take the edge's route as it is now."""
        self.prepareGeometryChange()
        self.curve = self.edge.curve
        pad = theme.line(ACTIVE_WIDTH)
        left, top, right, bottom = self.edge.route_box()
        self._bounds = QRectF(left - pad, top - pad, right - left + 2 * pad, bottom - top + 2 * pad)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        colour = theme.colour("backward")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour, theme.line(ACTIVE_WIDTH)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.curve.path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(self.curve.arrow)


def label_size(text: str) -> tuple[float, float]:
    """A label's width and height: its text in the edge font, with a little room either side."""
    return _label_size(text, theme.THEME.font_scale)


def label_box(x: float, y: float, size: tuple[float, float], above: bool) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a label of ``size`` centred on the anchor (x, y), above or below it."""
    w, h = size
    top = y - h - 1 if above else y + 1
    return x - w / 2, top, x + w / 2, top + h


@lru_cache(maxsize=4096)
def _label_size(text: str, font_scale: float) -> tuple[float, float]:
    """The size at ``font_scale`` (label placement asks often)."""
    metrics = theme.metrics(theme.edge_font())
    return metrics.horizontalAdvance(text) + 6, metrics.height()
