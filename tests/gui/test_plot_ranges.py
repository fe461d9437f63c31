"""The plots under the graph show all of their data, in a range fitted to it, readably labelled."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.predict import predict
from tests.gui.helpers import press


def _settle(window, qtbot):
    window.refresh_now()
    qtbot.wait(10)


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)])
def test_the_decision_regions_are_framed_inside_the_plot(window, qtbot, size):
    window.resize(*size)
    _settle(window, qtbot)
    plot = window.data_plot
    assert plot.kind == "regions"
    box = plot.getPlotItem().vb.sceneBoundingRect()
    assert box.right() <= plot.width() - 8  # room for the last tick label; main drew to the edge
    shown = plot.getPlotItem().vb.viewRect()
    x, y = plot.points.getData()
    assert shown.left() < x.min()
    assert x.max() < shown.right()
    assert shown.top() < y.min()
    assert y.max() < shown.bottom()
    assert plot.mapToGlobal(plot.rect().topRight()).x() <= window.mapToGlobal(window.rect().topRight()).x()


def test_predictions_are_fitted_after_switching_networks(window, qtbot):
    _settle(window, qtbot)
    window.preset_actions["house_prices_standardised"].trigger()
    _settle(window, qtbot)
    plot = window.data_plot
    assert plot.kind == "regression"
    net = window.model.network
    targets = net.Y[:, 0]
    predictions = predict(net, window.model.session.displayed_params(), net.X)[:, 0]
    (x0, x1), (y0, y1) = plot.getPlotItem().vb.viewRange()
    assert x0 <= targets.min()
    assert targets.max() <= x1
    assert y0 <= predictions.min()
    assert predictions.max() <= y1
    assert x1 - x0 < 4 * (targets.max() - targets.min())  # fitted: not the OR gate's 0–1.1, not vast


def test_the_cost_plots_epoch_axis_ends_near_the_data(window, qtbot):
    for _ in range(4):
        press(qtbot, window, Qt.Key.Key_N)
    _settle(window, qtbot)
    _x0, x1 = window.cost_plot.getPlotItem().vb.viewRange()[0]
    assert 1.0 <= x1 <= 1.3  # one epoch stepped: the axis ran to 2 on main


def test_the_cost_plots_legend_does_not_cover_the_points(window, qtbot):
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_N)
    _settle(window, qtbot)
    plot = window.cost_plot
    legend = plot.legend.sceneBoundingRect()
    assert len(plot.legend.items) == 2
    assert not legend.intersects(plot.getPlotItem().vb.sceneBoundingRect())


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)])
def test_the_cost_plot_keeps_room_for_its_curve_in_the_strip_under_the_graph(window, qtbot, size):
    """In a low strip the legend goes beside the curve: under the axis it left the curve under 1 px at 1280×720."""
    window.resize(*size)
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_N)
    _settle(window, qtbot)
    plot = window.cost_plot
    data_area = plot.getPlotItem().vb.sceneBoundingRect()
    assert data_area.height() >= 0.35 * plot.height()
    assert not plot.legend.sceneBoundingRect().intersects(data_area)
    assert plot.legend.isVisible()


def test_the_log_scale_axis_is_labelled_with_the_costs(window, qtbot):
    for _ in range(4):
        press(qtbot, window, Qt.Key.Key_N)
    _settle(window, qtbot)
    qtbot.mouseClick(window.training_panel.log_scale, Qt.MouseButton.LeftButton)
    axis = window.cost_plot.getPlotItem().getAxis("left")
    assert axis.logMode
    assert axis.tickStrings([-1.0, -2.0, -3.0], 1.0, 1.0) == ["0.1", "0.01", "0.001"]
    low, high = window.cost_plot.getPlotItem().vb.viewRange()[1]
    shown = [float(t.replace("−", "-")) for t in axis.tickStrings(list(np.arange(np.ceil(low), high)), 1.0, 1.0)]
    costs = window.model.session.update_curve()[1]
    assert min(shown) <= costs.min() * 10
    assert costs.max() / 10 <= max(shown)
