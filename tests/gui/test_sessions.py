"""Sessions in the window: File → Save session… / Open session…, Open recent, the command line, and the
walkthrough stops with Page Up / Page Down, all driven through the real main window."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from core.network_file import save as save_network
from core.presets import load_preset
from core.session_file import FORMAT
from tests.conftest import REPO
from tests.gui.helpers import click_node, press

LAUNCH = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"


def choose_file(monkeypatch, path) -> None:
    """The file dialogs answer ``path`` (the dialog itself is Qt's)."""
    answer = staticmethod(lambda *args, **kwargs: (str(path), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer)


def seen(window) -> dict:
    """What the window shows: parameters, place, curves, every node's text, the chain panel's node."""
    session = window.model.session
    return {
        "params": {k: v.tolist() for k, v in session.displayed_params().items()},
        "start_params": {k: v.tolist() for k, v in session.params.items()},
        "place": (session.mode, session.cursor, session.epoch, session.current.examples),
        "cost": [np.asarray(a).tolist() for a in session.cost_view()],
        "updates": [a.tolist() for a in session.update_curve()],
        "nodes": {
            node_id: (item.value_text, item.grad_text, item.local_text, item.update_text)
            for node_id, item in window.scene.nodes.items()
        },
        "selected": window.chain_panel.selected,
        "decimals": window.settings.decimals,
        "narration": window.narration.lines(),
    }


def test_a_session_round_trips_through_the_menu(window, qtbot, monkeypatch, tmp_path) -> None:
    path = tmp_path / "lesson.json"
    press(qtbot, window, Qt.Key.Key_N, 5)  # five updates, then into the sixth pass
    press(qtbot, window, Qt.Key.Key_Right, 8)
    click_node(qtbot, window, "w2")
    window.training_panel.decimals.setValue(5)
    window.stops.add_stop("after z backward")
    before = seen(window)
    assert before["selected"] is not None
    choose_file(monkeypatch, path)
    window.session_actions.act_save_session.trigger()

    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == FORMAT
    # Change everything, then open the session again.
    press(qtbot, window, Qt.Key.Key_N, 7)
    window.training_panel.decimals.setValue(2)
    window.stops.delete(0)
    window.open_preset("mood_2_2_1")
    changed = seen(window)
    window.session_actions.act_open_session.trigger()
    assert seen(window) == before
    assert [stop.name for stop in window.stops.stops] == ["after z backward"]
    # Stepping back across the earlier updates works as before saving.
    press(qtbot, window, Qt.Key.Key_Left, 20)
    assert window.model.session.updates == 4
    press(qtbot, window, Qt.Key.Key_Right, 20)
    assert seen(window) == before
    # Undo goes back to what was there before the session was opened.
    press(qtbot, window, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)
    assert seen(window) == changed
    assert window.stops.stops == ()


def test_ctrl_r_after_opening_returns_to_the_initial_weights(window, qtbot, monkeypatch, tmp_path) -> None:
    path = tmp_path / "s.json"
    press(qtbot, window, Qt.Key.Key_N, 9)
    choose_file(monkeypatch, path)
    window.session_actions.save_session(str(path))
    window.open_preset("or_gate")
    assert window.open_file(str(path))
    press(qtbot, window, Qt.Key.Key_R, modifier=Qt.KeyboardModifier.ControlModifier)
    params = window.model.session.params
    assert params["W1"].tolist() == [[0.1], [0.6]]
    assert window.model.session.epoch == 0


def refused_leaves_everything(window, qtbot, path, message: str) -> None:
    press(qtbot, window, Qt.Key.Key_N, 3)
    press(qtbot, window, Qt.Key.Key_Right, 4)
    before, undo = seen(window), window.undo_stack.count()
    assert not window.open_file(str(path))
    assert window.message_bar.isVisible()
    text = window.message_bar.text()
    assert message in text
    assert "\n" not in text
    assert seen(window) == before
    assert window.undo_stack.count() == undo


def saved_text(window, tmp_path) -> str:
    path = tmp_path / "good.json"
    assert window.session_actions.save_session(str(path))
    return path.read_text(encoding="utf-8")


def test_a_truncated_session_is_refused_and_nothing_changes(window, qtbot, tmp_path) -> None:
    text = saved_text(window, tmp_path)
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    refused_leaves_everything(window, qtbot, path, "not valid JSON")


def test_a_newer_session_is_refused_with_the_reason(window, qtbot, tmp_path) -> None:
    path = tmp_path / "newer.json"
    path.write_text(saved_text(window, tmp_path).replace(FORMAT, "backprop-stepper.session/2"), encoding="utf-8")
    refused_leaves_everything(window, qtbot, path, "made by a newer Backprop Stepper; this one reads session/1")


def test_an_impossible_cursor_is_refused(window, qtbot, tmp_path) -> None:
    doc = json.loads(saved_text(window, tmp_path))
    doc["state"]["cursor"] = 10_000
    path = tmp_path / "cursor.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    refused_leaves_everything(window, qtbot, path, "cursor 10000 is beyond the pass")


def test_an_expression_is_not_saved_as_a_session(window, tmp_path) -> None:
    assert window.open_expression("x*y", {"x": 1.0, "y": 2.0})
    path = tmp_path / "e.json"
    assert not window.session_actions.save_session(str(path))
    assert "expression" in window.message_bar.text()
    assert not path.exists()


def test_recent_files_list_sessions_and_networks_most_recent_first(window, monkeypatch, tmp_path) -> None:
    network, session, gone = tmp_path / "net.json", tmp_path / "s.json", tmp_path / "gone.json"
    save_network(load_preset("mood_2_2_1"), network)
    window.session_actions.save_session(str(session))
    save_network(load_preset("or_gate"), gone)
    assert window.open_file(str(gone))
    gone.unlink()
    assert window.open_file(str(network))
    actions = window.session_actions
    assert actions.recent_files() == [str(p.resolve()) for p in (network, gone, session)]
    menu = actions.recent_menu
    menu.aboutToShow.emit()
    entries = [a for a in menu.actions() if a.toolTip() in actions.recent_files()]
    assert [a.text() for a in entries] == ["net.json", "gone.json (missing)", "s.json"]
    assert [a.isEnabled() for a in entries] == [True, False, True]
    next(a for a in entries if a.text() == "s.json").trigger()
    assert actions.recent_files()[0] == str(session.resolve())
    assert window.model.network.name == "OR gate"
    assert not actions.open_recent(str(gone.resolve()))
    assert "no longer there" in window.message_bar.text()
    assert str(gone.resolve()) not in actions.recent_files()
    for _ in range(12):
        actions.remember(str(network))
        actions.remember(str(session))
    assert len(actions.recent_files()) == 2
    next(a for a in menu.actions() if a.text() == "Clear recent").trigger()
    assert actions.recent_files() == []


def test_page_up_and_down_jump_between_stops_with_focus_anywhere(window, qtbot) -> None:
    # Active, as a user's window is: Qt matches window shortcuts only there, and until then a panel with
    # the focus takes Page Up itself (it scrolls). A loaded machine could still be activating the window.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    stops = window.stops
    press(qtbot, window, Qt.Key.Key_Right, 3)
    stops.add_stop("after z forward")
    press(qtbot, window, Qt.Key.Key_U)  # the update
    stops.add_stop("after the update")
    after_update = seen(window)
    press(qtbot, window, Qt.Key.Key_N, 6)
    press(qtbot, window, Qt.Key.Key_Right, 2)
    stops.add_stop("later")
    assert [s.name for s in stops.stops] == ["after z forward", "after the update", "later"]
    press(qtbot, window, Qt.Key.Key_N, 9)  # stepped and updated further since
    window.narration.text.setFocus()
    for widget in (window.narration.text, window.chain_panel, window.view, window.training_panel.epochs):
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_PageUp)
    assert window.model.session.cursor == 3
    assert window.model.session.updates == 0
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown)
    assert seen(window) == after_update
    qtbot.keyClick(window.chain_panel, Qt.Key.Key_PageDown)
    assert window.model.session.cursor == 2
    assert window.model.session.epoch == pytest.approx(1.5)
    qtbot.keyClick(window.narration.text, Qt.Key.Key_PageDown)  # no later stop: stays
    assert window.model.session.cursor == 2
    # Step back from a stop: Page Down returns to it.
    press(qtbot, window, Qt.Key.Key_Left)
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert window.model.session.cursor == 2


def test_a_stop_keeps_its_exact_state_after_training(window, qtbot) -> None:
    press(qtbot, window, Qt.Key.Key_N, 2)
    press(qtbot, window, Qt.Key.Key_F)
    window.stops.add_stop("forward done")
    before = seen(window)
    window.training_panel.epochs.setValue(50)
    with qtbot.waitSignal(window.trainer.running_changed, timeout=20_000, check_params_cb=lambda r: not r):
        window.trainer.start(50)
    assert window.model.session.epoch > 40
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert seen(window) == before
    assert np.array_equal(window.model.session.cost_view()[1], np.array(before["cost"][1]))


def test_stops_are_renamed_and_deleted_in_the_dialog(window, qtbot) -> None:
    window.stops.add_stop("one")
    press(qtbot, window, Qt.Key.Key_Right, 4)
    window.stops.add_stop("two")
    dialog = window.stops.open_dialog()
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["one", "two"]
    window.stops.rename(1, "  second  ")
    assert dialog.list.item(1).text() == "second"
    dialog.list.setCurrentRow(0)
    dialog._go()
    assert window.model.session.cursor == 0
    dialog.list.setCurrentRow(0)
    dialog._delete()
    assert [s.name for s in window.stops.stops] == ["second"]
    dialog.close()


def test_add_stop_suggests_the_current_step(window, qtbot) -> None:
    from PySide6.QtWidgets import QInputDialog

    press(qtbot, window, Qt.Key.Key_Right, 4)
    window.stops.act_add.trigger()
    dialog = window.findChild(QInputDialog)
    assert dialog.textValue() == "Example 1: after ŷ forward"
    dialog.textValueSelected.emit(dialog.textValue())
    dialog.close()
    assert [s.name for s in window.stops.stops] == ["Example 1: after ŷ forward"]


def run_app(args, tmp_path):
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    import os

    env = {**{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}, **env}
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=120
    )


def test_the_command_line_opens_a_session_with_a_screenshot(window, qtbot, tmp_path) -> None:
    press(qtbot, window, Qt.Key.Key_N, 3)
    path, out = tmp_path / "s.json", tmp_path / "shot.png"
    window.session_actions.save_session(str(path))
    result = run_app([str(path), "--screenshot", str(out), "--size", "1280x720"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert QImage(str(out)).width() == 1280
    path.write_text(path.read_text(encoding="utf-8").replace(FORMAT, "backprop-stepper.session/3"))
    result = run_app([str(path), "--screenshot", str(out)], tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "made by a newer Backprop Stepper; this one reads session/1" in result.stderr


def test_the_view_comes_back_zoom_theme_and_side_tab(window, qtbot, tmp_path) -> None:
    from gui import theme

    path = tmp_path / "view.json"
    press(qtbot, window, Qt.Key.Key_Right, 2)
    for _ in range(3):
        window.view.zoom_in()
    window.view.centerOn(100.0, 50.0)
    zoom = window.view.zoom
    window.act_follow.setChecked(False)
    window.data_dock.raise_()
    theme.THEME.set_name("dark")
    theme.THEME.set_font_scale(1.25)  # laid out again: the view keeps the node at its centre where it was
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    assert window.session_actions.save_session(str(path))
    view = json.loads(path.read_text(encoding="utf-8"))["view"]
    assert view["theme"] == "dark"
    assert view["font_scale"] == 1.25
    assert view["panel"] == "data"
    window.view.fit()
    window.act_follow.setChecked(True)
    window.training_dock.raise_()
    theme.THEME.reset()
    assert window.open_file(str(path))
    qtbot.waitUntil(lambda: window.view.zoom == pytest.approx(zoom))
    after = window.view.mapToScene(window.view.viewport().rect().center())
    assert (after.x(), after.y()) == pytest.approx((centre.x(), centre.y()), abs=1.0)
    assert not window.act_follow.isChecked()
    assert (theme.THEME.name, theme.THEME.font_scale) == ("dark", 1.25)
    assert not window.data_dock.visibleRegion().isEmpty()


def test_a_large_session_is_read_in_the_background(window, qtbot, monkeypatch, tmp_path) -> None:
    from gui import main_window

    path = tmp_path / "big.json"
    press(qtbot, window, Qt.Key.Key_N, 6)
    click_node(qtbot, window, "w1")
    before = seen(window)
    window.session_actions.save_session(str(path))
    window.open_preset("mood_2_2_1")
    monkeypatch.setattr(main_window, "BACKGROUND_BYTES", 0)  # every file counts as large
    assert window.open_file(str(path))
    qtbot.waitUntil(lambda: window.model.network.name == "OR gate", timeout=30_000)
    assert seen(window) == before
    assert window.scene.nodes[before["selected"]].isSelected()


def test_a_file_opened_on_the_command_line_joins_the_recent_files(qtbot, monkeypatch, tmp_path) -> None:
    import argparse

    from PySide6.QtWidgets import QApplication

    from gui import app
    from gui.main_window import MainWindow
    from gui.preferences import preferences

    path = tmp_path / "net.json"
    save_network(load_preset("mood_2_2_1"), path)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)  # return at once instead of running
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own
    args = argparse.Namespace(file=str(path), preset=None, screenshot=None, steps=0, size=(800, 600), mode=None)
    assert app.run(args) == 0
    for window in QApplication.topLevelWidgets():
        if isinstance(window, MainWindow):
            window.close()
            window.deleteLater()
    assert preferences().value("recent_files") in ([str(path.resolve())], str(path.resolve()))


def hostile_cases():
    from tests.core.test_session_file import HOSTILE

    return [pytest.param(doc, message, id=message[:40]) for doc, message in HOSTILE[::3]]


@pytest.mark.parametrize("command", [[], ["trace"]], ids=["window", "trace"])
@pytest.mark.parametrize(("doc", "message"), hostile_cases())
def test_a_hostile_session_on_the_command_line_is_one_line_and_exit_2(tmp_path, capsys, command, doc, message):
    from gui.launch import main

    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main([*command, str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("backprop-stepper: ")
    assert len(captured.err.splitlines()) == 1
    assert message in captured.err


def test_page_keys_work_in_presenter_mode(window, qtbot) -> None:
    press(qtbot, window, Qt.Key.Key_Right, 2)
    window.stops.add_stop("two steps in")
    press(qtbot, window, Qt.Key.Key_N, 3)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.presenter.active
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp)
    assert (window.model.session.updates, window.model.session.cursor) == (0, 2)
    press(qtbot, window, Qt.Key.Key_Right)
    qtbot.keyClick(window.chain_panel, Qt.Key.Key_PageUp)
    assert window.model.session.cursor == 2
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presenter.active


def test_a_session_saved_while_presenting_keeps_the_normal_font_scale(window, qtbot, tmp_path) -> None:
    from gui import theme

    path = tmp_path / "presented.json"
    theme.THEME.set_font_scale(1.25)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert theme.THEME.font_scale == window.presenter.scale != 1.25
    assert window.session_actions.save_session(str(path))
    view = json.loads(path.read_text(encoding="utf-8"))["view"]
    assert view["font_scale"] == 1.25
    assert not {"zoom", "centre", "panel"} & set(view)  # presenter mode's layout: the graph fits on opening
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    theme.THEME.set_font_scale(1.0)
    assert window.open_file(str(path))
    assert not window.presenter.active
    assert theme.THEME.font_scale == 1.25


def test_a_session_opened_while_presenting_takes_effect_on_leaving(window, qtbot, tmp_path) -> None:
    from gui import theme

    path = tmp_path / "normal.json"
    theme.THEME.set_font_scale(1.25)
    assert window.session_actions.save_session(str(path))
    theme.THEME.set_font_scale(1.0)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.open_file(str(path))
    assert window.presenter.active
    assert theme.THEME.font_scale == window.presenter.scale
    assert not window.data_dock.isVisible()
    assert not window.training_dock.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert theme.THEME.font_scale == 1.25
