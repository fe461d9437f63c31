"""Icons for stepping and training, drawn as shapes in the theme's text colour.

Font glyphs such as ⏸ show as a box on machines whose fonts lack them; shapes always draw, and
redrawn in the new colour when the theme changes, they stay visible on a dark theme too.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from gui import theme

BOX = 24.0  # shapes are drawn in a 24 × 24 box, scaled to each size
SIZES = (16, 20, 24, 32, 48)
ICON_PROPERTY = "themed_icon"  # the name of the icon a widget or action shows


def _triangle(left: float, right: float, pointing_right: bool = True, top: float = 5, bottom: float = 19):
    tip, base = (right, left) if pointing_right else (left, right)
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(base, top), QPointF(tip, (top + bottom) / 2), QPointF(base, bottom)]))
    path.closeSubpath()
    return path


def _bar(left: float, width: float = 3) -> QPainterPath:
    path = QPainterPath()
    path.addRect(QRectF(left, 5, width, 14))
    return path


def _apply() -> QPainterPath:
    """An arrow down onto a line: the update written into the parameters."""
    path = QPainterPath()
    path.addPolygon(
        QPolygonF(
            [
                QPointF(9.5, 3),
                QPointF(14.5, 3),
                QPointF(14.5, 9),
                QPointF(19, 9),
                QPointF(12, 16),
                QPointF(5, 9),
                QPointF(9.5, 9),
            ]
        )
    )
    path.closeSubpath()
    path.addRect(QRectF(5, 18, 14, 3))
    return path


def _reset() -> QPainterPath:
    """Three quarters of a circle, anticlockwise from the right to the bottom: back to the start."""
    path = QPainterPath()
    path.arcMoveTo(QRectF(5, 4, 14, 14), 0)
    path.arcTo(QRectF(5, 4, 14, 14), 0, 270)
    return path


# Each icon: filled shapes, and shapes stroked with a round pen.
SHAPES = {
    "play": ([_triangle(7, 19)], []),
    "pause": ([_bar(6, 4), _bar(14, 4)], []),
    "step": ([_triangle(8, 17)], []),
    "back": ([_triangle(7, 16, pointing_right=False)], []),
    "end_forward": ([_triangle(5, 15), _bar(16)], []),
    "end_backward": ([_bar(5), _triangle(9, 19, pointing_right=False)], []),
    "next": ([_triangle(3, 12), _triangle(12, 21)], []),
    "update": ([_apply()], []),
    "reset": ([_triangle(11, 17, top=13.5, bottom=22.5)], [_reset()]),  # the arrowhead at the arc's end
}


def icon(name: str) -> QIcon:
    """The icon ``name`` (a key of SHAPES) in the current theme's text colour."""
    return _drawn(name, theme.colour("text").rgba())


@lru_cache(maxsize=64)
def _drawn(name: str, rgba: int) -> QIcon:
    """The icon drawn in colour ``rgba`` (kept: every window and every theme change asks again)."""
    filled, stroked = SHAPES[name]
    colour = QColor.fromRgba(rgba)
    result = QIcon()
    for size in SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(size / BOX, size / BOX)
        for path in filled:
            painter.fillPath(path, colour)
        painter.setPen(QPen(colour, 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for path in stroked:
            painter.drawPath(path)
        painter.end()
        result.addPixmap(pixmap)
    return result


def set_icon(target: QObject, name: str) -> None:
    """Give an action or a button the icon ``name``, redrawn in the theme's colour after each change."""
    first = target.property(ICON_PROPERTY) is None
    target.setProperty(ICON_PROPERTY, name)
    target.setIcon(icon(name))
    if first:
        theme.follow(target, lambda: target.setIcon(icon(target.property(ICON_PROPERTY))))
