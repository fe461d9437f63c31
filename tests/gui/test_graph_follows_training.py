"""While Play trains, the graph shows the weights training has reached, not those it began with."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.helpers import f3, node, press


def _w1(window) -> float:
    return float(window.model.session.params["W1"][0, 0])


def test_the_graph_follows_the_parameters_while_training_runs(window, qtbot):
    began = node(window, "w1").value_text
    assert began == f3(_w1(window))
    press(qtbot, window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: window.trainer.running, timeout=5000)
    qtbot.waitUntil(lambda: node(window, "w1").value_text != began, timeout=20_000)
    assert window.trainer.running  # it changed during the run, not only when paused
    changes = {node(window, "w1").value_text}
    qtbot.waitUntil(lambda: changes.add(node(window, "w1").value_text) or len(changes) >= 3, timeout=20_000)
    assert window.trainer.running
    # What is shown is what training has reached: the session's parameters after a refresh.
    qtbot.waitUntil(lambda: node(window, "w1").value_text == f3(_w1(window)), timeout=5000)
    press(qtbot, window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=5000)
    assert node(window, "w1").value_text == f3(_w1(window))
    assert node(window, "w2").value_text == f3(float(window.model.session.params["W1"][1, 0]))
