"""Editing one parameter mid-pass: the pass is computed again, the cursor stays."""

from __future__ import annotations

import numpy as np
import pytest

from core.presets import load_preset
from core.session import Mode, Session

H = 1e-6


def _loss(w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    yhat = 1 / (1 + np.exp(-(x @ w + b)))
    return float(0.5 * np.sum((y - yhat) ** 2))


@pytest.mark.parametrize("mode", [Mode.EXAMPLE, Mode.BATCH])
def test_edit_recomputes_the_pass_and_keeps_the_cursor(mode):
    s = Session(load_preset("or_gate"), mode)
    s.next_example()  # on the second example or batch
    s.to_end_of_backward()
    s.step_back()
    cursor, examples = s.cursor, s.current.examples
    w = s.params["W1"].copy()
    w[1, 0] = 2.0
    s.set_param("W1", w)
    assert s.cursor == cursor
    assert s.current.examples == examples
    x, y = s.network.X[list(examples)], s.network.Y[list(examples)]
    b = s.params["b1"]
    yhat = 1 / (1 + np.exp(-(x @ w + b)))
    root = s.current.graph.root.id
    expected_cost = _loss(w, b, x, y) / len(examples)
    assert s.current.cost == pytest.approx(expected_cost, rel=1e-12)
    assert root in s.state.values
    shown = [s.state.values[n.id] for n in s.current.graph.nodes if n.label in ("ŷ", "Ŷ")]
    np.testing.assert_allclose(np.ravel(shown), yhat.ravel(), rtol=1e-12)
    s.to_end_of_backward()
    grad = np.zeros_like(w)
    for i, j in np.ndindex(*w.shape):
        up, down = w.copy(), w.copy()
        up[i, j] += H
        down[i, j] -= H
        grad[i, j] = (_loss(up, b, x, y) - _loss(down, b, x, y)) / (2 * H) / len(examples)
    if mode is Mode.BATCH:
        np.testing.assert_allclose(s.state.grads["W1"], grad, rtol=1e-6)
    else:
        np.testing.assert_allclose([s.state.grads["W1[0,0]"], s.state.grads["W1[1,0]"]], grad.ravel(), rtol=1e-6)


def test_the_edit_carries_into_the_update_and_the_next_pass():
    s = Session(load_preset("or_gate"), Mode.BATCH)
    b = np.array([-3.0])
    s.set_param("b1", b)  # before any step: the first pass starts from it
    assert s.cursor == 0
    s.apply_update()
    grad = s.state.grads["b1"]
    np.testing.assert_allclose(s.displayed_params()["b1"], b - s.network.learning_rate * grad)
    s.next_example()
    np.testing.assert_allclose(s.params["b1"], b - s.network.learning_rate * grad)


def test_bad_values_are_refused_and_change_nothing():
    s = Session(load_preset("or_gate"), Mode.EXAMPLE)
    before = s.params["W1"].copy()
    with pytest.raises(ValueError, match="shape"):
        s.set_param("W1", np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        s.set_param("W1", np.array([[np.nan], [0.0]]))
    np.testing.assert_array_equal(s.params["W1"], before)
