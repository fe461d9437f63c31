"""Hostile network files opened in the window (Ctrl+O): one line in the message bar, the network kept,
nothing written; and the learning-rate box shows the rate the file holds."""

from __future__ import annotations

import json
import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from core.network_file import FORMAT
from tests.core.documents import two_hidden_layers


def doc(**changes) -> dict:
    base = {
        "format": FORMAT,
        "inputs": 2,
        "layers": [{"units": 1, "activation": "sigmoid"}],
        "loss": "half_squared_error",
        "learning_rate": 0.5,
        "data": {"X": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [0, 1, 1, 1]},
    }
    base.update(changes)
    return base


def as_bytes(d: dict) -> bytes:
    return json.dumps(d).encode()


HOSTILE = {
    "declared_size_over_budget": (
        as_bytes(doc(layers=two_hidden_layers(40_000))),
        "needs 76.8 GB, over the 2 GB limit",
    ),
    "learning_rate_5000": (as_bytes(doc(learning_rate=5000)), "learning_rate 5000 is outside"),
    "learning_rate_1e-300": (as_bytes(doc(learning_rate=1e-300)), "learning_rate 1e-300 is outside"),
    "duplicate_key": (as_bytes(doc())[:-1] + b', "loss": "log_loss"}', "appears twice"),
    "utf16": (json.dumps(doc()).encode("utf-16"), "UTF-16"),
    "nested_100000_deep": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "nan_literal": (as_bytes(doc(learning_rate="NAN")).replace(b'"NAN"', b"NaN"), "NaN"),
    "400_digit_units": (
        as_bytes(doc(layers=[{"units": "BIG", "activation": "sigmoid"}])).replace(b'"BIG"', b"1" + b"0" * 399),
        "a 400-digit number",
    ),
    "one_unit_softmax": (as_bytes(doc(layers=[{"units": 1, "activation": "softmax"}])), "softmax over one unit"),
    "log_loss_target_2": (as_bytes(doc(loss="log_loss", data={"X": [[0, 0]], "y": [2]})), "between 0 and 1"),
    "name_with_newline": (as_bytes(doc(name="two\nlines")), "unprintable character \\n"),
    "binary_garbage": (bytes(range(256)), "NUL bytes"),
}


def open_with_ctrl_o(window, qtbot, monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)


def assert_refused(window, before, fragment: str, name: str) -> None:
    assert window.model.session is before  # the network, its parameters and history: all as they were
    assert window.message_bar.isVisible()
    text = window.message_bar.text()
    assert text.startswith(f"Could not open {name!r}: ")
    assert fragment in text
    assert len(text.splitlines()) == 1
    assert text.endswith("The current network is unchanged.")


@pytest.mark.parametrize("key", HOSTILE)
def test_a_hostile_file_is_refused_in_one_line_and_nothing_changes(window, qtbot, monkeypatch, tmp_path, key):
    content, fragment = HOSTILE[key]
    path = tmp_path / f"{key}.json"
    path.write_bytes(content)
    window.model.step_forward()
    before, cursor, rate = window.model.session, window.model.session.cursor, window.training_panel.learning_rate.text()
    open_with_ctrl_o(window, qtbot, monkeypatch, path)
    assert_refused(window, before, fragment, path.name)
    assert window.model.session.cursor == cursor
    assert window.training_panel.learning_rate.text() == rate
    assert path.read_bytes() == content  # nothing half-written: the file as it was, and nothing beside it
    assert os.listdir(tmp_path) == [path.name]


@pytest.mark.parametrize(
    ("path", "fragment"),
    [("/dev/zero", "not a regular file"), (".", "is a folder")],
    ids=["dev_zero", "directory"],
)
def test_a_path_that_is_not_a_file_is_refused_without_reading(window, qtbot, monkeypatch, tmp_path, path, fragment):
    if not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    monkeypatch.chdir(tmp_path)
    before = window.model.session
    open_with_ctrl_o(window, qtbot, monkeypatch, path)
    assert_refused(window, before, fragment, os.path.basename(path) or path)


@pytest.mark.parametrize(("rate", "shown"), [(1000, "1000"), (1e-12, "1e-12"), (0.003, "0.003")])
def test_the_learning_rate_box_shows_the_files_rate(window, qtbot, monkeypatch, tmp_path, rate, shown):
    path = tmp_path / "rate.json"
    path.write_text(json.dumps(doc(learning_rate=rate)))
    open_with_ctrl_o(window, qtbot, monkeypatch, path)
    assert window.model.network.learning_rate == rate
    assert window.training_panel.learning_rate.text() == shown
    assert window.training_panel.learning_rate.value() == rate
