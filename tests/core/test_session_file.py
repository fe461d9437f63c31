"""Session files (backprop-stepper.session/1): exact round trips, replayed passes, and hostile files refused
in one line naming the field."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import core.session
from core import session_file
from core.cost_history import RECENT
from core.network_file import FORMAT as NETWORK_FORMAT
from core.presets import load_preset
from core.session import Mode, Session
from core.session_file import FORMAT, SessionDocument, SessionFileError, Stop


def stepped(key: str = "or_gate", steps: int = 30, mode: Mode | None = None) -> Session:
    session = Session(load_preset(key), mode)
    for _ in range(steps):
        session.step_forward()
    return session


def round_trip(session: Session, **kwargs) -> tuple[Session, SessionDocument]:
    text = session_file.dumps(SessionDocument(session.snapshot(), **kwargs))
    document = session_file.loads(text)
    return Session.restored(document.snapshot), document


def assert_same(a: Session, b: Session, epochs_within: float = 0.0) -> None:
    """Same parameters, cursor, epoch, example or batch, curves and values at the cursor, bit for bit
    (epochs, and the curves' epoch positions, within ``epochs_within``)."""
    assert (a.mode, a.cursor, a.current.examples) == (b.mode, b.cursor, b.current.examples)
    assert abs(a.epoch - b.epoch) <= epochs_within
    for name in a.params:
        assert np.array_equal(a.params[name], b.params[name])
        assert np.array_equal(a.displayed_params()[name], b.displayed_params()[name])
    for curve_a, curve_b in ((a.cost_view(), b.cost_view()), (a.update_curve(), b.update_curve())):
        assert np.allclose(curve_a[0], curve_b[0], rtol=0.0, atol=epochs_within, equal_nan=True)
        for x, y in zip(curve_a[1:], curve_b[1:], strict=True):
            assert np.array_equal(x, y, equal_nan=True)
    sa, sb = a.state, b.state
    assert sa.values.keys() == sb.values.keys()
    assert sa.grads.keys() == sb.grads.keys()
    for key in sa.values:
        assert np.array_equal(sa.values[key], sb.values[key])
    for key in sa.grads:
        assert np.array_equal(sa.grads[key], sb.grads[key])


@pytest.mark.parametrize(
    ("key", "steps", "mode"),
    [("or_gate", 30, None), ("mood_2_2_1", 77, None), ("mood_2_2_1", 9, Mode.BATCH), ("softmax_3_class", 5, None)],
)
def test_round_trip_is_exact_and_steps_back_as_before(key, steps, mode) -> None:
    session = stepped(key, steps, mode)
    restored, _ = round_trip(session)
    assert_same(session, restored)
    for _ in range(steps):  # back across the earlier updates, as the original can
        session.step_back()
        restored.step_back()
        assert_same(session, restored)


def test_the_format_is_strict_json_with_the_format_string() -> None:
    session = stepped()
    doc = json.loads(session_file.dumps(SessionDocument(session.snapshot())), parse_constant=pytest.fail)
    assert doc["format"] == FORMAT
    assert doc["network"]["format"] == NETWORK_FORMAT
    # The network part holds the initial weights: Ctrl+R (reset) goes back to them.
    assert doc["network"]["layers"][0]["weights"] == [[0.1], [0.6]]


def test_initial_parameters_survive_for_reset() -> None:
    session = stepped(steps=60)
    restored, _ = round_trip(session)
    restored.reset()
    session.reset()
    assert_same(session, restored)


def test_settings_changed_between_passes_are_replayed() -> None:
    session = stepped(steps=14)
    session.set_network(session.network.with_settings(learning_rate=0.25))
    for _ in range(20):
        session.step_forward()
    session.set_network(session.network.with_settings(optimizer=session.network.optimizer.__class__("momentum")))
    for _ in range(20):
        session.step_forward()
    restored, _ = round_trip(session)
    assert restored.network.learning_rate == 0.25
    assert restored.network.optimizer.name == "momentum"
    while session.updates:
        session.step_back()
        restored.step_back()
        assert_same(session, restored)


def test_a_long_history_keeps_its_bins_and_non_finite_costs() -> None:
    session = stepped(steps=40)
    session.begin_training()
    rng = np.random.default_rng(0)
    n = 3 * RECENT + 123
    session.history.extend(session.epoch + np.arange(1, n + 1), rng.random(n))
    session.history.append(session.epoch + n + 1, math.inf)
    session.update_history.append(session.epoch + n + 1, math.nan)
    restored, _ = round_trip(session)
    assert_same(session, restored)
    a, b = session.cost_view((100.0, 5000.0), 200), restored.cost_view((100.0, 5000.0), 200)
    assert a[2] > 1
    assert all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b, strict=True))


def test_a_long_stepping_run_keeps_its_last_passes_and_its_curve() -> None:
    session = stepped(steps=0)
    for _ in range(1203):
        session.next_example()
    snapshot = session.snapshot(kept_passes=100)
    assert snapshot.pass_count < 100 + session.updates_per_epoch
    restored = Session.restored(snapshot)
    assert_same(session, restored)
    for _ in range(50):
        session.step_back()
        restored.step_back()
    assert_same(session, restored)


def test_a_run_begun_mid_epoch_keeps_its_last_passes_too() -> None:
    """After a switch of graph inside an epoch the epochs end at other passes: whole epochs are still
    dropped (before, every pass was kept, and a long run saved a session too long to open)."""
    session = Session(load_preset("net_2_4_1_tanh").with_settings(batch_size=16))  # 40 examples: 16, 16, 8
    session.set_mode(Mode.BATCH)
    session.next_example()
    session.set_mode(Mode.EXAMPLE)  # 16 examples into the epoch
    for _ in range(130):
        session.next_example()
    snapshot = session.snapshot(kept_passes=30)
    assert snapshot.pass_count < 30 + session.updates_per_epoch
    assert (snapshot.start_example, snapshot.epoch_carry) == (0, (0.0, 0))
    restored = Session.restored(snapshot)
    assert_same(session, restored, epochs_within=1e-12)  # counted from the epoch's end, not mid-epoch
    for _ in range(40):
        session.step_back()
        restored.step_back()
    assert_same(session, restored, epochs_within=1e-12)


def test_selected_node_view_and_stops_round_trip() -> None:
    session = stepped(steps=5)
    stop = Stop("after σ forward", session.snapshot(), "n1" if "n1" in session.graph else None)
    selected = next(iter(session.graph.params)).id
    view = {"decimals": 4, "convention": "columns", "follow": False, "zoom": 1.5, "centre": [10.0, -3.5]}
    view |= {"theme": "dark", "font_scale": 1.6, "epochs": 500, "panel": "data"}
    later = stepped(steps=50)
    _restored, document = round_trip(later, selected=selected, view=view, stops=(stop,))
    assert document.selected == selected
    assert document.view == view
    (back,) = document.stops
    assert back.name == "after σ forward"
    assert back.selected == stop.selected
    assert_same(session, Session.restored(back.snapshot))


def test_a_planted_bug_comes_back_in_the_state_and_in_stops() -> None:
    session = Session(load_preset("mood_2_2_1").with_settings(planted_bug="sum_first_input_only"))
    for _ in range(40):
        session.step_forward()
    stop = Stop("bugged", session.snapshot())
    restored, document = round_trip(session, stops=(stop,))
    assert restored.network.planted_bug == "sum_first_input_only"
    assert document.stops[0].snapshot.network.planted_bug == "sum_first_input_only"
    assert_same(session, restored)
    correct = Session(load_preset("mood_2_2_1"))
    for _ in range(40):
        correct.step_forward()
    assert not np.array_equal(correct.displayed_params()["W1"], restored.displayed_params()["W1"])


@pytest.mark.parametrize("mode", [Mode.EXAMPLE, Mode.BATCH])
def test_passes_stepped_before_a_bug_was_planted_step_back_as_they_were(mode) -> None:
    session = Session(load_preset("mood_2_2_1"), mode)
    for _ in range(80):  # two passes and more (a scalar pass of mood 2-2-1 is 35 steps)
        session.step_forward()
    session.set_network(session.network.with_settings(planted_bug="product_own_input"))
    for _ in range(50):
        session.step_forward()
    session.set_network(session.network.with_settings(planted_bug="loss_gradient_sign"))
    for _ in range(5):
        session.step_forward()
    restored, document = round_trip(session)
    assert [run.planted_bug for run in document.snapshot.passes][-1] == "loss_gradient_sign"
    assert_same(session, restored)
    for _ in range(135):  # back across both plantings, into the first pass
        session.step_back()
        restored.step_back()
        assert_same(session, restored)


def test_a_session_without_a_bug_writes_no_bug_field_and_an_older_file_opens() -> None:
    doc = good()
    assert "planted_bug" not in doc["state"]
    assert session_file.from_dict(doc).snapshot.network.planted_bug is None
    doc["state"]["planted_bug"] = None
    assert session_file.from_dict(doc).snapshot.network.planted_bug is None


def test_an_expression_session_is_not_saved() -> None:
    from core.expression_source import ExpressionSource

    session = Session(ExpressionSource.parse("x*y", {"x": 1.0, "y": 2.0}))
    with pytest.raises(ValueError, match="expression"):
        session.snapshot()


def good() -> dict:
    session = stepped("mood_2_2_1", 40)
    stop = Stop("first", stepped("mood_2_2_1", 3).snapshot())
    return session_file.to_dict(SessionDocument(session.snapshot(), stops=(stop,)))


def changed(path: str, value) -> dict:
    doc = json.loads(json.dumps(good()))
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = doc
    for p in parents:
        target = target[p]
    target[last] = value
    return doc


HOSTILE = [
    (changed("format", "backprop-stepper.session/2"), "made by a newer Backprop Stepper; this one reads session/1"),
    (changed("format", "backprop-stepper.session/17"), "made by a newer Backprop Stepper; this one reads session/1"),
    (changed("format", 1), "unknown format tag 1"),
    (changed("state.cursor", "NaN"), "state cursor must be a whole number"),
    (changed("state.cursor", 1.5), "state cursor must be a whole number"),
    (changed("state.cursor", 36), "state: cursor 36 is beyond the pass"),
    (changed("state.cursor", -1), "state cursor must be a whole number of at least 0"),
    (changed("stops.0.state.cursor", 10**9), "stop 1 state: cursor 1000000000 is beyond the pass"),
    (changed("stops.0.state.mode", "scalar"), "stop 1 state mode must be 'example' or 'batch'"),
    (changed("stops.0.name", ""), "stop 1 name must be 1 to 200 characters"),
    (changed("stops.0.name", 3), "stop 1 name must be text"),
    (changed("stops", {}), "stops must be a list"),
    (changed("stops", [{"name": "x", "state": {}}] * 101), "over the limit of 100"),
    (changed("state.params.W1", [[1, 2]]), "state params W1 must be a 2×2 list of numbers"),
    (changed("state.params.W1", [[1, 2], [3, True]]), "state params W1[1][1] must be a number, not true"),
    (changed("state.params.W1", [[1, 2], [3, "nan"]]), "state params W1[1][1] must be a number, not the text"),
    (changed("state.params.W9", [[1]]), "state params has unknown field 'W9'"),
    (changed("state.history.epochs", [0.0] * (2 * RECENT + 1)), "state history epochs and costs"),
    (changed("state.history.total", -1), "state history total must be a whole number of at least 0"),
    (changed("state.history.total", 5), "state history total 5 does not fit"),
    (changed("state.history.levels", []), "state history has 0 levels"),
    (changed("state.passes", [{"count": 10**6, "learning_rate": 1, "optimizer": "gd"}]), "over the limit of 100,000"),
    (changed("state.passes", [{"count": 50, "learning_rate": 1, "optimizer": "gd"}]), "50 passes kept but only"),
    (changed("state.passes.0.optimizer", "sgd"), "state passes item 0 optimizer: unknown optimizer 'sgd'"),
    (changed("state.updates", 2**60), "state updates is"),
    (changed("state.epoch_offset", -2), "state epoch_offset must be from 0"),
    (changed("state.learning_rate", 1e9), "outside the supported range"),
    (changed("state.selected_node", "nope"), "state selected_node 'nope' is not a node"),
    (changed("state.optimizer_state", {"name": "adam", "t": 1, "v": {"W1": 1}, "m": {}}), "optimizer_state v"),
    (changed("network.inputs", True), "network: inputs must be a whole number, not true"),
    (changed("network.layers", [{"units": 10**6, "activation": "relu"}] * 3), "network: a 2-1000000-"),
    (changed("state.planted_bug", "no_such_bug"), "state planted_bug must be null or one of sigmoid_prime_as"),
    (changed("state.planted_bug", 7), "state planted_bug must be null or one of"),
    (changed("stops.0.state.planted_bug", ["loss_gradient_sign"]), "stop 1 state planted_bug must be null or"),
    (changed("state.passes.0.planted_bug", "typo"), "state passes item 0 planted_bug must be null or one of"),
    (changed("view", {"zoom": 0}), "view zoom must be from 0.0001"),
    (changed("view", {"centre": [1, "Infinity"]}), "view centre"),
    (changed("view", {"colour": "red"}), "view has unknown field 'colour'"),
    ([1, 2], "the file must hold one JSON object, not a list"),
]


@pytest.mark.parametrize(("doc", "message"), HOSTILE, ids=[m[:40] for _, m in HOSTILE])
def test_hostile_sessions_are_refused_in_one_line_naming_the_field(doc, message) -> None:
    with pytest.raises(SessionFileError) as caught:
        session_file.loads(json.dumps(doc))
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not valid JSON"),
        ('{"format": "backprop-stepper.session/1", "network": NaN}', "non-finite number NaN"),
        ('{"format": "backprop-stepper.session/1", "format": 2}', "appears twice"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_unusable_json_is_refused(text, message) -> None:
    with pytest.raises(SessionFileError, match=message):
        session_file.loads(text)


def test_a_truncated_file_is_refused(tmp_path) -> None:
    path = tmp_path / "s.json"
    text = json.dumps(good())
    path.write_text(text[: len(text) // 2])
    with pytest.raises(SessionFileError, match="not valid JSON"):
        session_file.load(path)


def test_load_any_tells_networks_from_sessions(tmp_path) -> None:
    session_path, network_path = tmp_path / "s.json", tmp_path / "n.json"
    session_file.save(SessionDocument(stepped().snapshot()), session_path)
    network_path.write_text((tmp_path / "s.json").read_text().replace(FORMAT, "x"))  # neither
    assert isinstance(session_file.load_any(session_path), SessionDocument)
    with pytest.raises(SessionFileError, match="unknown format tag"):
        session_file.load_any(network_path)
    from core.network_file import save

    save(load_preset("or_gate"), network_path)
    assert session_file.load_any(network_path).name == "OR gate"
    with pytest.raises(SessionFileError, match="is a network file, not a session"):
        session_file.load(network_path)


def test_stops_are_chosen_in_walk_through_order_ties_by_the_one_jumped_to() -> None:
    from core.stops import next_stop, previous_stop

    positions = [(0.0, 3), (0.25, 0), (0.25, 0), (1.5, 2)]
    assert next_stop(positions, (0.0, 0), None) == 0
    assert next_stop(positions, (0.0, 3), 0) == 1
    assert next_stop(positions, (0.25, 0), 1) == 2
    assert next_stop(positions, (0.25, 0), None) == 3
    assert next_stop(positions, (2.0, 0), None) is None
    assert previous_stop(positions, (0.25, 0), 2) == 1
    assert previous_stop(positions, (0.25, 0), None) == 0
    assert previous_stop(positions, (0.0, 3), 0) is None


def test_a_stop_is_named_after_the_current_step() -> None:
    from core.stops import default_name

    session = Session(load_preset("or_gate"))
    names = []
    for _ in range(14):
        names.append(default_name(session))
        session.step_forward()
    assert names[0] == "Example 1: start of the pass"
    assert names[4] == "Example 1: after ŷ forward"
    assert names[7] == "Example 1: after ŷ backward"
    assert names[13] == "Example 1: after the update"
    assert default_name(session) == "Example 2, epoch 0.25: start of the pass"
    assert default_name(Session(load_preset("or_gate"), Mode.BATCH)) == "Batch of 4: start of the pass"


def test_trace_and_train_take_a_session_at_its_shown_parameters(tmp_path, capsys) -> None:
    from core.cli import main

    session = stepped(steps=3 * 13 + 2)  # three updates and a little of the fourth pass
    path = tmp_path / "s.json"
    session_file.save(SessionDocument(session.snapshot()), path)
    assert main(["trace", str(path)]) == 0
    traced = json.loads(capsys.readouterr().out)
    assert traced["params"]["W1"]["value"] == session.displayed_params()["W1"].tolist()
    assert main(["train", str(path), "--epochs", "2"]) == 0
    assert len(json.loads(capsys.readouterr().out)["cost"]) == 2
    path.write_text(path.read_text().replace(FORMAT, "backprop-stepper.session/2"))
    assert main(["trace", str(path)]) == 2
    assert "made by a newer Backprop Stepper" in capsys.readouterr().err


def test_a_big_graph_keeps_fewer_passes_so_opening_stays_quick(monkeypatch) -> None:
    """The events kept, not only the passes, are capped: with the cap at 20 passes' events of
    mood 2-2-1 (far under KEPT_PASSES), 60 passes stepped keep 20 and at most an epoch more."""
    session = Session(load_preset("mood_2_2_1"))
    events = len(session.current)
    monkeypatch.setattr(core.session, "KEPT_EVENTS", 20 * events)
    for _ in range(60):
        session.next_example()
    snapshot = session.snapshot()
    assert snapshot.pass_count < 60
    assert snapshot.pass_count * events <= core.session.KEPT_EVENTS + session.updates_per_epoch * events
    assert snapshot.position == session.position
    assert_same(session, Session.restored(snapshot))
