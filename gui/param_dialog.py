"""Edit one parameter's value by hand: a number for a scalar-graph node, a table for a layer's matrix."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QTableView, QVBoxLayout

from core import fmt
from gui import theme
from gui.matrix_table import LayerTableModel, parse_number


class ParamDialog(QDialog):
    """Emits ``accepted_value(name, new array)`` on OK; the window applies it to the current pass."""

    accepted_value = Signal(str, object)

    def __init__(self, label: str, name: str, array: np.ndarray, index: tuple[int, ...], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit {label}")
        self.name, self.index = name, index
        self.array = np.array(array, dtype=float)
        self.error = QLabel(wordWrap=True)
        theme.follow(self.error, lambda: self.error.setStyleSheet(theme.error_style()))
        layout = QVBoxLayout(self)
        self.line: QLineEdit | None = None
        self.table: QTableView | None = None
        if index:  # one entry of a weight matrix or bias vector
            layout.addWidget(QLabel(f"New value of {label} (now {fmt.full(self.array[index])}):"))
            self.line = QLineEdit(repr(float(self.array[index])))
            self.line.selectAll()
            self.line.textChanged.connect(self._on_text)
            layout.addWidget(self.line)
        else:  # a whole matrix: one table cell per entry
            layout.addWidget(QLabel(f"{label}: {fmt.shape(self.array)}. Type into the cells."))
            matrix = self.array if self.array.ndim == 2 else self.array[None, :]
            self.model = LayerTableModel(matrix, None, self)
            self.model.rejected.connect(self.error.setText)
            self.table = QTableView()
            self.table.setModel(self.model)
            layout.addWidget(self.table)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _on_text(self, text: str) -> None:
        ok = parse_number(text) is not None
        self.error.setText("" if ok else f"“{text}” is not a finite number.")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def value(self) -> np.ndarray:
        """The parameter's whole array with the edit made."""
        if self.line is not None:
            new = self.array.copy()
            new[self.index] = parse_number(self.line.text())
            return new
        return self.model.weights.reshape(self.array.shape).copy()

    def _on_ok(self) -> None:
        if self.line is not None and parse_number(self.line.text()) is None:
            return
        self.accepted_value.emit(self.name, self.value())
        self.accept()
