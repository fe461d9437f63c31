"""Predictions per row and the confusion table, against counts made by hand from a plain forward pass."""

from __future__ import annotations

import numpy as np
import pytest

from core.evaluation import class_names, confusion_matrix, evaluate
from core.presets import load_preset


def _softmax_outputs(net, params):
    z = net.X @ params["W1"] + params["b1"]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_softmax_predictions_and_confusion_counts():
    net = load_preset("softmax_3_class")
    params = net.initial_params()
    result = evaluate(net, params)
    expected = _softmax_outputs(net, params)
    np.testing.assert_allclose(result.outputs, expected, rtol=1e-12)
    counts = confusion_matrix(result)
    hand = np.zeros((3, 3), dtype=int)
    for probabilities, target in zip(expected, net.Y, strict=True):
        hand[list(target).index(1), int(np.argmax(probabilities))] += 1
    np.testing.assert_array_equal(counts, hand)
    assert counts.sum() == 45
    assert result.accuracy == pytest.approx(np.trace(hand) / 45)
    assert result.class_names == ("class 1", "class 2", "class 3")


def test_sigmoid_output_classes_split_at_one_half():
    net = load_preset("or_gate")
    params = net.initial_params()
    result = evaluate(net, params)
    p = 1 / (1 + np.exp(-(net.X @ params["W1"] + params["b1"])))[:, 0]
    np.testing.assert_array_equal(result.predicted, (p >= 0.5).astype(int))
    np.testing.assert_array_equal(result.actual, net.Y[:, 0].astype(int))
    assert class_names(net) == ("0", "1")
    assert confusion_matrix(result).sum() == 4


def test_regression_has_predictions_but_no_classes():
    net = load_preset("house_prices")
    result = evaluate(net, net.initial_params())
    assert result.predicted is None
    assert result.accuracy is None
    assert result.outputs.shape == net.Y.shape
    with pytest.raises(ValueError, match="class targets"):
        confusion_matrix(result)
