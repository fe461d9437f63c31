"""A network too big for memory, however the window is asked to open it: refused with its size, nothing lost."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt, QTimer

from core.network import Layer
from core.presets import load_preset
from tests.core.documents import two_hidden_document
from tests.gui.helpers import press

HUGE_LAYERS = (Layer(40_000, "tanh"), Layer(40_000, "tanh"), Layer(1, "sigmoid"))


def _stepped_or_gate(window, qtbot):
    """The OR gate with a stepped epoch of history: what must survive a refused network."""
    press(qtbot, window, Qt.Key.Key_N, times=4)
    return window.model.session.cost_curve()[1].copy(), window.undo_stack.count()


def _assert_unchanged(window, costs, undo_count):
    assert window.model.network.name == "OR gate"
    assert np.array_equal(window.model.session.cost_curve()[1], costs)
    assert window.undo_stack.count() == undo_count
    assert window.windowTitle().endswith("OR gate")
    assert window.message_bar.isVisible()
    text = window.message_bar.text()
    assert "\n" not in text
    assert text.endswith("The current network is unchanged.")
    return text


def test_a_file_declaring_a_huge_network_is_refused_with_its_size(window, qtbot, tmp_path):
    costs, undo_count = _stepped_or_gate(window, qtbot)
    doc = two_hidden_document("huge", 40_000, {"X": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [1]]})
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(doc))
    assert not window.open_file(str(path))
    text = _assert_unchanged(window, costs, undo_count)
    assert "GB" in text


def test_a_huge_network_from_any_window_path_is_refused_with_its_size(window, qtbot):
    costs, undo_count = _stepped_or_gate(window, qtbot)
    huge = replace(load_preset("or_gate"), name="huge", layers=HUGE_LAYERS)
    window._replace_network(huge, "Edit network")  # how the editor, imports and data sets open theirs
    text = _assert_unchanged(window, costs, undo_count)
    assert "huge" in text
    assert "GB" in text


def test_running_out_of_memory_while_building_keeps_the_current_network(window, qtbot, monkeypatch):
    costs, undo_count = _stepped_or_gate(window, qtbot)
    built = window.scene.build

    def build_out_of_memory(shown, decimals):
        if window.model.network.name != "OR gate":
            raise MemoryError
        built(shown, decimals)

    monkeypatch.setattr(window.scene, "build", build_out_of_memory)
    window.open_preset("net_2_4_1_tanh")
    text = _assert_unchanged(window, costs, undo_count)
    assert "not enough memory" in text
    assert len(window.scene.nodes) == len(window.model.current.graph.nodes)  # the graph drawn again
    press(qtbot, window, Qt.Key.Key_Right)  # and stepping goes on where it was
    assert window.model.session.cursor == 1


def test_running_out_of_memory_in_the_session_keeps_the_current_network(window, qtbot, monkeypatch):
    costs, undo_count = _stepped_or_gate(window, qtbot)

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr("gui.session_model.Session", out_of_memory)
    window.open_preset("net_2_4_1_tanh")
    assert "not enough memory" in _assert_unchanged(window, costs, undo_count)


def test_many_examples_are_drawn_as_a_sample_and_the_plot_says_so(window, qtbot):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30_000, 2))
    Y = (X[:, :1] > 0).astype(float)
    window._replace_network(replace(load_preset("or_gate"), name="many", X=X, Y=Y), "Data set")
    window.refresh_now()
    plot = window.data_plot
    assert plot.point_count == 10_000
    assert len(plot.points.data) == 10_000
    assert "10,000 of 30,000 points shown" in plot.plotItem.titleLabel.text


def _big_file(tmp_path, examples: int):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(examples, 2)).round(5)
    doc = {
        "format": "backprop-stepper.network/1",
        "name": "big data",
        "inputs": 2,
        "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        "loss": "log_loss",
        "learning_rate": 0.5,
        "data": {"X": X.tolist(), "y": (X[:, :1] > 0).astype(int).tolist()},
    }
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc))
    return path


def test_a_large_file_is_read_without_freezing_the_window(window, qtbot, tmp_path):
    from gui.file_loader import BACKGROUND_BYTES

    path = _big_file(tmp_path, 150_000)
    assert path.stat().st_size > BACKGROUND_BYTES
    ticks = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    assert window.open_file(str(path))
    assert window.model.network.name == "OR gate"  # until it is read
    assert "Opening 'big.json'" in window.message_bar.text()
    qtbot.waitUntil(lambda: window.model.network.name == "big data", timeout=30000)
    timer.stop()
    assert window.model.network.examples == 150_000
    assert max(np.diff(ticks)) < 1.0  # the event loop kept running while the file was read
    assert not window.message_bar.isVisible()


def test_a_large_bad_file_is_refused_in_one_line(window, qtbot, tmp_path):
    path = tmp_path / "garbage.json"
    path.write_bytes(b"{" * 3_000_000)
    costs, undo_count = _stepped_or_gate(window, qtbot)
    assert window.open_file(str(path))
    qtbot.waitUntil(lambda: "Could not open 'garbage.json'" in window.message_bar.text(), timeout=30000)
    _assert_unchanged(window, costs, undo_count)
