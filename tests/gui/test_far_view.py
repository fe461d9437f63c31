"""A view too small for any text ("far": a big graph fitted whole, or zoomed far out): the nodes'
boxes are drawn with the resting curves, and the items paint nothing but the current and selected
nodes. What the view shows, and what an export draws, stay the same."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem

from gui import theme
from gui.graph.node_item import NodeLook
from tests.gui.helpers import click_node, edge, node, press

CTRL = Qt.KeyboardModifier.ControlModifier
NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


def zoom_far_out(qtbot, window) -> None:
    press(qtbot, window, Qt.Key.Key_Minus, times=15, modifier=CTRL)
    window.view.viewport().repaint()


def fit(qtbot, window) -> None:
    press(qtbot, window, Qt.Key.Key_0, modifier=CTRL)
    window.view.viewport().repaint()


def pixel_at_centre(window, item) -> QColor:
    view = window.view
    image = view.viewport().grab().toImage()
    return image.pixelColor(view.mapFromScene(item.sceneBoundingRect().center()))


def near(a: QColor, b: QColor, tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def rendered(window) -> QImage:
    rect = window.scene.sceneRect()
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    window.scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    painter.end()
    return image


def test_far_out_the_boxes_are_drawn_with_the_curves(window, qtbot):
    press(qtbot, window, Qt.Key.Key_Right)
    assert not window.scene.far
    zoom_far_out(qtbot, window)
    assert window.scene.far
    current = [item for item in window.scene.nodes.values() if item.current]
    assert len(current) == 1
    for item in window.scene.nodes.values():
        assert bool(item.flags() & NO_CONTENTS) == (item not in current)  # only the current one paints itself
    params = [item for item in window.scene.nodes.values() if item.look is NodeLook.PARAM]
    assert params
    for item in params:  # drawn by the scene: each box in the parameters' fill
        assert near(pixel_at_centre(window, item), theme.colour("param_fill"))


def test_far_out_labels_are_not_shown_and_come_back_near(window, qtbot):
    press(qtbot, window, Qt.Key.Key_Right, times=3)
    labels = edge(window, "w1", "w1·x1").labels
    assert labels is not None
    assert labels.isVisible()
    zoom_far_out(qtbot, window)
    assert not labels.isVisible()
    fit(qtbot, window)
    assert not window.scene.far
    assert labels.isVisible()
    assert not any(item.flags() & NO_CONTENTS for item in window.scene.nodes.values())


def test_a_node_selected_far_out_paints_itself(window, qtbot):
    zoom_far_out(qtbot, window)
    item = node(window, "w1")
    assert item.flags() & NO_CONTENTS
    click_node(qtbot, window, "w1")
    assert item.isSelected()
    assert not item.flags() & NO_CONTENTS


def test_an_export_draws_every_item_at_any_zoom(window, qtbot):
    press(qtbot, window, Qt.Key.Key_Right, times=4)
    near_image = rendered(window)
    zoom_far_out(qtbot, window)
    far_image = rendered(window)
    assert window.scene.far  # as it was: the export drew at its own scale, with every item
    assert far_image == near_image


def test_a_node_selected_far_out_stays_selected_through_a_new_layout(window, qtbot):
    zoom_far_out(qtbot, window)
    click_node(qtbot, window, "w1")
    window.scene.relayout()  # as a font change does: the items are made again
    item = node(window, "w1")
    assert item.isSelected()
    assert not item.flags() & NO_CONTENTS
    assert node(window, "w2").flags() & NO_CONTENTS
