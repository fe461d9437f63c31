"""A table over one layer's weights and bias (a numpy matrix with a bias row), editable in place."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

Index = QModelIndex | QPersistentModelIndex


def parse_number(text: str) -> float | None:
    """A finite number as typed (a real minus sign and a decimal comma accepted), or None."""
    cleaned = text.strip().replace("−", "-").replace(",", ".")
    if not cleaned or any(c.isalpha() and c not in "eE" for c in cleaned):
        return None  # float() would also take "inf", "nan"
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


class LayerTableModel(QAbstractTableModel):
    """Rows: one per input (w_ij joins input i to unit j), then the bias b if given; columns: one per unit."""

    rejected = Signal(str)  # a typed cell that is not a number

    def __init__(self, weights: np.ndarray, bias: np.ndarray | None, parent=None) -> None:
        super().__init__(parent)
        self.weights = np.array(weights, dtype=float)
        self.bias = None if bias is None else np.array(bias, dtype=float)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else self.weights.shape[0] + (self.bias is not None)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.weights.shape[1]

    def _value(self, row: int, column: int) -> float:
        return float(self.bias[column] if row == self.weights.shape[0] else self.weights[row, column])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return f"{self._value(index.row(), index.column()):.6g}".replace("-", "−")
        if role == Qt.ItemDataRole.ToolTipRole:
            return repr(self._value(index.row(), index.column()))
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        number = parse_number(str(value))
        if number is None:
            self.rejected.emit(f"“{value}” is not a number; the cell keeps its value.")
            return False
        row, column = index.row(), index.column()
        if row == self.weights.shape[0]:
            self.bias[column] = number
        else:
            self.weights[row, column] = number
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return f"unit {section + 1}"
        return "bias b" if section == self.weights.shape[0] else f"from {section + 1}"
