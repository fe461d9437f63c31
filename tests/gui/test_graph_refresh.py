"""A step rewrites only the items it touches: what the graph shows must equal a full rewrite, at every cursor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.presets import load_preset
from core.session import Mode
from gui.graph.scene import GraphScene
from tests.gui.helpers import press


def shown(scene: GraphScene) -> dict:
    nodes = {
        k: (i.value_text, i.grad_text, i.local_text, i.update_text, i.current, i.toolTip())
        for k, i in scene.nodes.items()
    }
    edges = {k: (e.forward_text, e.backward_text, e.active, e.toolTip()) for k, e in scene.edges.items()}
    return {"nodes": nodes, "edges": edges}


def written_in_full(window) -> dict:
    """The same state written on a freshly built scene, every item at once."""
    step_pass = window.settings.shown(window.model.current)
    scene = GraphScene()
    scene.build(step_pass, window.settings.decimals)
    scene.show_state(step_pass, step_pass.state_at(window.model.session.cursor), window.settings.decimals)
    return shown(scene)


def step_through_and_back(window, step, back) -> None:
    steps = len(window.model.current)
    for move, times in ((step, steps + 2), (back, steps + 2)):
        for _ in range(times):
            move()
            assert shown(window.scene) == written_in_full(window)
    assert window.model.session.cursor == 0


def test_keys_through_the_walkthrough_show_what_a_full_rewrite_shows(window, qtbot):
    step_through_and_back(
        window, lambda: press(qtbot, window, Qt.Key.Key_Right), lambda: press(qtbot, window, Qt.Key.Key_Left)
    )
    # A jump over the whole pass and a change of decimals rewrite everything too.
    press(qtbot, window, Qt.Key.Key_B)
    assert window.model.session.cursor > 0
    assert shown(window.scene) == written_in_full(window)
    window.settings.set_decimals(5)
    assert shown(window.scene) == written_in_full(window)


@pytest.mark.parametrize(("preset", "mode"), [("mood_2_2_1", Mode.EXAMPLE), ("softmax_3_class", Mode.BATCH)])
def test_stepping_bigger_graphs_shows_what_a_full_rewrite_shows(qtbot, preset, mode):
    from gui.main_window import MainWindow

    window = MainWindow(load_preset(preset), mode)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    step_through_and_back(window, window.act_step.trigger, window.act_back.trigger)
