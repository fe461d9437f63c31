"""core.predict.level_segments: the decision boundary drawn over the decision regions, checked against
the line it must follow and small grids worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from core.predict import level_segments


def test_a_sigmoid_of_a_line_crosses_one_half_on_that_line():
    n = 61
    x, y = np.meshgrid(np.linspace(-1, 1, n), np.linspace(-1, 1, n))  # rows along y, as decision_grid
    grid = 1 / (1 + np.exp(-(3 * x + 2 * y - 0.4321)))  # through no grid point
    cx, cy = level_segments(grid, 0.5)
    assert len(cx) == len(cy) > 0
    assert len(cx) % 2 == 0
    data_x, data_y = -1 + 2 * cx / (n - 1), -1 + 2 * cy / (n - 1)
    assert np.max(np.abs(3 * data_x + 2 * data_y - 0.4321)) < 1e-3  # sigmoid is nearly linear at 0.5
    # One segment per cell the line passes through: its ends are shared by the next cell's segment.
    ends = {(round(a, 9), round(b, 9)) for a, b in zip(cx, cy, strict=True)}
    assert len(ends) == len(cx) // 2 + 1


def test_small_grids_worked_by_hand():
    x, y = level_segments(np.array([[0.0, 1.0], [0.0, 1.0]]))  # a vertical boundary half way
    assert x.tolist() == [0.5, 0.5]
    assert sorted(y.tolist()) == [0.0, 1.0]
    x, y = level_segments(np.array([[0.0, 0.0], [0.0, 1.0]]))  # one corner above: a corner cut
    assert sorted(zip(x.tolist(), y.tolist(), strict=True)) == [(0.5, 1.0), (1.0, 0.5)]
    x, _ = level_segments(np.array([[1.0, 0.0], [0.0, 1.0]]))  # a saddle: two segments
    assert len(x) == 4
    assert level_segments(np.zeros((3, 3)))[0].size == 0
    assert level_segments(np.ones((3, 3)))[0].size == 0


def test_a_nan_corner_leaves_out_the_segments_that_would_touch_it():
    """Only the corner cell touches the NaN: its segment goes, the cell below keeps its own."""
    grid = np.array([[np.nan, 1.0, 1.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
    x, y = level_segments(grid)
    whole_x, _ = level_segments(np.nan_to_num(grid, nan=0.0))
    assert len(whole_x) == 4  # without the NaN, both cells of the first column cross the level
    assert len(x) == 2
    assert np.all(np.isfinite(x))
    assert np.all(np.isfinite(y))


@pytest.mark.parametrize("level", [0.25, 0.75])
def test_other_levels(level):
    grid = np.array([[0.0, 1.0], [0.0, 1.0]])
    x, _ = level_segments(grid, level)
    assert x.tolist() == [level, level]
