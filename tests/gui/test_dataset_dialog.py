"""Network → Data set…: built-in and generated data sets into the real window, reproducible
from their seed, the network adapted on request; the data table follows."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from core.datasets import make
from gui.dataset_dialog import DatasetDialog


def open_dialog(qtbot, window) -> DatasetDialog:
    qtbot.mouseClick(window.data_panel.dataset_button, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in window.findChildren(DatasetDialog) if d.isVisible()]
    return dialog


def use(qtbot, dialog: DatasetDialog) -> None:
    qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)


def test_a_generated_set_becomes_the_data_and_fills_the_table(window, qtbot):
    dialog = open_dialog(qtbot, window)
    dialog.choose("moons", n=60, noise=0.2, seed=7)
    assert "fits" in dialog.fit.text()
    use(qtbot, dialog)
    net = window.model.network
    np.testing.assert_array_equal(net.X, make("moons", n=60, noise=0.2, seed=7).X)
    assert net.data_spec == {"generate": "moons", "n": 60, "noise": 0.2, "seed": 7}
    assert window.data_panel.table_model.rowCount() == 60
    assert window.data_panel.confusion.rowCount() == 2


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(window, qtbot):
    sets = []
    for seed in (3, 3, 4):
        dialog = open_dialog(qtbot, window)
        dialog.choose("circles", n=40, seed=seed)
        use(qtbot, dialog)
        sets.append(window.model.network.X)
    np.testing.assert_array_equal(sets[0], sets[1])
    assert not np.array_equal(sets[0], sets[2])


def test_a_set_that_does_not_fit_needs_the_network_adapted(window, qtbot):
    before = window.model.network
    dialog = open_dialog(qtbot, window)
    dialog.choose("blobs", n=90, k=4)
    assert "needs 2 inputs and 4 outputs" in dialog.fit.text()
    assert not dialog.use_button.isEnabled()
    dialog.adapt.setChecked(True)
    use(qtbot, dialog)
    net = window.model.network
    assert net is not before
    assert (net.inputs, net.outputs, net.layers[-1].activation, net.loss) == (2, 4, "softmax", "cross_entropy")
    assert window.data_panel.confusion.rowCount() == 4


def test_a_regression_set_gets_an_identity_output(window, qtbot):
    dialog = open_dialog(qtbot, window)
    dialog.choose("sine", n=30, noise=0.05, seed=1)
    dialog.adapt.setChecked(True)
    use(qtbot, dialog)
    net = window.model.network
    assert (net.inputs, net.outputs, net.layers[-1].activation) == (1, 1, "identity")
    assert window.data_panel.table_model.headers() == ["x", "y", "ŷ"]
    assert not window.data_panel.confusion.isVisibleTo(window.data_panel)
