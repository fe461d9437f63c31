"""Network → Plant a bug…: choose a classic backprop mistake, or a hidden random one."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from core.bugs import BUGS

RANDOM = "A random one: keep it hidden"


class PlantBugDialog(QDialog):
    """``choice()`` is a bug name, or None for a random one."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plant a bug")
        self.box = QComboBox()
        self.box.addItem(RANDOM, None)
        for bug in BUGS.values():
            self.box.addItem(bug.title, bug.name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Plant")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        explanation = QLabel(
            "The gradients of stepping, training and the gradient check will all be wrong in the same way. "
            "Find it by stepping through the backward pass or with View → Gradient check; "
            "Network → Reveal the bug names it."
        )
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        layout.addWidget(self.box)
        layout.addWidget(buttons)
        self.buttons = buttons

    def choice(self) -> str | None:
        return self.box.currentData()
