"""The side panel keeps its width as the Cost text grows (issue 10, item 7's last bullet): a long value is
cut with "…" (whole in the tooltip), the graph keeps its room, and a short value shows whole again."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.helpers import press


def _widths(window) -> tuple[int, int, int]:
    return window.training_dock.width(), window.view.width(), window.training_panel.minimumSizeHint().width()


def test_a_long_cost_text_neither_widens_the_panel_nor_stays_cut_when_short_again(window, qtbot):
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    qtbot.wait(30)
    before = _widths(window)
    label = window.training_panel.cost_label
    long = "1.79769313486e+308 (last update) and more to say than fits"
    label.setText(long)
    qtbot.wait(30)
    assert _widths(window) == before
    assert label.shown_text().endswith("…")
    assert label.toolTip() == long
    label.setText("0.125")
    qtbot.wait(30)
    assert _widths(window) == before
    assert label.shown_text() == "0.125"


def test_big_numbers_from_training_keep_the_panel_width(window, qtbot):
    window.preset_actions["house_prices"].trigger()  # raw prices: the cost grows huge as it diverges
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    qtbot.wait(30)
    before = _widths(window)
    press(qtbot, window, Qt.Key.Key_N, 6)
    qtbot.wait(30)
    assert float(window.training_panel.cost_label.text().split()[0]) > 1e6  # a big number
    assert _widths(window) == before
