"""Keys reach the window's actions even before the window manager has made it the active window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.presets import load_preset


def _shown_but_not_active(qtbot, name: str):
    from gui.main_window import MainWindow

    window = MainWindow(load_preset(name))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_step_keys_work_on_a_window_just_shown(qtbot):
    window = _shown_but_not_active(qtbot, "mood_2_2_1")
    try:
        assert not window.isActiveWindow()  # activation is still pending: the case this covers
        qtbot.keyClick(window, Qt.Key.Key_Right)
        qtbot.keyClick(window, Qt.Key.Key_Space)
        assert window.model.session.cursor == 2
        qtbot.keyClick(window, Qt.Key.Key_Left)
        assert window.model.session.cursor == 1
        qtbot.keyClick(window, Qt.Key.Key_F)
        assert window.model.session.cursor == window.model.current.end_of_forward
    finally:
        window.trainer.stop_and_wait()


def test_a_key_is_taken_once_in_an_active_window(window, qtbot):
    assert window.isActiveWindow()  # the fixture's window: pytest-qt let the activation happen
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.model.session.cursor == 2
