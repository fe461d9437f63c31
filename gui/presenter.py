"""Presenter mode (F5, Esc or F5 again to leave): the window full screen with the graph, the chain-rule
panel and the cost plot only, every font scaled (a setting, ×1.6 unless chosen otherwise, remembered)
and every line thicker. The menu bar and toolbar are hidden; every key of the window still works,
since each shortcut is the window's own. Leaving restores the layout, the scales and the window's
state exactly as they were."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar

from gui import window_layout
from gui.preferences import preferences
from gui.theme import THEME

SCALE_KEY = "presenter/font_scale"
DEFAULT_SCALE = 1.6
SCALES = (1.25, 1.4, 1.6, 1.8, 2.0, 2.5)
LINE_SCALE = 1.8  # lines this much thicker while presenting
PANELS_SHARE = 0.22  # of the screen's height, for the chain-rule panel and the cost plot under the graph


def stored_scale() -> float:
    """The presenter font scale the user chose last (DEFAULT_SCALE if none, or if what is stored is not one)."""
    try:
        scale = float(preferences().value(SCALE_KEY, DEFAULT_SCALE))
    except (TypeError, ValueError):
        return DEFAULT_SCALE
    return scale if scale in SCALES else DEFAULT_SCALE


@dataclass
class _Before:
    """What presenter mode changes, as it was."""

    layout: QByteArray
    geometry: QRect
    state: Qt.WindowState
    font_scale: float
    line_scale: float
    compact: bool
    bars: dict  # menu bar and toolbars: visible or not
    panel_fonts: dict  # the shown panels' fonts (their title bars')


class Presenter(QObject):
    """Presenter mode for ``window`` (a MainWindow): enter(), leave(), and its actions in the View menu."""

    def __init__(self, window: QMainWindow, menu: QMenu, shown_panels: list[QDockWidget]) -> None:
        super().__init__(window)
        self.window = window
        self.shown_panels = shown_panels  # the chain-rule panel and the cost plot
        self.scale = stored_scale()
        self._before: _Before | None = None
        self.action = QAction("&Presenter mode", window, checkable=True)
        self.action.setShortcut(QKeySequence("F5"))
        self.action.setToolTip("Full screen, large type, the graph with the chain rule and the cost (F5; Esc leaves)")
        self.action.toggled.connect(self._on_toggled)
        self.leave_action = QAction("Leave presenter mode", window, enabled=False)
        self.leave_action.setShortcut(QKeySequence("Esc"))
        self.leave_action.triggered.connect(lambda: self.action.setChecked(False))
        for action in (self.action, self.leave_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)
        menu.addAction(self.action)
        sizes = menu.addMenu("Presenter &font size")
        group = QActionGroup(self)
        self.scale_actions = {}
        for scale in SCALES:
            choice = QAction(f"×{scale:g}", window, checkable=True, checked=scale == self.scale)
            choice.triggered.connect(lambda _=False, s=scale: self.set_scale(s))
            group.addAction(choice)
            sizes.addAction(choice)
            self.scale_actions[scale] = choice

    @property
    def active(self) -> bool:
        return self._before is not None

    @property
    def normal_font_scale(self) -> float:
        """The font scale outside presenter mode: while presenting, the one leaving returns to."""
        return self._before.font_scale if self._before is not None else THEME.font_scale

    def set_normal_font_scale(self, scale: float) -> None:
        """Set the font scale outside presenter mode; while presenting it waits until leaving."""
        if self._before is not None:
            self._before.font_scale = scale
        else:
            THEME.set_font_scale(scale)

    def set_scale(self, scale: float) -> None:
        """The font scale presenter mode uses (remembered); applied at once while presenting."""
        self.scale = scale
        self.scale_actions[scale].setChecked(True)
        preferences().setValue(SCALE_KEY, scale)
        if self.active:
            THEME.set_font_scale(scale)
            self._scale_titles()
            QTimer.singleShot(0, self.window.view.fit)

    def enter(self) -> None:
        self.action.setChecked(True)

    def leave(self) -> None:
        self.action.setChecked(False)

    def _on_toggled(self, on: bool) -> None:
        if on and not self.active:
            self._enter()
        elif not on and self.active:
            self._leave()

    def _enter(self) -> None:
        w = self.window
        if w.act_graph_only.isChecked():
            w.act_graph_only.setChecked(False)  # back to the panels, which presenter mode then arranges
        self._keep_every_shortcut()
        bars = [w.menuBar(), *w.findChildren(QToolBar)]
        self._before = _Before(
            w.saveState(window_layout.LAYOUT_VERSION),
            w.geometry(),
            w.windowState(),
            THEME.font_scale,
            THEME.line_scale,
            THEME.compact,
            {bar: bar.isVisible() for bar in bars},
            {panel: panel.font() for panel in self.shown_panels},
        )
        for bar in bars:
            bar.hide()
        for panel in w.findChildren(QDockWidget):
            if panel not in self.shown_panels:
                panel.hide()
        for panel in self.shown_panels:
            panel.setFloating(False)
            w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, panel, Qt.Orientation.Horizontal)
            panel.show()
        self.leave_action.setEnabled(True)
        with THEME.one_change():  # the graph laid out once
            THEME.set_compact(True)
            THEME.set_font_scale(self.scale)
            THEME.set_line_scale(LINE_SCALE)
        self._scale_titles()
        w.showFullScreen()
        self.arrange()

    def _scale_titles(self) -> None:
        """The shown panels' title bars in the presenter's font scale, bold. (Qt draws a panel's title
        in the platform's title font, which no scale reaches, while the panel's font is the
        application's; what the panels hold sets its own fonts from the theme.)"""
        for panel, font in self._before.panel_fonts.items():
            title = QFont(font)
            title.setPointSizeF(font.pointSizeF() * THEME.font_scale)
            title.setBold(True)
            panel.setFont(title)

    def arrange(self) -> None:
        """The chain-rule panel and the cost plot side by side under the graph, in a low strip."""
        w = self.window
        w.resizeDocks(self.shown_panels[:1], [int(w.height() * PANELS_SHARE)], Qt.Orientation.Vertical)
        half = w.width() // len(self.shown_panels)
        w.resizeDocks(self.shown_panels, [half] * len(self.shown_panels), Qt.Orientation.Horizontal)
        QTimer.singleShot(0, lambda: window_layout.hide_stale_tab_bars(w))
        QTimer.singleShot(0, w.view.fit)

    def _leave(self) -> None:
        w, before = self.window, self._before
        if w.act_graph_only.isChecked():
            w.act_graph_only.setChecked(False)
        self._before = None
        self.leave_action.setEnabled(False)
        with THEME.one_change():
            THEME.set_compact(before.compact)
            THEME.set_font_scale(before.font_scale)
            THEME.set_line_scale(before.line_scale)
        for bar, visible in before.bars.items():
            bar.setVisible(visible)
        for panel, font in before.panel_fonts.items():
            panel.setFont(font)
        w.setWindowState(before.state)
        if not before.state & (Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMaximized):
            w.setGeometry(before.geometry)
        w.restoreState(before.layout, window_layout.LAYOUT_VERSION)
        QTimer.singleShot(0, lambda: window_layout.hide_stale_tab_bars(w))
        QTimer.singleShot(0, w.view.fit)

    def _keep_every_shortcut(self) -> None:
        """Make every menu action with a shortcut the window's own, so it works with the menu bar hidden."""
        w = self.window
        menus = list(w.menuBar().findChildren(QMenu))
        owned = set(w.actions())
        for menu in menus:
            for action in menu.actions():
                if action not in owned and not action.shortcut().isEmpty():
                    w.addAction(action)
                    owned.add(action)
