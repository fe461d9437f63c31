"""A parameter clicked before the update step shows its pending update once its gradient is known,
with α and the gradient, checked against the OR-gate walkthrough's reference numbers."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.helpers import click_node, f3, press


def _panel(window) -> str:
    return window.chain_panel.toPlainText()


def test_a_parameter_shows_its_pending_update_once_its_gradient_is_known(window, qtbot, reference):
    example = reference["example_1"]
    b, rate, grad, after = (
        example["b"],
        example["learning_rate"],
        example["backward"]["dL_db"],
        example["after_update"]["b"],
    )
    line = f"b ← b − α·∂L/∂b = {f3(b)} − {rate:g} × {f3(grad)} = {f3(after)}"
    press(qtbot, window, Qt.Key.Key_F)  # the forward pass only: the gradient is not known yet
    click_node(qtbot, window, "b")
    assert "b ←" not in _panel(window)
    press(qtbot, window, Qt.Key.Key_B)  # the backward pass done, the update not applied
    text = _panel(window)
    assert "Update (pending: applied at the update step)" in text
    assert line in text
    assert window.scene.nodes[_id(window, "b")].value_text == f3(b)  # the graph still shows the old value
    press(qtbot, window, Qt.Key.Key_U)
    text = _panel(window)
    assert line in text
    assert "pending" not in text


def test_the_pending_update_of_a_weight_uses_its_own_gradient(window, qtbot, reference):
    example = reference["example_1"]
    w2, grad = example["w"][1], example["backward"]["dL_dw2"]
    press(qtbot, window, Qt.Key.Key_B)
    click_node(qtbot, window, "w2")
    assert f"w2 ← w2 − α·∂L/∂w2 = {f3(w2)} − 1 × {f3(grad)} = {f3(example['after_update']['w'][1])}" in _panel(window)


def _id(window, label):
    return next(n.id for n in window.model.current.graph.nodes if n.label == label)
