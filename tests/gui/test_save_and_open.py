"""Save in the window, open the file again: the same weights, and the same numbers as ``trace`` prints."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from core import cli
from core.convention import Convention
from core.network_file import load, save
from core.presets import load_preset
from core.session import Mode
from tests.gui.helpers import f3, node, press


def _trace(argv: list[str]) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(argv) == 0
    return json.loads(out.getvalue())


def test_save_open_and_trace_agree(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "or-after-six-updates.json"
    press(qtbot, window, Qt.Key.Key_N, times=6)  # six per-example updates: into the second epoch
    shown = window.model.session.displayed_params()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    trace = _trace(["trace", str(path), "--example", "0"])
    for name, value in shown.items():
        assert trace["params"][name]["value"] == value.tolist(), name

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    opened = window.model.session.displayed_params()
    for name, value in shown.items():
        assert np.array_equal(opened[name], value), name
    press(qtbot, window, Qt.Key.Key_F)  # the first example's forward pass on the saved weights
    graph = window.model.current.graph
    assert window.model.state.values[graph.root.id] == trace["cost"]
    assert node(window, "L").value_text == f3(trace["cost"])


def test_the_window_settings_are_saved_and_restored(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "or-in-batch.json"
    panel = window.training_panel
    window.mode_box.setFocus()
    qtbot.keyClick(window.mode_box, Qt.Key.Key_Down)  # the layer graph, full batch
    assert window.model.mode is Mode.BATCH
    press(qtbot, window, Qt.Key.Key_N, times=3)
    panel.epochs.setValue(300)
    panel.decimals.setValue(5)
    window.convention_actions[Convention.COLUMNS].trigger()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert json.loads(path.read_text())["view"] == {
        "mode": "batch", "epochs": 300, "decimals": 5, "convention": "columns",
    }  # fmt: skip

    window.open_preset("or_gate")
    assert window.model.mode is Mode.EXAMPLE
    panel.epochs.setValue(100)
    panel.decimals.setValue(2)
    window.convention_actions[Convention.ROWS].trigger()
    assert window.open_file(str(path))
    assert window.model.mode is Mode.BATCH
    assert (panel.epochs.value(), panel.decimals.value()) == (300, 5)
    assert window.settings.convention is Convention.COLUMNS
    press(qtbot, window, Qt.Key.Key_F)  # the whole batch's forward pass on the saved weights
    trace = _trace(["trace", str(path)])
    assert window.model.state.values[window.model.current.graph.root.id] == trace["cost"]


def _saved_with_a_view(tmp_path, preset: str, mode: str):
    """``preset`` saved with a view of its own: ``mode``, 300 epochs, 5 decimals, columns."""
    path = tmp_path / "saved.json"
    save(load_preset(preset), path)
    saved = json.loads(path.read_text())
    saved["view"] = {"mode": mode, "epochs": 300, "decimals": 5, "convention": "columns"}
    path.write_text(json.dumps(saved))
    return path


def test_a_file_given_on_the_command_line_opens_as_it_was_saved(qtbot, tmp_path):
    """`backprop-stepper FILE` shows the file as File → Open does: its graph, decimals, convention."""
    from gui.main_window import MainWindow

    path = _saved_with_a_view(tmp_path, "or_gate", "batch")
    window = MainWindow(load(str(path)))
    qtbot.addWidget(window)
    try:
        assert window.model.mode is Mode.BATCH
        assert (window.training_panel.epochs.value(), window.training_panel.decimals.value()) == (300, 5)
        assert window.settings.convention is Convention.COLUMNS
    finally:
        window.trainer.stop_and_wait()


def test_a_file_given_on_the_command_line_is_drawn_once_with_its_saved_decimals_and_convention(
    qtbot, tmp_path, monkeypatch
):
    """Its view applies before the graph is drawn: drawing it, then again for other decimals or another
    convention, took twice as long to open."""
    from gui.graph.scene import GraphScene
    from gui.main_window import MainWindow

    drawn = []
    build = GraphScene.build
    monkeypatch.setattr(GraphScene, "build", lambda scene, *args: (drawn.append(args[1]), build(scene, *args))[1])
    path = _saved_with_a_view(tmp_path, "or_gate", "example")
    window = MainWindow(load(str(path)))
    qtbot.addWidget(window)
    try:
        assert drawn == [5]
        assert window.settings.convention is Convention.COLUMNS
        assert node(window, "w1").value_text == "0.10000"
    finally:
        window.trainer.stop_and_wait()


def test_a_file_opened_in_the_window_is_drawn_once_with_its_saved_decimals_and_convention(
    window, qtbot, monkeypatch, tmp_path
):
    from gui.graph.scene import GraphScene

    path = _saved_with_a_view(tmp_path, "net_2_4_1_tanh", "example")
    drawn = []
    build = GraphScene.build
    monkeypatch.setattr(GraphScene, "build", lambda scene, *args: (drawn.append(args[1]), build(scene, *args))[1])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.model.network.name == load_preset("net_2_4_1_tanh").name
    assert drawn == [5]  # once: not then again for the decimals and again for the convention
    assert window.settings.convention is Convention.COLUMNS
    assert window.training_panel.epochs.value() == 300
    assert node(window, "b2").value_text.count("0") >= 5


def test_a_saved_view_is_put_back_with_a_network_that_could_not_be_drawn(window, qtbot, monkeypatch, tmp_path):
    from gui.graph.scene import GraphScene

    path = _saved_with_a_view(tmp_path, "net_2_4_1_tanh", "example")
    build = GraphScene.build

    def build_out_of_memory(scene, step_pass, decimals):
        if window.model.network.name != "OR gate":
            raise MemoryError
        build(scene, step_pass, decimals)

    monkeypatch.setattr(GraphScene, "build", build_out_of_memory)
    window.open_file(str(path))
    assert "not enough memory" in window.message_bar.text()
    assert window.model.network.name == "OR gate"
    assert (window.settings.decimals, window.settings.convention) == (3, Convention.ROWS)
    assert window.training_panel.epochs.value() == 5000
    assert node(window, "w1").value_text == "0.100"
