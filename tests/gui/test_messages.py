"""Stale state and feedback: the message bar's close button, errors cleared when they no longer
hold, information apart from errors, confirmations of Save and Copy, the speed of an earlier run."""

from __future__ import annotations

import os
import stat

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog

from gui.message_bar import MessageKind
from tests.core.documents import two_hidden_network
from tests.gui.helpers import press


def _open_bad_file(window, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{ not json")
    assert not window.open_file(str(path))
    assert window.message_bar.isVisible()
    assert window.message_bar.kind is MessageKind.ERROR


def test_the_close_button_dismisses_a_message(window, qtbot, tmp_path):
    _open_bad_file(window, tmp_path)
    qtbot.mouseClick(window.message_bar.close_button, Qt.MouseButton.LeftButton)
    assert not window.message_bar.isVisible()


def test_an_error_is_cleared_by_the_next_step_and_by_opening_a_network(window, qtbot, tmp_path):
    _open_bad_file(window, tmp_path)
    press(qtbot, window, Qt.Key.Key_Right)
    assert not window.message_bar.isVisible()
    _open_bad_file(window, tmp_path)
    window.preset_actions["mood_2_2_1"].trigger()
    assert not window.message_bar.isVisible()


def test_an_information_notice_is_not_styled_as_an_error(window, qtbot, tmp_path):
    _open_bad_file(window, tmp_path)
    error_style = window.message_bar.styleSheet()
    window._replace_network(two_hidden_network(16, 40), "Open 2-16-16-1")
    bar = window.message_bar
    assert "opens in the layer graph" in bar.text()
    assert bar.kind is MessageKind.INFO
    assert bar.styleSheet() != error_style
    press(qtbot, window, Qt.Key.Key_Right)  # a notice is not an error: stepping keeps it
    assert bar.isVisible()


def test_save_and_copy_are_confirmed(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "or_gate.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage() == "Saved or_gate.json"
    press(qtbot, window, Qt.Key.Key_Right, 2)
    qtbot.mouseClick(window.narration.copy_button, Qt.MouseButton.LeftButton)
    assert window.statusBar().currentMessage() == "Copied the narration"
    assert QGuiApplication.clipboard().text() == window.narration.text.toPlainText()


def test_a_saved_network_follows_the_umask(window, qtbot, monkeypatch, tmp_path):
    for umask, mode in ((0o022, 0o644), (0o027, 0o640)):
        path = tmp_path / f"net-{umask:o}.json"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, p=path, **k: (str(p), ""))
        previous = os.umask(umask)
        try:
            qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        finally:
            os.umask(previous)
        assert stat.S_IMODE(path.stat().st_mode) == mode


def test_the_speed_of_an_earlier_run_is_cleared_by_a_new_network(window, qtbot):
    panel = window.training_panel
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.rate_label.text() != "—", timeout=20_000)
    qtbot.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=5_000)
    window.preset_actions["mood_2_2_1"].trigger()
    assert panel.rate_label.text() == "—"


def test_a_screenshot_is_written_whole_with_the_umask_and_confirmed(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "shot.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    previous = os.umask(0o027)
    try:
        _menu_action(window, "File", "Save screenshot…").trigger()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert QImage(str(path)).width() == window.width()
    assert window.statusBar().currentMessage().startswith("Saved shot.png (")  # and its size, as exports say
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]  # no temporary file left


def test_a_screenshot_that_cannot_be_written_says_why_and_leaves_nothing(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "missing" / "shot.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    _menu_action(window, "File", "Save screenshot…").trigger()
    assert window.message_bar.kind is MessageKind.ERROR
    assert "Could not write the screenshot" in window.message_bar.text()
    assert not path.parent.exists()


def _menu_action(window, menu_title: str, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == menu_title)
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)
