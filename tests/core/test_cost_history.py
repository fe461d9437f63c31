"""The bounded cost history: exact while short, a min/max envelope at several resolutions when long."""

from __future__ import annotations

import numpy as np
import pytest

from core.cost_history import RECENT, CostHistory

TEN_MILLION = 10_000_000


def _curve(first: int, count: int) -> np.ndarray:
    epochs = np.arange(first, first + count, dtype=float)
    return 1.0 / np.sqrt(epochs) + 0.01 * np.sin(epochs / 37.0)


@pytest.fixture(scope="module")
def long_history() -> CostHistory:
    """Ten million epochs, fed as training feeds it, with one spike up and one dip down, both old."""
    history = CostHistory()
    chunk = 250_000
    for first in range(1, TEN_MILLION + 1, chunk):
        epochs = np.arange(first, first + chunk, dtype=float)
        costs = _curve(first, chunk)
        costs[epochs == 1_234_567] = 1000.0
        costs[epochs == 4_000_001] = -5.0
        history.extend(epochs, costs)
    return history


def test_a_short_history_is_exact():
    history = CostHistory()
    epochs = np.arange(1.0, 5001.0)
    history.extend(epochs, _curve(1, 5000))
    x, y, per_bin = history.view()
    assert per_bin == 1
    assert np.array_equal(x, epochs)
    assert np.array_equal(y, _curve(1, 5000))
    assert history.last() == (5000.0, float(_curve(1, 5000)[-1]))


def test_memory_stays_bounded(long_history):
    assert len(long_history) == TEN_MILLION
    assert long_history.nbytes < 4_000_000  # against 160 MB for every point


@pytest.mark.parametrize("x_range", [None, (1.0, 5e6), (1_200_000.0, 1_300_000.0), (1_234_000.0, 1_235_000.0)])
def test_the_spike_survives_every_zoom_within_budget(long_history, x_range):
    x, y, per_bin = long_history.view(x_range, budget=4000)
    assert len(x) <= 4000
    assert y.max() == 1000.0
    spike_at = x[np.argmax(y)]
    assert spike_at <= 1_234_567 < spike_at + per_bin
    assert np.all(np.diff(x) >= 0)


def test_a_dip_survives_the_whole_view(long_history):
    _, y, _ = long_history.view(budget=2000)
    assert y.min() == -5.0


def test_zooming_in_gives_finer_bins_and_recent_epochs_are_exact(long_history):
    _, _, whole = long_history.view(budget=4000)
    _, _, recent_zoom = long_history.view((9_000_000.0, 9_100_000.0), budget=4000)
    assert recent_zoom < whole
    x, y, per_bin = long_history.view((TEN_MILLION - 1000.0, float(TEN_MILLION)), budget=4000)
    assert per_bin == 1
    assert np.array_equal(x[1:], np.arange(TEN_MILLION - 1000, TEN_MILLION + 1, dtype=float))
    assert np.allclose(y[1:], _curve(TEN_MILLION - 1000, 1001))
    assert long_history.last() == (float(TEN_MILLION), float(_curve(TEN_MILLION, 1)[0]))


def test_the_envelope_encloses_the_exact_curve():
    history = CostHistory()
    count = 3 * RECENT + 123
    costs = _curve(1, count)
    history.extend(np.arange(1.0, count + 1), costs)
    x, y, per_bin = history.view(budget=1000)
    assert per_bin > 1
    assert y.max() == costs.max()
    assert y.min() == costs.min()
    assert x[0] == 1.0
