"""View → Gradient check: backprop against central finite differences, entry by entry.

The check runs in a worker thread (a big network needs four cost evaluations per
parameter entry); the table shows what core.gradcheck computed and flags each
relative error above its threshold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

from core.gradcheck import STEP, THRESHOLD, GradCheck
from gui import theme

COLUMNS = ("entry", "backprop", "numeric", "relative error", "")


class _Relay(QObject):
    """Carries a worker thread's result to the UI thread (a queued signal)."""

    done = Signal(int, object)  # run number, GradCheck or the message of what went wrong


class GradCheckDialog(QDialog):
    """A non-modal table; ``run(check)`` computes ``check()`` off the UI thread and shows it."""

    finished_check = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gradient check")
        self.resize(640, 480)
        self.summary = QLabel(wordWrap=True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        note = QLabel(
            f"Numeric: five-point central differences, step h = {STEP:g}. Relative error "
            f"|a − b| / max(|a| + |b|, 1e-6); flagged ✗ above {THRESHOLD:g}."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.table, note, buttons):
            layout.addWidget(widget)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._run = 0
        self.result: GradCheck | None = None

    @property
    def busy(self) -> bool:
        return self.result is None and self._run > 0

    def run(self, check: Callable[[], GradCheck], what: str) -> None:
        """Start a check; a result from an earlier run that arrives later is dropped."""
        self._run += 1
        run, relay = self._run, self._relay
        self.result = None
        self.table.setRowCount(0)
        self.summary.setText(f"Checking {what}…")

        def work() -> None:
            try:
                result: object = check()
            except (ValueError, FloatingPointError, MemoryError) as e:
                result = str(e)
            relay.done.emit(run, result)

        threading.Thread(target=work, name="gradient check", daemon=True).start()

    def _on_done(self, run: int, result: object) -> None:
        if run != self._run:
            return
        if isinstance(result, str):
            self.summary.setText(f"The check could not run: {result}")
            self.result = None
            self._run = 0
            self.finished_check.emit()
            return
        self.result = result
        self._show(result)
        self.finished_check.emit()

    def _show(self, check: GradCheck) -> None:
        entries = check.entries()
        flagged = len(check.flagged())
        self.summary.setText(
            f"Largest relative error {check.max_rel_error:.2e}: "
            + ("every entry agrees." if check.passed else f"{flagged} of {len(entries)} entries flagged ✗.")
        )
        self.table.setRowCount(len(entries))
        red = QBrush(theme.colour("error"))
        for row, (name, index, backprop, numeric, error) in enumerate(entries):
            bad = error > check.threshold
            label = f"{name}[{','.join(str(i) for i in index)}]" if index else name
            cells = (label, f"{backprop:.10g}", f"{numeric:.10g}", f"{error:.2e}", "✗" if bad else "✓")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if bad:
                    item.setForeground(red)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
