"""A view too small for any text ("far": a big graph fitted whole, or zoomed far out): the nodes'
boxes are drawn with the resting curves, and the items paint nothing but the current and selected
nodes. What the view shows, and what an export draws, stay the same."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem

from gui import theme
from gui.graph.node_item import NodeLook
from tests.gui.helpers import big_graph_window, click_node, edge, node, press

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


def test_an_svg_drawn_far_has_every_label_as_text():
    """A scene no view has shown counts as far (as the headless export's): its SVG still writes every
    label as text, none as a picture."""
    from core.presets import load_preset
    from core.session import Mode, Session
    from gui.export import graph_file
    from gui.graph.scene import GraphScene

    step_pass = Session(load_preset("or_gate"), Mode.EXAMPLE).current
    scene = GraphScene()
    scene.build(step_pass, 3)
    scene.show_state(step_pass, step_pass.state_at(12), 3)
    assert scene.far
    far = graph_file(scene, ".svg", 1.0, "far")
    assert scene.far  # as it was
    scene.show_far(False)
    near = graph_file(scene, ".svg", 1.0, "near")
    assert b"<image" not in far
    assert far.count(b"<text") == near.count(b"<text") > 50


def test_an_export_far_out_leaves_a_selected_node_painting_itself(window, qtbot):
    from gui.export import graph_file

    press(qtbot, window, Qt.Key.Key_Right, times=6)
    zoom_far_out(qtbot, window)
    click_node(qtbot, window, "w1")
    svg = graph_file(window.scene, ".svg", 1.0, "graph")
    assert b"<image" not in svg
    item = node(window, "w1")
    assert item.isSelected()
    assert not item.flags() & NO_CONTENTS
    assert window.scene.far


def test_a_node_deselected_far_out_is_painted_over(window, qtbot):
    """Far out, a node that stops painting itself is drawn again from the background (its selection
    outline must not stay on screen): its place is marked changed."""
    zoom_far_out(qtbot, window)
    click_node(qtbot, window, "w1")
    qtbot.wait(20)
    changed = []
    window.scene.changed.connect(changed.extend)
    window.scene.clearSelection()
    qtbot.waitUntil(lambda: bool(changed), timeout=2000)
    centre = node(window, "w1").sceneBoundingRect().center()
    assert any(rect.contains(centre) for rect in changed)


def test_two_nodes_selected_far_out_and_a_new_network(window, qtbot):
    zoom_far_out(qtbot, window)
    node(window, "w1").setSelected(True)
    node(window, "w2").setSelected(True)
    window.open_preset("mood_2_2_1")  # the old items go with two of them selected
    qtbot.wait(20)
    assert not window.scene.selectedItems()


def test_a_big_graph_opens_without_placing_labels_it_cannot_show(qtbot, monkeypatch):
    """2-16-16-1 opens fitted, too far out for any label: the last round of placing its labels (it
    moves no node) waits until zooming in shows them."""
    from gui.graph import placement

    last_rounds = []
    place_labels = placement._place_labels

    def counted(*args):
        last_rounds.append(args[4])  # last_round
        return place_labels(*args)

    monkeypatch.setattr(placement, "_place_labels", counted)
    window = big_graph_window(qtbot)
    assert window.scene.far
    assert last_rounds == [False]  # the first round found gaps to widen; the last has not run
    press(qtbot, window, Qt.Key.Key_Right, times=3)
    press(qtbot, window, Qt.Key.Key_Plus, times=12, modifier=CTRL)
    window.view.viewport().repaint()
    assert not window.scene.far
    assert last_rounds == [False, True]  # once, for every edge
    shown = [e for e in window.scene.edges.values() if e.labels is not None and e.labels.isVisible()]
    assert shown
    for item in shown:  # anchored where the edge leaves its source, past the source's right side
        anchor = item.label_anchor()
        assert anchor.x() > item.source.sceneBoundingRect().right()
        assert item.labels.sceneBoundingRect().adjusted(0, -2, 0, 2).contains(anchor)  # 1 px above or below
