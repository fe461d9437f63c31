"""Network files the core tests start from, as JSON documents (fresh dicts, free to change)."""

from __future__ import annotations

from core.network_file import FORMAT


def or_gate_document() -> dict:
    """The lesson's OR gate as a network file: one sigmoid neuron, w = (0.1, 0.6), b = 0, the OR table."""
    return {
        "format": FORMAT,
        "name": "OR gate",
        "inputs": 2,
        "layers": [{"units": 1, "activation": "sigmoid", "weights": [[0.1], [0.6]], "bias": [0.0]}],
        "loss": "half_squared_error",
        "learning_rate": 1.0,
        "batch_size": None,
        "seed": 0,
        "data": {"X": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [1]]},
    }
