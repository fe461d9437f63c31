"""Stepping a session forward and back: exact states, phase jumps, the cost curve, read-only history."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.graph import GraphKind
from core.network import Network
from core.presets import load_preset
from core.session import Mode, Session
from core.stepper import BackwardEvent, ForwardEvent, Phase, UpdateEvent
from core.training import train_all
from tests.core.documents import two_hidden_network

PASSES = 3


def same(a, b) -> bool:
    """Exact equality through dicts, sequences, dataclasses and arrays (NaN equals NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=True)
        )
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b)
    return type(a) is type(b) and a == b


def snapshot(session: Session) -> dict:
    state = session.state
    epochs, costs = session.cost_curve()
    return {
        "position": (session.updates, session.cursor),
        "phase": state.phase,
        "values": dict(state.values),
        "grads": dict(state.grads),
        "edge_grads": dict(state.edge_grads),
        "updated": state.updated,
        "last": state.last,
        "params": {k: v.copy() for k, v in session.params.items()},
        "displayed": {k: v.copy() for k, v in session.displayed_params().items()},
        "curve": (epochs.copy(), costs.copy()),
        "epoch": session.epoch,
        "examples": session.current.examples,
    }


def walk_forward(session: Session, passes: int) -> list[dict]:
    """Snapshots at the start and after every step through ``passes`` whole passes."""
    shots = [snapshot(session)]
    for _ in range(passes):
        for _ in range(len(session.current) + 1):  # every event, then on to the next pass
            session.step_forward()
            shots.append(snapshot(session))
    return shots


def _mini_batch_or_gate() -> Network:
    return load_preset("or_gate").with_settings(batch_size=3)


SESSIONS = {
    "or_gate-example": lambda: Session(load_preset("or_gate"), Mode.EXAMPLE),
    "or_gate-batch": lambda: Session(load_preset("or_gate"), Mode.BATCH),
    "or_gate-mini_batch": lambda: Session(_mini_batch_or_gate(), Mode.BATCH),
    "mood_2_2_1-example": lambda: Session(load_preset("mood_2_2_1"), Mode.EXAMPLE),
    "softmax-example": lambda: Session(load_preset("softmax_3_class"), Mode.EXAMPLE),
    "softmax-batch": lambda: Session(load_preset("softmax_3_class"), Mode.BATCH),
    "net_2_4_1_relu-batch": lambda: Session(load_preset("net_2_4_1_relu"), Mode.BATCH),
}


@pytest.mark.parametrize("make", SESSIONS.values(), ids=SESSIONS.keys())
def test_stepping_back_returns_exactly_to_every_earlier_state(make):
    session = make()
    forward_shots = walk_forward(session, PASSES)
    assert session.updates == PASSES
    assert session.cursor == 0
    assert len({s["position"] for s in forward_shots}) == len(forward_shots)

    for expected in reversed(forward_shots[:-1]):
        session.step_back()
        got = snapshot(session)
        assert got["position"] == expected["position"]
        for key in expected:
            assert same(got[key], expected[key]), (key, expected["position"])

    # At the very start, stepping back does nothing.
    session.step_back()
    assert same(snapshot(session), forward_shots[0])
    # Forward again from the restored parameters records the same passes.
    again = walk_forward(session, PASSES)
    assert all(same(a, b) for a, b in zip(again, forward_shots, strict=True))


def test_state_at_each_phase_boundary():
    session = Session(load_preset("or_gate"), Mode.BATCH)
    graph, step_pass = session.graph, session.current
    op_ids = {n.id for n in graph.op_nodes}
    param_ids = {n.id for n in graph.params}
    leaf_ids = {n.id for n in graph.leaves}
    n_ops = len(op_ids)

    state = session.state
    assert (session.cursor, session.phase, state.last) == (0, Phase.START, None)
    assert set(state.values) == leaf_ids
    assert state.grads == {}
    assert state.edge_grads == {}

    session.to_end_of_forward()
    state = session.state
    assert session.cursor == step_pass.end_of_forward == n_ops
    assert session.phase is Phase.FORWARD
    assert set(state.values) == leaf_ids | op_ids
    assert state.grads == {}
    assert isinstance(state.last, ForwardEvent)
    assert state.last.node == graph.root.id

    session.to_end_of_backward()
    state = session.state
    assert session.cursor == step_pass.end_of_backward == 2 * n_ops
    assert session.phase is Phase.BACKWARD
    assert param_ids <= set(state.grads)
    assert state.updated == frozenset()
    assert isinstance(state.last, BackwardEvent)
    assert same(session.displayed_params(), session.params)
    assert session.cost_curve()[0].size == 0

    before = {k: v.copy() for k, v in session.params.items()}
    session.apply_update()
    state = session.state
    assert session.cursor == len(step_pass) == 2 * n_ops + len(param_ids)
    assert session.phase is Phase.UPDATE
    assert state.updated == frozenset(param_ids)
    assert isinstance(state.last, UpdateEvent)
    after = session.source.params_from_leaves(step_pass.graph, step_pass.leaves_after(), before)
    for name in before:
        assert np.array_equal(session.displayed_params()[name], after[name])
        assert np.array_equal(session.params[name], before[name])  # shown, not yet committed
        assert np.array_equal(state.values[name], after[name])
        assert not np.array_equal(after[name], before[name])
    assert session.epoch == 1.0

    # seek clamps to the pass.
    session.seek(-3)
    assert session.cursor == 0
    session.seek(10**6)
    assert session.cursor == len(step_pass)
    session.seek(4)
    assert session.cursor == 4
    assert session.phase is Phase.FORWARD

    session.next_example()
    assert (session.updates, session.cursor) == (1, 0)
    assert session.current is not step_pass
    for name in before:
        assert np.array_equal(session.params[name], after[name])
    assert session.current.leaves["W1"].tolist() == after["W1"].tolist()

    session.reset()
    assert (session.updates, session.cursor, len(session.history)) == (0, 0, 0)
    assert same(session.params, load_preset("or_gate").initial_params())
    assert session.cost_curve()[0].size == 0


def test_example_mode_cycles_through_the_examples():
    session = Session(load_preset("or_gate"), Mode.EXAMPLE)
    seen = []
    for _ in range(6):
        seen.append(session.current.examples)
        session.next_example()
    assert seen == [(0,), (1,), (2,), (3,), (0,), (1,)]
    assert session.updates_per_epoch == 4
    assert session.epoch == 6 / 4


def test_step_forward_at_the_end_of_a_pass_commits_it():
    session = Session(load_preset("or_gate"), Mode.EXAMPLE)
    session.apply_update()
    shown = session.displayed_params()
    cost = session.current.cost
    session.step_forward()
    assert (session.updates, session.cursor) == (1, 0)
    assert same(session.params, shown)
    assert session.update_curve()[1].tolist() == [cost]


@pytest.mark.parametrize("mode", [Mode.EXAMPLE, Mode.BATCH])
def test_update_curve_follows_applied_updates(mode):
    session = Session(load_preset("or_gate"), mode)
    costs, lengths = [], []
    for _ in range(PASSES):
        costs.append(session.current.cost)
        for _ in range(len(session.current) + 1):
            session.step_forward()
            lengths.append(len(session.update_curve()[1]))
            applied = session.updates + (session.cursor == len(session.current))
            assert len(session.update_curve()[0]) == applied
    per_pass = [0] * (len(session.current) - 1) + [1, 1]  # the point appears once the update is applied
    assert lengths == [k + p for k in range(PASSES) for p in per_pass]

    epochs, curve = session.update_curve()
    assert curve.tolist() == costs
    assert np.array_equal(epochs, np.arange(1, PASSES + 1) / session.updates_per_epoch)

    # Stepping back over an update removes its point again.
    session.step_back()
    assert len(session.update_curve()[1]) == PASSES
    session.step_back()
    assert len(session.update_curve()[1]) == PASSES - 1
    assert session.update_curve()[1].tolist() == costs[:-1]


def test_cost_curve_gets_one_point_per_stepped_epoch():
    """Per-example stepping: an epoch's cost is the mean of its examples' losses, as training has it."""
    session = Session(load_preset("or_gate"), Mode.EXAMPLE)
    losses = []
    for _ in range(7):
        losses.append(session.current.cost)
        session.next_example()
    epochs, costs = session.cost_curve()
    assert epochs.tolist() == [1.0]
    assert costs[0] == pytest.approx(np.mean(losses[:4]), rel=1e-15)
    session.next_example()
    assert session.cost_curve()[0].tolist() == [1.0, 2.0]
    per_example = session.network.with_settings(batch_size=1)
    trained = train_all(per_example, per_example.initial_params(), 2)
    assert np.allclose(session.cost_curve()[1], trained.costs, rtol=1e-12)


def test_recorded_arrays_are_read_only():
    session = Session(load_preset("softmax_3_class"), Mode.BATCH)
    step_pass = session.current
    arrays = [v for v in step_pass.leaves.values() if isinstance(v, np.ndarray)]
    for event in step_pass.events:
        for f in dataclasses.fields(event):
            value = getattr(event, f.name)
            values = value if isinstance(value, tuple) else (value,)
            arrays += [v for v in values if isinstance(v, np.ndarray)]
    assert len(arrays) > 2 * len(step_pass.events)
    for array in arrays:
        assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        arrays[-1][...] = 0.0

    session.apply_update()
    state = session.state
    with pytest.raises(ValueError, match="read-only"):
        state.values["W1"][0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        state.grads["W1"][0, 0] = 1.0
    # Changing the mapping handed out does not change what is recorded.
    state.values.pop("Z1")  # type: ignore[attr-defined]
    assert "Z1" in session.state.values


def test_set_mode_keeps_the_parameters():
    session = Session(load_preset("or_gate"), Mode.BATCH)
    session.next_example()
    session.next_example()
    session.apply_update()
    shown = {k: v.copy() for k, v in session.displayed_params().items()}
    committed = session.cost_curve()[1].copy()
    assert len(committed) == 3

    session.set_mode(Mode.EXAMPLE)
    assert session.mode is Mode.EXAMPLE
    assert session.graph.kind is GraphKind.SCALAR
    assert session.cursor == 0
    assert same(session.params, shown)
    leaves = session.current.leaves
    for node in session.graph.params:
        assert leaves[node.id] == shown[node.source.name][node.source.index]
    assert np.array_equal(session.cost_curve()[1], committed)

    session.step_forward()
    session.set_mode(Mode.EXAMPLE)  # the same mode: nothing changes
    assert session.cursor == 1

    session.set_mode(Mode.BATCH)
    assert session.graph.kind is GraphKind.LAYER
    assert same(session.params, shown)
    assert np.array_equal(session.current.leaves["W1"], shown["W1"])


def test_scalar_graph_of_a_2_16_16_1_network_has_the_expected_size():
    net = two_hidden_network(16, 400)
    weights, biases = 2 * 16 + 16 * 16 + 16 * 1, 16 + 16 + 1
    assert net.param_count == weights + biases == 337

    session = Session(net)
    assert session.mode is Mode.BATCH
    assert session.source.scalar_graph_is_large
    assert len(session.source.layer_graph) == 2 + 5 * 3 + 2  # X, Y; W, X·W, b, Z, A per layer; L, C

    session.set_mode(Mode.EXAMPLE)
    graph, step_pass = session.graph, session.current
    units = biases
    # inputs, target, weights, products, biases, sums, activations, loss
    assert len(graph) == 2 + 1 + weights + weights + units + units + units + 1 == 711
    n_ops = weights + 2 * units + 1
    assert len(graph.op_nodes) == n_ops
    assert len(graph.edges) == 2 * weights + (weights + units) + units + 2
    assert (step_pass.n_forward, step_pass.n_backward) == (n_ops, n_ops)
    assert len(step_pass) == 2 * n_ops + weights + biases
    assert [e.node for e in step_pass.events[:n_ops]] == [n.id for n in graph.op_nodes]
    assert sorted(e.node for e in step_pass.events[n_ops : 2 * n_ops]) == sorted(n.id for n in graph.op_nodes)
    assert [e.node for e in step_pass.events[2 * n_ops :]] == [n.id for n in graph.params]
    assert np.isfinite(step_pass.cost)


@pytest.mark.parametrize(
    ("key", "batch_size", "mode"),
    [
        ("or_gate", 1, Mode.EXAMPLE),
        ("mood_2_2_1", 1, Mode.EXAMPLE),
        ("softmax_3_class", 1, Mode.EXAMPLE),
        ("mood_2_2_1", 1, Mode.BATCH),
        ("mood_2_2_1", 3, Mode.BATCH),
        ("softmax_3_class", 7, Mode.BATCH),
    ],
)
def test_stepping_per_example_and_mini_batch_matches_training(key, batch_size, mode):
    net = load_preset(key).with_settings(batch_size=batch_size)
    session = Session(net, mode)
    sizes = [len(rows) for rows in net.batches()]
    assert session.updates_per_epoch == len(sizes)
    epochs = 2
    costs = []
    for _ in range(epochs * len(sizes)):
        costs.append(session.current.cost)
        session.next_example()
    result = train_all(net, net.initial_params(), epochs)
    # An epoch's cost is the mean over its examples of the costs before each update.
    per_epoch = np.array(costs).reshape(epochs, len(sizes)) @ np.array(sizes) / net.examples
    np.testing.assert_allclose(result.costs, per_epoch, rtol=0, atol=1e-12)
    for name, value in result.params.items():
        np.testing.assert_allclose(session.params[name], value, rtol=0, atol=1e-12, err_msg=name)
