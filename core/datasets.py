"""Synthetic data sets for examples and benchmarks."""

from __future__ import annotations

import numpy as np


def two_spirals(n: int, seed: int = 0, noise: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals: X (n × 2) and labels y (n × 1), alternately 0 and 1, so half each."""
    # Each arm turns 1.75 times; the second is the first rotated by half a turn, so
    # no straight line (nor a single hidden unit) separates them.
    rng = np.random.default_rng(seed)
    label = np.arange(n) % 2
    t = rng.uniform(0.0, 1.0, n) ** 0.5 * 3.5 * np.pi  # sqrt: points spread evenly along the arms
    angle = t + np.pi * label
    radius = t / (3.5 * np.pi) * 5.0
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(0.0, noise, X.shape)
    return X, label.reshape(n, 1).astype(float)
