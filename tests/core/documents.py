"""Networks the tests start from: network files as JSON documents (fresh dicts, free to change), and
the 2-H-H-1 classifier the big-graph tests use, as a document and as a Network; a saved session as a
document; every field of a document, and a copy with one field replaced (for the hostile-file tests)."""

from __future__ import annotations

import json

import numpy as np

from core import session_file
from core.network import Layer, Network
from core.network_file import FORMAT
from core.session import Session
from core.session_file import SessionDocument, Stop


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


def fields(value, prefix: tuple = (), every_item: bool = False):
    """Every field of a document as a key/index path; each list by its first item only (the others
    are read alike) unless ``every_item``."""
    if prefix:
        yield prefix
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value if every_item else value[:1]))
    else:
        items = []
    for key, child in items:
        yield from fields(child, (*prefix, key), every_item)


def replaced(doc: dict, where: tuple, value) -> dict:
    """A copy of ``doc`` with the field at ``where`` (a path from ``fields``) set to ``value``."""
    doc = json.loads(json.dumps(doc))
    target = doc
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    return doc


def session_document(network: Network, before_stop: int, after_stop: int, centre: list[float]) -> dict:
    """A session file as a saved one is: ``network`` stepped ``before_stop`` steps, a stop "early"
    there, ``after_stop`` steps more, and a view (dark theme, zoomed in at ``centre``)."""
    session = Session(network)
    for _ in range(before_stop):
        session.step_forward()
    stop = Stop("early", session.snapshot())
    for _ in range(after_stop):
        session.step_forward()
    view = {"decimals": 3, "zoom": 1.5, "centre": centre, "theme": "dark", "font_scale": 1.0, "follow": True}
    return session_file.to_dict(SessionDocument(session.snapshot(), view=view, stops=(stop,)))
