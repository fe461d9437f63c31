"""File → New expression…: an expression and its variables' values, checked by core before it opens."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from core.expression import ExpressionError, parse_values
from core.expression_ops import FUNCTIONS
from core.expression_source import ExpressionSource
from gui import theme


class ExpressionDialog(QDialog):
    """Emits ``opened(source)`` on OK with a valid expression; otherwise says what is wrong and stays open."""

    opened = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New expression")
        self.expression = QLineEdit("(x**2 + 1)**3")
        theme.follow(self.expression, lambda: self.expression.setFont(theme.font(11)))
        self.values = QLineEdit("x=2")
        theme.follow(self.values, lambda: self.values.setFont(theme.font(11)))
        self.values.setPlaceholderText("x=2, y=3")
        self.error = QLabel(wordWrap=True)
        theme.follow(self.error, lambda: self.error.setStyleSheet(theme.error_style()))
        help_text = QLabel(
            "+ − * /, unary minus, ** or ^ for powers, numbers, names and "
            + ", ".join(sorted(FUNCTIONS))
            + ". A name used twice is one node; its gradient adds up from each use.",
            wordWrap=True,
        )
        form = QFormLayout()
        form.addRow("f =", self.expression)
        form.addRow("at", self.values)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(help_text)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.expression.textChanged.connect(lambda _: self.error.clear())
        self.values.textChanged.connect(lambda _: self.error.clear())
        self.resize(560, self.sizeHint().height())

    def _on_ok(self) -> None:
        try:
            values = parse_values(self.values.text())
        except ValueError as e:
            self.error.setText(f"Values: {e}")
            return
        try:
            source = ExpressionSource.parse(self.expression.text(), values)
        except ExpressionError as e:
            self.error.setText(f"Expression: {e}")
            self.expression.setFocus()
            self.expression.setCursorPosition(min(e.column - 1, len(self.expression.text())))
            return
        self.accept()
        self.opened.emit(source)
