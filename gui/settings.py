"""Display settings shared by the widgets."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class DisplaySettings(QObject):
    changed = Signal()

    def __init__(self, decimals: int = 3, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._decimals = decimals

    @property
    def decimals(self) -> int:
        return self._decimals

    def set_decimals(self, decimals: int) -> None:
        if decimals != self._decimals:
            self._decimals = decimals
            self.changed.emit()
