"""Panels around the graph: saving, the cost plot's log scale, copying the narration, graph-only view."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from core.network_file import load
from tests.gui.helpers import click_dock_tab, f3, node, press


def test_save_writes_the_parameters_shown(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "after-one-update.json"
    window.act_update.trigger()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = load(path)
    assert saved.name == "OR gate"
    assert np.array_equal(saved.initial_params()["b1"], [-0.125])
    assert np.array_equal(saved.initial_params()["W1"], [[0.1], [0.6]])


def test_save_failure_is_reported_and_writes_nothing(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "missing-folder" / "net.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.message_bar.isVisible()
    assert "Could not save" in window.message_bar.text()
    assert not path.parent.exists()


def test_log_scale_keeps_every_point(window, qtbot):
    for _ in range(9):  # two epochs of four examples, and one more update
        window.act_next.trigger()
    window.refresh_now()
    assert (window.cost_plot.point_count, window.cost_plot.update_count) == (2, 9)
    qtbot.mouseClick(window.training_panel.log_scale, Qt.MouseButton.LeftButton)
    assert window.cost_plot.getPlotItem().ctrl.logYCheck.isChecked()
    x, y = window.cost_plot.curve.getData()
    assert len(x) == 2
    assert np.allclose(10 ** np.asarray(y), window.model.session.cost_curve()[1])
    _, uy = window.cost_plot.update_dots.getData()
    assert np.allclose(10 ** np.asarray(uy), window.model.session.update_curve()[1])


def test_copy_narration(window, qtbot):
    press(qtbot, window, Qt.Key.Key_Right, 2)
    qtbot.mouseClick(window.narration.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[1:] == ["F1  w1·x1 = 0.100·0.000 = 0.000", "F2  w2·x2 = 0.600·0.000 = 0.000"]


def test_the_narration_is_made_with_the_steps_so_far_when_its_tab_first_shows(window, qtbot):
    from gui.narration import NarrationPane

    press(qtbot, window, Qt.Key.Key_Right, 2)
    assert not isinstance(window.narration_dock.widget(), NarrationPane)  # not made while behind the chain rule
    click_dock_tab(qtbot, window, "Narration")
    pane = window.narration_dock.widget()
    assert isinstance(pane, NarrationPane)
    assert pane.isVisible()
    assert pane.lines()[1:] == ["F1  w1·x1 = 0.100·0.000 = 0.000", "F2  w2·x2 = 0.600·0.000 = 0.000"]
    press(qtbot, window, Qt.Key.Key_Right)
    assert pane.lines()[3].startswith("F3 ")


def test_graph_only_hides_the_panels(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.chain_dock.isVisible()
    assert not window.training_dock.isVisible()
    press(qtbot, window, Qt.Key.Key_Right, 4)
    assert node(window, "ŷ").value_text == "0.500"
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.chain_dock.isVisible()
    assert window.training_dock.isVisible()


def test_node_tooltip_gives_full_precision_locals(window, qtbot):
    press(qtbot, window, Qt.Key.Key_Right, 7)
    tip = node(window, "ŷ").toolTip()
    assert "value: 0.5" in tip
    assert "local ∂ŷ/∂z: 0.25" in tip


def test_following_the_current_step_keeps_it_readable(window, qtbot):
    assert window.act_follow.isChecked()
    window.view.fit()
    or_gate_zoom = window.view.zoom
    press(qtbot, window, Qt.Key.Key_Right, 9)
    assert window.view.zoom == or_gate_zoom  # a graph that fits readably is left alone
    window.preset_actions["net_2_4_1_tanh"].trigger()
    window.view.fit()
    assert window.view.zoom < 0.5  # 17 parameters: the whole graph is small
    for _ in range(30):
        press(qtbot, window, Qt.Key.Key_Right)
        current = next(item for item in window.scene.nodes.values() if item.current)
        shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
        assert shown.contains(current.sceneBoundingRect())
    assert window.view.zoom >= 1.0
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # off
    window.view.fit()
    zoom = window.view.zoom
    press(qtbot, window, Qt.Key.Key_Right, 3)
    assert window.view.zoom == zoom


def test_progress_shows_the_last_update_before_an_epoch_completes(window, qtbot):
    window.act_next.trigger()
    loss = window.model.session.update_curve()[1][-1]
    assert window.training_panel.cost_label.text() == f"{f3(loss)} (last update)"
    assert window.training_panel.epoch_label.text() == "0.25"
    for _ in range(3):
        window.act_next.trigger()
    mean = window.model.session.cost_curve()[1][-1]
    assert window.training_panel.cost_label.text() == f3(mean)


def test_hovering_the_cost_plot_reads_out_a_point(window, qtbot):
    window.resize(1600, 1000)  # a plot wide enough that its legend leaves the first point free
    window.cost_dock.raise_()
    for _ in range(4):
        window.act_next.trigger()  # one epoch of four examples
    window.refresh_now()
    plot = window.cost_plot
    epochs, costs = window.model.session.cost_curve()
    scene_pos = plot.getPlotItem().vb.mapViewToScene(QPointF(epochs[0], costs[0]))
    qtbot.mouseMove(plot.viewport(), plot.mapFromScene(scene_pos))
    qtbot.waitUntil(plot.readout.isVisible, timeout=2000)
    assert plot.readout.textItem.toPlainText() == f"epoch 1\ncost {costs[0]:.6f}"
