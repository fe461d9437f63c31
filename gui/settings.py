"""Display settings shared by the widgets."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.convention import Convention
from core.shown_pass import in_convention
from core.stepper import StepPass, StepState


class DisplaySettings(QObject):
    changed = Signal()
    convention_changed = Signal()  # labels change too: the graph is drawn again

    def __init__(self, decimals: int = 3, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._decimals = decimals
        self._convention = Convention.ROWS
        self._shown: tuple[StepPass | None, StepPass | None] = (None, None)  # (recorded, as shown)

    @property
    def decimals(self) -> int:
        return self._decimals

    def set_decimals(self, decimals: int) -> None:
        if decimals != self._decimals:
            self._decimals = decimals
            self.changed.emit()

    @property
    def convention(self) -> Convention:
        return self._convention

    def set_convention(self, convention: Convention) -> None:
        if convention is not self._convention:
            self._convention = convention
            self._shown = (None, None)
            self.convention_changed.emit()
            self.changed.emit()

    def shown(self, step_pass: StepPass) -> StepPass:
        """The pass as the batch convention shows it (the same object while the pass is the same)."""
        if self._shown[0] is not step_pass:
            self._shown = (step_pass, in_convention(step_pass, self._convention))
        return self._shown[1]

    def shown_state(self, step_pass: StepPass, cursor: int) -> StepState:
        return self.shown(step_pass).state_at(cursor)
