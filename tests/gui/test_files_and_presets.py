"""Opening files and presets from the menus; bad files leave the window as it was."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from core.network_file import FORMAT
from core.presets import preset_keys
from core.session import Mode
from tests.core.documents import two_hidden_document


def _open_via_menu(qtbot, window, monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)


def test_invalid_file_leaves_the_network_untouched(window, qtbot, monkeypatch, tmp_path):
    qtbot.keyClick(window, Qt.Key.Key_Right)
    before = window.model.session
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "backprop-stepper.network/1", "inputs": 2, "layers": [}')
    _open_via_menu(qtbot, window, monkeypatch, bad)
    assert window.model.session is before
    assert window.model.session.cursor == 1
    assert window.windowTitle() == "Backprop Stepper — OR gate"
    assert window.message_bar.isVisible()
    assert "broken.json" in window.message_bar.text()
    assert "not valid JSON" in window.message_bar.text()
    assert "unchanged" in window.message_bar.text()


def test_valid_file_opens(window, qtbot, monkeypatch, tmp_path):
    doc = {
        "format": FORMAT,
        "name": "Tiny",
        "inputs": 1,
        "layers": [{"units": 1, "activation": "identity", "weights": [[2.0]], "bias": [0.5]}],
        "loss": "half_squared_error",
        "learning_rate": 0.1,
        "batch_size": None,
        "seed": 0,
        "data": {"X": [[1.0]], "y": [[3.0]]},
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(doc))
    _open_via_menu(qtbot, window, monkeypatch, path)
    assert window.windowTitle() == "Backprop Stepper — Tiny"
    assert not window.message_bar.isVisible()
    window.act_end_forward.trigger()
    assert window.scene.nodes["L"].value_text == "0.125"  # ½(3 − 2.5)²


def test_large_network_opens_in_the_layer_graph_with_a_switch_back(window, qtbot, monkeypatch, tmp_path):
    doc = two_hidden_document("Deep", 16, {"X": [[0, 0], [1, 1]], "y": [0, 1]})
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(doc))
    _open_via_menu(qtbot, window, monkeypatch, path)
    assert window.model.mode is Mode.BATCH
    assert window.mode_box.currentIndex() == 1
    assert "layer graph" in window.message_bar.text()
    assert len(window.scene.nodes) == 19  # X, Y, then W, X·W, b, Z, A for each of 3 layers, L, C
    window.mode_box.setFocus()
    qtbot.keyClick(window.mode_box, Qt.Key.Key_Up)
    assert window.model.mode is Mode.EXAMPLE
    assert len(window.scene.nodes) == len(window.model.session.source.scalar_graph)


def test_every_preset_opens_from_the_menu(window, qtbot):
    assert list(window.preset_actions) == preset_keys()
    for key, action in window.preset_actions.items():
        action.trigger()
        assert window.model.network.name in window.windowTitle(), key
        window.act_end_forward.trigger()
        root = window.model.current.graph.root.id
        assert window.scene.nodes[root].value_text != "", key


def test_zoom_keys(window, qtbot):
    before = window.view.zoom
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom > before
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom < before


def test_softmax_preset_draws_three_class_regions(window):
    window.preset_actions["softmax_3_class"].trigger()
    window.refresh_now()
    assert window.data_plot.kind == "regions"
    image = window.data_plot.image.image
    assert image.shape[:2] == (90, 90)
    colours = {tuple(px) for px in image.reshape(-1, 4)[:, :3]}
    assert len(colours) == 3
