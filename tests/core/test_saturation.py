"""Stepping and training agree when a unit saturates, where a fused ŷ − y and the graph would not."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.build import layer_graph, leaf_values
from core.graph import backward, forward
from core.network import Layer, Network
from core.training import train_all


def _one_unit(w: float, loss: str = "log_loss", activation: str = "sigmoid", outputs: int = 1) -> Network:
    weights = np.full((1, outputs), w)
    if outputs > 1:
        weights[0, 1:] = -w
    y = np.zeros((1, outputs))
    if outputs > 1:
        y[0, 0] = 1.0  # the true class is the one driven down
        weights = -weights
    return Network(
        "saturated", 1, (Layer(outputs, activation, weights, np.zeros(outputs)),), loss, 1.0, np.array([[1.0]]), y
    )


def _graph_gradient(net: Network) -> dict[str, np.ndarray]:
    graph = layer_graph(net)
    params = net.initial_params()
    with np.errstate(all="ignore"):
        _, grads = backward(graph, forward(graph, leaf_values(graph, params, net.X, net.Y)))
    return {k: np.asarray(grads[k]) for k in params}


@pytest.mark.parametrize("z", [5.0, 30.0, 36.0, 40.0, -40.0, -800.0])
def test_log_loss_through_a_sigmoid(z):
    net = _one_unit(z)
    grads = _graph_gradient(net)
    trained = train_all(net, net.initial_params(), 1).params
    expected_w = z - grads["W1"]
    assert np.allclose(trained["W1"], expected_w, rtol=1e-12, atol=0)
    assert np.allclose(trained["b1"], -grads["b1"], rtol=1e-12, atol=1e-300)
    yhat = 1 / (1 + math.exp(-z)) if z > -700 else 0.0
    if yhat < 1.0:  # below rounding to exactly 1, the chain gives the true ŷ − y
        assert grads["b1"][0] == pytest.approx(yhat - 0.0, rel=1e-9)
    else:  # ŷ rounds to 1 and σ's local gradient is exactly 0: both paths send 0
        assert grads["b1"][0] == 0.0


@pytest.mark.parametrize("z", [3.0, 40.0, 800.0])
def test_cross_entropy_through_a_softmax(z):
    net = _one_unit(z, loss="cross_entropy", activation="softmax", outputs=3)
    grads = _graph_gradient(net)
    trained = train_all(net, net.initial_params(), 1).params
    assert np.allclose(trained["W1"], net.initial_params()["W1"] - grads["W1"], rtol=1e-12, atol=1e-300)
    assert np.all(np.isfinite(trained["W1"]))
