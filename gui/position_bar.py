"""Where the cursor is among the forward, backward and update steps; click or drag to move it."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui import theme


class PositionBar(QWidget):
    seek_requested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.counts = (0, 0, 0)  # forward, backward, update events
        self.cursor = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Steps of this pass: forward, backward (gradients), update. Click or drag.")
        theme.follow(self, self._on_theme_changed)

    def _on_theme_changed(self) -> None:
        self.setFixedHeight(self._text_top() + round(theme.metrics(theme.font(9)).height()) + 2)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, self.height())

    def _text_top(self) -> int:
        return round(self._track().bottom()) + 1

    @property
    def total(self) -> int:
        return sum(self.counts)

    def set_position(self, counts: tuple[int, int, int], cursor: int) -> None:
        if (counts, cursor) != (self.counts, self.cursor):
            self.counts, self.cursor = counts, cursor
            self.update()

    def text(self) -> str:
        f, b, u = self.counts
        c = self.cursor
        return (
            f"forward {min(c, f)}/{f} · backward {min(max(c - f, 0), b)}/{b} · update {min(max(c - f - b, 0), u)}/{u}"
        )

    def _track(self) -> QRectF:
        return QRectF(8, 4, self.width() - 16, 12)

    def _x_of(self, cursor: int) -> float:
        track = self._track()
        return track.left() + track.width() * cursor / max(self.total, 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = self._track()
        start = 0
        for count, name in zip(self.counts, ("forward", "backward", "update"), strict=True):
            x0, x1 = self._x_of(start), self._x_of(start + count)
            painter.fillRect(QRectF(x0, track.top(), x1 - x0, track.height()), theme.faded(name))
            done = min(max(self.cursor - start, 0), count)
            painter.fillRect(QRectF(x0, track.top(), self._x_of(start + done) - x0, track.height()), theme.colour(name))
            start += count
        x = self._x_of(self.cursor)
        painter.setPen(QPen(theme.colour("text"), 2))
        painter.drawLine(int(x), int(track.top() - 2), int(x), int(track.bottom() + 2))
        painter.setFont(theme.font(9))
        text_rect = QRectF(8, self._text_top(), self.width() - 16, self.height() - self._text_top())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft, self.text())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._seek_to(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._seek_to(event.position().x())

    def _seek_to(self, x: float) -> None:
        track = self._track()
        fraction = (x - track.left()) / max(track.width(), 1)
        self.seek_requested.emit(round(min(max(fraction, 0.0), 1.0) * self.total))
