"""Small helpers for driving the window as a user would."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import Qt


def press(qtbot, window, key, times: int = 1, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    for _ in range(times):
        qtbot.keyClick(window, key, modifier)


def node(window, label: str):
    """The node item whose graph label is ``label``."""
    graph = window.model.current.graph
    (node_id,) = [n.id for n in graph.nodes if n.label == label]
    return window.scene.nodes[node_id]


def edge(window, source: str, target: str):
    graph = window.model.current.graph
    ids = {n.label: n.id for n in graph.nodes}
    return window.scene.edges[(ids[source], ids[target])]


def click_dock_tab(qtbot, window, title: str) -> None:
    """Click the tab that brings the panel ``title`` to the front of its group."""
    from PySide6.QtWidgets import QTabBar

    def shown_bar():
        for bar in window.findChildren(QTabBar, "", Qt.FindChildOption.FindDirectChildrenOnly):
            if bar.isVisible() and title in [bar.tabText(k) for k in range(bar.count())]:
                return bar
        return None

    qtbot.waitUntil(lambda: shown_bar() is not None)  # Qt lays out a group's tab bar after showing the window
    bar = shown_bar()
    tabs = [bar.tabText(k) for k in range(bar.count())]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tabs.index(title)).center())


def click_node(qtbot, window, label: str) -> None:
    item = node(window, label)
    view = window.view
    point = view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def f3(x: float) -> str:
    """A number as the window shows it by default: 3 decimals rounded half away from zero (as a class
    rounds by hand), a real minus sign."""
    rounded = Decimal(repr(float(x))).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    return "0.000" if rounded == 0 else f"{rounded:f}".replace("-", "−")


def big_graph_window(qtbot):
    """The 2-16-16-1 network (711 nodes in its scalar graph) in a shown 1200x800 window, painted once."""
    from core.datasets import two_spirals
    from core.network import Layer, Network
    from core.session import Mode
    from gui.main_window import MainWindow

    X, y = two_spirals(10, seed=0)
    layers = (Layer(16, "tanh"), Layer(16, "tanh"), Layer(1, "sigmoid"))
    window = MainWindow(Network("2-16-16-1", 2, layers, "log_loss", 0.3, X, y, seed=1), Mode.EXAMPLE)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.view.painted)
    return window
