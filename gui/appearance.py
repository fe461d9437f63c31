"""The application follows the live theme: Qt's widget palette and the application font; the theme
chosen in View → Theme is remembered, and without a choice the system's light or dark setting is followed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu

from gui import theme
from gui.preferences import preferences
from gui.theme import THEME, THEME_NAMES

THEME_KEY = "theme"  # in the preferences: one of THEME_NAMES; absent: follow the system
SYSTEM = "system"
MENU_TITLES = {SYSTEM: "Follow the &system", "light": "&Light", "dark": "&Dark", "colour-blind": "&Colour-blind safe"}


def system_theme_name() -> str:
    """ "dark" when the system asks for a dark look (Qt 6.5 and later say so), otherwise "light"."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return "dark" if scheme is not None and scheme() == Qt.ColorScheme.Dark else "light"


def chosen_theme() -> str:
    """The theme the user chose in View → Theme, or SYSTEM."""
    name = preferences().value(THEME_KEY, SYSTEM)
    return name if name in THEME_NAMES else SYSTEM


def choose_theme(choice: str) -> None:
    """Use and remember a theme by name, or SYSTEM to follow the system's setting."""
    if choice == SYSTEM:
        preferences().remove(THEME_KEY)
    else:
        preferences().setValue(THEME_KEY, choice)
    restore_theme()


def restore_theme() -> None:
    """The theme chosen last, or the system's."""
    choice = chosen_theme()
    THEME.set_name(system_theme_name() if choice == SYSTEM else choice)


def widget_palette(app: QApplication) -> QPalette:
    """Qt's palette for the widgets around the graph: the style's own in the light themes, dark in the dark one."""
    if THEME.name != "dark":
        return app.style().standardPalette()
    p = THEME.palette
    colours = {
        QPalette.ColorRole.Window: p.panel,
        QPalette.ColorRole.WindowText: p.text,
        QPalette.ColorRole.Base: p.background,
        QPalette.ColorRole.AlternateBase: p.node_fill,
        QPalette.ColorRole.Text: p.text,
        QPalette.ColorRole.Button: p.node_fill,
        QPalette.ColorRole.ButtonText: p.text,
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: p.node_fill,
        QPalette.ColorRole.ToolTipText: p.text,
        QPalette.ColorRole.PlaceholderText: p.muted,
        QPalette.ColorRole.Highlight: "#3d6a99",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.Light: "#3a444d",
        QPalette.ColorRole.Midlight: "#2c343b",
        QPalette.ColorRole.Mid: "#232a30",
        QPalette.ColorRole.Dark: "#101316",
        QPalette.ColorRole.Shadow: "#000000",
    }
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b7680"))
    return palette


class ApplicationLook(QObject):
    """Keeps the application's widget palette and font in step with THEME (one per application)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._base_font = QFont(app.font())
        self._scale = 1.0
        self._paused = False  # the system's scheme is not followed for now (an export draws the graph)
        self._missed = False  # it changed while paused
        theme.follow(self, self._on_theme_changed)
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._on_system_scheme_changed)

    def _on_theme_changed(self) -> None:
        self._app.setPalette(widget_palette(self._app))
        if THEME.font_scale != self._scale:
            self._scale = THEME.font_scale
            self._app.setFont(_scaled(self._base_font, self._scale))

    def pause_following(self, paused: bool) -> None:
        """While paused a change of the system's light or dark setting waits; it is followed on resuming."""
        self._paused = paused
        if not paused and self._missed:
            self._missed = False
            self._on_system_scheme_changed()

    def _on_system_scheme_changed(self) -> None:
        if self._paused:
            self._missed = True
        elif chosen_theme() == SYSTEM:
            restore_theme()


def follow_theme(app: QApplication) -> None:
    """Make the application's widgets follow THEME (once per application)."""
    if app.findChild(ApplicationLook) is None:
        ApplicationLook(app)


def pause_following_the_system(app: QApplication, paused: bool) -> None:
    """Hold the theme still against the system's setting (an export draws the graph), or follow it again."""
    look = app.findChild(ApplicationLook)
    if look is not None:
        look.pause_following(paused)


def _scaled(font: QFont, scale: float) -> QFont:
    scaled = QFont(font)
    if font.pointSizeF() > 0:
        scaled.setPointSizeF(font.pointSizeF() * scale)
    else:
        scaled.setPixelSize(round(font.pixelSize() * scale))
    return scaled


def add_theme_menu(menu: QMenu, parent: QObject) -> dict[str, QAction]:
    """View → Theme: the system's setting or one of the themes, as radio items; returns them by choice."""
    submenu = menu.addMenu("&Theme")
    group = QActionGroup(parent)
    actions = {}
    for choice, title in MENU_TITLES.items():
        action = QAction(title, parent, checkable=True)
        action.triggered.connect(lambda _=False, c=choice: choose_theme(c))
        group.addAction(action)
        submenu.addAction(action)
        actions[choice] = action
    def show_current() -> None:
        """The item of the theme in use (a session opened may have set one), or the system's while it is followed."""
        choice = chosen_theme()
        following = choice == SYSTEM and THEME.name == system_theme_name()
        actions[SYSTEM if following else THEME.name].setChecked(True)

    theme.follow(submenu, show_current)
    return actions
