"""The plots under the graph show all of their data, in a range fitted to it, readably labelled."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.predict import predict
from gui import theme
from gui.graph.view import digit_pixel_height
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


def _fitted_at(window, qtbot, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (width, height))
    _settle(window, qtbot)
    window.view.fit()


def test_the_plots_in_the_strip_keep_its_height_for_their_data_at_1280x720(window, qtbot):
    """Their titles stand beside the data (a title row above cost 30 of the strip's 140 px): the cost
    curve's data area was 72 px high and the decision regions' 53; the graph's digits stay 10 px."""
    press(qtbot, window, Qt.Key.Key_N, 3)
    _fitted_at(window, qtbot, 1280, 720)
    for plot, least in ((window.cost_plot, 95), (window.data_plot, 75)):
        data_area = plot.getPlotItem().vb.sceneBoundingRect()
        title = plot.getPlotItem().titleLabel.sceneBoundingRect()
        assert data_area.height() >= least
        assert title.left() >= data_area.right()
        assert plot.getPlotItem().titleLabel.isVisible()
        assert plot.rect().contains(title.toRect())
    cost = window.cost_plot
    assert not cost.legend.sceneBoundingRect().intersects(cost.getPlotItem().vb.sceneBoundingRect())
    assert digit_pixel_height(window.view) >= 10.0
    bottom = cost.getPlotItem().getAxis("bottom")
    assert not bottom.label.isVisible()  # "per epoch" beside the curve says it
    theme.THEME.set_name("dark")  # restyling the axes keeps it so
    assert not bottom.label.isVisible()


def test_the_strip_keeps_its_share_of_the_window_until_sized_by_hand(window, qtbot):
    """195 px of plots at 1600×1000 (the graph is as large there with them), 140 at 1280×720 (its digits
    stay 10 px); a strip dragged to another height keeps it."""
    _fitted_at(window, qtbot, 1600, 1000)
    assert abs(window.cost_dock.height() - 195) <= 1
    assert window.cost_plot.getPlotItem().vb.sceneBoundingRect().height() >= 140
    assert digit_pixel_height(window.view) >= 12.0
    _fitted_at(window, qtbot, 1280, 720)
    assert abs(window.cost_dock.height() - 140) <= 1
    assert digit_pixel_height(window.view) >= 10.0
    window.resizeDocks([window.cost_dock], [250], Qt.Orientation.Vertical)  # as dragging its edge does
    qtbot.waitUntil(lambda: window.cost_dock.height() == 250)
    _fitted_at(window, qtbot, 1600, 1000)
    assert window.cost_dock.height() == 250


def test_a_taller_plot_has_its_title_above_and_its_legend_under_the_data(window, qtbot):
    _fitted_at(window, qtbot, 1280, 1000)
    window.resizeDocks([window.cost_dock], [450], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: window.cost_plot.height() > 300)
    _settle(window, qtbot)
    item = window.cost_plot.getPlotItem()
    data_area = item.vb.sceneBoundingRect()
    assert item.titleLabel.sceneBoundingRect().bottom() <= data_area.top()
    assert window.cost_plot.legend.sceneBoundingRect().top() >= data_area.bottom()
    window.resizeDocks([window.cost_dock], [140], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: window.cost_plot.height() < 200)
    _settle(window, qtbot)
    assert item.titleLabel.sceneBoundingRect().left() >= item.vb.sceneBoundingRect().right()


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
