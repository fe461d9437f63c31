"""The new activations and loss in the window: the editor's lists come from the registry, and a
network built with them steps and trains as the core computes it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.activations import ACTIVATIONS, ActivationDef
from core.losses import LOSSES
from core.network_file import save
from core.training import train_all
from tests.core.test_gradients import make_network
from tests.gui.helpers import f3, node, press


def _open_editor(qtbot, window):
    window.open_network_editor()
    editor = window.network_editor
    qtbot.waitExposed(editor)
    return editor


def test_the_editors_lists_are_the_registries(window, qtbot, monkeypatch):
    monkeypatch.setitem(
        ACTIVATIONS,
        "cube",
        ActivationDef("cube", "cube", "a = z³", "3{z}²", "({z})³", lambda z: z**3, lambda z, a: 3 * z**2),
    )
    editor = _open_editor(qtbot, window)
    combo = editor.layer_widgets(0)[1]
    assert [combo.itemData(i) for i in range(combo.count())] == list(ACTIVATIONS)
    assert {"leaky_relu", "softplus", "cube"} <= set(ACTIVATIONS)
    assert [editor.loss.itemData(i) for i in range(editor.loss.count())] == list(LOSSES)
    assert "squared_error" in LOSSES
    editor.close()


def test_a_softplus_leaky_relu_squared_error_network_steps_in_the_window(window, qtbot, tmp_path):
    net = make_network("one_hidden", ("softplus",), "leaky_relu", "squared_error").with_settings(learning_rate=0.1)
    path = tmp_path / "new_ops.json"
    save(net, path)
    assert window.open_file(str(path))
    press(qtbot, window, Qt.Key.Key_B)  # to the end of the backward pass
    step_pass = window.model.current
    backward = step_pass.events[step_pass.n_forward : step_pass.end_of_backward]
    visits = {step_pass.graph[e.node].op.name: e for e in backward}
    assert {"softplus", "leaky_relu", "squared_error"} <= set(visits)
    # The window shows each new op's local gradient as the core computed it.
    loss = visits["squared_error"]
    yhat, y = (step_pass.state_at(step_pass.n_forward).values[i] for i in step_pass.graph[loss.node].inputs[::2])
    assert loss.local[0] == -2.0 * (y - yhat)  # −2(y − ŷ)
    assert f3(loss.local[0]) in node(window, "L").local_text
    by_id = {e.node: e for e in backward}
    for unit in ("a:1,0", "a:2,0"):  # a softplus hidden unit, a leaky ReLU output
        assert f3(by_id[unit].local[0]) in window.scene.nodes[unit].local_text
    # One stepped epoch (one example at a time) equals per-example training.
    window.model.session.seek(0)
    for _ in range(net.examples):
        press(qtbot, window, Qt.Key.Key_N)
    trained = train_all(net.with_settings(batch_size=1), net.initial_params(), 1)
    for name, value in trained.params.items():
        np.testing.assert_allclose(window.model.session.params[name], value, rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", ["leaky_relu", "softplus"])
def test_the_new_activations_show_their_formulas(name):
    definition = ACTIVATIONS[name]
    assert definition.derivative_formula.format(z="z", a="a") in ("1 if z>0 else 0.01", "σ(z)")
