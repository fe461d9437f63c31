"""The message bar above the graph: an error or a piece of information, with a close button."""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QToolButton

from gui import theme


class MessageKind(enum.Enum):
    ERROR = "error"  # something failed or was refused: in the colour of gradients, bold
    INFO = "info"  # a notice about what the window did: in the text colour


def _mix(colour: QColor, background: QColor, share: float) -> str:
    """``share`` of ``colour`` over ``background``, as #rrggbb."""
    channels = (colour.redF(), colour.greenF(), colour.blueF())
    behind = (background.redF(), background.greenF(), background.blueF())
    return QColor.fromRgbF(*(share * c + (1 - share) * b for c, b in zip(channels, behind, strict=True))).name()


def style_sheet(kind: MessageKind) -> str:
    """The bar's look for ``kind``, from the theme's palette (so a new palette restyles it)."""
    background = theme.colour("background")
    accent = theme.colour("backward" if kind is MessageKind.ERROR else "node_border")
    text = accent.name() if kind is MessageKind.ERROR else theme.colour("text").name()
    weight = 600 if kind is MessageKind.ERROR else 400
    fill, border = _mix(accent, background, 0.10), _mix(accent, background, 0.45)
    return (
        f"MessageBar {{ background:{fill}; border:1px solid {border}; }}"
        f" QLabel {{ color:{text}; font-weight:{weight}; padding:4px; }}"
    )


class MessageBar(QFrame):
    """One message at a time; hidden when there is none. The close button dismisses it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.kind: MessageKind | None = None
        self.label = QLabel(wordWrap=True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(autoRaise=True)
        self.close_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.close_button.setToolTip("Close this message")
        self.close_button.setAccessibleName("Close message")
        self.close_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 2, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()
        theme.THEME.changed.connect(self._on_theme_changed)

    def _on_theme_changed(self) -> None:
        if self.kind is not None:
            self.setStyleSheet(style_sheet(self.kind))

    def text(self) -> str:
        return self.label.text()

    def show_message(self, text: str, kind: MessageKind = MessageKind.ERROR) -> None:
        """Show ``text`` in the style of ``kind``; an empty text hides the bar."""
        if not text:
            self.clear()
            return
        if kind is not self.kind:
            self.kind = kind
            self.setStyleSheet(style_sheet(kind))
        self.label.setText(text)
        self.show()

    def clear(self) -> None:
        if self.isHidden() and not self.label.text():
            return
        self.label.clear()
        self.hide()
