"""The side panel's numbers: the Cost field follows the Decimals setting, the epoch is a count."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from core.training import TrainProgress
from tests.gui.helpers import click_node, press


def test_the_cost_field_follows_the_decimals_setting(window, qtbot):
    panel = window.training_panel
    press(qtbot, window, Qt.Key.Key_N, 4)  # one epoch stepped
    cost = window.model.session.cost_curve()[1][-1]
    assert panel.cost_label.text() == f"{cost:.3f}"
    panel.decimals.setValue(6)
    assert panel.cost_label.text() == f"{cost:.6f}"


def test_a_large_epoch_is_shown_as_a_whole_number(window, qtbot):
    session = window.model.session
    params = session.params
    costs = np.full(1000, 0.5)
    window.model.absorb(TrainProgress(1_084_450, costs, params), 0.0)
    assert window.training_panel.epoch_label.text() == "1,084,450"


def test_a_half_at_the_last_decimal_rounds_away_from_zero_in_the_graph(window, qtbot):
    window._set_param("b1", np.array([-0.0625]))
    click_node(qtbot, window, "b")
    assert window.scene.nodes[_id(window, "b")].value_text == "−0.063"
    assert "−0.063" in window.chain_panel.toPlainText()


def _id(window, label):
    return next(n.id for n in window.model.current.graph.nodes if n.label == label)
