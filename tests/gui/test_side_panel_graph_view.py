"""The graph view above the side panel keeps the whole graph in sight as the window changes size."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def graph_fits(window) -> bool:
    """The whole graph is inside the view, with no scrollbars."""
    view = window.view
    shown = view.mapFromScene(window.scene.sceneRect()).boundingRect()
    return (
        view.viewport().rect().adjusted(-1, -1, 1, 1).contains(shown)
        and not view.horizontalScrollBar().isVisible()
        and not view.verticalScrollBar().isVisible()
    )


def resize(qtbot, window, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size().width() == width, timeout=2000)
    qtbot.wait(20)


def test_the_graph_is_refitted_when_the_window_shrinks(window, qtbot):
    qtbot.wait(20)
    assert graph_fits(window)
    resize(qtbot, window, 900, 600)
    assert graph_fits(window)


def test_the_graph_is_refitted_when_the_message_bar_appears(window, qtbot):
    resize(qtbot, window, 1000, 560)
    window.show_message("A long message. " * 30)
    qtbot.waitUntil(window.message_bar.isVisible)
    qtbot.wait(20)
    assert graph_fits(window)


def test_a_zoom_by_hand_survives_a_resize_until_fit(window, qtbot):
    qtbot.wait(20)
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    zoom = window.view.zoom
    resize(qtbot, window, 1100, 700)
    assert window.view.zoom == zoom
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # Fit to window
    resize(qtbot, window, 900, 600)
    assert graph_fits(window)


def drag(view, start: QPoint, end: QPoint) -> None:
    """Press, move with the button held, release: QTest's mouseMove carries no buttons, so send the events."""
    viewport = view.viewport()
    for kind, pos, button, buttons in (
        (QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseMove, end, Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton),
    ):
        point = QPointF(pos)
        event = QMouseEvent(kind, point, viewport.mapToGlobal(point), button, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, event)


def test_a_pan_by_hand_survives_a_resize(window, qtbot):
    qtbot.wait(20)
    view = window.view
    view.zoom_by(3.0)  # room to pan; zoom_by is the plain verb the marked zoom actions call
    assert not view.moved_by_hand
    viewport = view.viewport()
    empty = [QPoint(x, y) for x in range(10, viewport.width(), 40) for y in range(10, viewport.height(), 40)]
    start = next(p for p in empty if view.itemAt(p) is None)  # on a node, a press is a click
    drag(view, start, start + QPoint(60, 40))
    assert view.moved_by_hand
    zoom = view.zoom
    resize(qtbot, window, 1100, 700)
    assert view.zoom == zoom
    assert view.horizontalScrollBar().isVisible()
