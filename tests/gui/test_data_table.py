"""The data dock: each example with the current prediction (from core), the confusion table,
per-class colours, and original units for standardised inputs."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt

from core.evaluation import confusion_matrix, evaluate
from core.predict import predict
from gui import theme
from tests.gui.helpers import click_dock_tab, f3, press


def cell(window, row: int, column: str, role=Qt.ItemDataRole.DisplayRole):
    model = window.data_panel.table_model
    return model.data(model.index(row, model.headers().index(column)), role)


def menu_action(window, menu: str, text: str):
    (top,) = [a.menu() for a in window.menuBar().actions() if a.text() == menu]
    (action,) = [a for a in top.actions() if a.text() == text]
    return action


def confusion_counts(window) -> np.ndarray:
    table = window.data_panel.confusion
    return np.array(
        [[int(table.item(i, j).text()) for j in range(table.columnCount())] for i in range(table.rowCount())]
    )


def test_table_shows_each_example_with_the_prediction_core_makes(window, qtbot):
    net = window.model.network
    model = window.data_panel.table_model
    assert window.data_dock in window.tabifiedDockWidgets(window.training_dock)
    window.data_dock.raise_()
    assert model.rowCount() == net.examples
    assert model.headers() == ["x1", "x2", "target", "predicted", "ŷ"]
    expected = predict(net, net.initial_params(), net.X)[:, 0]
    assert [cell(window, r, "ŷ") for r in range(4)] == [f3(p) for p in expected]
    press(qtbot, window, Qt.Key.Key_N, times=2)  # two updates
    window.refresh_now()
    after = predict(net, window.model.session.displayed_params(), net.X)[:, 0]
    assert not np.allclose(after, expected)
    assert [cell(window, r, "ŷ") for r in range(4)] == [f3(p) for p in after]


def test_predictions_follow_training(window, qtbot):
    window.training_panel.epochs.setValue(50)
    qtbot.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=20_000)
    window.refresh_now()
    net, params = window.model.network, window.model.session.displayed_params()
    shown = [cell(window, r, "ŷ") for r in range(net.examples)]
    assert shown == [f3(p) for p in predict(net, params, net.X)[:, 0]]


def test_softmax_confusion_table_counts_and_class_colours(window, qtbot):
    window.preset_actions["softmax_3_class"].trigger()
    net = window.model.network
    press(qtbot, window, Qt.Key.Key_N, times=5)
    window.refresh_now()
    params = window.model.session.displayed_params()
    result = evaluate(net, params)
    counts = confusion_counts(window)
    np.testing.assert_array_equal(counts, confusion_matrix(result))
    # counted again here from the raw outputs, independently of core.evaluation
    outputs = predict(net, params, net.X)
    hand = np.zeros((3, 3), dtype=int)
    for target, out in zip(net.Y.argmax(axis=1), outputs.argmax(axis=1), strict=True):
        hand[target, out] += 1
    np.testing.assert_array_equal(counts, hand)
    assert "classified right" in window.data_panel.summary.text()
    assert f"{np.trace(hand)} of 45" in window.data_panel.summary.text()
    for row in (0, 20, 40):
        predicted = int(outputs[row].argmax())
        assert cell(window, row, "predicted") == f"class {predicted + 1}"
        colour = cell(window, row, "predicted", Qt.ItemDataRole.DecorationRole)
        assert colour.name().lower() == theme.CLASS_COLOURS[predicted].lower()
        wrong = cell(window, row, "x1", Qt.ItemDataRole.BackgroundRole)
        assert (wrong is not None) == (predicted != int(net.Y[row].argmax()))


def test_decision_regions_one_colour_per_class(window, qtbot):
    window.preset_actions["softmax_3_class"].trigger()
    window.training_panel.epochs.setValue(200)
    qtbot.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=20_000)
    window.refresh_now()
    image = window.data_plot.image.image  # RGBA, x along the first axis
    colours = {tuple(int(c) for c in px[:3]) for px in image.reshape(-1, 4)}
    palette = {pg.mkColor(c).getRgb()[:3] for c in theme.CLASS_COLOURS[:3]}
    assert colours == palette  # three regions, each in its own colour-blind-safe class colour
    brushes = window.data_plot.points.data["brush"]
    point_colours = {b.color().name().lower() for b in brushes}
    assert point_colours == {c.lower() for c in theme.CLASS_COLOURS[:3]}


@pytest.mark.parametrize("name", theme.THEME_NAMES)
def test_two_class_regions_meet_at_a_line_where_p_is_one_half_in_every_theme(window, qtbot, name):
    """No colour of its own at the boundary (a blend through white showed as a grey band on the dark
    background): each point in its class's colour, and the P = 0.5 line drawn in the theme's text colour."""
    window.preset_actions["mood_2_2_1"].trigger()
    window.training_panel.epochs.setValue(300)
    qtbot.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=20_000)
    theme.THEME.set_name(name)
    window.refresh_now()
    plot = window.data_plot
    colours = {tuple(int(c) for c in px[:3]) for px in plot.image.image.reshape(-1, 4)}
    assert colours == {pg.mkColor(c).getRgb()[:3] for c in theme.CLASS_COLOURS[:2]}
    assert plot.boundary.isVisible()
    assert plot.boundary.opts["pen"].color().name() == theme.THEME.palette.text
    x, y = plot.boundary.getData()
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
    shown = (x0 < x) & (x < x1) & (y0 < y) & (y < y1)
    assert shown.sum() > 10
    inside = np.column_stack([x[shown], y[shown]])
    p = predict(window.model.network, window.model.session.displayed_params(), inside)[:, 0]
    assert np.all(np.abs(p - 0.5) < 0.05)


def test_standardised_inputs_show_in_original_units(window, qtbot):
    net = window.model.network
    menu_action(window, "&Network", "&Standardise inputs").trigger()
    standardised = window.model.network
    assert not np.allclose(standardised.X, net.X)
    assert [cell(window, r, "x2") for r in range(4)] == [f3(v) for v in net.X[:, 1]]
    assert "original units" in window.data_panel.summary.text()
    window.refresh_now()
    x_range, _ = window.data_plot.getViewBox().viewRange()
    assert x_range == pytest.approx([-0.15, 1.15])  # the OR gate's inputs 0 and 1 with a margin, not ±1 standardised
    rect = window.data_plot.image.boundingRect()
    mapped = window.data_plot.image.mapRectToParent(rect)
    assert abs(mapped.left() - x_range[0]) < 1e-9  # the regions fill the plot: their grid mapped to original units
    assert abs(mapped.right() - x_range[1]) < 1e-9


def test_the_columns_fit_their_texts_once_the_data_tab_shows(window, qtbot):
    table = window.data_panel.table
    window.training_dock.raise_()
    qtbot.wait(20)
    window.open_preset("house_prices")  # a data set with wider numbers, opened while the tab is behind another
    window.data_dock.raise_()
    qtbot.wait(20)
    shown = [table.columnWidth(c) for c in range(window.data_panel.table_model.columnCount())]
    table.resizeColumnsToContents()
    assert shown == [table.columnWidth(c) for c in range(window.data_panel.table_model.columnCount())]


def test_the_data_table_is_made_filled_when_its_tab_first_shows(window, qtbot):
    from gui.data_dock import DataDock

    press(qtbot, window, Qt.Key.Key_N, times=2)  # two updates
    assert not isinstance(window.data_dock.widget(), DataDock)  # not made while behind the training panel
    click_dock_tab(qtbot, window, "Data")
    panel = window.data_dock.widget()
    assert isinstance(panel, DataDock)
    assert panel.isVisible()
    net = window.model.network
    shown = predict(net, window.model.session.displayed_params(), net.X)[:, 0]
    assert [cell(window, r, "ŷ") for r in range(net.examples)] == [f3(p) for p in shown]
    assert panel.summary.text().startswith(f"{net.examples} examples")
    widths = [panel.table.columnWidth(c) for c in range(panel.table_model.columnCount())]
    panel.table.resizeColumnsToContents()
    assert widths == [panel.table.columnWidth(c) for c in range(panel.table_model.columnCount())]
