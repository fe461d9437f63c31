"""Softmax multiclass in the window: stepping, the chain-rule panel's shortcut, the layer graph."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.session import Mode
from core.softmax_chain import softmax_shortcut
from tests.gui.helpers import click_node, f3, press


@pytest.fixture
def softmax_window(window):
    window.preset_actions["softmax_3_class"].trigger()
    return window


def test_chain_panel_shows_prediction_minus_target_for_a_softmax_sum(softmax_window, qtbot):
    window = softmax_window
    press(qtbot, window, Qt.Key.Key_B)  # to the end of the backward pass
    click_node(qtbot, window, "z1")
    step_pass = window.model.current
    grads = window.model.state.grads
    shortcut = softmax_shortcut(step_pass, "z:1,0")
    text = window.chain_panel.toPlainText()
    assert "Softmax with cross-entropy" in text
    assert "∂L/∂z1 = (ŷ1 − y1)" in text
    (term,) = shortcut.terms
    assert f"({f3(term.prediction)} − {f3(term.target)}) = {f3(grads['z:1,0'])}" in text


def test_chain_panel_sums_over_the_outputs_for_an_input_unit(softmax_window, qtbot):
    window = softmax_window
    press(qtbot, window, Qt.Key.Key_B)
    click_node(qtbot, window, "x1")
    text = window.chain_panel.toPlainText()
    assert "summed over the outputs x1 feeds" in text
    assert "∂L/∂x1 = (ŷ1 − y1)·w11 + (ŷ2 − y2)·w12 + (ŷ3 − y3)·w13" in text
    assert f"= {f3(window.model.state.grads['x1'])}" in text


def test_softmax_steps_in_both_graphs_with_the_batch_shortcut(softmax_window, qtbot):
    window = softmax_window
    press(qtbot, window, Qt.Key.Key_N, times=3)
    assert window.model.session.updates == 3
    window.mode_box.setFocus()
    qtbot.keyClick(window.mode_box, Qt.Key.Key_Down)
    assert window.model.mode is Mode.BATCH
    # The layer graph keeps the place: its first pass is the rest of the full batch, examples 4–45.
    assert window.model.session.current.examples == tuple(range(3, 45))
    press(qtbot, window, Qt.Key.Key_B)
    click_node(qtbot, window, "Z")
    text = window.chain_panel.toPlainText()
    assert "∂C/∂Z = (Ŷ − Y)/m, m = 42" in text
