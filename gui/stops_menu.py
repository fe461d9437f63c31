"""Walkthrough stops: named places a lecturer saves (Stops menu) and jumps between with Page Up / Page Down.

A stop keeps the exact state at that point (a core.session.Snapshot: parameters, example or batch,
epoch, cursor, cost history), so it comes back whatever was stepped or trained since.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QPushButton,
    QVBoxLayout,
)

from core.session import Session
from core.session_file import MAX_STOP_NAME, MAX_STOPS, Stop
from core.stops import Position, default_name, next_stop, previous_stop


class StopsMenu(QObject):
    """The Stops menu and the window's list of stops, kept in walk-through order."""

    changed = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.stops: tuple[Stop, ...] = ()
        self._positions: list[Position] = []
        self._at: tuple[int, Position] | None = None  # the stop jumped to, and where that was
        self.menu = menu = window.menuBar().addMenu("S&tops")
        self.act_add = window._action(
            "&Add stop here…", self.add_stop_here, ["Ctrl+Shift+A"], "Save this exact state as a named stop"
        )
        self.act_previous = window._action("&Previous stop", self.go_previous, ["PgUp"])
        self.act_next = window._action("&Next stop", self.go_next, ["PgDown"])
        self.act_manage = window._action("&Stops…", self.open_dialog, tip="Go to, rename or delete stops")
        menu.aboutToShow.connect(self._fill_menu)
        self._fill_menu()

    # -- the list -----------------------------------------------------------------------------

    def set_stops(self, stops: tuple[Stop, ...]) -> None:
        """Replace the list (a session opened, or Undo), in walk-through order."""
        placed = [(stop.snapshot.position, k, stop) for k, stop in enumerate(stops)]
        placed.sort(key=lambda item: (item[0], item[1]))
        self.stops = tuple(stop for _, _, stop in placed)
        self._positions = [position for position, _, _ in placed]
        self._at = None
        self.changed.emit()

    def add_stop(self, name: str) -> bool:
        """A stop at the current state, named ``name``; refused (said) for an expression or past the limit."""
        window = self.window
        name = name.strip()
        if window.model.network is None:
            window.show_message("Stops keep a network's state: open a network to add one.")
            return False
        if not name or len(name) > MAX_STOP_NAME:
            window.show_message(f"A stop needs a name of 1 to {MAX_STOP_NAME} characters.")
            return False
        if len(self.stops) >= MAX_STOPS:
            window.show_message(f"There are already {MAX_STOPS} stops; delete one first.")
            return False
        session = window.model.session
        stop = Stop(name, session.snapshot(), window.chain_panel.selected)
        position = session.position
        index = sum(1 for p in self._positions if p <= position)
        self.stops = (*self.stops[:index], stop, *self.stops[index:])
        self._positions.insert(index, position)
        self._at = (index, position)
        window.confirm(f"Stop {index + 1} of {len(self.stops)} added: {name}")
        self.changed.emit()
        return True

    def rename(self, index: int, name: str) -> None:
        name = name.strip()
        if name and len(name) <= MAX_STOP_NAME:
            stops = list(self.stops)
            stops[index] = Stop(name, stops[index].snapshot, stops[index].selected)
            self.stops = tuple(stops)
            self.changed.emit()

    def delete(self, index: int) -> None:
        self.stops = self.stops[:index] + self.stops[index + 1 :]
        del self._positions[index]
        self._at = None
        self.changed.emit()

    # -- jumping -------------------------------------------------------------------------------

    def go_to(self, index: int) -> None:
        """Bring back the state stop ``index`` keeps: parameters, place, history, selected node."""
        window, stop = self.window, self.stops[index]

        def arrived(session: Session) -> None:
            window.session_actions.show_session(session, stop.selected)
            self._at = (index, self._positions[index])
            window.confirm(f"Stop {index + 1} of {len(self.stops)}: {stop.name}")

        def failed(e: Exception) -> None:
            reason = "there is not enough memory for it" if isinstance(e, MemoryError) else str(e)
            window.show_message(f"Could not go to stop {index + 1}: {reason}.")

        label = f"Going to stop {index + 1}, {stop.name}: replaying the passes to step back into…"
        window.session_actions.restore(stop.snapshot, label, arrived, failed)

    def go_next(self) -> None:
        self._go(next_stop, "after this")

    def go_previous(self) -> None:
        self._go(previous_stop, "before this")

    def _go(self, choose, where: str) -> None:
        if self.window.model.network is None or not self.stops:
            self.window.confirm("No stops yet: Stops → Add stop here…")
            return
        current = self.window.model.session.position
        at = self._at[0] if self._at is not None and self._at[1] == current else None
        index = choose(self._positions, current, at)
        if index is None:
            self.window.confirm(f"No stop {where} one.")
            return
        self.go_to(index)

    # -- the menu and the dialog -----------------------------------------------------------------

    def add_stop_here(self) -> None:
        """Ask for a name (the current step's, by default), then add the stop."""
        if self.window.model.network is None:
            self.add_stop("")
            return
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle("Add stop")
        dialog.setLabelText("Name of the stop:")
        dialog.setTextValue(default_name(self.window.model.session))
        dialog.textValueSelected.connect(self.add_stop)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _fill_menu(self) -> None:
        menu = self.menu
        menu.clear()
        for action in (self.act_add, self.act_previous, self.act_next, self.act_manage):
            menu.addAction(action)
        if self.stops:
            menu.addSeparator()
        for k, stop in enumerate(self.stops):
            menu.addAction(f"{k + 1}. {stop.name}", lambda k=k: self.go_to(k))

    def open_dialog(self) -> StopsDialog:
        dialog = StopsDialog(self, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


class StopsDialog(QDialog):
    """The stops in order: go to one (double-click), rename or delete it."""

    def __init__(self, stops: StopsMenu, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stops")
        self._stops = stops
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda _: self._go())
        buttons = QHBoxLayout()
        for text, slot in (("Go to", self._go), ("Rename…", self._rename), ("Delete", self._delete)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(close)
        stops.changed.connect(self._fill)
        self._fill()

    def _fill(self) -> None:
        row = self.list.currentRow()
        self.list.clear()
        self.list.addItems([stop.name for stop in self._stops.stops])
        self.list.setCurrentRow(min(max(row, 0), self.list.count() - 1))

    def _go(self) -> None:
        if self.list.currentRow() >= 0:
            self._stops.go_to(self.list.currentRow())

    def _rename(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        name, ok = QInputDialog.getText(self, "Rename stop", "Name of the stop:", text=self._stops.stops[row].name)
        if ok:
            self._stops.rename(row, name)

    def _delete(self) -> None:
        if self.list.currentRow() >= 0:
            self._stops.delete(self.list.currentRow())
