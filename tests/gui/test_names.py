"""One name for one thing: Play / Pause for continuous training wherever it appears, Train N epochs
for the fixed run, and N's action named for what it moves on to."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.helpers import press


def _menu_texts(window, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_play_has_one_name_in_the_toolbar_the_panel_and_the_menu(window, qtbot):
    panel = window.training_panel
    assert window.act_play.text() == panel.play_button.text() == "Play"
    assert "Play" in _menu_texts(window, "Step")
    assert "P" in window.act_play.toolTip()
    press(qtbot, window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: window.trainer.running, timeout=5000)
    assert window.act_play.text() == panel.play_button.text() == "Pause"
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=5000)
    assert window.act_play.text() == panel.play_button.text() == "Play"


def test_the_fixed_run_is_named_with_its_epochs(window, qtbot):
    panel = window.training_panel
    assert panel.train_button.text() == "Train 5,000 epochs"
    panel.epochs.setValue(1)
    assert panel.train_button.text() == "Train 1 epoch"
    texts = [window.act_play.text(), panel.play_button.text(), panel.train_button.text()]
    assert not any("▶" in t or "⏸" in t for t in texts)  # words; icons come from the theme


def test_next_is_named_for_the_example_or_batch_it_moves_on_to(window, qtbot):
    assert window.act_next.text() == "Next example"  # the scalar graph
    window.mode_box.setFocus()
    qtbot.keyClick(window.mode_box, Qt.Key.Key_Down)  # the layer graph, full batch
    assert window.act_next.text() == "Next batch"
    panel = window.training_panel
    panel.batch_mode.setCurrentIndex(1)  # mini-batch
    assert window.act_next.text() == "Next mini-batch"
    panel.batch_mode.setCurrentIndex(2)  # per example
    assert window.act_next.text() == "Next example"
    assert "example" in window.act_next.toolTip()
