"""The narration pane: renders core.narration's line per step as plain text; copies it as text or Markdown."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from core.narration import narrate
from core.text import Line, line_plain, markdown, paragraph
from gui import theme


class NarrationPane(QWidget):
    """Lines for the steps taken so far in the current pass; stepping back removes the last."""

    copied = Signal(str)  # what was put on the clipboard, in words, for the window to confirm

    def __init__(self, model, settings, parent=None) -> None:
        super().__init__(parent)
        self._model, self._settings = model, settings
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        theme.follow(self.text, lambda: self.text.setFont(theme.font(10.5)))
        self.text.setMaximumBlockCount(5000)
        self.copy_button = copy = QToolButton(text="Copy narration")
        copy.clicked.connect(self._on_copy)
        # Markdown from the arrow's menu: one button keeps the pane as narrow as before.
        copy.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(copy)
        self.copy_markdown_action = menu.addAction("Copy as Markdown", self._on_copy_markdown)
        copy.setMenu(menu)
        title = QLabel("Narration")
        theme.follow(title, lambda: title.setFont(theme.font(10, True)))
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(copy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.text)
        self._shown: tuple | None = None  # (pass, cursor, decimals) last rendered
        self._lines: list[Line] = []  # what is shown, as structured text
        model.state_changed.connect(self._on_state_changed)
        settings.changed.connect(self._on_state_changed)
        self._on_state_changed()

    def lines(self) -> list[str]:
        return self.text.toPlainText().splitlines()

    def _on_state_changed(self) -> None:
        cursor, decimals = self._model.session.cursor, self._settings.decimals
        step_pass = self._settings.shown(self._model.current)
        shown = self._shown
        if shown and shown[0] is step_pass and shown[2] == decimals and cursor == shown[1] + 1:
            self._lines.append(narrate(step_pass.events[cursor - 1], cursor - 1, step_pass, decimals))
            self.text.appendPlainText(line_plain(self._lines[-1]))
        else:
            lines = [self._model.session.source.header(step_pass)]
            lines += [narrate(e, k, step_pass, decimals) for k, e in enumerate(step_pass.events[:cursor])]
            self._lines = lines
            self.text.setPlainText("\n".join(line_plain(ln) for ln in lines))
        self.text.verticalScrollBar().setValue(self.text.verticalScrollBar().maximum())
        self._shown = (step_pass, cursor, decimals)

    def _on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self.copied.emit("Copied the narration")

    def markdown(self) -> str:
        """What the pane shows, as Markdown (values in bold), one line per step."""
        return markdown(paragraph(*self._lines))

    def _on_copy_markdown(self) -> None:
        QGuiApplication.clipboard().setText(self.markdown())
        self.copied.emit("Copied the narration as Markdown")
