"""The cost and data plots beside the side panel: plain axis labels, and data or costs too big to draw."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from core.network_file import to_dict
from core.predict import predict
from core.presets import load_preset
from core.session import Mode
from tests.gui.helpers import press
from tests.gui.test_side_panel import type_rate

AXES = ("left", "bottom", "top", "right")


def open_doc(qtbot, window, monkeypatch, tmp_path, doc: dict) -> None:
    path = tmp_path / "net.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert not window.message_bar.isVisible()


def title(plot) -> str:
    return plot.getPlotItem().titleLabel.text


def test_axes_never_use_si_prefixes(window, qtbot):
    window.preset_actions["house_prices"].trigger()
    type_rate(qtbot, window, "1000")
    for _ in range(3):  # predictions near 1e20: an auto SI prefix would read "prediction (x1e+18)"
        press(qtbot, window, Qt.Key.Key_N)
    window.refresh_now()
    qtbot.wait(50)
    for plot in (window.cost_plot, window.data_plot):
        for name in AXES:
            axis = plot.getAxis(name)
            assert not axis.autoSIPrefix, (plot, name)
            assert "(x" not in axis.labelString(), (plot, name)


def test_data_too_spread_for_regions_shows_the_points_and_says_so(window, qtbot, monkeypatch, tmp_path):
    doc = to_dict(load_preset("or_gate"))
    doc["data"]["X"] = [[1e308, 1e308], [-1e308, 0.0], [1.0, 0.0], [1.0, 1.0]]
    open_doc(qtbot, window, monkeypatch, tmp_path, doc)  # before: "Cannot set range [-inf, inf]"
    plot = window.data_plot
    window.refresh_now()
    qtbot.wait(50)
    assert "too large" in title(plot)
    assert "regions" in title(plot)
    assert not plot.image.isVisible()
    assert len(plot.points.data) == 4
    assert plot.getAxis("bottom").labelText == "x1 (×1e+308)"
    window.mode_box.setFocus()
    qtbot.keyClick(window.mode_box, Qt.Key.Key_Down)  # the layer graph builds the plot again
    assert window.model.mode is Mode.BATCH
    window.refresh_now()
    assert "too large" in title(plot)
    window.preset_actions["or_gate"].trigger()  # ordinary data: regions are back
    window.refresh_now()
    assert title(plot) == "Decision regions"
    assert plot.getAxis("bottom").labelText == "x1"
    assert plot.image.isVisible()


def test_predictions_that_all_diverge_leave_an_empty_plot(window, qtbot):
    window.preset_actions["house_prices"].trigger()
    type_rate(qtbot, window, "1000")
    network = window.model.network
    for _ in range(40):  # through predictions of 1e100, 1e300, then infinite and NaN ones, redrawing each time
        press(qtbot, window, Qt.Key.Key_N)
        window.refresh_now()
    assert not np.isfinite(predict(network, window.model.session.displayed_params(), network.X)).any()
    qtbot.wait(50)
    assert "not finite" in window.message_bar.text()
    assert title(window.data_plot) == "Predictions vs targets"
    assert len(window.data_plot.points.data) == 0


def test_a_cost_just_below_the_largest_float_is_plotted(window, qtbot, monkeypatch, tmp_path):
    # One input x = 1 with target 0 and weight w: the first cost is ½w², here 1.75e308.
    doc = to_dict(load_preset("house_prices"))
    doc.update(inputs=1, learning_rate=1e-12)
    doc["layers"] = [{"units": 1, "activation": "identity", "weights": [[2**0.5 * 1.75e308**0.5]], "bias": [0.0]}]
    doc["data"] = {"X": [[1.0]], "y": [[0.0]]}
    open_doc(qtbot, window, monkeypatch, tmp_path, doc)
    press(qtbot, window, Qt.Key.Key_N)
    window.refresh_now()  # before: "Cannot set range [0.0, inf]"
    qtbot.wait(50)
    assert window.cost_plot.point_count == 1
    low, high = window.cost_plot.viewRange()[1]
    assert low <= 0 < high


def test_tick_labels_stay_short():
    from gui.plots import compact_number

    assert [compact_number(v) for v in (0.25, 5000, 200_000, 1_500_000, 2.5e9, -40_000)] == [
        "0.25",
        "5000",
        "200k",
        "1.5M",
        "2.5e+09",
        "−40k",
    ]


def test_a_window_closed_before_its_plots_are_made_makes_none(qtbot):
    """The plots are made just after the graph is first painted; a window closed before then (or a
    closed window's plot timer) does no plotting work later."""
    from gui.main_window import PLOTS_AFTER_SHOW_MS, MainWindow

    window = MainWindow(load_preset("or_gate"), remember=False)
    qtbot.addWidget(window)
    window.show()
    window.close()
    qtbot.wait(PLOTS_AFTER_SHOW_MS * 3)
    assert window._cost_plot is None
    assert not window._plot_timer.isActive()
    window.show()  # shown again: the plots follow as on a first show
    qtbot.waitUntil(lambda: window._cost_plot is not None, timeout=5000)
    assert window._plot_timer.isActive()
    window.close()


def test_the_plots_module_is_imported_off_the_windows_thread(qtbot, monkeypatch):
    """pyqtgraph's import takes a third of a second to a second: the window answers meanwhile."""
    import sys
    import threading

    from gui import main_window
    from gui.main_window import MainWindow

    monkeypatch.delitem(sys.modules, main_window.PLOTS_MODULE)  # as in a new process (put back after)
    imported_on = []
    import_plots = MainWindow._import_plots

    def recorded(window):
        imported_on.append(threading.current_thread())
        import_plots(window)

    monkeypatch.setattr(MainWindow, "_import_plots", recorded)
    window = MainWindow(load_preset("or_gate"), remember=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._cost_plot is not None, timeout=5000)
    assert len(imported_on) == 1
    assert imported_on[0] is not threading.main_thread()
    assert window.cost_plot.isVisible()
