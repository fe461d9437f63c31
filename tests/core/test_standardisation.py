"""Standardised inputs keep their statistics, so the original units can be shown."""

from __future__ import annotations

import numpy as np

from core.network import standardized
from core.presets import load_preset


def test_standardised_inputs_remember_their_original_units():
    net = load_preset("house_prices")
    once = standardized(net)
    np.testing.assert_allclose(once.X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(once.X.std(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(once.standardisation.mean, net.X.mean(axis=0))
    np.testing.assert_allclose(once.standardisation.std, net.X.std(axis=0))
    np.testing.assert_allclose(once.original_X, net.X, rtol=1e-12)
    np.testing.assert_allclose(once.standardisation.apply(net.X), once.X, atol=1e-12)


def test_standardising_twice_composes_the_statistics():
    net = load_preset("house_prices")
    twice = standardized(standardized(net))
    np.testing.assert_allclose(twice.original_X, net.X, rtol=1e-12)
    np.testing.assert_allclose(twice.standardisation.apply(net.X), twice.X, atol=1e-12)


def test_unstandardised_inputs_are_their_own_original_units():
    net = load_preset("or_gate")
    assert net.standardisation is None
    assert net.original_X is net.X
