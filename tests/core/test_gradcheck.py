"""The gradient check passes on every preset and every activation and loss, and fails exactly
where each planted bug is; training with a bug follows the same wrong gradients."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import numpy as np
import pytest

from core import cli
from core.bugs import BUGS
from core.gradcheck import THRESHOLD, compare, numeric_gradients, relative_error
from core.gradcheck import check_network as gradcheck
from core.presets import load_preset, preset_keys
from core.session import Mode, Session
from core.training import train_all
from tests.core.test_gradients import OUTPUT_AND_LOSS, make_network

SCRIPT = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"


def _entries(net) -> set[tuple[str, tuple[int, ...]]]:
    return {
        (name, tuple(int(i) for i in index))
        for name, v in net.initial_params().items()
        for index in np.ndindex(v.shape)
    }


def test_relative_error_is_as_documented():
    assert relative_error(1.0, 1.0) == 0.0
    assert relative_error(1.0, -1.0) == 1.0
    assert relative_error(0.0, 2.0) == 1.0
    assert relative_error(3.0, 1.0) == pytest.approx(0.5)
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(1e-13, 0.0) == pytest.approx(1e-7)  # below TINY: measured against TINY
    assert relative_error(np.nan, 1.0) == np.inf


def test_numeric_gradients_of_any_named_arrays():
    grads = numeric_gradients(
        lambda v: float((v["x"] ** 2 + 1) ** 3 + (v["w"] * v["w"][::-1]).sum()), {"x": 2.0, "w": [1.0, 3.0]}
    )
    assert grads["x"].shape == ()
    assert float(grads["x"]) == pytest.approx(300.0, rel=1e-10)  # 3·(x² + 1)²·2x at 2
    np.testing.assert_allclose(grads["w"], [6.0, 2.0], rtol=1e-10)
    check = compare({"x": 300.0, "w": [6.0, 2.5]}, grads)
    assert check.flagged() == [("w", (1,))]
    assert not check.passed


@pytest.mark.parametrize("key", preset_keys())
def test_every_preset_passes(key):
    check = gradcheck(load_preset(key))
    assert check.passed, check.flagged()
    assert check.max_rel_error < THRESHOLD


@pytest.mark.parametrize(("out", "loss"), OUTPUT_AND_LOSS)
@pytest.mark.parametrize("hidden", ["leaky_relu", "softplus", "tanh"])
def test_every_activation_and_loss_passes(hidden, out, loss):
    check = gradcheck(make_network("one_hidden", (hidden,), out, loss))
    assert check.passed, check.flagged()


# Where each bug is, worked out by hand. mood_2_2_1: 2-2-1, sigmoid hidden and output, log loss, 4
# examples. house_prices: 2 inputs, one identity output, half squared error, 3 examples.
MOOD_ALL = {("W1", (0, 0)), ("W1", (0, 1)), ("W1", (1, 0)), ("W1", (1, 1)), ("b1", (0,)), ("b1", (1,))}
MOOD_ALL |= {("W2", (0, 0)), ("W2", (1, 0)), ("b2", (0,))}
HOUSE_ALL = {("W1", (0, 0)), ("W1", (1, 0)), ("b1", (0,))}
EXPECTED = {
    ("mood_2_2_1", "sigmoid_prime_as_sigmoid"): MOOD_ALL,  # every path passes through the output σ
    # only the first term of each sum is right: w11 through a1 (first into ŷ's sum), and w1 of layer 2
    ("mood_2_2_1", "sum_first_input_only"): MOOD_ALL - {("W1", (0, 0)), ("W2", (0, 0))},
    ("mood_2_2_1", "product_own_input"): MOOD_ALL - {("b2", (0,))},  # b2 reaches L through no product
    ("mood_2_2_1", "loss_gradient_sign"): MOOD_ALL,
    ("mood_2_2_1", "mean_missing_1_over_m"): MOOD_ALL,
    ("house_prices", "sigmoid_prime_as_sigmoid"): set(),  # no sigmoid anywhere
    ("house_prices", "sum_first_input_only"): {("W1", (1, 0)), ("b1", (0,))},
    ("house_prices", "product_own_input"): {("W1", (0, 0)), ("W1", (1, 0))},
    ("house_prices", "loss_gradient_sign"): HOUSE_ALL,
    ("house_prices", "mean_missing_1_over_m"): HOUSE_ALL,
}


def test_the_expectations_cover_every_bug():
    assert {bug for _, bug in EXPECTED} == set(BUGS)


@pytest.mark.parametrize(("key", "bug"), EXPECTED)
def test_a_planted_bug_is_flagged_exactly_where_it_is(key, bug):
    net = load_preset(key)
    assert _entries(net) >= EXPECTED[key, bug]
    check = gradcheck(net.with_settings(planted_bug=bug))
    assert set(check.flagged()) == EXPECTED[key, bug]
    assert check.passed == (not EXPECTED[key, bug])
    # The numeric side never sees the bug.
    clean = gradcheck(net)
    for name in clean.numeric:
        np.testing.assert_array_equal(check.numeric[name], clean.numeric[name])


@pytest.mark.parametrize("bug", BUGS)
def test_the_stepper_shows_the_wrong_local_gradient_where_it_happens(bug):
    net = load_preset("mood_2_2_1")
    for mode in (Mode.EXAMPLE, Mode.BATCH):
        if bug == "mean_missing_1_over_m" and mode is Mode.EXAMPLE:
            continue  # one example has no mean: nothing to show there
        right = Session(net, mode).current
        wrong = Session(net.with_settings(planted_bug=bug), mode).current
        differ = set()
        for a, b in zip(right.events[right.n_forward :], wrong.events[wrong.n_forward :], strict=True):
            if hasattr(a, "local") and any(
                x is not None and not np.array_equal(x, y) for x, y in zip(a.local, b.local, strict=True)
            ):
                differ.add(type(right.graph[a.node].op).__name__)
        # Forward values are untouched.
        for a, b in zip(right.events[: right.n_forward], wrong.events[: wrong.n_forward], strict=True):
            assert np.array_equal(a.value, b.value)
        expected = {
            "sigmoid_prime_as_sigmoid": {"Activation"},
            "sum_first_input_only": {"Add"} if mode is Mode.EXAMPLE else {"AddBias", "MatMul"},
            "product_own_input": {"Multiply"} if mode is Mode.EXAMPLE else {"MatMul"},
            "loss_gradient_sign": {"ScalarLoss"} if mode is Mode.EXAMPLE else {"RowLoss"},
            "mean_missing_1_over_m": {"Mean"},
        }[bug]
        assert differ == expected, mode


@pytest.mark.parametrize("path", ["numpy", "float"])
@pytest.mark.parametrize(("bug", "mode"), list(itertools.product(BUGS, Mode)))
def test_training_with_a_bug_follows_stepping(bug, mode, path):
    net = load_preset("mood_2_2_1").with_settings(planted_bug=bug, batch_size=1 if mode is Mode.EXAMPLE else 3)
    session = Session(net, mode)
    updates = net.examples if mode is Mode.EXAMPLE else net.batch_count
    for _ in range(2 * updates):
        session.next_example()
    result = train_all(net, net.initial_params(), 2, path=path)
    np.testing.assert_allclose(session.cost_curve()[1], result.costs, rtol=1e-9, atol=1e-12)
    for name, value in result.params.items():
        np.testing.assert_allclose(session.params[name], value, rtol=1e-9, atol=1e-12, err_msg=name)
    if (bug, mode) != ("mean_missing_1_over_m", Mode.EXAMPLE):  # one example: the mean is the loss
        clean = train_all(net.with_settings(planted_bug=None), net.initial_params(), 2, path=path)
        assert not np.allclose(clean.params["W1"], result.params["W1"])


def test_removing_a_bug_restores_the_gradients_in_place():
    net = load_preset("mood_2_2_1")
    session = Session(net, Mode.EXAMPLE)
    session.to_end_of_backward()
    right = session.state.grads
    session.set_network(net.with_settings(planted_bug="product_own_input"))
    assert session.cursor == session.current.end_of_backward
    assert session.state.grads["W1[0,0]"] != right["W1[0,0]"]
    session.set_network(net)
    assert session.state.grads == right


# -- the command line ---------------------------------------------------------------------------------


def test_gradcheck_prints_the_parameters_shapes_and_exits_0(capsys):
    assert cli.main(["gradcheck", "preset:mood_2_2_1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"params", "max_rel_error"}
    assert list(out["params"]) == ["W1", "b1", "W2", "b2"]
    for name, shape in {"W1": (2, 2), "b1": (2,), "W2": (2, 1), "b2": (1,)}.items():
        assert set(out["params"][name]) == {"backprop", "numeric", "rel_error"}
        for key in ("backprop", "numeric", "rel_error"):
            assert np.array(out["params"][name][key]).shape == shape
    assert out["max_rel_error"] < THRESHOLD


@pytest.mark.parametrize("bug", BUGS)
def test_gradcheck_with_a_planted_bug_exits_1(bug, capsys):
    assert cli.main(["gradcheck", "preset:mood_2_2_1", "--plant", bug]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["max_rel_error"] > THRESHOLD
    flagged = {
        (n, i)
        for n, p in out["params"].items()
        for i in np.ndindex(np.shape(p["rel_error"]))
        if np.array(p["rel_error"])[i] > THRESHOLD
    }
    assert flagged == EXPECTED["mood_2_2_1", bug]


def test_gradcheck_help_lists_the_plant_names_and_refuses_others():
    run = subprocess.run([sys.executable, "-c", SCRIPT, "gradcheck", "--help"], capture_output=True, text=True)
    assert run.returncode == 0
    for name in BUGS:
        assert name in run.stdout
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, "gradcheck", "preset:or_gate", "--plant", "typo"], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1
