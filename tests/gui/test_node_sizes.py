"""Every node is wide enough for every line it draws, measured as drawn (sizing measures lines
that differ only in their digits once: node_item.digits_alike)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.presets import load_preset, preset_keys
from core.session import Mode, Session
from gui import theme
from gui.graph import node_item
from gui.graph.scene import GraphScene
from tests.gui.helpers import press


def _too_narrow(scene: GraphScene) -> list[str]:
    """The lines drawn wider than their node's room for them, measured directly."""
    side = node_item.SIDE_PADDING - 2  # as NodeItem._draw_lines insets them
    cut = []
    for item in scene.nodes.values():
        lines = item._lines()
        for (mark, text, _, _), (_, metrics) in zip(lines, item._styles(lines), strict=True):
            if node_item._line_width(metrics, mark, text) > item.width - 2 * side + 0.01:
                cut.append(f"{item.title}: {text!r}")
    return cut


@pytest.mark.parametrize("key", preset_keys())
@pytest.mark.parametrize("mode", [Mode.EXAMPLE, Mode.BATCH])
def test_every_line_fits_its_node_at_the_end_of_the_pass(qapp, key, mode):
    step_pass = Session(load_preset(key), mode).current
    scene = GraphScene()
    scene.build(step_pass, 3)
    scene.show_state(step_pass, step_pass.state_at(len(step_pass)), 3)
    assert not _too_narrow(scene)


def test_every_line_fits_while_stepping_with_more_decimals(window, qtbot):
    window.settings.set_decimals(6)
    for _ in range(len(window.model.session.current)):
        press(qtbot, window, Qt.Key.Key_Right)
        assert not _too_narrow(window.scene)


@pytest.mark.parametrize("title", [False, True])
def test_lines_differing_in_digits_are_measured_as_the_widest_digits(title):
    digits = node_item.digits_alike(theme.THEME.font_scale, title)
    metrics = theme.metrics(theme.node_title_font() if title else theme.node_font())
    widest = max(metrics.horizontalAdvance(d) for d in "0123456789")
    assert {metrics.horizontalAdvance(chr(digits[ord(d)])) for d in "0123456789"} == {widest}
    assert "w12,3² = −0.5".translate(digits) == "w{0}{0},{0}² = −{0}.{0}".format(chr(digits[ord("0")]))


def test_other_decimals_keep_the_node_selected(window, qtbot):
    from tests.gui.helpers import click_node, node

    click_node(qtbot, window, "w1")
    window.settings.set_decimals(5)
    assert node(window, "w1").isSelected()
    assert not _too_narrow(window.scene)


def test_other_decimals_keep_the_view_on_the_part_of_the_graph_it_showed(qtbot):
    """Laid out again for longer numbers, a big graph zoomed in on shows the same node where it was; a
    fitted one is fitted again."""
    from tests.gui.helpers import big_graph_window

    window = big_graph_window(qtbot)
    view, scene = window.view, window.scene
    window.settings.set_decimals(6)  # wider nodes: the fitted graph is fitted again
    assert view.mapToScene(view.viewport().rect()).boundingRect().contains(scene.sceneRect().adjusted(1, 1, -1, -1))
    window.act_follow.setChecked(False)  # the view stays where the user put it
    for _ in range(8):  # the graph wider and taller than the view
        view.zoom_in()
    middle = scene.sceneRect().center()
    looked_at = min(scene.nodes, key=lambda node_id: (scene.nodes[node_id].pos() - middle).manhattanLength())
    view.centerOn(scene.nodes[looked_at])
    at, before = view.mapFromScene(scene.nodes[looked_at].pos()), scene.nodes[looked_at].pos()
    window.settings.set_decimals(1)
    assert (scene.nodes[looked_at].pos() - before).manhattanLength() > 100  # the graph moved under it
    assert (view.mapFromScene(scene.nodes[looked_at].pos()) - at).manhattanLength() <= 2
