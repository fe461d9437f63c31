"""An export draws the graph in bands, a slice per turn of the event loop: until it is written (or
cancelled) nothing changes the graph under it. What would is refused with a message (keys, menu items,
the network editor, a parameter typed in), or waits for its end (a file read in the background, the end of
a training run)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from gui import appearance, export, export_menu, sliced_work
from gui.theme import THEME
from tests.conftest import REPO
from tests.gui.helpers import press
from tests.gui.test_sessions import seen

PRESET_FILE = REPO / "resources" / "presets" / "mood_2_2_1.json"
KEYS = (
    (Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Left, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_U, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_B, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_P, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_PageUp, Qt.KeyboardModifier.NoModifier),
)


@pytest.fixture
def sliced(monkeypatch):
    """Exports in slices of one band, and many bands."""
    monkeypatch.setattr(sliced_work, "SYNC_BUDGET_S", 0.0)
    monkeypatch.setattr(sliced_work, "SLICE_S", 0.0)
    monkeypatch.setattr(export, "BAND_PIXELS", 20_000)


def redraws(monkeypatch, scene) -> list[str]:
    """From now on, the name of each build, state shown or new layout of the graph scene."""
    calls: list[str] = []
    for name in ("build", "show_state", "relayout"):
        drawn = getattr(scene, name)
        monkeypatch.setattr(scene, name, lambda *a, _d=drawn, _n=name, **k: (calls.append(_n), _d(*a, **k))[1])
    return calls


def held_export(window, path):
    """An export under way until the test appends to the list returned with it."""
    finish: list[bool] = []

    def steps():
        while not finish:
            yield 1, 2
        return b"written"

    window.export_menu.write(str(path), ".png", steps)
    work = window.export_menu._work
    assert work.running
    return work, finish


def test_keys_and_menu_items_during_an_export_leave_the_graph_as_it_is(window, qtbot, monkeypatch, tmp_path, sliced):
    window.open_preset("mood_2_2_1")
    window.open_preset("or_gate")
    window.act_undo.trigger()  # back to mood 2-2-1: Undo and Redo both have something to do
    press(qtbot, window, Qt.Key.Key_N)
    window.stops.add_stop("after one update")
    press(qtbot, window, Qt.Key.Key_Right, 3)
    network_file = tmp_path / "mood.json"
    shutil.copy(PRESET_FILE, network_file)
    before, session, edits = seen(window), window.model.session, window.undo_stack.index()
    parameter = next(n.id for n in window.model.current.graph.nodes if n.source is not None)
    out = tmp_path / "graph.png"
    monkeypatch.setattr("gui.export_menu.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    window.export_menu.graph_png_actions[4].trigger()
    work = window.export_menu._work
    drawn = redraws(monkeypatch, window.scene)
    for key, modifier in KEYS:
        qtbot.keyClick(window, key, modifier)
    for action in (
        *window.stepping_actions,
        window.act_play,
        window.act_undo,
        window.act_redo,
        window.preset_actions["mood_2_2_1"],
    ):
        action.trigger()
    assert not window.open_file(str(network_file))
    window.stops.go_to(0)
    window.scene.param_double_clicked.emit(parameter)
    assert work.running  # all of that while the picture was being drawn
    assert drawn == []
    assert window.model.session is session
    assert window.undo_stack.index() == edits
    assert not window.trainer.running
    assert window.param_dialog is None
    assert seen(window) == before
    assert window.message_bar.text() == export_menu.HOLD
    qtbot.waitUntil(lambda: not work.running, timeout=30000)
    assert not QImage(str(out)).isNull()
    assert window.act_undo.isEnabled()
    assert window.act_redo.isEnabled()
    press(qtbot, window, Qt.Key.Key_Right)  # stepping goes on once the file is written
    assert window.model.session.cursor == before["place"][1] + 1
    assert window.message_bar.text() == ""


def test_the_network_editor_cannot_apply_during_an_export(window, qtbot, tmp_path, sliced):
    window.open_network_editor()
    editor = window.network_editor
    session, edits = window.model.session, window.undo_stack.index()
    work, finish = held_export(window, tmp_path / "graph.png")
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    assert (window.model.session, window.undo_stack.index()) == (session, edits)
    assert window.message_bar.text() == export_menu.HOLD
    finish.append(True)
    qtbot.waitUntil(lambda: not work.running, timeout=10000)
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    assert window.undo_stack.index() == edits + 1
    assert window.model.session is not session


def read_in_background(window, qtbot, monkeypatch, tmp_path) -> list:
    """Open mood 2-2-1's file, read in a child process, and wait until it has been read; what was read."""
    monkeypatch.setattr("gui.main_window.BACKGROUND_BYTES", 0)
    network_file = tmp_path / "mood.json"
    shutil.copy(PRESET_FILE, network_file)
    loaded: list = []
    assert window.open_file(str(network_file))  # on its way
    window._file_loader.loaded.connect(loaded.append)
    qtbot.waitUntil(lambda: bool(loaded), timeout=20000)
    qtbot.wait(20)
    return loaded


def test_a_file_read_in_the_background_opens_once_the_export_is_written(window, qtbot, monkeypatch, tmp_path, sliced):
    work, finish = held_export(window, tmp_path / "graph.png")
    loaded = read_in_background(window, qtbot, monkeypatch, tmp_path)
    assert window.model.network.name == "OR gate"
    drawn = redraws(monkeypatch, window.scene)
    finish.append(True)
    qtbot.waitUntil(lambda: not work.running, timeout=10000)
    assert window.model.network.name == loaded[0].name != "OR gate"
    assert "build" in drawn


def test_a_training_run_ending_during_an_export_is_shown_once_it_is_written(
    window, qtbot, monkeypatch, tmp_path, sliced
):
    window.trainer.start(epochs=30)
    work, finish = held_export(window, tmp_path / "graph.png")
    shown = seen(window)["nodes"]
    drawn = redraws(monkeypatch, window.scene)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=30000)
    qtbot.wait(20)
    assert drawn == []
    assert seen(window)["nodes"] == shown
    finish.append(True)
    qtbot.waitUntil(lambda: not work.running, timeout=10000)
    assert "show_state" in drawn
    assert window.model.session.epoch == 30
    assert seen(window)["nodes"] != shown


def test_closing_the_window_during_an_export_opens_no_file_read_meanwhile(window, qtbot, monkeypatch, tmp_path, sliced):
    work, _ = held_export(window, tmp_path / "graph.png")
    read_in_background(window, qtbot, monkeypatch, tmp_path)
    drawn = redraws(monkeypatch, window.scene)
    window.close()
    assert not work.running
    assert window.model.network.name == "OR gate"
    assert drawn == []


def test_the_system_turning_dark_during_an_export_is_followed_once_it_is_written(
    window, qtbot, monkeypatch, tmp_path, sliced
):
    """The picture keeps one look throughout (a new palette would colour the bands drawn after it)."""
    assert THEME.name == "light"
    monkeypatch.setattr(appearance, "system_theme_name", lambda: "dark")
    work, finish = held_export(window, tmp_path / "graph.png")
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert THEME.name == "light"
    finish.append(True)
    qtbot.waitUntil(lambda: not work.running, timeout=10000)
    assert THEME.name == "dark"
