"""Presenter mode (F5, Esc to leave): full screen, the graph with the chain-rule panel and the cost plot,
large type and thick lines, every key of the window still working, and all back as it was on leaving."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from core.presets import load_preset
from core.session import Mode
from gui.graph.view import digit_pixel_height
from gui.preferences import preferences
from gui.presenter import DEFAULT_SCALE, SCALE_KEY
from gui.theme import THEME
from tests.gui.graph_checks import label_boxes, outside, overlapping
from tests.gui.helpers import press


def _present(window, qtbot, width: int = 1280, height: int = 720) -> None:
    """F5, then the window at the size of a 1280×720 screen (offscreen, the screen is 800×800)."""
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.presenter.active
    qtbot.waitUntil(lambda: window.isFullScreen() and window.width() == window.screen().geometry().width())
    qtbot.wait(50)
    window.resize(width, height)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (width, height))
    window.presenter.arrange()
    qtbot.wait(30)
    window.view.fit()


def _shown_panels(window) -> set[str]:
    return {p.objectName() for p in window.findChildren(QDockWidget) if p.isVisible()}


def test_f5_presents_and_esc_restores_the_window_as_it_was(window, qtbot):
    window.narration_dock.raise_()
    window.runs_dock.raise_()
    qtbot.wait(20)
    shown, size = _shown_panels(window), window.size()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.isFullScreen()
    assert window.presenter.action.isChecked()
    assert _shown_panels(window) == {"chain", "cost"}
    assert not window.menuBar().isVisible()
    assert THEME.font_scale == DEFAULT_SCALE
    assert THEME.line_scale > 1
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isFullScreen()
    assert not window.presenter.action.isChecked()
    assert (THEME.font_scale, THEME.line_scale) == (1.0, 1.0)
    qtbot.waitUntil(lambda: window.size() == size)
    assert _shown_panels(window) == shown  # the same tabs in front, too
    assert window.menuBar().isVisible()


def test_the_view_menu_enters_and_leaves_presenter_mode(window, qtbot):
    window.presenter.action.trigger()
    assert window.isFullScreen()
    window.presenter.action.trigger()
    assert not window.isFullScreen()


@pytest.mark.parametrize(
    ("keys", "check"),
    [
        ([Qt.Key.Key_Right] * 3, lambda w: w.model.session.cursor == 3),
        ([Qt.Key.Key_Space, Qt.Key.Key_Space, Qt.Key.Key_Left], lambda w: w.model.session.cursor == 1),
        ([Qt.Key.Key_F], lambda w: w.model.session.cursor == 5),
        ([Qt.Key.Key_B], lambda w: w.model.session.cursor == 10),
        ([Qt.Key.Key_B, Qt.Key.Key_U], lambda w: len(w.model.session.update_curve()[1]) == 1),
        ([Qt.Key.Key_N], lambda w: len(w.model.session.update_curve()[1]) == 1 and w.model.session.cursor == 0),
    ],
)
def test_every_stepping_key_works_while_presenting(window, qtbot, keys, check):
    _present(window, qtbot)
    for key in keys:
        qtbot.keyClick(window, key)
    assert check(window)


def test_play_follow_zoom_and_reset_keys_work_while_presenting(window, qtbot):
    _present(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: window.trainer.running)
    qtbot.keyClick(window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=5000)
    follow = window.act_follow.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.act_follow.isChecked() != follow
    zoom = window.view.zoom
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom > zoom
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom == pytest.approx(zoom)
    press(qtbot, window, Qt.Key.Key_Right, 2)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.model.session.cursor == 0
    qtbot.keyClick(window, Qt.Key.Key_F11)  # graph only, within presenter mode
    assert _shown_panels(window) == set()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert _shown_panels(window) == {"chain", "cost"}


@pytest.mark.parametrize(
    ("key", "mode"), [("or_gate", Mode.EXAMPLE), ("or_gate", Mode.BATCH), ("mood_2_2_1", Mode.EXAMPLE)]
)
def test_presenting_at_1280x720_every_label_is_in_view_and_apart(window, qtbot, key, mode):
    window.open_preset(key)
    window.model.set_mode(mode)
    window.model.to_end_of_backward()  # every value and gradient written
    _present(window, qtbot)
    boxes = label_boxes(window.scene)
    assert outside(boxes, window.view) == []
    assert overlapping(boxes) == []


def test_presenting_the_or_gate_at_1280x720_shows_it_whole_and_larger_than_the_window_does(window, qtbot):
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    qtbot.wait(30)
    window.view.fit()
    in_window = digit_pixel_height(window.view)
    _present(window, qtbot)
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert shown.contains(window.scene.itemsBoundingRect())
    assert digit_pixel_height(window.view) >= 1.1 * in_window >= 11.0


def test_the_presenter_font_size_is_a_remembered_setting(window, qtbot):
    from gui.main_window import MainWindow

    window.presenter.scale_actions[2.0].trigger()
    assert float(preferences().value(SCALE_KEY)) == 2.0
    _present(window, qtbot)
    assert THEME.font_scale == 2.0
    window.presenter.scale_actions[1.4].trigger()  # at once while presenting
    assert THEME.font_scale == 1.4
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    other = MainWindow(load_preset("or_gate"))
    qtbot.addWidget(other)
    assert other.presenter.scale == 1.4
