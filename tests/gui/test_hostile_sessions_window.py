"""Every field of a session the window saved, replaced by wrong or extreme values, opened in the window:
refused in one line with nothing changed, or opened and shown without an error."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from tests.core.documents import fields, replaced
from tests.gui.helpers import press
from tests.gui.test_sessions import seen

WRONG = [None, -1, 0.5, 1e308, "a\nb", "NaN", [], {}, 1e-4, 0.25, 8.0, 1e4, 1e9]


@pytest.fixture
def saved(window, qtbot, tmp_path) -> dict:
    """A session of the OR gate two updates in, a stop and a node selected, as the window saves it."""
    press(qtbot, window, Qt.Key.Key_N, 2)
    press(qtbot, window, Qt.Key.Key_Right, 5)
    assert window.stops.add_stop("after two updates")
    path = tmp_path / "good.json"
    assert window.session_actions.save_session(str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def test_any_field_of_a_saved_session_is_refused_in_one_line_or_shown(window, qtbot, tmp_path, saved):
    path = tmp_path / "s.json"
    opened = refused = 0
    for where in [f for f in fields(saved) if f[0] in ("view", "state", "stops") and len(f) <= 3]:
        for wrong in WRONG:
            path.write_text(json.dumps(replaced(saved, where, wrong)), encoding="utf-8")
            before = seen(window)
            if window.open_file(str(path)):
                qtbot.waitUntil(lambda: window.session_actions.idle, timeout=10_000)
                opened += 1
                continue
            refused += 1
            text = window.message_bar.text()
            assert "\n" not in text, where
            assert seen(window) == before, where
    assert refused > opened > 0
