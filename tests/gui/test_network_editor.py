"""The network editor, weights typed into the graph, and undo, driven through the real window."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.training import train_all
from tests.gui.helpers import f3, node, press

H = 1e-6


def _open_editor(qtbot, window):
    press(qtbot, window, Qt.Key.Key_E, modifier=Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    editor = window.network_editor
    assert editor is not None
    assert editor.isVisible()
    return editor


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _choose(combo, name: str) -> None:
    combo.setCurrentIndex(combo.findData(name))


def _build_2_3_2_softmax(qtbot, window):
    """In the editor: a hidden layer of 3 sigmoids, 2 softmax outputs, cross-entropy, generated data."""
    editor = _open_editor(qtbot, window)
    assert editor.inputs.value() == 2
    _click(qtbot, editor.add_layer)
    hidden_units, hidden_activation = editor.layer_widgets(0)
    out_units, out_activation = editor.layer_widgets(1)
    assert hidden_units.value() == 3
    _choose(hidden_activation, "sigmoid")
    out_units.setValue(2)
    _choose(out_activation, "softmax")
    _choose(editor.loss, "cross_entropy")
    # The OR data has one target column; two outputs need two.
    assert not editor.apply_button.isEnabled()
    assert "2 input columns and 1 target column; this network needs 2 and 2" in editor.problem_text()
    assert "This network needs 2 and 2, so they no longer fit" in editor.data_note.text()
    assert editor.pairing.text() == ""  # softmax with cross-entropy pair well
    assert "✗" not in out_activation.currentText()
    _click(qtbot, editor.generate)
    editor.examples.setValue(12)
    assert editor.apply_button.isEnabled(), editor.problem_text()
    _click(qtbot, editor.apply_button)
    return editor


def _independent_cost(net, params, rows) -> float:
    """Mean cross-entropy of a sigmoid hidden layer and a softmax output, in plain numpy."""
    X, Y = net.X[rows], net.Y[rows]
    hidden = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
    z = hidden @ params["W2"] + params["b2"]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return float(np.mean(-np.sum(Y * np.log(p), axis=1)))


def _finite_differences(net, params, rows) -> dict[str, np.ndarray]:
    grads = {}
    for name, value in params.items():
        g = np.zeros_like(value)
        for index in np.ndindex(*value.shape):
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[name][index] += H
            down[name][index] -= H
            g[index] = (_independent_cost(net, up, rows) - _independent_cost(net, down, rows)) / (2 * H)
        grads[name] = g
    return grads


def test_a_2_3_2_softmax_network_built_in_the_editor_steps_with_finite_difference_gradients(window, qtbot):
    _build_2_3_2_softmax(qtbot, window)
    net = window.model.network
    assert (net.inputs, [layer.units for layer in net.layers], net.loss) == (2, [3, 2], "cross_entropy")
    assert net.layers[-1].activation == "softmax"
    assert window.model.session.cursor == 0  # stepping starts afresh
    assert window.mode_box.currentIndex() == 0  # 17 parameters: the scalar graph
    assert {"ŷ1", "ŷ2"} <= {n.label for n in window.model.current.graph.nodes}

    params = {k: v.copy() for k, v in window.model.session.params.items()}
    press(qtbot, window, Qt.Key.Key_B)  # to the end of the backward pass of example 1
    grads = window.model.state.grads
    expected = _finite_differences(net, params, [0])
    for name, g in expected.items():
        for index in np.ndindex(*g.shape):
            node_id = f"{name}[{','.join(map(str, index))}]"
            assert grads[node_id] == pytest.approx(g[index], rel=1e-5, abs=1e-8), node_id

    # The layer graph, a whole batch: the same check on the matrices.
    window.mode_box.setCurrentIndex(1)
    window.mode_box.activated.emit(1)
    params = {k: v.copy() for k, v in window.model.session.params.items()}
    press(qtbot, window, Qt.Key.Key_B)
    expected = _finite_differences(net, params, list(window.model.current.examples))
    for name, g in expected.items():
        np.testing.assert_allclose(window.model.state.grads[name], g, rtol=1e-5, atol=1e-8)

    # Training from the window lowers the cost, and its final weights are the engine's.
    start = {k: v.copy() for k, v in window.model.session.params.items()}
    window.training_panel.epochs.setValue(200)
    _click(qtbot, window.training_panel.train_button)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=30000)
    epochs, costs = window.model.session.cost_curve()
    assert epochs[-1] == 200
    assert costs[-1] < costs[0]
    expected_params = train_all(net, start, 200).params
    for k, v in expected_params.items():
        np.testing.assert_allclose(window.model.session.params[k], v, rtol=1e-9, atol=1e-12)


def test_undo_returns_to_the_previous_network_and_redo_comes_back(window, qtbot):
    _build_2_3_2_softmax(qtbot, window)
    edited = window.model.network
    press(qtbot, window, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)
    net = window.model.network
    assert [layer.units for layer in net.layers] == [1]
    assert net.loss == "half_squared_error"
    assert node(window, "w1").value_text == "0.100"  # the walkthrough's starting weight
    assert window.network_editor.layers.rowCount() == 1  # the open editor follows
    press(
        qtbot,
        window,
        Qt.Key.Key_Z,
        modifier=Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.model.network is edited


def test_invalid_choices_are_explained_and_cannot_be_applied(window, qtbot):
    editor = _open_editor(qtbot, window)
    before = window.model.network
    _click(qtbot, editor.add_layer)
    hidden = editor.layer_widgets(0)[1]
    output = editor.layer_widgets(1)[1]

    _choose(hidden, "softmax")
    assert not editor.apply_button.isEnabled()
    assert "softmax is only supported on the output layer" in editor.problem_text()
    assert "✗" in hidden.itemText(hidden.findData("softmax"))
    _click(qtbot, editor.apply_button)
    assert window.model.network is before

    _choose(hidden, "tanh")
    _choose(editor.loss, "cross_entropy")  # with a sigmoid output
    assert not editor.apply_button.isEnabled()
    assert "cross_entropy needs a softmax output layer" in editor.pairing.text()
    assert "✗" in editor.loss.itemText(editor.loss.findData("cross_entropy"))
    assert "✗" in output.itemText(output.findData("sigmoid"))  # the output layer could fix it
    assert "✗" not in hidden.itemText(hidden.findData("relu"))  # the hidden layer cannot

    _choose(editor.loss, "log_loss")
    _choose(output, "identity")
    assert not editor.apply_button.isEnabled()
    assert "log_loss needs a sigmoid (or softmax) output layer" in editor.problem_text()

    _choose(output, "sigmoid")
    assert editor.apply_button.isEnabled()
    editor.inputs.setValue(3)  # the OR data has two input columns
    assert not editor.apply_button.isEnabled()
    assert "2 input columns" in editor.problem_text()
    _click(qtbot, editor.apply_button)
    assert window.model.network is before


def test_editing_a_weight_in_the_graph_recomputes_the_pass_and_undo_restores(window, qtbot):
    press(qtbot, window, Qt.Key.Key_N)  # example 2: x = (0, 1), y = 1
    press(qtbot, window, Qt.Key.Key_F)
    cursor = window.model.session.cursor
    before = node(window, "ŷ").value_text
    w1, b = window.model.session.params["W1"][:, 0], window.model.session.params["b1"][0]

    item = node(window, "w2")
    assert item.toolTip().endswith("Double-click to type a new value.")
    view = window.view
    qtbot.mouseDClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(item.sceneBoundingRect().center())
    )
    dialog = window.param_dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.line.clear()
    qtbot.keyClicks(dialog.line, "abc")
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    dialog.line.clear()
    qtbot.keyClicks(dialog.line, "-1.5")
    qtbot.keyClick(dialog.line, Qt.Key.Key_Return)

    assert window.model.session.cursor == cursor
    yhat = 1 / (1 + np.exp(-(0 * w1[0] + 1 * -1.5 + b)))
    assert node(window, "w2").value_text == "−1.500"
    assert node(window, "w2·x2").value_text == "−1.500"
    assert node(window, "ŷ").value_text == f3(yhat)
    assert node(window, "ŷ").value_text != before

    press(qtbot, window, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)
    assert node(window, "ŷ").value_text == before
    assert node(window, "w2").value_text == f3(w1[1])
    assert window.model.session.cursor == cursor


def test_zero_initialised_hidden_units_stay_identical_in_the_window(window, qtbot):
    editor = _open_editor(qtbot, window)
    _click(qtbot, editor.add_layer)
    _choose(editor.scheme, "zeros")
    _click(qtbot, editor.fill)
    assert "identical" in editor.scheme_note.text()
    _click(qtbot, editor.apply_button)
    for _ in range(8):
        press(qtbot, window, Qt.Key.Key_N)
    press(qtbot, window, Qt.Key.Key_F)
    hidden = [node(window, label).value_text for label in ("a1", "a2", "a3")]
    assert hidden[0] == hidden[1] == hidden[2]
    W1 = window.model.session.params["W1"]
    assert np.allclose(W1, W1[:, :1])
    assert np.abs(W1).max() > 0  # trained, but all alike


def test_weights_typed_into_the_editor_table_are_the_starting_weights(window, qtbot):
    editor = _open_editor(qtbot, window)
    model = editor.weights.widget(0).model()
    assert model.setData(model.index(1, 0), "−0.25")
    assert not model.setData(model.index(0, 0), "twelve")
    assert "not a number" in editor.weights_note.text()
    assert model.setData(model.index(2, 0), "0,5")  # the bias row; a decimal comma
    _click(qtbot, editor.apply_button)
    params = window.model.session.params
    np.testing.assert_array_equal(params["W1"], [[0.1], [-0.25]])
    np.testing.assert_array_equal(params["b1"], [0.5])
    assert node(window, "w2").value_text == "−0.250"


def test_sizes_beyond_the_engines_limits_are_refused_before_anything_is_made(window, qtbot):
    editor = _open_editor(qtbot, window)
    _click(qtbot, editor.add_layer)
    editor.layer_widgets(0)[0].setValue(2_000_000_000)  # two thousand million hidden units
    assert not editor.apply_button.isEnabled()
    assert "over the" in editor.problem_text()
    assert "limit" in editor.problem_text()
    assert editor.weights.count() == 0
    editor.layer_widgets(0)[0].setValue(30)
    assert editor.apply_button.isEnabled()
    assert "opens in the layer graph" in editor.size_note.text()
    assert "Engine limits: at most 100 layers" in editor.size_note.text()
    _click(qtbot, editor.apply_button)
    assert window.mode_box.currentIndex() == 1  # 121 parameters: the layer graph


def test_the_weights_stepping_reached_can_be_kept_in_the_editor(window, qtbot):
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_N)
    trained = {k: v.copy() for k, v in window.model.session.displayed_params().items()}
    editor = _open_editor(qtbot, window)
    assert editor.weights.widget(0).model().weights[0, 0] == 0.1  # the network's starting weights
    _click(qtbot, editor.use_current)
    _click(qtbot, editor.apply_button)
    for k, v in trained.items():
        np.testing.assert_array_equal(window.model.session.params[k], v)
    assert window.model.session.cursor == 0


def test_layers_are_added_reordered_and_removed(window, qtbot):
    editor = _open_editor(qtbot, window)
    _click(qtbot, editor.add_layer)  # a hidden layer before the output
    _click(qtbot, editor.add_layer)  # after the selected (new) one
    editor.layer_widgets(0)[0].setValue(5)
    _choose(editor.layer_widgets(0)[1], "tanh")
    editor.layers.setCurrentCell(0, 0)
    _click(qtbot, editor.move_down)
    units = [editor.layer_widgets(r)[0].value() for r in range(editor.layers.rowCount())]
    activations = [editor.layer_widgets(r)[1].currentData() for r in range(editor.layers.rowCount())]
    assert units == [3, 5, 1]
    assert activations == ["sigmoid", "tanh", "sigmoid"]
    assert editor.layers.currentRow() == 1
    _click(qtbot, editor.remove_layer)
    assert [editor.layer_widgets(r)[0].value() for r in range(editor.layers.rowCount())] == [3, 1]
    _click(qtbot, editor.apply_button)
    assert [layer.units for layer in window.model.network.layers] == [3, 1]
    assert [layer.activation for layer in window.model.network.layers] == ["sigmoid", "sigmoid"]


def test_the_editor_lists_every_activation_and_loss_in_cores_registries(window, qtbot):
    from core.activations import ACTIVATIONS
    from core.losses import LOSSES

    editor = _open_editor(qtbot, window)
    _click(qtbot, editor.add_layer)
    hidden = editor.layer_widgets(0)[1]
    assert [hidden.itemData(k) for k in range(hidden.count())] == list(ACTIVATIONS)
    assert {"leaky_relu", "softplus"} <= set(ACTIVATIONS)
    assert [editor.loss.itemData(k) for k in range(editor.loss.count())] == list(LOSSES)
    _choose(hidden, "leaky_relu")
    _choose(editor.layer_widgets(1)[1], "softplus")
    _choose(editor.loss, "squared_error")
    assert editor.apply_button.isEnabled(), editor.problem_text()
    _click(qtbot, editor.apply_button)
    assert [layer.activation for layer in window.model.network.layers] == ["leaky_relu", "softplus"]
    press(qtbot, window, Qt.Key.Key_B)
    assert "W1[0,0]" in window.model.state.grads
