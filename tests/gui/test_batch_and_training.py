"""Batch mode, training off the UI thread, and divergence, in the real window."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer

from core.session import Mode
from tests.gui.helpers import f3, node, press


def _to_batch_mode(qtbot, window) -> None:
    window.mode_box.setFocus()
    qtbot.keyClick(window.mode_box, Qt.Key.Key_Down)
    assert window.model.mode is Mode.BATCH


def test_batch_mode_shows_the_vectorized_numbers(window, qtbot, reference):
    epoch1 = reference["batch"]["epochs"][0]
    _to_batch_mode(qtbot, window)
    assert node(window, "C").value_text == ""
    window.act_end_forward.trigger()
    assert node(window, "C").value_text == f3(epoch1["cost"]) == "0.089"
    assert node(window, "Ŷ").value_text == "4×1\n[" + ", ".join(f3(v) for v in epoch1["Yhat"]) + "]"
    press(qtbot, window, Qt.Key.Key_U)
    w_after = "[" + ", ".join(f3(v) for v in epoch1["W_after"]) + "]"
    assert w_after == "[0.148, 0.639]"
    assert node(window, "W").update_text == f"new W = {w_after}"
    assert node(window, "b").update_text == f"new b = [{f3(epoch1['b_after'])}]"


def test_batch_gradients_on_the_edges(window, qtbot, reference):
    epoch1 = reference["batch"]["epochs"][0]
    _to_batch_mode(qtbot, window)
    window.act_end_backward.trigger()
    assert edge_text(window, "W", "X·W") == "[" + ", ".join(f3(v) for v in epoch1["dC_dW"]) + "]"
    assert edge_text(window, "Ŷ", "L") == "4×1"  # too long for the edge: its node shows the numbers
    assert node(window, "Ŷ").grad_text == "∂C/∂Ŷ =\n[" + ", ".join(f3(v) for v in epoch1["dC_dYhat"]) + "]"
    assert f3(epoch1["dYhat_dZ"][0]) in node(window, "Ŷ").local_text


def edge_text(window, source, target):
    from tests.gui.helpers import edge

    return edge(window, source, target).backward_text


def test_train_5000_epochs(window, qtbot, reference):
    final = reference["batch"]["after_5000_epochs"]
    panel = window.training_panel
    assert panel.epochs.value() == 5000
    qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert window.trainer.running
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=30000)
    qtbot.waitUntil(lambda: window.cost_plot.point_count == 5000, timeout=2000)
    epochs, costs = window.model.session.cost_curve()
    assert epochs[-1] == 5000
    assert abs(costs[-1] - final["cost_at_epoch_5000"]) < 1e-9
    assert abs(costs[0] - reference["batch"]["epochs"][0]["cost"]) < 1e-12
    params = window.model.session.params
    assert np.allclose(params["W1"].ravel(), final["W"], atol=1e-9)
    assert panel.epoch_label.text() == "5,000"
    # Pausing shows the trained weights in the graph (the walkthrough's scalar graph).
    assert node(window, "w1").value_text == f3(final["W"][0]) == "6.434"


def test_window_stays_responsive_while_training(window, qtbot):
    # The plots are built once, shortly after the first paint (pyqtgraph loads then):
    # build them now, so the ticks below measure training alone, whatever ran before this test.
    assert window.cost_plot is not None
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    qtbot.mouseClick(window.training_panel.play_button, Qt.MouseButton.LeftButton)
    assert window.trainer.running
    timer.start()
    qtbot.wait(1000)
    qtbot.mouseClick(window.training_panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=5000)
    timer.stop()
    # A 10 ms timer fires ~100 times a second; a blocked UI thread would fire it a handful of times.
    assert len(ticks) >= 40
    assert len(window.model.session.history) > 0
    assert window.training_panel.play_button.text() == "Play"


def test_stepping_is_refused_while_training(window, qtbot):
    window.trainer.start()
    assert not window.act_step.isEnabled()
    window.trainer.pause()
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=5000)
    assert window.act_step.isEnabled()
    press(qtbot, window, Qt.Key.Key_Right)
    assert window.model.session.cursor == 1


def test_divergence_pauses_with_a_message_and_keeps_finite_weights(window, qtbot):
    window.preset_actions["house_prices"].trigger()
    assert window.windowTitle() == "Backprop Stepper — House prices"
    qtbot.mouseClick(window.training_panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=10000)
    assert window.message_bar.isVisible()
    assert "learning rate 0.01 is probably too large" in window.message_bar.text()
    params = window.model.session.params
    assert all(np.all(np.isfinite(v)) for v in params.values())
    assert np.all(np.isfinite(window.model.session.cost_curve()[1]))


def test_learning_rate_and_batch_settings_reach_the_session(window, qtbot):
    panel = window.training_panel
    panel.learning_rate.setValue(0.5)
    assert window.model.network.learning_rate == 0.5
    panel.batch_mode.setCurrentIndex(1)
    panel.batch_size.setValue(2)
    assert window.model.network.batch_size == 2
    window.act_end_backward.trigger()
    press(qtbot, window, Qt.Key.Key_U)
    assert node(window, "b").update_text == f"new b = {f3(0 - 0.5 * 0.125)}"


def test_layer_graph_narration_says_how_matrices_send(window, qtbot):
    _to_batch_mode(qtbot, window)
    window.act_end_backward.trigger()
    last = window.narration.lines()[-1]
    assert last.startswith("B5  · X·W: upstream [")
    assert "→ sends upstream·Wᵀ = " in last
    assert "→ sends Xᵀ·upstream = [−0.048, −0.039] to W" in last


def test_layer_graph_chain_keeps_transposes_and_sums(window, qtbot):
    _to_batch_mode(qtbot, window)
    window.act_update.trigger()
    window.chain_panel.select("W1")
    text = window.chain_panel.toPlainText()
    assert "∂C/∂W = Xᵀ·∂C/∂(X·W)" in text
    assert "∂C/∂Ŷ = ∂C/∂L × (−(Y−Ŷ))" in text
    window.chain_panel.select("b1")
    assert "∂C/∂b = Σ over rows of ∂C/∂Z" in window.chain_panel.toPlainText()
