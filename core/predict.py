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


def classes(net: Network) -> np.ndarray:
    """Each example's class: the argmax of one-hot targets, or the 0/1 target rounded."""
    return net.Y.argmax(axis=1) if net.Y.shape[1] > 1 else (net.Y[:, 0] >= 0.5).astype(int)


def plotted_rows(examples: int, limit: int, seed: int = 0) -> np.ndarray:
    """The rows a plot draws: all of them up to ``limit``, else an even random sample of ``limit``
    rows in data order (the same each time, so the points do not jump between redraws)."""
    if examples <= limit:
        return np.arange(examples)
    return np.sort(np.random.default_rng(seed).choice(examples, size=limit, replace=False))
