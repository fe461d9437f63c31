"""Long runs in the window: the graph follows training, and the cost plot stays bounded."""

from __future__ import annotations

import numpy as np

from tests.gui.helpers import f3, node


def test_during_play_the_graph_shows_the_parameters_training_reached(window, qtbot):
    assert node(window, "w1").value_text == "0.100"
    window.trainer.start()
    qtbot.waitUntil(lambda: len(window.model.session.history) > 2000, timeout=10000)
    qtbot.waitUntil(lambda: node(window, "w1").value_text != "0.100", timeout=3000)
    assert window.trainer.running  # shown while training runs, not only once it is paused
    window.trainer.stop_and_wait()
    qtbot.waitUntil(lambda: node(window, "w1").value_text == f3(window.model.session.params["W1"][0, 0]))


def test_ten_million_epochs_draw_as_a_bounded_envelope_that_keeps_a_spike(window, qtbot):
    history = window.model.session.history
    chunk = 500_000
    for first in range(1, 10_000_001, chunk):  # as training's records would bring them
        epochs = np.arange(first, first + chunk, dtype=float)
        costs = 0.5 / np.sqrt(epochs)
        costs[epochs == 3_333_333] = 7.0
        history.extend(epochs, costs)
    assert history.nbytes < 4_000_000
    window.refresh_now()
    plot = window.cost_plot
    assert 0 < plot.point_count <= plot.budget
    assert plot.epochs_per_bin > 1
    assert "min–max" in plot.plotItem.titleLabel.text
    x, y = plot.curve.getData()
    assert y.max() == 7.0
    assert x.max() >= 9_990_000
