"""Switching graphs in the window keeps the parameters, the epoch count and the place in the epoch."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.helpers import f3, node, press


def _switch(window, qtbot, key):
    window.mode_box.setFocus()
    qtbot.keyClick(window.mode_box, key)
    window.setFocus()


def test_step_switch_step_counts_epochs_and_keeps_the_weights(window, qtbot):
    panel = window.training_panel
    press(qtbot, window, Qt.Key.Key_N)  # example 1 stepped and updated
    b_after_one = float(window.model.session.params["b1"][0])
    _switch(window, qtbot, Qt.Key.Key_Down)  # the layer graph
    assert panel.epoch_label.text() == "0.25"
    assert window.model.session.current.examples == (1, 2, 3)
    assert window.narration.lines()[0].startswith("Batch of 3 (examples 2–4 of 4)")
    assert node(window, "b").value_text.endswith(f"[{f3(b_after_one)}]")  # the weights stepped so far
    press(qtbot, window, Qt.Key.Key_N)
    assert panel.epoch_label.text() == "1"
    assert window.act_next.text() == "Next batch"
    press(qtbot, window, Qt.Key.Key_N)
    assert panel.epoch_label.text() == "2"
    _switch(window, qtbot, Qt.Key.Key_Up)  # the scalar graph, from example 1 of the next epoch
    assert window.narration.lines()[0].startswith("Example 1 of 4")
    b = float(window.model.session.params["b1"][0])
    assert node(window, "b").value_text == f3(b)
    press(qtbot, window, Qt.Key.Key_N, 2)
    assert panel.epoch_label.text() == "2.5"
    window.refresh_now()
    assert window.cost_plot.point_count == 2  # epochs 1 and 2, the first begun in the scalar graph
