"""Long work in the window runs in short slices behind a progress dialog: the event loop turns while it
runs, Cancel and closing the window leave everything as it was, and the result is the one a single
call gives. SYNC_BUDGET_S = 0 makes even the OR gate's work go in slices (a big network's would)."""

from __future__ import annotations

import math
import os
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPushButton

from core.datasets import with_dataset
from core.evaluation import evaluate
from core.predict import predict
from core.presets import load_preset
from gui import data_dock, export, sliced_work
from tests.gui.helpers import f3, press
from tests.gui.test_data_table import cell
from tests.gui.test_sessions import choose_file, seen


@pytest.fixture
def sliced(monkeypatch):
    """Every piece of long work in slices of one step; large images drawn in many bands."""
    monkeypatch.setattr(sliced_work, "SYNC_BUDGET_S", 0.0)
    monkeypatch.setattr(sliced_work, "SLICE_S", 0.0)
    monkeypatch.setattr(export, "BAND_PIXELS", 50_000)


class LoopWatch:
    """Notes, at each turn of the event loop, whether ``work`` is still under way."""

    def __init__(self, work) -> None:
        self.during: list[bool] = []
        self.timer = QTimer(interval=0)
        self.timer.timeout.connect(lambda: self.during.append(work.running))
        self.timer.start()

    def turns_while_running(self) -> int:
        self.timer.stop()
        return sum(self.during)


def click_cancel(qtbot, work) -> None:
    qtbot.mouseClick(work.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)


def _save_session_after_steps(qtbot, window, monkeypatch, path, updates: int) -> dict:
    press(qtbot, window, Qt.Key.Key_N, updates)
    press(qtbot, window, Qt.Key.Key_Right, 3)
    choose_file(monkeypatch, path)
    window.session_actions.act_save_session.trigger()
    return seen(window)


def test_opening_a_session_replays_its_passes_in_slices(window, qtbot, monkeypatch, tmp_path, sliced):
    saved = _save_session_after_steps(qtbot, window, monkeypatch, tmp_path / "s.json", 6)
    window.model.reset()
    before = window.model.session
    assert window.open_file(str(tmp_path / "s.json"))  # on its way
    work = window.session_actions._restoring
    watch = LoopWatch(work)
    assert work.running
    assert work.dialog is not None
    assert work.dialog.isVisible()
    assert "Opening 's.json'" in work.dialog.labelText()
    assert window.model.session is before  # nothing replaced until the whole session is ready
    qtbot.waitUntil(lambda: not work.running, timeout=10000)
    assert watch.turns_while_running() >= 2  # the window painted and answered between the passes
    assert work.dialog is None
    assert seen(window) == saved
    window.undo_stack.undo()
    assert window.model.session is before


def test_cancelling_an_opening_session_keeps_the_current_network(window, qtbot, monkeypatch, tmp_path, sliced):
    _save_session_after_steps(qtbot, window, monkeypatch, tmp_path / "s.json", 6)
    window.model.reset()
    before, shown = window.model.session, seen(window)
    window.open_file(str(tmp_path / "s.json"))
    work = window.session_actions._restoring
    click_cancel(qtbot, work)
    assert not work.running
    assert window.model.session is before
    assert seen(window) == shown
    assert "Cancelled" in window.statusBar().currentMessage()
    qtbot.wait(50)  # no slice is left to run
    assert window.model.session is before


def test_closing_the_window_while_a_session_opens_stops_it(window, qtbot, monkeypatch, tmp_path, sliced):
    _save_session_after_steps(qtbot, window, monkeypatch, tmp_path / "s.json", 6)
    window.model.reset()
    before = window.model.session
    window.open_file(str(tmp_path / "s.json"))
    work = window.session_actions._restoring
    assert work.running
    window.close()
    assert not work.running
    qtbot.wait(50)  # no slice is left to run
    assert window.model.session is before


def test_a_stop_far_back_is_reached_in_slices(window, qtbot, sliced):
    press(qtbot, window, Qt.Key.Key_N, 5)
    window.stops.add_stop("after five updates")
    stop_view = seen(window)
    press(qtbot, window, Qt.Key.Key_N, 3)
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    work = window.session_actions._restoring
    assert work.running
    qtbot.waitUntil(lambda: not work.running, timeout=10000)
    assert seen(window) == stop_view
    assert "after five updates" in window.statusBar().currentMessage()


def _png_export(window, monkeypatch, path, scale):
    monkeypatch.setattr("gui.export_menu.QFileDialog.getSaveFileName", lambda *a, **k: (str(path), ""))
    window.export_menu.graph_png_actions[scale].trigger()
    return window.export_menu._work


def test_a_large_png_is_drawn_in_bands_and_equals_the_picture_drawn_at_once(window, qtbot, monkeypatch, tmp_path):
    press(qtbot, window, Qt.Key.Key_Right, 7)
    whole = export.scene_image(window.scene, export.graph_rect(window.scene), 3)  # one band: the picture at once
    monkeypatch.setattr(sliced_work, "SYNC_BUDGET_S", 0.0)
    monkeypatch.setattr(sliced_work, "SLICE_S", 0.0)
    monkeypatch.setattr(export, "BAND_PIXELS", 50_000)
    out = tmp_path / "graph.png"
    work = _png_export(window, monkeypatch, out, 3)
    watch = LoopWatch(work)
    assert work.dialog.isVisible()
    assert "graph.png" in work.dialog.labelText()
    qtbot.waitUntil(lambda: not work.running, timeout=10000)
    assert watch.turns_while_running() >= 10  # one per band at least
    saved = QImage(str(out)).convertToFormat(whole.format())
    assert (saved.width(), saved.height()) == (whole.width(), whole.height())
    rect = window.scene.itemsBoundingRect()
    assert saved.width() == math.ceil((rect.width() + 2 * export.MARGIN) * 3)
    a, b = (np.frombuffer(image.constBits(), np.uint8).astype(int) for image in (saved, whole))
    assert np.abs(a - b).max() <= 2  # band seams invisible: at most rounding apart
    assert window.statusBar().currentMessage().startswith("Saved graph.png (")


def test_cancelling_an_export_writes_nothing_and_puts_the_graph_back(window, qtbot, monkeypatch, tmp_path, sliced):
    item = next(iter(window.scene.nodes.values()))
    item.setSelected(True)
    caches = [i.cacheMode() for i in window.scene.items()]
    work = _png_export(window, monkeypatch, tmp_path / "graph.png", 4)
    qtbot.wait(20)
    assert work.running
    click_cancel(qtbot, work)
    assert not work.running
    assert os.listdir(tmp_path) == []
    assert window.statusBar().currentMessage() == "Export cancelled: nothing was written"
    assert item.isSelected()
    assert [i.cacheMode() for i in window.scene.items()] == caches


def test_closing_the_window_during_an_export_leaves_no_file(window, qtbot, monkeypatch, tmp_path, sliced):
    work = _png_export(window, monkeypatch, tmp_path / "graph.png", 4)
    qtbot.wait(20)
    assert work.running
    window.close()
    assert not work.running
    qtbot.wait(50)
    assert os.listdir(tmp_path) == []


def test_a_large_image_is_encoded_and_written_off_the_ui_thread(window, qtbot, monkeypatch, tmp_path):
    """Over THREAD_PIXELS the PNG is encoded on a worker thread: the call returns before the file exists."""
    monkeypatch.setattr("gui.export_menu.THREAD_PIXELS", 1)
    out = tmp_path / "graph.png"
    work = _png_export(window, monkeypatch, out, 1)
    watch = LoopWatch(work)
    assert work.running
    assert work.dialog.isVisible()
    qtbot.waitUntil(lambda: not work.running, timeout=10000)
    assert watch.turns_while_running() >= 1
    assert not QImage(str(out)).isNull()
    assert os.listdir(tmp_path) == ["graph.png"]  # no temporary file left beside it


def test_a_large_data_set_s_predictions_arrive_from_a_worker_thread(window, qtbot, monkeypatch):
    """Above THREAD_EXAMPLES (here every data set) the predictions are computed on a worker thread: once they
    arrive the table and the summary show exactly what core predicts for the parameters now."""
    monkeypatch.setattr(data_dock, "THREAD_EXAMPLES", 0)
    net, dock = window.model.network, window.data_panel
    first = [cell(window, r, "ŷ") for r in range(4)]
    press(qtbot, window, Qt.Key.Key_N, times=3)
    window.refresh_now()
    params = window.model.session.displayed_params()
    expected = [f3(p) for p in predict(net, params, net.X)[:, 0]]
    assert expected != first
    qtbot.waitUntil(lambda: not dock.evaluating, timeout=5000)
    assert [cell(window, r, "ŷ") for r in range(4)] == expected
    assert dock.summary.text().endswith(f"{evaluate(net, params).correct_count} of 4 classified right")



def test_predictions_asked_for_a_network_since_replaced_are_not_computed_or_shown(qtbot, monkeypatch):
    """A big network's parameters waiting for the worker are dropped when another network comes: the worker
    does not compute them afterwards, and the table shows the new network's predictions throughout."""
    a = with_dataset(load_preset("or_gate"), "moons", n=data_dock.THREAD_EXAMPLES + 2, seed=1)
    b = with_dataset(load_preset("or_gate"), "moons", n=data_dock.THREAD_EXAMPLES + 2, seed=2)
    gate, on_worker = threading.Event(), []

    def held_evaluate(network, params):
        if threading.current_thread() is not threading.main_thread():
            on_worker.append(network)
            gate.wait(10)
        return evaluate(network, params)

    monkeypatch.setattr(data_dock, "evaluate", held_evaluate)
    dock = data_dock.DataDock()
    qtbot.addWidget(dock)
    params = a.initial_params()
    dock.set_network(a, params, 3)
    dock.show_params({name: value + 1 for name, value in params.items()}, 3)  # to the worker, held there
    dock.show_params({name: value + 2 for name, value in params.items()}, 3)  # waits for the worker
    dock.set_network(b, b.initial_params(), 3)
    gate.set()
    qtbot.waitUntil(lambda: not dock.evaluating, timeout=5000)
    qtbot.wait(50)  # anything still queued for the window's thread arrives
    assert on_worker == [a]  # the waiting parameters of the network before were not computed
    assert not dock.evaluating
    expected = evaluate(b, b.initial_params()).outputs
    assert np.array_equal(dock.predictions.outputs, expected)


def test_work_failing_unexpectedly_ends_and_closes_its_dialog(window, qtbot, sliced):
    """An error nobody expected is reported (the window's hook), and the work does not stay running
    with its dialog open and its callbacks waiting."""

    def steps():
        yield 1, 3
        raise RuntimeError("unexpected")

    done = []
    work = sliced_work.SlicedWork(steps(), "Working…", window, on_done=done.append, expected=(OSError,))
    work.start()
    assert work.running
    with pytest.raises(RuntimeError):
        work._slice()  # the timer's slice, here, so that its error is seen
    assert not work.running
    assert work.dialog is None or not work.dialog.isVisible()
    assert done == []
