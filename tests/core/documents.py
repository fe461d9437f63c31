"""Networks the tests start from: network files as JSON documents (fresh dicts, free to change), and
the 2-H-H-1 classifier the big-graph tests use, as a document and as a Network."""

from __future__ import annotations

import numpy as np

from core.network import Layer, Network
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


def two_hidden_layers(units: int) -> list[dict]:
    """A network file's layers for 2-units-units-1: tanh, tanh, one sigmoid output (weights from the seed)."""
    return [
        {"units": units, "activation": "tanh"},
        {"units": units, "activation": "tanh"},
        {"units": 1, "activation": "sigmoid"},
    ]


def two_hidden_document(name: str, units: int, data: dict) -> dict:
    """A 2-units-units-1 classifier's network file (tanh, tanh, sigmoid; log loss), weights from its seed."""
    return {
        "format": FORMAT,
        "name": name,
        "inputs": 2,
        "layers": two_hidden_layers(units),
        "loss": "log_loss",
        "data": data,
    }


def two_hidden_network(units: int, examples: int, **settings) -> Network:
    """A 2-units-units-1 classifier (tanh, tanh, sigmoid; log loss, α = 0.1) on ``examples`` normal
    inputs with random 0/1 targets (seeded)."""
    rng = np.random.default_rng(0)
    layers = (Layer(units, "tanh"), Layer(units, "tanh"), Layer(1, "sigmoid"))
    settings = {"name": f"2-{units}-{units}-1", "learning_rate": 0.1} | settings
    X, Y = rng.normal(size=(examples, 2)), rng.integers(0, 2, size=(examples, 1)).astype(float)
    return Network(inputs=2, layers=layers, loss="log_loss", X=X, Y=Y, **settings)
