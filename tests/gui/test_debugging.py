"""View → Gradient check and Network → Plant a bug, driven through the real window."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from core.bugs import BUGS
from core.presets import load_preset
from core.training import train_all
from gui.bug_dialog import PlantBugDialog
from tests.gui.helpers import f3, node, press


def _menu_action(window, menu_title: str, text: str):
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == menu_title:
            for action in menu_action.menu().actions():
                if action.text().replace("&", "") == text:
                    return action
    raise AssertionError(f"no {menu_title} → {text}")


def _checked(qtbot, window):
    _menu_action(window, "View", "Gradient check…").trigger()
    dialog = window.debugging.check_dialog
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    return dialog


def _rows(dialog):
    table = dialog.table
    return {table.item(r, 0).text(): table.item(r, 4).text() for r in range(table.rowCount())}


def test_gradient_check_lists_every_entry_and_passes(window, qtbot):
    dialog = _checked(qtbot, window)
    assert _rows(dialog) == {"W1[0,0]": "✓", "W1[1,0]": "✓", "b1[0]": "✓"}
    assert "every entry agrees" in dialog.summary.text()
    check = dialog.result
    assert dialog.table.item(0, 1).text() == f"{check.backprop['W1'][0, 0]:.10g}"
    assert dialog.table.item(0, 2).text() == f"{check.numeric['W1'][0, 0]:.10g}"
    assert float(dialog.table.item(0, 3).text()) < 1e-6


def _plant(qtbot, window, bug: str | None):
    _menu_action(window, "Network", "Plant a bug…").trigger()
    (dialog,) = [d for d in window.findChildren(PlantBugDialog) if d.isVisible()]
    dialog.box.setCurrentIndex(dialog.box.findData(bug))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_a_hidden_bug_is_flagged_revealed_and_removed(window, qtbot):
    window.open_preset("mood_2_2_1")
    dialog = _checked(qtbot, window)
    assert set(_rows(dialog).values()) == {"✓"}
    _plant(qtbot, window, "sum_first_input_only")
    assert window.model.network.planted_bug == "sum_first_input_only"
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    flagged = {k for k, v in _rows(dialog).items() if v == "✗"}
    assert flagged == {"W1[0,1]", "W1[1,0]", "W1[1,1]", "b1[0]", "b1[1]", "W2[1,0]", "b2[0]"}
    assert _menu_action(window, "Network", "Reveal the bug").isEnabled()
    _menu_action(window, "Network", "Reveal the bug").trigger()
    assert BUGS["sum_first_input_only"].title in window.message_bar.text()
    _menu_action(window, "Network", "Remove the bug").trigger()
    assert window.model.network.planted_bug is None
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    assert set(_rows(dialog).values()) == {"✓"}
    assert not _menu_action(window, "Network", "Reveal the bug").isEnabled()


def test_a_random_bug_stays_hidden_and_the_stepper_shows_it(window, qtbot):
    _plant(qtbot, window, None)
    bug = window.model.network.planted_bug
    assert bug in BUGS
    assert bug not in window.message_bar.text()
    assert BUGS[bug].title not in window.message_bar.text()
    assert "hidden" in window.message_bar.text()


def test_the_stepper_shows_the_wrong_local_gradient(window, qtbot):
    press(qtbot, window, Qt.Key.Key_B)  # the OR gate: to the end of the backward pass
    right = window.model.state.grads["b1[0]"]
    assert f3(0.25) in node(window, "ŷ").local_text  # ŷ(1 − ŷ) at ŷ = 0.5
    _plant(qtbot, window, "sigmoid_prime_as_sigmoid")
    step_pass = window.model.current
    (sigmoid,) = [e for e in step_pass.events[step_pass.n_forward :] if step_pass.graph[e.node].label == "ŷ"]
    yhat = step_pass.state_at(step_pass.n_forward).values[sigmoid.node]
    assert sigmoid.local == (yhat,)  # σ instead of σ(1 − σ)
    assert window.model.session.cursor == step_pass.end_of_backward  # the place is kept
    assert window.model.state.grads["b1[0]"] != right
    assert f3(0.5) in node(window, "ŷ").local_text  # the window shows the wrong local gradient
    assert "ŷ(1−ŷ)" in node(window, "ŷ").local_text  # under the formula it claims: hidden


def test_training_uses_the_bugs_gradients(window, qtbot):
    window.model.change_settings(planted_bug="loss_gradient_sign")
    net = window.model.network
    assert net.planted_bug == "loss_gradient_sign"
    clean = train_all(load_preset("or_gate"), net.initial_params(), 50)
    wrong = train_all(net, net.initial_params(), 50)
    assert wrong.costs[-1] > wrong.costs[0] > clean.costs[-1]  # gradient ascent: the cost climbs


def test_training_in_the_window_follows_the_planted_bug(window, qtbot):
    _plant(qtbot, window, "loss_gradient_sign")
    panel = window.training_panel
    panel.epochs.setValue(200)
    qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=30000)
    _, costs = window.model.session.cost_curve()
    net = window.model.network
    expected = train_all(net, net.initial_params(), 200)
    np.testing.assert_allclose(costs, expected.costs, rtol=1e-9)
    assert costs[-1] > costs[0]  # gradient ascent: the cost curve climbs


def test_gradient_check_of_an_expression_lists_its_variables(window, qtbot):
    assert window.open_expression("(x**2 + 1)**3 + x*y", {"x": 2.0, "y": 3.0})
    assert not _menu_action(window, "Network", "Plant a bug…").isEnabled()
    dialog = _checked(qtbot, window)
    assert _rows(dialog) == {"x": "✓", "y": "✓"}
    assert dialog.table.item(0, 1).text() == "303"  # 3·(x² + 1)²·2x + y at (2, 3)


def test_a_session_reopens_the_same_exercise_with_its_bug_still_hidden(window, qtbot, tmp_path):
    path = tmp_path / "exercise.json"
    window.open_preset("mood_2_2_1")
    _plant(qtbot, window, None)
    bug = window.model.network.planted_bug
    press(qtbot, window, Qt.Key.Key_B)
    grads = {n: item.grad_text for n, item in window.scene.nodes.items()}
    assert window.session_actions.save_session(str(path))
    window.open_preset("or_gate")
    assert window.model.network.planted_bug is None
    assert window.open_file(str(path))
    assert window.model.network.planted_bug == bug
    assert {n: item.grad_text for n, item in window.scene.nodes.items()} == grads
    assert "Reveal the bug" in window.message_bar.text()
    assert bug not in window.message_bar.text()
    assert BUGS[bug].title not in window.message_bar.text()
    assert _menu_action(window, "Network", "Reveal the bug").isEnabled()
    window.undo_stack.undo()
    assert window.model.network.planted_bug is None
