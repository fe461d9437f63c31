"""In the window, ← back over many updates shows every pass as it was when stepped forward, though only
the newest passes keep their events (core/pass_log.py): older ones are computed again on the way back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

import core.pass_log
from core.optimizers import Optimizer
from core.presets import load_preset
from tests.gui.helpers import press


def shown(window) -> dict[str, tuple[str, str, str, str]]:
    """Every node's texts: forward value, gradient, local gradient, update."""
    return {n: (i.value_text, i.grad_text, i.local_text, i.update_text) for n, i in window.scene.nodes.items()}


@pytest.mark.parametrize("batch_size", [None, 1])
def test_stepping_back_over_many_updates_shows_each_pass_as_it_was(window, qtbot, monkeypatch, batch_size):
    monkeypatch.setattr(core.pass_log, "KEEP_WHOLE", 2)
    net = load_preset("mood_2_2_1").with_settings(optimizer=Optimizer("adam"), batch_size=batch_size)
    window.model.set_network(net)
    seen = []
    for _ in range(8):  # each pass with its update applied (U), then on to the next with N
        press(qtbot, window, Qt.Key.Key_U)
        seen.append((window.model.session.updates, shown(window), window.training_panel.cost_label.text()))
        press(qtbot, window, Qt.Key.Key_N)
    assert window.model.session._passes.whole_count == 2
    for updates, texts, cost in reversed(seen):
        while window.model.session.updates > updates:
            press(qtbot, window, Qt.Key.Key_Left)  # back through the update into the pass before
        press(qtbot, window, Qt.Key.Key_U)
        assert shown(window) == texts
        assert window.training_panel.cost_label.text() == cost
    assert window.model.session.updates == 0
