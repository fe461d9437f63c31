"""The side panel's optimiser: choosing one steps and trains with it, its update lines with their
numbers in the narration and the chain-rule panel, Newton's damping, the one-variable lesson."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

from core import session_file
from core.curvature import one_variable
from core.network import Layer
from core.network_file import save
from core.optimizers import Optimizer
from core.presets import load_preset
from core.session import Mode, Session
from core.session_file import SessionDocument
from core.training import train_all
from tests.gui.helpers import click_node, f3, press


def choose(qtbot, window, downs: int) -> None:
    """Arrow down the optimiser box from gradient descent: 1 momentum, 2 Adam, 3 Newton's method."""
    combo = window.training_panel.optimizer_box.choice
    combo.setFocus()
    for _ in range(downs):
        qtbot.keyClick(combo, Qt.Key.Key_Down)


def narration_updates(window) -> list[str]:
    return [ln for ln in window.narration.lines() if ln.startswith("U")]


def test_momentum_steps_through_its_v_and_theta_lines(window, qtbot):
    choose(qtbot, window, 1)
    assert window.model.network.optimizer == Optimizer("momentum")
    box = window.training_panel.optimizer_box
    assert box.momentum.isVisible()
    assert not box.beta1.isVisible()
    window.act_end_backward.trigger()
    press(qtbot, window, Qt.Key.Key_Right, 3)
    events = window.model.current.events[-3:]
    lines = narration_updates(window)
    assert len(lines) == 3
    for line, event in zip(lines, events, strict=True):
        v = dict(event.quantities)["v"]
        assert "v ← μ·v + ∂L/∂" in line
        assert f"= {f3(v)};" in line
        assert line.endswith(f"= {f3(event.new)}")


def test_adam_with_a_typed_beta1_shows_m_v_and_the_corrected_values(window, qtbot):
    choose(qtbot, window, 2)
    beta1 = window.training_panel.optimizer_box.beta1
    beta1.setFocus()
    qtbot.keyClick(beta1, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(beta1, "0.5")
    qtbot.keyClick(beta1, Qt.Key.Key_Return)
    assert window.model.network.optimizer == Optimizer("adam", beta1=0.5)
    press(qtbot, window, Qt.Key.Key_N)  # the first example's update, then on to the second
    window.act_end_backward.trigger()
    press(qtbot, window, Qt.Key.Key_Right, 2)
    event = window.model.current.events[-2]  # w2
    q = dict(event.quantities)
    assert q["m"] == 0.5 * q["m_prev"] + 0.5 * event.grad
    line = narration_updates(window)[1]
    for part in ("m ← β₁·m + (1 − β₁)·∂L/∂w2 = 0.5 × ", "v ← β₂·v", "(t = 2)", "w2 ← w2 − α·m̂/(√v̂ + ε)"):
        assert part in line
    click_node(qtbot, window, "w2")
    text = window.chain_panel.toPlainText()
    assert "Update — Adam (β₁ = 0.5, β₂ = 0.999, ε = 1e-08)" in text
    assert "m̂ = m/(1 − β₁ᵗ) = " in text


def test_newton_says_when_it_damps_with_the_hessians_eigenvalues(window, qtbot):
    window.preset_actions["mood_2_2_1"].trigger()
    choose(qtbot, window, 3)
    assert window.model.network.optimizer.name == "newton"
    newton = window.model.current.newton
    note = window.training_panel.optimizer_box.note.text()
    assert f"H's eigenvalues from {f3(newton.smallest)} to {f3(newton.largest)}" in note
    assert ("damping λ is raised" in note) is newton.damped
    window.act_end_backward.trigger()
    press(qtbot, window, Qt.Key.Key_U)
    click_node(qtbot, window, window.model.current.graph.params[0].label)
    text = window.chain_panel.toPlainText()
    assert "Newton's step" in text
    assert "H = " in text
    undamped = window.training_panel.optimizer_box.undamped
    qtbot.mouseClick(undamped, Qt.MouseButton.LeftButton, pos=QPoint(8, undamped.height() // 2))
    assert window.model.network.optimizer.undamped
    assert window.model.current.newton.damping == 0


def test_newton_is_not_offered_for_a_large_network(window, qtbot):
    net = load_preset("mood_2_2_1")
    window.model.set_network(net.with_settings(layers=(Layer(200, "tanh"), Layer(1, "sigmoid"))))
    item = window.training_panel.optimizer_box.choice.model().item(3)
    assert not item.isEnabled()
    assert "up to 300 parameters" in item.toolTip()


def test_newton_is_offered_in_the_window_while_a_step_stays_short(window, qtbot):
    """241 parameters: the engine takes Newton's method (up to 300), but each step's 482 backward passes
    would pause the window: the box does not offer it and says why; a network within the limit has it."""
    net = load_preset("mood_2_2_1")
    window.model.set_network(net.with_settings(layers=(Layer(60, "tanh"), Layer(1, "sigmoid"))))
    box = window.training_panel.optimizer_box
    item = box.choice.model().item(3)
    assert not item.isEnabled()
    assert "In the window Newton's method is offered up to 150 parameters (this network has 241)" in item.toolTip()
    assert "backprop-stepper train takes it up to 300" in item.toolTip()
    box.choice.setCurrentIndex(3)  # as if picked anyway: refused with the reason, the optimiser kept
    assert window.model.network.optimizer.name == "gd"
    assert "offered up to 150 parameters" in window.message_bar.text()
    window.model.set_network(net.with_settings(layers=(Layer(30, "tanh"), Layer(1, "sigmoid"))))  # 121
    assert box.choice.model().item(3).isEnabled()


def train_with_the_button(qtbot, window, epochs: int) -> None:
    window.training_panel.epochs.setValue(epochs)
    qtbot.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=30000)


def assert_trained_with_adam(window, epochs: int) -> None:
    """The window's parameters are those of one uninterrupted Adam run of ``epochs`` from the start."""
    net = load_preset("or_gate").with_settings(optimizer=Optimizer("adam"))
    expected = train_all(net, net.initial_params(), epochs)
    for name, value in expected.params.items():
        np.testing.assert_allclose(window.model.session.params[name], value, rtol=1e-12)


def test_training_uses_the_chosen_optimizer(window, qtbot):
    choose(qtbot, window, 2)
    train_with_the_button(qtbot, window, 20)
    assert_trained_with_adam(window, 20)


def test_training_twice_goes_on_with_the_optimizers_state(window, qtbot):
    """Adam's moments survive the pause between two runs."""
    choose(qtbot, window, 2)
    train_with_the_button(qtbot, window, 10)
    train_with_the_button(qtbot, window, 10)
    assert_trained_with_adam(window, 20)


def test_the_one_variable_lesson_in_the_chain_panel(window, qtbot):
    box = window.training_panel.optimizer_box
    box.lesson_param.setFocus()
    qtbot.keyClick(box.lesson_param, Qt.Key.Key_Down)  # W1[1][0]: w2
    assert box.lesson_param.currentText() == "W1[1][0]"
    qtbot.mouseClick(box.lesson_button, Qt.MouseButton.LeftButton)
    net = window.model.network
    lesson = one_variable(net, net.initial_params(), "W1", (1, 0))
    text = window.chain_panel.toPlainText()
    assert "One variable: Newton's method" in text
    assert f"f′(W1[1][0]) = ∂C/∂W1[1][0] = {f3(lesson.slope)}" in text
    assert f"f″(W1[1][0]) = ∂²C/∂W1[1][0]² = {f3(lesson.curvature)}" in text
    assert f"= {f3(lesson.newton_x)}" in text


def big_newton_network():
    """241 parameters with Newton's method: the engine and a file take it, the window does not offer it."""
    net = load_preset("mood_2_2_1")
    return net.with_settings(layers=(Layer(60, "tanh"), Layer(1, "sigmoid")), optimizer=Optimizer("newton"))


def assert_steps_with_gradient_descent(qtbot, window) -> None:
    assert window.model.network.optimizer.name == "gd"
    assert window.training_panel.optimizer_box.choice.currentData() == "gd"
    press(qtbot, window, Qt.Key.Key_N, 2)
    assert window.model.session.updates == 2
    assert window.model.current.newton is None
    assert window.model.current.optimizer.name == "gd"


def test_a_file_asking_newton_above_the_window_limit_opens_with_gradient_descent_and_says_so(window, qtbot, tmp_path):
    """Each Newton step would pause the window (130-255 ms at 151-300 parameters): the file opens, its
    optimiser becomes what the window offers, the message bar says so; the file itself is left alone."""
    path = tmp_path / "newton.json"
    save(big_newton_network().with_settings(learning_rate=0.7), path)
    written = path.read_bytes()
    assert window.open_file(str(path))
    text = window.message_bar.text()
    assert "asks for Newton's method, which the window offers up to 150 parameters (it has 241" in text
    assert "gradient descent, α = 0.7" in text
    assert "\n" not in text
    assert window.model.network.learning_rate == 0.7
    assert_steps_with_gradient_descent(qtbot, window)
    assert path.read_bytes() == written
    window.undo_stack.undo()  # back to the OR gate, then again to the file's network: the same fallback
    assert window.model.network.name == "OR gate"
    window.undo_stack.redo()
    assert window.model.network.optimizer.name == "gd"
    assert "offers up to 150 parameters" in window.message_bar.text()


def test_a_network_within_the_window_limit_keeps_newton(window, qtbot, tmp_path):
    path = tmp_path / "newton.json"
    save(load_preset("mood_2_2_1").with_settings(optimizer=Optimizer("newton")), path)
    assert window.open_file(str(path))
    assert window.model.network.optimizer.name == "newton"
    assert "Newton" not in window.message_bar.text()


def test_the_command_line_network_asking_newton_above_the_limit_opens_with_gradient_descent(qtbot):
    from gui.main_window import MainWindow

    w = MainWindow(big_newton_network())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert "which the window offers up to 150 parameters" in w.message_bar.text()
    assert_steps_with_gradient_descent(qtbot, w)


def test_a_session_stepped_with_newton_above_the_limit_goes_on_with_gradient_descent(window, qtbot, tmp_path):
    """Its Newton passes are replayed as they were (stepping back shows them); the next ones use gradient descent."""
    session = Session(big_newton_network(), Mode.BATCH)
    session.next_example()
    path = tmp_path / "session.json"
    path.write_text(session_file.dumps(SessionDocument(session.snapshot())))
    assert window.open_file(str(path))
    qtbot.waitUntil(lambda: window.model.network.name == session.network.name)
    assert "which the window offers up to 150 parameters" in window.message_bar.text()
    assert window.model.network.optimizer.name == "gd"
    assert window.model.current.optimizer.name == "gd"
    window.model.step_back()  # into the pass stepped with Newton's method
    assert window.model.current.newton is not None


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # the list's popup, offscreen
def test_the_one_variable_list_shows_each_name_whole(qtbot):
    """The list's width is not measured from its hundreds of names, yet the name chosen shows whole in
    the side panel, and the list opens as wide as its longest name."""
    from core.datasets import two_spirals
    from core.network import Network
    from gui.main_window import MainWindow

    X, y = two_spirals(10, seed=0)
    layers = (Layer(16, "tanh"), Layer(16, "tanh"), Layer(1, "sigmoid"))
    window = MainWindow(Network("2-16-16-1", 2, layers, "log_loss", 0.3, X, y, seed=1), Mode.BATCH, remember=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    combo = window.training_panel.optimizer_box.lesson_param
    names = [combo.itemText(k) for k in range(combo.count())]
    assert len(names) == window.model.network.param_count
    widest = max(combo.fontMetrics().horizontalAdvance(name) for name in names)
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    assert field.width() >= widest
    combo.showPopup()
    qtbot.waitUntil(lambda: combo.view().isVisible())
    assert combo.view().viewport().width() >= widest
    combo.hidePopup()
