"""The OR-gate numbers of curriculum §2 and §3, from tests/data/or_gate_reference.json, to 1e-9."""

from __future__ import annotations

import numpy as np
import pytest

from core import ops
from core.presets import load_preset
from core.session import Mode, Session
from core.stepper import BackwardEvent, ForwardEvent, StepPass, UpdateEvent
from core.training import train, train_all

TOL = 1e-9


@pytest.fixture(scope="module")
def ref(reference) -> dict:
    return reference


def close(actual, expected) -> bool:
    return np.allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=0, atol=TOL)


def events(step_pass: StepPass) -> tuple[list[ForwardEvent], list[BackwardEvent], list[UpdateEvent]]:
    evs = step_pass.events
    return (
        [e for e in evs if isinstance(e, ForwardEvent)],
        [e for e in evs if isinstance(e, BackwardEvent)],
        [e for e in evs if isinstance(e, UpdateEvent)],
    )


# -- §2: the scalar graph, one example ---------------------------------------------------------


def test_reference_matches_the_preset(ref):
    net = load_preset("or_gate")
    ex = ref["example_1"]
    params = net.initial_params()
    assert params["W1"].ravel().tolist() == ex["w"]
    assert params["b1"].tolist() == [ex["b"]]
    assert net.learning_rate == ex["learning_rate"]
    assert net.X[0].tolist() == ex["x"]
    assert net.Y[0].tolist() == [ex["y"]]
    assert net.X.tolist() == ref["batch"]["X"]
    assert net.Y.ravel().tolist() == ref["batch"]["y"]


def test_example_forward_steps_f1_to_f5(ref):
    session = Session(load_preset("or_gate"), Mode.EXAMPLE)
    fwd, _, _ = events(session.current)
    graph = session.graph
    assert [graph[e.node].label for e in fwd] == ["w1·x1", "w2·x2", "z", "ŷ", "L"]
    expected = ref["example_1"]["forward"]
    for event, key in zip(fwd, ("w1x1", "w2x2", "z", "yhat", "loss"), strict=True):
        assert abs(event.value - expected[key]) <= TOL, key
    session.to_end_of_forward()
    assert abs(session.state.values["L"] - expected["loss"]) <= TOL
    assert session.state.grads == {}


def test_example_backward_steps_b1_to_b5(ref):
    session = Session(load_preset("or_gate"), Mode.EXAMPLE)
    graph = session.graph
    _, bwd, _ = events(session.current)
    ex, back = ref["example_1"], ref["example_1"]["backward"]
    w1, w2 = ex["w"]
    x1, x2 = ex["x"]
    dz = back["dL_dz"]

    assert [graph[e.node].label for e in bwd] == ["L", "ŷ", "z", "w1·x1", "w2·x2"]
    op_types = [ops.ScalarLoss, ops.Activation, ops.Add, ops.Multiply, ops.Multiply]
    assert [type(graph[e.node].op) for e in bwd] == op_types
    assert graph[bwd[1].node].op.name == "sigmoid"
    loss, sigma, plus, mul1, mul2 = bwd
    assert [graph[i].label for i in graph[mul1.node].inputs] == ["w1", "x1"]
    assert [graph[i].label for i in graph[mul2.node].inputs] == ["w2", "x2"]
    assert [graph[i].label for i in graph[plus.node].inputs] == ["w1·x1", "w2·x2", "b"]

    # B1: L; the target y receives nothing.
    assert abs(loss.upstream - back["dL_dL"]) <= TOL
    assert abs(loss.local[0] - back["local_dL_dyhat"]) <= TOL
    assert abs(loss.sent[0] - back["dL_dyhat"]) <= TOL
    assert loss.local[1:] == (None,)
    assert loss.sent[1:] == (None,)
    # B2: σ
    assert abs(sigma.upstream - back["dL_dyhat"]) <= TOL
    assert close(sigma.local, [back["local_dyhat_dz"]])
    assert close(sigma.sent, [dz])
    # B3: + sends 0.125 to each of w1x1, w2x2, b
    assert abs(plus.upstream - dz) <= TOL
    assert close(plus.local, [1.0, 1.0, 1.0])
    assert close(plus.sent, [dz, dz, back["dL_db"]])
    # B4, B5: × (w, x): local ∂/∂w = x, ∂/∂x = w
    assert abs(mul1.upstream - dz) <= TOL
    assert close(mul1.local, [x1, w1])
    assert close(mul1.sent, [back["dL_dw1"], dz * w1])
    assert abs(mul2.upstream - dz) <= TOL
    assert close(mul2.local, [x2, w2])
    assert close(mul2.sent, [back["dL_dw2"], dz * w2])


def test_example_update_and_forward_again(ref):
    ex = ref["example_1"]
    net = load_preset("or_gate")
    # With only the first example, the next pass runs example 1 again with the new parameters.
    session = Session(net.with_settings(X=net.X[:1], Y=net.Y[:1]), Mode.EXAMPLE)
    _, _, upd = events(session.current)
    by_label = {session.graph[e.node].label: e for e in upd}
    assert set(by_label) == {"w1", "w2", "b"}
    for label, old, grad in (("w1", ex["w"][0], 0.0), ("w2", ex["w"][1], 0.0), ("b", ex["b"], 0.125)):
        event = by_label[label]
        assert event.learning_rate == ex["learning_rate"]
        assert abs(event.old - old) <= TOL
        assert abs(event.grad - grad) <= TOL
    after = ex["after_update"]
    assert close([by_label["w1"].new, by_label["w2"].new], after["w"])
    assert abs(by_label["b"].new - after["b"]) <= TOL

    session.apply_update()
    shown = session.displayed_params()
    assert close(shown["W1"].ravel(), after["w"])
    assert close(shown["b1"], [after["b"]])

    session.next_example()
    session.to_end_of_forward()
    values = session.state.values
    assert abs(values["b1[0]"] - after["b"]) <= TOL
    assert abs(values["z:1,0"] - after["z"]) <= TOL
    assert abs(values["a:1,0"] - after["yhat"]) <= TOL
    assert abs(values["L"] - after["loss"]) <= TOL


def test_example_mode_moves_on_to_the_second_example(ref):
    session = Session(load_preset("or_gate"), Mode.EXAMPLE)
    session.next_example()
    assert session.current.examples == (1,)
    session.to_end_of_forward()
    values = session.state.values
    # x = (0, 1): z = w2 + b = 0.6 − 0.125
    assert (values["x1"], values["x2"], values["y1"]) == (0.0, 1.0, 1.0)
    assert abs(values["z:1,0"] - (0.6 - 0.125)) <= TOL


# -- §3: the layer graph over the batch --------------------------------------------------------


def test_batch_epochs_1_to_3_by_stepping(ref):
    session = Session(load_preset("or_gate"), Mode.BATCH)
    for expected in ref["batch"]["epochs"]:
        step_pass = session.current
        assert step_pass.examples == (0, 1, 2, 3)
        fwd, bwd, upd = events(step_pass)
        value = {e.node: e.value for e in fwd}
        visit = {e.node: e for e in bwd}
        update = {e.node: e for e in upd}
        epoch = expected["epoch"]

        assert close(value["Z1"].ravel(), expected["Z"]), epoch
        assert close(value["A1"].ravel(), expected["Yhat"]), epoch
        assert abs(value["C"] - expected["cost"]) <= TOL, epoch
        assert abs(step_pass.cost - expected["cost"]) <= TOL, epoch
        assert close(visit["L"].sent[0].ravel(), expected["dC_dYhat"]), epoch
        assert close(visit["A1"].local[0].ravel(), expected["dYhat_dZ"]), epoch
        assert close(visit["A1"].sent[0].ravel(), expected["dC_dZ"]), epoch
        assert close(visit["XW1"].sent[1].ravel(), expected["dC_dW"]), epoch
        assert close(visit["Z1"].sent[1], [expected["dC_db"]]), epoch
        assert close(update["W1"].grad.ravel(), expected["dC_dW"]), epoch
        assert close(update["b1"].grad, [expected["dC_db"]]), epoch
        assert close(update["W1"].new.ravel(), expected["W_after"]), epoch
        assert close(update["b1"].new, [expected["b_after"]]), epoch

        session.to_end_of_forward()
        assert close(session.state.values["A1"].ravel(), expected["Yhat"]), epoch
        session.to_end_of_backward()
        assert close(session.state.grads["W1"].ravel(), expected["dC_dW"]), epoch
        session.apply_update()
        shown = session.displayed_params()
        assert close(shown["W1"].ravel(), expected["W_after"]), epoch
        assert close(shown["b1"], [expected["b_after"]]), epoch
        session.next_example()
    assert close(session.cost_curve()[1], [e["cost"] for e in ref["batch"]["epochs"]])


def test_training_5000_epochs(ref):
    net = load_preset("or_gate")
    result = train_all(net, net.initial_params(), 5000)
    final = ref["batch"]["after_5000_epochs"]
    assert result.stopped is None
    assert result.epoch == 5000
    assert result.costs.shape == (5000,)
    assert close(result.costs[:3], [e["cost"] for e in ref["batch"]["epochs"]])
    assert abs(result.costs[-1] - final["cost_at_epoch_5000"]) <= TOL
    assert close(result.params["W1"].ravel(), final["W"])
    assert close(result.params["b1"], [final["b"]])
    # The cost of the trained parameters, computed by the layer graph.
    trained = Session(net.with_params(result.params), Mode.BATCH)
    assert abs(trained.current.cost - final["cost_after_last_update"]) <= TOL


def test_stepping_and_training_agree_for_20_epochs():
    net = load_preset("or_gate")
    session = Session(net, Mode.BATCH)
    records = list(train(net, net.initial_params(), 20, chunk_epochs=1))
    assert [r.epoch for r in records] == list(range(1, 21))
    for record in records:
        assert record.costs.shape == (1,)
        assert abs(session.current.cost - record.costs[0]) <= 1e-12, record.epoch
        session.next_example()
        for name, value in record.params.items():
            np.testing.assert_allclose(session.params[name], value, rtol=0, atol=1e-12, err_msg=name)
