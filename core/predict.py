"""Predictions and the cost of a network, over its examples, points or a grid (for the plots)."""

from __future__ import annotations

import numpy as np

from core.activations import activation
from core.losses import loss
from core.network import Network, Params


def predict(net: Network, params: Params, X: np.ndarray) -> np.ndarray:
    """The network's outputs for the rows of X (m × outputs)."""
    a = np.asarray(X, dtype=float)
    with np.errstate(all="ignore"):
        for i, layer in enumerate(net.layers, start=1):
            z = a @ params[f"W{i}"] + params[f"b{i}"]
            a = activation(layer.activation).function(z)
    return a


def cost(net: Network, params: Params, rows: np.ndarray | slice = slice(None)) -> float:
    """The cost C: the mean over the examples (all, or ``rows``) of the per-example losses."""
    outputs = predict(net, params, net.X[rows])
    with np.errstate(all="ignore"):
        return float(loss(net.loss).term(outputs, net.Y[rows]).sum(axis=1).mean())


def data_bounds(X: np.ndarray, margin: float = 0.15) -> tuple[float, float, float, float]:
    """(x min, x max, y min, y max) of the first two inputs, widened by ``margin`` of the span."""
    lo, hi = X[:, :2].min(axis=0), X[:, :2].max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    lo, hi = lo - margin * span, hi + margin * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def decision_grid(net: Network, params: Params, bounds: tuple[float, float, float, float], n: int = 120) -> np.ndarray:
    """Over an n × n grid of the two inputs (rows along y): P(class 1), or the class index for softmax."""
    x0, x1, y0, y1 = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    out = predict(net, params, np.column_stack([gx.ravel(), gy.ravel()]))
    values = out.argmax(axis=1) if out.shape[1] > 1 else out[:, 0]
    return values.reshape(n, n)


def level_segments(grid: np.ndarray, level: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Where ``grid`` (rows along y) crosses ``level``, as line segments in grid units (column, row):
    x and y of each segment's two ends, one after the other. Each cell of four grid points whose
    corners lie on both sides gets one segment (two at a saddle) between the points of its sides
    where linear interpolation meets the level; NaN counts as below."""
    above = np.nan_to_num(grid, nan=-np.inf) >= level
    rows, columns = grid.shape
    with np.errstate(all="ignore"):
        # Crossing points on the horizontal sides (between columns j and j+1) and the vertical ones.
        across = np.arange(columns - 1) + (level - grid[:, :-1]) / (grid[:, 1:] - grid[:, :-1])
        up = np.arange(rows - 1)[:, None] + (level - grid[:-1, :]) / (grid[1:, :] - grid[:-1, :])
    row_index, column_index = np.arange(rows)[:, None], np.arange(columns)[None, :]
    # Each cell's four sides as (crosses, x, y): bottom, top, left, right.
    sides = [
        (above[:-1, :-1] != above[:-1, 1:], across[:-1], np.broadcast_to(row_index[:-1], across[:-1].shape)),
        (above[1:, :-1] != above[1:, 1:], across[1:], np.broadcast_to(row_index[1:], across[1:].shape)),
        (above[:-1, :-1] != above[1:, :-1], np.broadcast_to(column_index[:, :-1], up[:, :-1].shape), up[:, :-1]),
        (above[:-1, 1:] != above[1:, 1:], np.broadcast_to(column_index[:, 1:], up[:, 1:].shape), up[:, 1:]),
    ]
    crossings = sum(side[0].astype(int) for side in sides)
    xs, ys = [], []
    # Two crossings: the first and the last side crossed; four (a saddle): bottom-left and top-right.
    pairs = [((0, 1), 2), ((0, 2), 2), ((0, 3), 2), ((1, 2), 2), ((1, 3), 2), ((2, 3), 2), ((0, 2), 4), ((1, 3), 4)]
    for (a, b), count in pairs:
        cells = (crossings == count) & sides[a][0] & sides[b][0]
        if not cells.any():
            continue
        ends = np.empty((2, int(cells.sum()), 2))
        ends[0, :, 0], ends[0, :, 1] = sides[a][1][cells], sides[a][2][cells]
        ends[1, :, 0], ends[1, :, 1] = sides[b][1][cells], sides[b][2][cells]
        pairs_xy = ends.transpose(1, 0, 2).reshape(-1, 2)
        xs.append(pairs_xy[:, 0])
        ys.append(pairs_xy[:, 1])
    if not xs:
        return np.empty(0), np.empty(0)
    x, y = np.concatenate(xs), np.concatenate(ys)
    finite = np.isfinite(x) & np.isfinite(y)  # a segment with an end next to NaN is left out
    keep = np.repeat(finite[0::2] & finite[1::2], 2)
    return x[keep], y[keep]


def classes(net: Network) -> np.ndarray:
    """Each example's class: the argmax of one-hot targets, or the 0/1 target rounded."""
    return net.Y.argmax(axis=1) if net.Y.shape[1] > 1 else (net.Y[:, 0] >= 0.5).astype(int)


def plotted_rows(examples: int, limit: int, seed: int = 0) -> np.ndarray:
    """The rows a plot draws: all of them up to ``limit``, else an even random sample of ``limit``
    rows in data order (the same each time, so the points do not jump between redraws)."""
    if examples <= limit:
        return np.arange(examples)
    return np.sort(np.random.default_rng(seed).choice(examples, size=limit, replace=False))
