"""The window's size and the panels around the graph, remembered between runs.

Every panel is a dock widget: closed with its title bar's button, shown again from View → Panels,
moved, floated or tabbed by dragging. The window opens at a size that fits the screen, then at the
size, place and layout it was left at (gui.preferences); stored values that do not restore are ignored.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QTabBar, QWidget

from gui.preferences import preferences

GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
LAYOUT_VERSION = 2  # saveState's version: a layout saved by an older arrangement of the panels is not restored
DEFAULT_SIZE = (1600, 1000)  # the most the window opens at, when the screen allows
FRAME_ALLOWANCE = 16  # for the window manager's frame and title bar around the window itself
SIDE_WIDTH = 270  # the column of panels on the left
SIDE_GROUPS = 2  # chain rule | narration, and training | data | runs, on the left
SIDE_SHARES = (0.55, 0.45)  # of the window's height
STRIP_SHARE = 0.195  # of the window's height, for the plots' strip under the graph (140 px at 720: the
# OR gate's digits stay 10 px there; at 1000 the graph is as wide as it can be, and the plots get 195)
STRIP_HEIGHT_LEAST = 100  # px


def dock(window: QMainWindow, title: str, name: str, widget: QWidget) -> QDockWidget:
    """A panel that can be closed (View → Panels shows it again), moved, floated and tabbed."""
    panel = QDockWidget(title, window)
    panel.setObjectName(name)
    panel.setWidget(widget)
    feature = QDockWidget.DockWidgetFeature
    panel.setFeatures(feature.DockWidgetMovable | feature.DockWidgetClosable | feature.DockWidgetFloatable)
    return panel


def put_in(panel: QDockWidget, widget: QWidget) -> None:
    """``widget`` in place of what ``panel`` holds (a placeholder, let go)."""
    placeholder = panel.widget()
    panel.setWidget(widget)
    if placeholder is not None:
        placeholder.deleteLater()


def fit_to_screen(window: QMainWindow) -> None:
    """The default size, or the screen's available area where that is smaller, centred on it."""
    screen = window.screen().availableGeometry()
    width = min(DEFAULT_SIZE[0], screen.width() - FRAME_ALLOWANCE)
    height = min(DEFAULT_SIZE[1], screen.height() - FRAME_ALLOWANCE)
    window.resize(width, height)
    window.move(screen.x() + (screen.width() - width) // 2, screen.y() + (screen.height() - height) // 2)


def scrolled(panel: QWidget) -> QScrollArea:
    """A tall panel in a scroll area, so its group of tabs can be short."""
    area = QScrollArea()
    area.setWidget(panel)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


def arrange(window: QMainWindow, groups) -> None:
    """The default arrangement: each group of panels tabbed, the first two groups one above the other
    on the left (they run the window's full height), the others side by side under the graph; the
    first of each group in front."""
    window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
    for k, group in enumerate(groups):
        for panel in group:
            panel.setFloating(False)
        if k < SIDE_GROUPS:
            window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, group[0], Qt.Orientation.Vertical)
        else:
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, group[0], Qt.Orientation.Horizontal)
        for panel in group[1:]:
            window.tabifyDockWidget(group[0], panel)
        group[0].raise_()


def hide_stale_tab_bars(window: QMainWindow) -> None:
    """Hide the tab bars Qt leaves on screen from a group's earlier states when docks are tabified
    (Qt 6 keeps them visible): a bar in use lies against the panel of its current tab."""
    own = Qt.FindChildOption.FindDirectChildrenOnly  # the docks and their bars are the window's own children
    shown = [d for d in window.findChildren(QDockWidget, "", own) if d.isVisible() and not d.isFloating()]
    docks = {d.windowTitle(): d for d in shown}
    for bar in window.findChildren(QTabBar, "", own):
        if not bar.isVisible():
            continue
        dock = docks.get(bar.tabText(bar.currentIndex()))
        edge = dock.geometry() if dock is not None else None
        against = edge is not None and (
            abs(bar.geometry().top() - edge.bottom() - 1) <= 2 or abs(edge.top() - bar.geometry().bottom() - 1) <= 2
        )
        if not against:
            bar.hide()


def default_dock_sizes(window: QMainWindow, groups) -> None:
    """The graph gets the most room: a narrow column of panels on the left, a low strip of plots."""
    firsts = [group[0] for group in groups]
    side, strip = firsts[:SIDE_GROUPS], firsts[SIDE_GROUPS:]
    window.resizeDocks(side[:1], [SIDE_WIDTH], Qt.Orientation.Horizontal)
    window.resizeDocks(side, [int(window.height() * share) for share in SIDE_SHARES], Qt.Orientation.Vertical)
    if strip:
        follower = window.findChild(_StripFollower) or _StripFollower(window, strip[0])
        follower.follow()
        width = max(window.width() - SIDE_WIDTH, 200) // len(strip)
        window.resizeDocks(strip, [width] * len(strip), Qt.Orientation.Horizontal)


def strip_height(window_height: int) -> int:
    """The plots' strip's height in a window ``window_height`` pixels high."""
    return max(STRIP_HEIGHT_LEAST, round(STRIP_SHARE * window_height))


class _StripFollower(QObject):
    """Keeps the plots' strip at its share of the window's height as the window is resized, until the
    user sizes it by hand (presenter mode's own arrangement aside)."""

    def __init__(self, window: QMainWindow, panel: QDockWidget) -> None:
        super().__init__(window)
        self.window, self.panel = window, panel
        self.height: int | None = None  # the strip's height as last set here; None once sized by hand
        self.window_height = 0  # the window's height then
        window.installEventFilter(self)
        panel.installEventFilter(self)

    def follow(self) -> None:
        self.window_height = self.window.height()
        self.height = strip_height(self.window_height)
        self.window.resizeDocks([self.panel], [self.height], Qt.Orientation.Vertical)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Resize or self.height is None or self._presenting():
            return False
        if watched is self.window and self.window.height() != self.window_height:
            self.follow()
        elif (
            watched is self.panel
            and self.window.height() == self.window_height
            and self.panel.isVisible()
            and abs(self.panel.height() - self.height) > 1
        ):
            self.height = None  # the window kept its height: the user dragged the strip's edge
        return False

    def _presenting(self) -> bool:
        presenter = getattr(self.window, "presenter", None)
        return presenter is not None and presenter.active


def restore(window: QMainWindow) -> bool:
    """The size, place and panel layout the window was left at; False (nothing changed) if none is
    stored or what is stored does not restore."""
    stored = preferences()
    geometry, state = stored.value(GEOMETRY_KEY), stored.value(STATE_KEY)
    if not isinstance(geometry, QByteArray) or not isinstance(state, QByteArray):
        return False
    size, place = window.size(), window.pos()
    if not window.restoreGeometry(geometry):
        return False
    if not window.restoreState(state, LAYOUT_VERSION):
        window.resize(size)
        window.move(place)
        return False
    return True


def save(window: QMainWindow, state: QByteArray | None = None) -> None:
    """Remember the window's size, place and panel layout (``state``: a layout to keep instead of
    the one shown, as presenter mode keeps the one it will return to)."""
    stored = preferences()
    stored.setValue(GEOMETRY_KEY, window.saveGeometry())
    stored.setValue(STATE_KEY, state if state is not None else window.saveState(LAYOUT_VERSION))
    stored.sync()
