"""The graph view: zoom with Ctrl+wheel or Ctrl+plus/minus, fit to window, pan by dragging.

Until the user zooms or pans, the view stays fitted: it re-fits whenever it is resized (the window,
the splitter, the message bar appearing above it). Fit to window (Ctrl+0) returns to that.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView

from gui import theme
from gui.graph.background_tiles import BackgroundTiles
from gui.graph.node_item import lines_drawn_at

MIN_SCALE, MAX_SCALE = 0.1, 6.0
FOLLOW_SCALE = 1.0  # following the current step zooms to the natural size…
READABLE_SCALE = 0.5  # …once the view shows the graph smaller than this
FOLLOW_MARGINS = (80, 60)  # pixels kept around the followed node
PREFETCH_SLICE_S = 0.006  # drawing tiles ahead takes at most this long at a time (the window stays responsive)


def digit_pixel_height(view: QGraphicsView) -> float:
    """How tall, in screen pixels, the digits of a node's value are drawn now (the legibility measure:
    the tight height of "0123456789" in the value font times the view's scale)."""
    return QFontMetricsF(theme.node_font()).tightBoundingRect("0123456789").height() * view.transform().m11()


class GraphView(QGraphicsView):
    first_painted = Signal()  # the graph is on screen: slower parts of the window can be made now

    def __init__(self, scene, parent=None) -> None:
        super().__init__(scene, parent)
        self.painted = False
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)  # the edges' curves: see GraphScene
        self._tiles = BackgroundTiles(lambda painter, rect: self.scene().draw_resting(painter, rect))
        scene.background_changed.connect(self._on_background_changed)
        scene.relaying_out.connect(self._note_place)
        scene.relaid_out.connect(self._keep_place)
        self._place: tuple[str, QPointF] | None = None  # see _note_place
        self._prefetch = QTimer(self, interval=0)  # draws planned tiles in slices while idle
        self._prefetch.timeout.connect(self._prefetch_some)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)  # the graph's background marks its area
        self.moved_by_hand = False  # zoomed or panned since the last fit: resizing then leaves the view be

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        target = min(max(self.zoom * factor, MIN_SCALE), MAX_SCALE)
        self.scale(target / self.zoom, target / self.zoom)

    def zoom_in(self) -> None:
        self.moved_by_hand = True
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.moved_by_hand = True
        self.zoom_by(0.8)

    def fit(self) -> None:
        """Show the whole graph, never enlarging past 1.6×."""
        self.moved_by_hand = False
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > 1.6:
            self.resetTransform()
            self.scale(1.6, 1.6)
            self.centerOn(rect.center())

    def follow(self, rect: QRectF) -> None:
        """Keep a node readable: zoomed in if the graph is shown too small to read, scrolled into view."""
        if self.zoom < READABLE_SCALE:
            self.moved_by_hand = True  # a fit on resize would shrink it again
            self.zoom_by(FOLLOW_SCALE / self.zoom)
            self.centerOn(rect.center())
        else:
            self.ensureVisible(rect, *FOLLOW_MARGINS)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._show_detail()
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            self.first_painted.emit()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """The background colour, and what rests (the edges' curves; far, the nodes' boxes) from the tiles."""
        scene = self.scene()
        painter.fillRect(rect, scene.backgroundBrush())
        area = rect.intersected(scene.resting_rect())
        if not area.isEmpty() and not self._tiles.paint(painter, area):
            scene.draw_resting(painter, area)

    def _on_background_changed(self) -> None:
        self._tiles.clear()
        self.resetCachedContent()
        self.viewport().update()

    def _note_place(self) -> None:
        """Before the graph is laid out again: the node nearest the view's centre and where the view shows it."""
        centre = self.mapToScene(self.viewport().rect().center())
        nodes = self.scene().nodes
        nearest = min(nodes, key=lambda node_id: (nodes[node_id].pos() - centre).manhattanLength(), default=None)
        self._place = None if nearest is None else (nearest, self.mapFromScene(nodes[nearest].pos()).toPointF())

    def _keep_place(self) -> None:
        """After: fitted again, or, zoomed or panned by hand, that node where it was (its neighbours with it)."""
        place, self._place = self._place, None
        if not self.moved_by_hand:
            self.fit()
        elif place is not None and place[0] in self.scene().nodes:
            node_id, at = place
            shift = self.mapFromScene(self.scene().nodes[node_id].pos()).toPointF() - at
            for bar, by in ((self.horizontalScrollBar(), shift.x()), (self.verticalScrollBar(), shift.y())):
                bar.setValue(bar.value() + round(by))

    def prefetch_follow(self, rect: QRectF) -> None:
        """Draw ahead, a few tiles at a time while the window is idle, the curves that following
        ``rect`` will bring into view (the next step's node: a step then copies them)."""
        scene = self.scene()
        if self.zoom < READABLE_SCALE or scene is None:
            return  # following would zoom first: the tiles kept now are not the ones it shows
        dx, dy = self._scroll_to_see(rect, *FOLLOW_MARGINS)
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        zoom = self.zoom
        ahead = visible.translated(dx / zoom, dy / zoom).intersected(scene.resting_rect())
        t = self.viewportTransform()
        moved = QTransform(t.m11(), t.m12(), t.m21(), t.m22(), t.dx() - dx, t.dy() - dy)
        self._tiles.plan(moved, self.viewport().devicePixelRatioF(), ahead)
        self._prefetch.start()

    def _prefetch_some(self) -> None:
        if not self._tiles.draw_planned(PREFETCH_SLICE_S):
            self._prefetch.stop()

    def _scroll_to_see(self, rect: QRectF, xmargin: int, ymargin: int) -> tuple[int, int]:
        """How far ensureVisible(rect, xmargin, ymargin) would scroll, in device pixels (as Qt computes it)."""
        r = self.transform().mapRect(rect)
        moves = []
        for bar, lo, hi, size, margin in (
            (self.horizontalScrollBar(), r.left(), r.right(), self.viewport().width(), xmargin),
            (self.verticalScrollBar(), r.top(), r.bottom(), self.viewport().height(), ymargin),
        ):
            value = now = bar.value()
            if lo <= now + margin:
                value = int(lo - margin - 0.5)
            if hi >= now + size - margin:
                value = int(hi - size + margin + 0.5)
            moves.append(min(max(value, bar.minimum()), bar.maximum()) - now)
        return moves[0], moves[1]

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.moved_by_hand = True
            self.zoom_by(1.0015 ** event.angleDelta().y())
            event.accept()
        else:
            before = self._scrolled()
            super().wheelEvent(event)
            self.moved_by_hand |= self._scrolled() != before

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        # A drag pans the view (ScrollHandDrag); a click that moves nothing is not a pan.
        before = self._scrolled()
        super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.moved_by_hand |= self._scrolled() != before

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self.moved_by_hand:
            self.fit()
        self._show_detail()  # before the first paint, which would otherwise make what it then hides

    def _show_detail(self) -> None:
        """Tell the scene whether it is shown too small for any text (far: see GraphScene.show_far)."""
        if self.scene().show_far(not lines_drawn_at(self.zoom)):
            self._tiles.clear()
            self.resetCachedContent()

    def _scrolled(self) -> tuple[int, int]:
        return self.horizontalScrollBar().value(), self.verticalScrollBar().value()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Arrow keys step the graph (window shortcuts), they do not scroll the view.
        if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Space):
            event.ignore()
            return
        super().keyPressEvent(event)
