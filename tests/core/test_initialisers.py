"""Initialisation schemes: their statistics, their reproducibility, and the symmetry of zeros."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.initialisers import SCHEMES, initial_params
from core.network import Layer, Network
from core.session import Mode, Session
from core.training import train_all


def _net(inputs: int, units: tuple[int, ...], activation: str = "sigmoid") -> Network:
    X = np.random.default_rng(1).normal(size=(6, inputs))
    Y = (X[:, :1] > 0).astype(float)
    layers = tuple(Layer(u, activation) for u in units)
    return Network("t", inputs, layers, "half_squared_error", 0.5, X, np.repeat(Y, units[-1], axis=1))


BIG = _net(200, (300, 1))  # 60,000 weights in the first layer: sample statistics are tight


def test_every_scheme_gives_the_shapes_and_zero_biases():
    net = _net(3, (4, 2))
    for name in SCHEMES:
        params = initial_params(net, name, seed=0, scale=0.5)
        assert {k: v.shape for k, v in params.items()} == {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "b2": (2,)}
        assert not params["b1"].any()
        assert not params["b2"].any()


@pytest.mark.parametrize("name", list(SCHEMES))
def test_same_seed_same_weights_other_seed_other_weights(name):
    net = _net(3, (4, 2))
    a, b = initial_params(net, name, seed=7, scale=0.5), initial_params(net, name, seed=7, scale=0.5)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    if name not in ("zeros", "constant"):
        assert not np.array_equal(a["W1"], initial_params(net, name, seed=8, scale=0.5)["W1"])


def test_zeros_and_constant():
    assert not initial_params(BIG, "zeros", 0)["W1"].any()
    np.testing.assert_array_equal(initial_params(BIG, "constant", 0, 0.25)["W2"], np.full((300, 1), 0.25))


def test_uniform_lies_in_its_range_with_the_uniform_variance():
    w = initial_params(BIG, "uniform", 3, scale=0.4)["W1"]
    assert w.min() >= -0.4
    assert w.max() <= 0.4
    assert w.min() < -0.39
    assert w.max() > 0.39
    assert abs(w.mean()) < 0.005
    assert w.var() == pytest.approx(0.4**2 / 3, rel=0.02)


def test_normal_has_mean_zero_and_the_standard_deviation_asked():
    w = initial_params(BIG, "normal", 3, scale=0.7)["W1"]
    assert abs(w.mean()) < 0.01
    assert w.std() == pytest.approx(0.7, rel=0.02)


def test_xavier_is_uniform_within_the_glorot_limit():
    w = initial_params(BIG, "xavier", 3)["W1"]
    limit = math.sqrt(6 / (200 + 300))
    assert w.min() >= -limit
    assert w.max() <= limit
    assert w.var() == pytest.approx(2 / (200 + 300), rel=0.02)


def test_he_has_variance_two_over_fan_in():
    w = initial_params(BIG, "he", 3)["W1"]
    assert abs(w.mean()) < 0.005
    assert w.var() == pytest.approx(2 / 200, rel=0.02)


def test_bad_requests_are_refused_with_a_reason():
    net = _net(2, (1,))
    with pytest.raises(ValueError, match="unknown initialisation"):
        initial_params(net, "glorot-ish", 0)
    with pytest.raises(ValueError, match="seed"):
        initial_params(net, "he", -1)
    with pytest.raises(ValueError, match="at least 0"):
        initial_params(net, "normal", 0, scale=-1.0)


def _hidden_units_identical(params) -> bool:
    w1, b1, w2 = params["W1"], params["b1"], params["W2"]
    return (
        np.allclose(w1, w1[:, :1], rtol=0, atol=1e-12)
        and np.allclose(b1, b1[0], rtol=0, atol=1e-12)
        and np.allclose(w2, w2[:1, :], rtol=0, atol=1e-12)
    )


def test_zero_hidden_layer_stays_symmetric_while_training():
    """Nothing breaks the tie: every hidden unit gets the same gradient, so they stay identical."""
    net = _net(2, (3, 1))
    start = initial_params(net, "zeros", 0)
    trained = train_all(net.with_params(start), start, 200).params
    assert _hidden_units_identical(trained)
    assert np.abs(trained["W2"]).max() > 0.01  # it did train, just not apart
    other = initial_params(net, "xavier", 0)
    assert not _hidden_units_identical(train_all(net.with_params(other), other, 200).params)


def test_zero_hidden_layer_stays_symmetric_while_stepping():
    net = _net(2, (3, 1))
    session = Session(net.with_params(initial_params(net, "zeros", 0)), Mode.EXAMPLE)
    for _ in range(2 * net.examples):
        session.next_example()
    assert _hidden_units_identical(session.params)
    assert np.abs(session.params["b1"]).max() > 0  # the biases moved, together
