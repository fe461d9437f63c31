"""The real main window, built for each test."""

from __future__ import annotations

import pytest

from core.presets import load_preset


@pytest.fixture
def window(qtbot):
    from gui.main_window import MainWindow

    w = MainWindow(load_preset("or_gate"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.trainer.stop_and_wait()
