"""Runs side by side in the window: the Runs dock driven with clicks."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.training import train_all
from gui.runs import RUN_COLOURS
from tests.gui.helpers import f3, node

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def runs_panel(window):
    panel = window.runs_dock.ensure_panel()
    window.runs_dock.raise_()
    yield panel
    window.runs_dock.runs.stop_and_wait()


def _train(qtbot, panel, epochs):
    panel.epochs.setValue(epochs)
    qtbot.mouseClick(panel.train_button, CLICK)
    qtbot.waitUntil(lambda: not panel.runs.any_running, timeout=30000)
    panel.refresh()


def test_a_sweep_trains_side_by_side_with_the_numbers_of_each_run_alone(window, qtbot, runs_panel):
    panel = runs_panel
    qtbot.mouseClick(panel.sweep_button, CLICK)
    runs = panel.runs.runs
    assert [r.network.learning_rate for r in runs] == [0.01, 0.1, 1.0, 10.0]
    _train(qtbot, panel, 300)
    start = window.model.session.displayed_params()
    for run in runs:
        alone = train_all(run.network, start, 300)
        np.testing.assert_array_equal(run.history.costs, alone.costs)
        for k, v in alone.params.items():
            np.testing.assert_array_equal(run.params[k], v)
        x, y = panel.curve_data(run)
        np.testing.assert_array_equal(y, alone.costs)
        assert x[-1] == 300
    assert panel.table.rowCount() == 4
    assert panel.table.item(3, 2).text() == f"{runs[3].current_cost:.4g}"
    assert len(panel.legend.items) == 4
    colours = {panel.runs.colour(r) for r in runs}
    assert colours == set(RUN_COLOURS[:4])
    rates, finals, _ = panel.runs.run_set.sweep()
    np.testing.assert_array_equal(panel.sweep_line.xData, rates)
    np.testing.assert_array_equal(panel.sweep_line.yData, finals)
    assert panel.sweep_plot.getPlotItem().ctrl.logXCheck.isChecked()
    # A target cost: the epoch each run first reached it
    slow, fast = runs[0], runs[3]
    target = float(f"{(slow.best + fast.best) / 2:.6g}")  # the fast run reaches it, the slow one not
    panel.target.setText(str(target))
    panel.target.editingFinished.emit()
    panel.refresh()
    assert panel.table.item(3, 4).text() == str(int(np.flatnonzero(fast.history.costs <= target)[0]) + 1)
    assert panel.table.item(0, 4).text() == "—"


def test_a_diverging_run_stops_alone_and_is_marked(window, qtbot, runs_panel):
    window.preset_actions["house_prices"].trigger()  # raw prices: a large rate overflows
    panel = runs_panel
    panel.rate.setText("10")
    qtbot.mouseClick(panel.add_button, CLICK)
    panel.rate.setText("1e-9")
    panel.batch.setCurrentIndex(3)  # one example per update
    qtbot.mouseClick(panel.add_button, CLICK)
    wild, calm = panel.runs.runs
    assert calm.network.batch_size == 1
    _train(qtbot, panel, 400)
    assert wild.diverged
    assert wild.epoch < 400
    assert not calm.diverged
    assert calm.epoch == 400
    assert panel.table.item(0, 6).text() == f"diverged at epoch {wild.diverged_at}"
    assert "Run 1: Training paused: the cost became" in panel.status.text()
    cross = panel._curves[wild.number][1]
    assert list(cross.xData) == [wild.diverged_at]
    # Training again leaves the diverged run where it stopped; the other goes on
    _train(qtbot, panel, 100)
    assert wild.epoch < 400
    assert calm.epoch == 500


def test_making_a_run_current_shows_its_weights_in_the_graph(window, qtbot, runs_panel):
    panel = runs_panel
    panel.rate.setText("5")
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("momentum"))
    qtbot.mouseClick(panel.add_button, CLICK)
    panel.seed.setValue(4)
    panel.rate.setText("")
    panel.optimizer.setCurrentIndex(0)
    qtbot.mouseClick(panel.add_button, CLICK)
    first, second = panel.runs.runs
    assert not np.allclose(second.start_params["W1"], first.start_params["W1"])
    _train(qtbot, panel, 200)
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.current_button, CLICK)
    shown = window.model.session.displayed_params()
    for k, v in first.params.items():
        np.testing.assert_array_equal(shown[k], v)
    assert window.model.network.learning_rate == 5
    assert window.model.network.optimizer.name == "momentum"
    assert node(window, "b").value_text == f3(first.params["b1"][0])
    assert node(window, "w1").value_text == f3(first.params["W1"][0][0])
    # double-clicking a row makes that run current
    rect = panel.table.visualItemRect(panel.table.item(1, 1))
    qtbot.mouseClick(panel.table.viewport(), CLICK, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), CLICK, pos=rect.center())
    assert node(window, "w2").value_text == f3(second.params["W1"][1][0])


def test_bad_settings_are_said_in_one_line_and_eight_runs_at_most(window, qtbot, runs_panel):
    panel = runs_panel
    panel.rate.setText("fast")
    qtbot.mouseClick(panel.add_button, CLICK)
    assert panel.status.text() == "The learning rate must be a positive number, not 'fast'."
    assert panel.runs.runs == []
    panel.rate.setText("")
    qtbot.mouseClick(panel.sweep_button, CLICK)
    qtbot.mouseClick(panel.sweep_button, CLICK)
    qtbot.mouseClick(panel.sweep_button, CLICK)
    assert len(panel.runs.runs) == 8
    assert "needs 4 free places" in panel.status.text()
    window.preset_actions["mood_2_2_1"].trigger()  # another network: its runs go
    assert panel.runs.run_set is None
