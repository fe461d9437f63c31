"""File → Save session… / Open session… / Open recent, and what a session brings back into the window.

A session (core/session_file.py) holds the network, the stepping state, the selected node, the
window's view settings and the walkthrough stops. Opening one is undoable: Ctrl+Z puts back
everything that was there before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPointF, QTimer
from PySide6.QtWidgets import QFileDialog, QMenu

from core.network_file import quote
from core.session import Session, Snapshot
from core.session_file import SessionDocument, Stop, save
from gui import theme
from gui.edits import ReplaceSession
from gui.preferences import preferences
from gui.sliced_work import SlicedWork

RECENT_KEY = "recent_files"
MAX_RECENT = 10
SIDE_PANELS = ("training", "data", "runs")
NETWORK_VIEW_KEYS = ("epochs", "decimals", "convention")  # the view a network file keeps (besides its graph)


@dataclass(frozen=True)
class WindowState:
    """What opening a session replaces, and what Undo puts back."""

    session: Session
    selected: str | None
    stops: tuple[Stop, ...]
    view: dict[str, Any]


class SessionActions(QObject):
    """The session entries of the File menu, the recent-files list, and installing a session."""

    def __init__(self, window, file_menu: QMenu, before) -> None:
        super().__init__(window)
        self.window = window
        self.act_save_session = window._action(
            "Save sessio&n…", self._on_save, ["Ctrl+Shift+S"], "Everything: network, place, history, view, stops"
        )
        self.act_open_session = window._action("Open sess&ion…", self._on_open, ["Ctrl+Shift+O"])
        self.recent_menu = QMenu("Open &recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.insertSeparator(before)
        for action in (self.act_open_session, self.act_save_session):
            file_menu.insertAction(before, action)
        file_menu.insertMenu(before, self.recent_menu)
        self._restoring: SlicedWork | None = None  # a session or stop being brought back in slices

    # -- saving ----------------------------------------------------------------------------------

    def document(self) -> SessionDocument:
        """The window's whole state as a session document (stops of another network are left out)."""
        window = self.window
        snapshot = window.model.session.snapshot()
        stops = tuple(stop for stop in window.stops.stops if _same_base(stop.snapshot.network, snapshot.network))
        return SessionDocument(snapshot, window.chain_panel.selected, window_view(window), stops)

    def save_session(self, path: str) -> bool:
        window = self.window
        if window.model.network is None:
            window.show_message("A session holds a network: an expression cannot be saved as one. Nothing was written.")
            return False
        document = self.document()  # while training, as far as it has come (the run goes on)
        try:
            save(document, path)
        except OSError as e:
            window.show_message(f"Could not save {quote(path)}: {e.strerror or e}. Nothing was written.")
            return False
        left_out = len(window.stops.stops) - len(document.stops)
        note = f" ({left_out} stops of another network left out)" if left_out else ""
        window.confirm(f"Session saved to {path}{note}")
        self.remember(path)
        return True

    def _on_save(self) -> None:
        if self.window.model.network is None:
            self.save_session("")
            return
        name = f"{self.window.model.network.name}.session.json"
        path, _ = QFileDialog.getSaveFileName(self.window, "Save session", name, "Sessions (*.json)")
        if path:
            self.save_session(path)

    # -- opening -------------------------------------------------------------------------------

    def _on_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open session", "", "Sessions (*.json);;All files (*)")
        if path:
            self.window.open_file(path)

    def open_document(self, document: SessionDocument, path: str) -> bool:
        """Put the session in place of everything current (undoable); a problem leaves all as it was.

        Its passes are replayed in slices when that takes long (a progress dialog; Cancel keeps the
        current network): True then means it is on its way."""
        name = Path(path).name
        outcome: list[bool] = []

        def opened(session: Session) -> None:
            after = WindowState(session, document.selected, document.stops, dict(document.view))
            self.window.undo_stack.push(ReplaceSession(self.install, self.window_state(), after, f"Open {name}"))
            self.remember(path)
            outcome.append(True)

        def failed(e: Exception) -> None:
            reason = "there is not enough memory for it" if isinstance(e, MemoryError) else str(e)
            self.window.show_message(f"Could not open {quote(name)}: {reason}. The current network is unchanged.")
            outcome.append(False)

        label = f"Opening {quote(name)}: replaying the passes to step back into…"
        if not self.restore(document.snapshot, label, opened, failed):
            return False
        return outcome[0] if outcome else True

    def restore(
        self,
        snapshot: Snapshot,
        label: str,
        on_done: Callable[[Session], None],
        on_failed: Callable[[Exception], None],
    ) -> bool:
        """Bring back a snapshot's session, at once or in slices (gui/sliced_work.py); a restore still under
        way is cancelled first (the user asked for another). False (said) while the session is held still."""
        if self.window.model.refused_while_held():
            return False
        self.cancel_restore()
        self._restoring = SlicedWork(
            Session.restoring(snapshot),
            label,
            self.window,
            on_done,
            on_failed,
            expected=(ValueError, MemoryError),
            on_cancelled=lambda: self.window.confirm("Cancelled: the window is as it was"),
        )
        self._restoring.start()
        return True

    @property
    def idle(self) -> bool:
        """Whether no session or stop is being brought back."""
        return self._restoring is None or not self._restoring.running

    def cancel_restore(self) -> None:
        """Stop a restore under way (another was asked for, or the window closes); nothing changes."""
        if self._restoring is not None and self._restoring.running:
            self._restoring.cancel()
        self._restoring = None

    def show_document(self, document: SessionDocument) -> None:
        """Start from a session (the command line): nothing to undo back to."""
        self.install(_window_state(document))

    def window_state(self) -> WindowState:
        window = self.window
        return WindowState(window.model.session, window.chain_panel.selected, window.stops.stops, window_view(window))

    def install(self, state: WindowState) -> None:
        """Show ``state``: its session (network, parameters, history, cursor), node, stops and view."""
        window = self.window
        self.show_session(state.session, state.selected, state.view)
        window.stops.set_stops(state.stops)
        network = state.session.network  # None: an expression (Undo back to one)
        if network is not None and network.planted_bug is not None:  # the exercise goes on, its bug unnamed
            window.show_info("A bug is planted in this session's gradients: Network → Reveal the bug names it.")

    def show_session(self, session: Session, selected: str | None, view: dict[str, Any] | None = None) -> None:
        """Put a session brought back in the window (training stopped first, the message bar cleared),
        shown as ``view`` says if given, with node ``selected`` selected as a click would."""
        window = self.window
        window.trainer.stop_and_wait()
        window.model.restore_session(session)
        window.model.message.emit("")
        window.keep_optimizer_offered()
        if view is not None:
            apply_view(window, view)
        _select_node(window, selected)

    # -- recent files --------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = preferences().value(RECENT_KEY, [])
        paths = [value] if isinstance(value, str) else list(value or [])
        return [p for p in paths if isinstance(p, str) and p][:MAX_RECENT]

    def remember(self, path: str) -> None:
        """Put ``path`` first among the recent files (a session or a network file)."""
        path = str(Path(path).resolve())
        paths = [path, *(p for p in self.recent_files() if p != path)][:MAX_RECENT]
        preferences().setValue(RECENT_KEY, paths)

    def clear_recent(self) -> None:
        preferences().remove(RECENT_KEY)

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.recent_files()
        for path in paths:
            missing = not Path(path).is_file()
            action = menu.addAction(Path(path).name + (" (missing)" if missing else ""))
            action.setToolTip(path)
            action.setStatusTip(path)
            action.setEnabled(not missing)
            action.triggered.connect(lambda _=False, p=path: self.open_recent(p))
        if not paths:
            menu.addAction("No recent files").setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear recent", self.clear_recent)
        clear.setEnabled(bool(paths))

    def open_recent(self, path: str) -> bool:
        """Open a recent file again; one that is gone is said, and taken off the list."""
        if not Path(path).is_file():
            self.window.show_message(f"{quote(path)} is no longer there; it is taken off the recent files.")
            preferences().setValue(RECENT_KEY, [p for p in self.recent_files() if p != path])
            return False
        return self.window.open_file(path)


def _select_node(window, node_id: str | None) -> None:
    """Select a node as a click would (outlined in the graph, explained in the chain-rule panel)."""
    window.scene.clearSelection()
    item = window.scene.nodes.get(node_id)
    if item is not None:
        item.setSelected(True)
    window.chain_panel.select(node_id if item is not None else None)


def _window_state(document: SessionDocument) -> WindowState:
    return WindowState(Session.restored(document.snapshot), document.selected, document.stops, dict(document.view))


def window_view(window) -> dict[str, Any]:
    """What the window shows, for the session's ``view`` (core/session_file.py VIEW_KEYS).

    Presenter mode is how a screen shows the lesson, not part of it: while presenting, the font scale
    saved is the one outside presenter mode, and the zoom and side panel (which belong to presenter
    mode's larger layout) are left out, so the session opens fitted in the normal window.
    """
    view = window.view
    shown = {
        "decimals": window.settings.decimals,
        "convention": window.settings.convention.value,
        "epochs": window.training_panel.epochs.value(),
        "follow": window.act_follow.isChecked(),
        "theme": theme.THEME.name,
        "font_scale": window.presenter.normal_font_scale,
    }
    if not window.presenter.active:
        centre = view.mapToScene(view.viewport().rect().center())
        shown |= {"zoom": min(max(view.zoom, 1e-4), 1e4), "centre": [centre.x(), centre.y()]}
        shown["panel"] = _raised_panel(window)
    return shown


def apply_view(window, view: dict[str, Any]) -> None:
    """Show the window as ``view`` says; a theme or panel this window does not know is left as it is.
    While presenting, the font scale is the one leaving presenter mode returns to, and no side panel shows."""
    from core.convention import Convention

    if "decimals" in view:
        window.training_panel.decimals.setValue(view["decimals"])
    if "epochs" in view:
        window.training_panel.epochs.setValue(view["epochs"])
    if "convention" in view:
        window.convention_actions[Convention(view["convention"])].trigger()
    if "follow" in view:
        window.act_follow.setChecked(view["follow"])
    if view.get("theme") in theme.THEME_NAMES:
        theme.THEME.set_name(view["theme"])
    if "font_scale" in view:
        window.presenter.set_normal_font_scale(view["font_scale"])
    dock = {"training": window.training_dock, "data": window.data_dock, "runs": window.runs_dock}.get(view.get("panel"))
    if dock is not None and window.model.network is not None and not window.presenter.active:
        dock.show()
        dock.raise_()
    if "zoom" in view and "centre" in view:
        # After the fit the new graph asks for (queued when it was drawn).
        QTimer.singleShot(0, lambda: _zoom_to(window.view, view["zoom"], QPointF(*view["centre"])))


def _zoom_to(view, zoom: float, centre: QPointF) -> None:
    view.resetTransform()
    view.scale(zoom, zoom)
    view.centerOn(centre)
    view.moved_by_hand = True  # a resize keeps this view rather than fitting again


def _raised_panel(window) -> str:
    for name, dock in zip(SIDE_PANELS, (window.training_dock, window.data_dock, window.runs_dock), strict=True):
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            return name
    return "training"


def _same_base(a, b) -> bool:
    """Whether two networks differ at most in their settings (learning rate, batch size, optimiser):
    stops of one can be saved with the other."""
    from core import network_file

    if a is b:
        return True
    settings = {"learning_rate": 1.0, "batch_size": None, "view": None, "planted_bug": None}
    first, second = (network_file.to_dict(n.with_settings(optimizer=b.optimizer, **settings)) for n in (a, b))
    return first == second
