"""The side panel: a learning-rate box for any positive rate, and the note on stepping versus training."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog

from core.network_file import to_dict
from core.presets import load_preset
from tests.gui.helpers import press


def type_rate(qtbot, window, text: str) -> None:
    """Select what the learning-rate box holds, type ``text`` over it and press Enter."""
    box = window.training_panel.learning_rate
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def open_or_gate_with_rate(qtbot, window, monkeypatch, tmp_path, rate: float) -> None:
    path = tmp_path / "or_gate.json"
    doc = to_dict(load_preset("or_gate"))
    doc["learning_rate"] = rate
    path.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert not window.message_bar.isVisible()


def rate_text(window) -> str:
    return window.training_panel.learning_rate.text()


@pytest.mark.parametrize(("typed", "shown"), [("1e-8", "1e-08"), ("2.5e-7", "2.5e-07"), ("0.3", "0.3"), ("2.5", "2.5")])
def test_any_positive_rate_can_be_typed(window, qtbot, typed, shown):
    type_rate(qtbot, window, typed)
    assert window.model.network.learning_rate == float(typed)
    assert rate_text(window) == shown


def test_a_file_with_a_tiny_rate_shows_it_and_keeps_it(window, qtbot, monkeypatch, tmp_path):
    open_or_gate_with_rate(qtbot, window, monkeypatch, tmp_path, 1e-8)
    assert rate_text(window) == "1e-08"
    window.act_end_backward.trigger()
    press(qtbot, window, Qt.Key.Key_U)
    assert window.model.network.learning_rate == 1e-8


def test_committing_an_untouched_rate_does_not_round_it(window, qtbot, monkeypatch, tmp_path):
    open_or_gate_with_rate(qtbot, window, monkeypatch, tmp_path, 0.0123456789)
    box = window.training_panel.learning_rate
    assert rate_text(window) == "0.0123457"
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    window.view.setFocus()
    assert window.model.network.learning_rate == 0.0123456789


def test_arrows_step_along_a_1_2_5_ladder(window, qtbot):
    box = window.training_panel.learning_rate
    type_rate(qtbot, window, "0.1")
    shown = []
    for _ in range(3):
        qtbot.keyClick(box, Qt.Key.Key_Up)
        shown.append((rate_text(window), window.model.network.learning_rate))
    assert shown == [("0.2", 0.2), ("0.5", 0.5), ("1", 1.0)]
    for _ in range(4):
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert (rate_text(window), window.model.network.learning_rate) == ("0.05", 0.05)
    type_rate(qtbot, window, "0.3")  # off the ladder: the arrows go to the next rung either way
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert rate_text(window) == "0.2"


def test_the_arrow_buttons_step_too(window, qtbot):
    box = window.training_panel.learning_rate
    type_rate(qtbot, window, "1e-8")
    up_button = QPoint(box.width() - 6, box.height() // 4)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=up_button)
    assert (rate_text(window), window.model.network.learning_rate) == ("2e-08", 2e-8)


def test_the_range_ends_at_1e_12_and_1e3(window, qtbot):
    box = window.training_panel.learning_rate
    type_rate(qtbot, window, "2e-12")
    press(qtbot, box, Qt.Key.Key_Down, 3)
    assert (rate_text(window), window.model.network.learning_rate) == ("1e-12", 1e-12)
    type_rate(qtbot, window, "500")
    press(qtbot, box, Qt.Key.Key_Up, 3)
    assert (rate_text(window), window.model.network.learning_rate) == ("1000", 1000.0)


@pytest.mark.parametrize("typed", ["-1", "abc", "nan", "inf"])
def test_signs_and_letters_cannot_be_typed(window, qtbot, typed):
    before = window.model.network.learning_rate
    type_rate(qtbot, window, typed)
    assert "-" not in rate_text(window)
    assert not any(c.isalpha() and c != "e" for c in rate_text(window))
    assert window.model.network.learning_rate in (before, 1.0)  # "-1" leaves "1" typed, a valid rate


@pytest.mark.parametrize("typed", ["0", "0.000", "1e-13", "2000", "1e400", ".", "1e-"])
def test_zero_out_of_range_or_unfinished_text_goes_back_to_the_rate(window, qtbot, typed):
    type_rate(qtbot, window, "0.25")
    type_rate(qtbot, window, typed)
    assert rate_text(window) == "0.25"
    assert window.model.network.learning_rate == 0.25


def test_the_box_follows_the_model_without_echoing(window, qtbot):
    changes = []
    window.model.settings_changed.connect(lambda: changes.append(window.model.network.learning_rate))
    window.model.change_settings(learning_rate=2.5e-7)
    assert rate_text(window) == "2.5e-07"
    assert changes == [2.5e-7]
    type_rate(qtbot, window, "4e-9")
    assert changes == [2.5e-7, 4e-9]


def updates_rows(window) -> dict[str, str]:
    """The visible rows of the Settings box about updates: label → what it shows."""
    panel = window.training_panel
    form = panel._settings_form
    rows = {}
    for field in (panel.stepping_updates, panel.batch_mode):
        if field.isVisible():
            text = field.currentText() if field is panel.batch_mode else field.text()
            rows[form.labelForField(field).text()] = text
    return rows


def test_the_scalar_graph_says_stepping_updates_per_example_and_the_setting_is_for_training(window, qtbot):
    assert updates_rows(window) == {"Stepping": "updates after each example", "Training updates": "Full batch"}
    window.mode_box.setFocus()
    qtbot.keyClick(window.mode_box, Qt.Key.Key_Down)  # to the layer graph: stepping there uses the batch
    assert updates_rows(window) == {"Updates": "Full batch"}
    qtbot.keyClick(window.mode_box, Qt.Key.Key_Up)
    assert "Stepping" in updates_rows(window)
