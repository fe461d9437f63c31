"""A graph node drawn as a box: its name, its value in green, its gradients in red."""

from __future__ import annotations

import enum
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPaintEngine, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gui import theme

PADDING = 4  # above the first line and below the last
SIDE_PADDING = 5
MAX_WIDTH = 420  # longer lines are elided; the tooltip has them in full
WRAP_CHARS = 12  # a longer "name = number" line is drawn on two, so nodes stay narrow and the graph fits
SIGNED_CHARS = 6  # "−0.000": a line is broken as if its number were at least this long, the same at every step
SLACK = "−"  # room on a line with numbers for a sign it did not have when the node was sized
MIN_TEXT_PX = 3  # text shown smaller than this many device pixels is not drawn (a smudge; the whole graph in view)


class NodeLook(enum.Enum):
    INPUT = "input"
    TARGET = "target"
    PARAM = "param"
    OP = "op"


# The palette's fields for each look's fill and border.
_FILL_AND_BORDER = {
    NodeLook.PARAM: ("param_fill", "param_border"),
    NodeLook.INPUT: ("input_fill", "node_border"),
    NodeLook.TARGET: ("target_fill", "node_border"),
    NodeLook.OP: ("node_fill", "node_border"),
}


class NodeItem(QGraphicsItem):
    """Visual state changes only through its verbs: show_lines(), highlight(), reset()."""

    def __init__(self, node_id: str, title: str, look: NodeLook, width: float, height: float) -> None:
        super().__init__()
        self.node_id = node_id
        self.title = title
        self.look = look
        self._rect = QRectF(-width / 2, -height / 2, width, height)
        self.value_text = ""  # green: the forward value
        self.grad_text = ""  # red: the gradient received (upstream)
        self.local_text = ""  # red: the local gradient
        self.update_text = ""  # purple: the parameter's new value
        self.current = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(theme.Z_NODE)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    # -- verbs -----------------------------------------------------------------------

    def show_lines(self, value: str, grad: str, local: str, update: str, tooltip: str) -> None:
        if (value, grad, local, update) != (self.value_text, self.grad_text, self.local_text, self.update_text):
            self.value_text, self.grad_text, self.local_text, self.update_text = value, grad, local, update
            self.update()
        if tooltip != self.toolTip():
            self.setToolTip(tooltip)

    def highlight(self, on: bool) -> None:
        if on != self.current:
            self.current = on
            self.setZValue(theme.Z_CURRENT if on else theme.Z_NODE)
            self.update()

    def needed_height(self) -> float:
        """The height that shows every line now written on the node."""
        return sum(m.height() for _, m in self._styles(self._lines())) + 2 * PADDING

    def needed_width(self) -> float:
        """The width that shows the longest line now written on the node, up to MAX_WIDTH."""
        lines = self._lines()
        widest = max(
            m.horizontalAdvance(_joined(mark, t) + (SLACK if _numeric(t) else ""))
            for (mark, t, _, _), (_, m) in zip(lines, self._styles(lines), strict=True)
        )
        return min(widest + 2 * SIDE_PADDING, MAX_WIDTH)

    def set_size(self, width: float, height: float) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(-width / 2, -height / 2, width, height)

    @property
    def width(self) -> float:
        return self._rect.width()

    @property
    def height(self) -> float:
        return self._rect.height()

    # -- geometry and painting ---------------------------------------------------------

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-6, -6, 6, 6)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self._rect, 10, 10)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        fill, border = _FILL_AND_BORDER[self.look]
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.current:
            painter.setPen(QPen(theme.colour("current"), theme.line(7)))
            painter.drawRoundedRect(self._rect.adjusted(-2, -2, 2, 2), 12, 12)
        width = (2.5 if self.isSelected() else 1.5) + (0.8 if self.look is NodeLook.PARAM else 0)
        pen = QPen(theme.colour("text" if self.isSelected() else border), theme.line(width))
        painter.setPen(pen)
        painter.setBrush(theme.colour(fill))
        radius = 4 if self.look is NodeLook.PARAM else 10
        painter.drawRoundedRect(self._rect, radius, radius)
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod * _line_styles(theme.THEME.font_scale)[False][1].height() >= MIN_TEXT_PX:
            self._draw_lines(painter, self._lines())

    def shown_lines(self) -> list[str]:
        """The lines as drawn: title, value, update, gradients, each block with its direction mark."""
        return [_joined(mark, text) for mark, text, _, _ in self._lines()]

    def _lines(self) -> list[tuple[str, str, str, bool]]:
        """(direction mark or "", text, colour name, is title) for each line, title first."""
        lines = [("", self.title, "text", True)]
        for text, colour_name in (
            (self.value_text, "forward"),
            (self.update_text, "update"),
            (self.grad_text, "backward"),
            (self.local_text, "backward"),
        ):
            # The mark goes before a block's first line (a matrix, or a number wrapped, continues below it).
            mark = theme.MARKS.get(colour_name, "")
            parts = [part for line in text.splitlines() for part in _wrapped(line)]
            lines += [(mark if k == 0 else "", part, colour_name, False) for k, part in enumerate(parts)]
        return lines

    @staticmethod
    def _styles(lines: list[tuple[str, str, str, bool]]) -> list[tuple[QFont, QFontMetricsF]]:
        """The font of each line and its metrics."""
        styles = _line_styles(theme.THEME.font_scale)
        return [styles[is_title] for *_, is_title in lines]

    def _draw_lines(self, painter: QPainter, lines: list[tuple[str, str, str, bool]]) -> None:
        inner = self._rect.adjusted(SIDE_PADDING - 2, PADDING, -(SIDE_PADDING - 2), -PADDING)
        styles = self._styles(lines)
        y = inner.center().y() - sum(m.height() for _, m in styles) / 2
        for (mark, text, colour_name, _), (f, metrics) in zip(lines, styles, strict=True):
            h = metrics.height()
            painter.setFont(f)
            painter.setPen(theme.colour(colour_name))
            draw_marked(painter, metrics, QRectF(inner.left(), y, inner.width(), h), mark, text)
            y += h


@lru_cache(maxsize=8)
def _line_styles(font_scale: float) -> dict[bool, tuple[QFont, QFontMetricsF]]:
    """(font, metrics) of a title line (True) and of the others (False) at ``font_scale``: looked up
    once per scale, as every node's sizing and painting asks for them on every line."""
    title, body = theme.node_title_font(), theme.node_font()
    return {True: (title, theme.metrics(title)), False: (body, theme.metrics(body))}


def _joined(mark: str, text: str) -> str:
    return f"{mark} {text}" if mark else text


def draw_marked(painter: QPainter, metrics: QFontMetricsF, rect: QRectF, mark: str, text: str) -> None:
    """``text`` centred in ``rect`` (elided to fit) after its direction mark, if any. Into an SVG the
    two are drawn apart, so the file keeps the value as a text of its own; on screen, as one text
    (one layout per line: painting a step stays quick)."""
    elide = Qt.TextElideMode.ElideRight
    if not mark or painter.paintEngine().type() != QPaintEngine.Type.SVG:
        shown = metrics.elidedText(f"{mark} {text}" if mark else text, elide, rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, shown)
        return
    lead = metrics.horizontalAdvance(mark + " ")
    shown = metrics.elidedText(text, elide, max(rect.width() - lead, 0.0))
    left = rect.center().x() - (lead + metrics.horizontalAdvance(shown)) / 2
    align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    painter.drawText(QRectF(left, rect.top(), lead, rect.height()), align, mark)
    painter.drawText(QRectF(left + lead, rect.top(), rect.right() - left - lead, rect.height()), align, shown)


def _numeric(line: str) -> bool:
    """Whether a line shows a number (a wrapped "∂L/∂w =" or a title does not)."""
    return any(c.isdigit() for c in line.rsplit("=", 1)[-1])


def _wrapped(line: str) -> list[str]:
    """A long "name = number" line as "name =" and the number below; another long line broken at
    the space nearest its middle."""
    name, equals, number = line.rpartition(" = ")
    if equals:
        if len(name) + 3 + max(len(number), SIGNED_CHARS) <= WRAP_CHARS:
            return [line]
        return [f"{name} =", number]
    spaces = [k for k, c in enumerate(line) if c == " "]
    if len(line) <= WRAP_CHARS or not spaces:
        return [line]
    cut = min(spaces, key=lambda k: abs(k - len(line) / 2))
    return [line[:cut], line[cut + 1 :]]
