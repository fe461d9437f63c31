"""Switching between the scalar and the layer graph keeps the place: the parameters, the optimiser's
state, the epoch count and the position in the epoch (the layer graph first finishes the batch the
position falls in). Checked against a plain numpy OR gate trained by hand."""

from __future__ import annotations

import numpy as np
import pytest

from core.presets import load_preset
from core.session import Mode, Session


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class HandOrGate:
    """ŷ = σ(w·x + b), L = ½(y − ŷ)², a batch's cost the mean of its losses; plain gradient descent."""

    def __init__(self, net):
        self.X, self.y = net.X, net.Y[:, 0]
        params = net.initial_params()
        self.w, self.b = params["W1"][:, 0].copy(), float(params["b1"][0])
        self.rate = net.learning_rate

    def losses(self, rows):
        p = _sigmoid(self.X[rows] @ self.w + self.b)
        return 0.5 * (self.y[rows] - p) ** 2

    def step(self, rows):
        """One update over ``rows``; returns the batch's cost before it."""
        rows = list(rows)
        p = _sigmoid(self.X[rows] @ self.w + self.b)
        dz = (p - self.y[rows]) * p * (1 - p) / len(rows)
        cost = float(self.losses(rows).mean())
        self.w = self.w - self.rate * self.X[rows].T @ dz
        self.b = self.b - self.rate * dz.sum()
        return cost


def _params(session):
    p = session.displayed_params()
    return p["W1"][:, 0], float(p["b1"][0])


def test_scalar_then_layer_then_scalar_keeps_the_place_and_counts_epochs():
    net = load_preset("or_gate")
    session, hand = Session(net, Mode.EXAMPLE), HandOrGate(net)
    epoch_costs, losses = [], []
    session.next_example()  # example 1
    losses.append(hand.step([0]))
    session.step_forward()  # part of example 2's pass: it starts again in the layer graph
    session.set_mode(Mode.BATCH)
    assert session.epoch == 0.25
    assert session.current.examples == (1, 2, 3)  # the rest of the (full) batch
    session.next_example()
    cost = hand.step([1, 2, 3])
    epoch_costs.append((losses[0] + 3 * cost) / 4)
    assert session.epoch == 1.0
    session.next_example()  # a whole batch
    epoch_costs.append(hand.step([0, 1, 2, 3]))
    assert session.epoch == 2.0
    session.set_mode(Mode.EXAMPLE)
    assert session.current.examples == (0,)
    for k in range(6):
        session.next_example()
        losses.append(hand.step([k % 4]))
    assert session.epoch == 3.5
    epoch_costs.append(float(np.mean(losses[1:5])))
    w, b = _params(session)
    assert np.allclose(w, hand.w, atol=1e-12)
    assert b == pytest.approx(hand.b, abs=1e-12)
    epochs, costs = session.cost_curve()
    assert list(epochs) == [1.0, 2.0, 3.0]
    assert np.allclose(costs, epoch_costs, atol=1e-12)


def test_mini_batches_after_a_switch_finish_the_batch_then_go_on_in_order():
    net = load_preset("or_gate").with_settings(batch_size=2)
    session, hand = Session(net, Mode.EXAMPLE), HandOrGate(net)
    session.next_example()
    hand.step([0])
    session.set_mode(Mode.BATCH)
    seen, epochs = [], []
    for _ in range(4):
        seen.append(session.current.examples)
        hand.step(session.current.examples)
        session.next_example()
        epochs.append(session.epoch)
    assert seen == [(1,), (2, 3), (0, 1), (2, 3)]
    assert epochs == [0.5, 1.0, 1.5, 2.0]  # main counted 0.75, 1.25, …: batches that straddled epochs
    w, b = _params(session)
    assert np.allclose(w, hand.w, atol=1e-12)
    assert b == pytest.approx(hand.b, abs=1e-12)


def test_a_switch_at_a_batch_boundary_goes_on_with_the_next_batch():
    net = load_preset("or_gate").with_settings(batch_size=2)
    session = Session(net, Mode.BATCH)
    session.next_example()  # examples 1 and 2
    session.set_mode(Mode.EXAMPLE)
    assert session.current.examples == (2,)
    assert session.epoch == 0.5
    session.next_example()
    session.next_example()
    assert session.epoch == 1.0
    session.set_mode(Mode.BATCH)
    assert session.current.examples == (0, 1)


def test_a_session_saved_after_a_switch_mid_epoch_comes_back_at_the_same_place():
    from core import session_file
    from core.session_file import SessionDocument

    session = Session(load_preset("or_gate"), Mode.EXAMPLE)
    session.next_example()
    session.set_mode(Mode.BATCH)  # the rest of the batch: examples 2–4
    session.to_end_of_backward()
    text = session_file.dumps(SessionDocument(session.snapshot()))
    restored = Session.restored(session_file.loads(text).snapshot)
    assert restored.current.examples == (1, 2, 3)
    assert restored.cursor == session.cursor
    restored.next_example()
    session.next_example()
    assert restored.epoch == session.epoch == 1.0
    assert np.array_equal(restored.cost_curve()[1], session.cost_curve()[1])
    assert np.array_equal(restored.params["b1"], session.params["b1"])
