"""One definition per activation and loss: every path uses it, stepping equals training for each
pair in both graphs and both training paths, and a throw-away activation works from one entry."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from core import cli
from core.activations import ACTIVATIONS, ActivationDef, activation_names
from core.gradcheck import check_network, numeric_gradients
from core.losses import LOSSES, loss_names
from core.network import Layer
from core.network import check_network as check_net
from core.network_file import save
from core.predict import cost, predict
from core.session import Mode, Session
from core.training import train_all
from tests.core.test_gradients import OUTPUT_AND_LOSS, make_network

CLOSE = {"rtol": 1e-9, "atol": 1e-12}  # two computations of the same numbers, rounding apart


# Every (output activation, loss) that check_network accepts (test_gradients checks the list is complete).
PAIRS = OUTPUT_AND_LOSS


def _network(out: str, loss: str, batch_size: int | None):
    hidden = "tanh" if ACTIVATIONS[out].output_only else out
    return make_network("one_hidden", (hidden,), out, loss).with_settings(batch_size=batch_size)


def test_the_pairs_cover_the_new_ops():
    assert {"leaky_relu", "softplus"} <= {a for a, _ in PAIRS}
    assert {("leaky_relu", "squared_error"), ("softplus", "squared_error"), ("softmax", "cross_entropy")} <= set(PAIRS)


@pytest.mark.parametrize("path", ["numpy", "float"])
@pytest.mark.parametrize(("out", "loss"), PAIRS)
def test_stepping_the_layer_graph_equals_training(out, loss, path):
    net = _network(out, loss, batch_size=2)  # 5 examples: batches of 2, 2 and 1
    session = Session(net, Mode.BATCH)
    epochs = 2
    for _ in range(epochs * net.batch_count):
        session.next_example()
    result = train_all(net, net.initial_params(), epochs, path=path)
    np.testing.assert_allclose(session.cost_curve()[1], result.costs, **CLOSE)
    for name, value in result.params.items():
        np.testing.assert_allclose(session.params[name], value, **CLOSE, err_msg=name)


@pytest.mark.parametrize("path", ["numpy", "float"])
@pytest.mark.parametrize(("out", "loss"), PAIRS)
def test_stepping_the_scalar_graph_equals_per_example_training(out, loss, path):
    net = _network(out, loss, batch_size=1)
    session = Session(net, Mode.EXAMPLE)
    for _ in range(net.examples):
        session.next_example()
    result = train_all(net, net.initial_params(), 1, path=path)
    np.testing.assert_allclose(session.cost_curve()[1], result.costs, **CLOSE)
    for name, value in result.params.items():
        np.testing.assert_allclose(session.params[name], value, **CLOSE, err_msg=name)


# Softmax's Jacobian is checked with the networks (test_gradients).
@pytest.mark.parametrize("name", [n for n in activation_names() if not ACTIVATIONS[n].output_only])
def test_each_local_gradient_is_the_derivative_of_its_forward(name):
    definition = ACTIVATIONS[name]
    z = np.array([-3.0, -0.7, -0.01, 0.02, 0.5, 2.5])
    numeric = numeric_gradients(lambda v: float(definition.function(v["z"]).sum()), {"z": z})["z"]
    np.testing.assert_allclose(definition.derivative(z, definition.function(z)), numeric, rtol=1e-8, atol=1e-10)
    for v in z:  # the float rules give the array rules' numbers
        assert definition.function(float(v)) == pytest.approx(float(definition.function(np.array(v))), rel=1e-15)
        local = definition.derivative(float(v), definition.function(float(v)))
        assert local == pytest.approx(float(definition.derivative(np.array(v), definition.function(np.array(v)))))


@pytest.mark.parametrize("name", loss_names())
def test_each_loss_gradient_is_the_derivative_of_its_term(name):
    definition = LOSSES[name]
    p, y = np.array([0.2, 0.45, 0.9]), np.array([0.0, 1.0, 0.7])
    numeric = numeric_gradients(lambda v: float(definition.term(v["p"], y).sum()), {"p": p}, step=1e-5)["p"]
    np.testing.assert_allclose(definition.derivative(p, y), numeric, rtol=1e-8, atol=1e-10)


def test_squared_error_is_the_lesson_form():
    p, y = np.array([0.25]), np.array([1.0])
    assert LOSSES["squared_error"].term(p, y)[0] == 0.5625  # (y − ŷ)²
    assert LOSSES["squared_error"].derivative(p, y)[0] == -1.5  # −2(y − ŷ)
    assert LOSSES["squared_error"].derivative_formula.format(p="ŷ", y="y") == "−2(y−ŷ)"


def test_leaky_relu_and_softplus_values():
    assert ACTIVATIONS["leaky_relu"].function(-2.0) == -0.02
    assert ACTIVATIONS["leaky_relu"].derivative(-2.0, -0.02) == 0.01
    assert ACTIVATIONS["softplus"].function(0.0) == pytest.approx(math.log(2.0))
    assert ACTIVATIONS["softplus"].function(800.0) == 800.0  # no overflow
    assert ACTIVATIONS["softplus"].derivative(0.0, math.log(2.0)) == 0.5


def test_cost_is_the_layer_graphs_cost():
    net = make_network("two_hidden", ("softplus", "leaky_relu"), "identity", "squared_error")
    assert cost(net, net.initial_params()) == pytest.approx(Session(net, Mode.BATCH).current.cost, rel=1e-14)


# -- a throw-away activation, registered in one place ---------------------------------------------


@pytest.fixture
def cube(monkeypatch):
    """a = z³ with no kernels: both training paths fall back to its two rules."""
    definition = ActivationDef("cube", "cube", "a = z³", "3{z}²", "({z})³", lambda z: z**3, lambda z, a: 3.0 * z**2)
    monkeypatch.setitem(ACTIVATIONS, "cube", definition)
    return definition


def _cube_network():
    base = make_network("one_hidden", ("tanh",), "identity", "half_squared_error")
    layers = (Layer(3, "cube", 0.5 * base.layers[0].weights, base.layers[0].bias), base.layers[1])
    net = base.with_settings(layers=layers, learning_rate=0.05)
    check_net(net)
    return net


def test_a_registered_activation_works_in_stepping_training_and_checks(cube):
    net = _cube_network()
    session = Session(net, Mode.EXAMPLE)
    assert any(n.op is not None and n.op.name == "cube" for n in session.graph.nodes)
    session.to_end_of_backward()
    assert "cube" in {session.graph[e.node].op.name for e in session.current.events[: session.cursor]}
    for _ in range(net.examples):
        session.next_example()
    for path in ("numpy", "float"):
        trained = train_all(net.with_settings(batch_size=1), net.initial_params(), 1, path=path)
        np.testing.assert_allclose(session.cost_curve()[1], trained.costs, **CLOSE)
        for name, value in trained.params.items():
            np.testing.assert_allclose(session.params[name], value, **CLOSE, err_msg=f"{path} {name}")
    assert check_network(net).passed
    assert predict(net, net.initial_params(), net.X).shape == (net.examples, net.outputs)


def test_a_registered_activation_works_on_the_command_line(cube, tmp_path, capsys):
    path = tmp_path / "cube.json"
    save(_cube_network(), path)
    assert json.loads(path.read_text())["layers"][0]["activation"] == "cube"
    for argv in (["trace", str(path)], ["train", str(path), "--epochs", "3"], ["gradcheck", str(path)]):
        assert cli.main(argv) == 0, argv
        out = json.loads(capsys.readouterr().out)
        assert "params" in out
    capsys.readouterr()
    assert cli.main(["trace", str(path)]) == 0
    assert any(node["op"] == "cube" for node in json.loads(capsys.readouterr().out)["nodes"])
