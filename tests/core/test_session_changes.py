"""Changing mode or settings mid-way keeps the applied update and an epoch axis that only grows."""

from __future__ import annotations

import numpy as np
import pytest

from core.presets import load_preset
from core.session import Mode, Session


@pytest.mark.parametrize("change", ["mode", "batch_size"])
def test_an_applied_update_survives_a_change(change):
    s = Session(load_preset("or_gate"), Mode.BATCH)
    s.next_example()
    s.apply_update()
    epochs, costs = s.cost_curve()
    params = s.displayed_params()
    if change == "mode":
        s.set_mode(Mode.EXAMPLE)
    else:
        s.set_network(s.network.with_settings(batch_size=2))
    after_epochs, after_costs = s.cost_curve()
    assert list(after_epochs) == list(epochs) == [1.0, 2.0]
    assert list(after_costs) == list(costs)
    assert all(np.array_equal(params[k], s.params[k]) for k in params)
    assert s.epoch == 2.0


def test_epochs_keep_growing_across_mode_switches():
    s = Session(load_preset("or_gate"), Mode.BATCH)
    s.next_example()  # epoch 1 in batch mode
    s.set_mode(Mode.EXAMPLE)
    assert s.epoch == 1.0
    assert s.current.examples == (0,)  # a fresh epoch starts at the first example
    for _ in range(4):
        s.next_example()  # one epoch of per-example updates
    s.set_mode(Mode.BATCH)
    s.next_example()
    epochs, _ = s.cost_curve()
    assert list(epochs) == [1.0, 2.0, 3.0]
    updates, _ = s.update_curve()
    assert list(updates) == [1.0, 1.25, 1.5, 1.75, 2.0, 3.0]
    assert np.all(np.diff(updates) > 0)


def test_training_continues_the_epoch_count():
    from core.training import train_all

    s = Session(load_preset("or_gate"), Mode.BATCH)
    s.next_example()
    params, start = s.begin_training()
    assert start == 1.0
    s.absorb(train_all(s.network, params, 3), start)
    epochs, _ = s.cost_curve()
    assert list(epochs) == [1.0, 2.0, 3.0, 4.0]
    s.next_example()
    assert s.cost_curve()[0][-1] == 5.0


def test_training_forever_allocates_in_bounded_chunks():
    from core.training import MAX_CHUNK_EPOCHS, train

    net = load_preset("or_gate")
    first = next(train(net, net.initial_params(), 10**15, chunk_seconds=0.01))
    assert 0 < len(first.costs) <= MAX_CHUNK_EPOCHS


def test_zero_epochs_of_training_change_nothing():
    from core.training import train_all

    net = load_preset("or_gate")
    result = train_all(net, net.initial_params(), 0)
    assert result.epoch == 0
    assert len(result.costs) == 0
    assert np.array_equal(result.params["W1"], net.initial_params()["W1"])


def test_a_new_learning_rate_after_the_update_redoes_the_update():
    s = Session(load_preset("or_gate"), Mode.BATCH)
    s.next_example()
    s.apply_update()
    old, grad = s.current.leaves["b1"], s.current.state_at(s.current.end_of_backward).grads["b1"]
    curve = s.cost_curve()
    s.set_network(s.network.with_settings(learning_rate=0.5))
    assert s.cursor == len(s.current)
    assert np.array_equal(s.cost_curve()[0], curve[0])
    assert np.array_equal(s.cost_curve()[1], curve[1])
    assert np.array_equal(s.displayed_params()["b1"], old - 0.5 * grad)


def test_a_new_learning_rate_keeps_the_place_and_changes_only_the_update():
    s = Session(load_preset("or_gate"), Mode.EXAMPLE)
    s.to_end_of_backward()
    before = s.current
    s.set_network(s.network.with_settings(learning_rate=0.5))
    assert s.cursor == before.end_of_backward
    assert s.current.events[: before.end_of_backward] == before.events[: before.end_of_backward]
    s.apply_update()
    assert s.displayed_params()["b1"][0] == 0 - 0.5 * 0.125


@pytest.mark.parametrize("preset", ["or_gate", "mood_2_2_1", "net_2_4_1_tanh", "softmax_3_class"])
def test_scalar_node_count_without_building(preset):
    from core.build import scalar_graph, scalar_node_count

    net = load_preset(preset)
    assert scalar_node_count(net) == len(scalar_graph(net))


def test_a_batch_size_change_leaves_per_example_stepping_in_place():
    s = Session(load_preset("or_gate"), Mode.EXAMPLE)
    s.next_example()
    s.to_end_of_backward()
    s.set_network(s.network.with_settings(batch_size=2))
    assert (s.updates, s.cursor) == (1, s.current.end_of_backward)
    s.step_back()
    assert s.cursor == s.current.end_of_backward - 1


def test_mini_batch_updates_sit_at_the_examples_seen():
    net = load_preset("or_gate").with_settings(batch_size=3)  # batches of 3 and 1 examples
    s = Session(net, Mode.BATCH)
    for _ in range(4):
        s.next_example()
    assert s.update_curve()[0].tolist() == [0.75, 1.0, 1.75, 2.0]
    assert s.cost_curve()[0].tolist() == [1.0, 2.0]
    assert s.epoch == 2.0
