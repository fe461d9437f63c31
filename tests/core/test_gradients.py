"""Backprop against central finite differences (core.gradcheck) of an independent numpy forward pass, and fan-out."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from core import ops
from core.activations import ACTIVATIONS as REGISTERED_ACTIVATIONS
from core.build import layer_graph, leaf_values, scalar_graph
from core.gradcheck import numeric_gradients
from core.graph import Graph, Node, NodeKind, backward, forward
from core.losses import LOSSES as REGISTERED_LOSSES
from core.network import Layer, Network, Params, check_network
from core.stepper import UpdateEvent, record_pass
from core.training import train_all

RTOL, ATOL = 1e-5, 1e-8  # backprop vs central differences
EXACT = 1e-12  # two exact computations of the same numbers
MARGIN = 1e-3  # ReLU pre-activations stay this far from the kink

HIDDEN = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus")
OUTPUT_AND_LOSS = [
    *((act, loss) for act in (*HIDDEN, "softmax") for loss in ("half_squared_error", "squared_error")),
    # log loss needs predictions in (0, 1); cross-entropy a softmax
    ("sigmoid", "log_loss"),
    ("softmax", "log_loss"),
    ("softmax", "cross_entropy"),
]
# (inputs, hidden layer sizes, outputs)
SHAPES = {"perceptron": (3, (), 2), "one_hidden": (2, (3,), 2), "two_hidden": (3, (4, 3), 3)}


def _cases():
    for shape, (_, hidden, _) in SHAPES.items():
        hidden_acts = (
            [()]
            if not hidden
            else [tuple(HIDDEN[(i + k) % len(HIDDEN)] for k in range(len(hidden))) for i in range(len(HIDDEN))]
        )
        for acts in hidden_acts:
            for out, loss in OUTPUT_AND_LOSS:
                case_id = "-".join((shape, *acts, out, loss))
                yield pytest.param(shape, acts, out, loss, id=case_id)


CASES = list(_cases())

# -- an independent forward pass -----------------------------------------------------------------


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


ACTIVATIONS = {
    "identity": lambda z: z,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "softplus": lambda z: np.log(1.0 + np.exp(z)),
    "softmax": _softmax,
}
LOSSES = {
    "half_squared_error": lambda p, y: 0.5 * ((y - p) ** 2).sum(axis=1),
    "squared_error": lambda p, y: ((y - p) ** 2).sum(axis=1),
    "log_loss": lambda p, y: -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum(axis=1),
    "cross_entropy": lambda p, y: -(y * np.log(p)).sum(axis=1),
}


def pre_activations(net: Network, params: Params, X: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Each layer's Z, and the output Ŷ."""
    a, zs = X, []
    for i, layer in enumerate(net.layers, start=1):
        z = a @ params[f"W{i}"] + params[f"b{i}"]
        zs.append(z)
        a = ACTIVATIONS[layer.activation](z)
    return zs, a


def losses(net: Network, params: Params, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The per-example losses, without clipping (the data keep predictions inside (0, 1))."""
    return LOSSES[net.loss](pre_activations(net, params, X)[1], Y)


def numerical_gradient(net: Network, params: Params, X: np.ndarray, Y: np.ndarray) -> Params:
    """Central differences of the mean loss over the rows of X."""
    return numeric_gradients(lambda p: losses(net, p, X, Y).mean(), params)


# -- random networks whose losses are smooth where we differentiate ------------------------------


def _build(shape: str, hidden_acts: tuple[str, ...], out: str, loss: str, seed: int) -> Network:
    inputs, hidden, outputs = SHAPES[shape]
    rng = np.random.default_rng(seed)
    m = 5
    layers, fan_in = [], inputs
    for units, act in zip(hidden, hidden_acts, strict=True):
        w = rng.normal(0, 1 / np.sqrt(fan_in), (fan_in, units))
        layers.append(Layer(units, act, w, rng.normal(0, 0.5, units)))
        fan_in = units
    w, b = rng.normal(0, 1 / np.sqrt(fan_in), (fan_in, outputs)), rng.normal(0, 0.5, outputs)
    if loss == "log_loss" and out in ("identity", "tanh", "relu"):
        # Keep ŷ inside (0, 1) so log loss is defined: small weights around a bias of 0.5.
        w, b = 0.1 * w, 0.5 + 0.05 * rng.normal(size=outputs)
    if loss in ("half_squared_error", "squared_error"):
        Y = rng.normal(size=(m, outputs))
    elif loss == "log_loss":
        Y = rng.uniform(0, 1, size=(m, outputs))
    else:
        Y = np.eye(outputs)[rng.integers(0, outputs, size=m)]
    layers.append(Layer(outputs, out, w, b))
    return Network(
        name=f"random {shape}",
        inputs=inputs,
        layers=tuple(layers),
        loss=loss,
        learning_rate=0.3,
        X=rng.normal(size=(m, inputs)),
        Y=Y,
    )


def _valid(net: Network) -> bool:
    params = net.initial_params()
    zs, yhat = pre_activations(net, params, net.X)
    for layer, z in zip(net.layers, zs, strict=True):
        # Away from the kink, and some unit alive in every example.
        if layer.activation in ("relu", "leaky_relu") and (np.abs(z).min() < MARGIN or not (z > 0).any(axis=1).all()):
            return False
    if net.loss == "log_loss" and not (yhat.min() > 0.01 and yhat.max() < 0.99):
        return False
    return all(np.abs(z).max() < 20 for z in zs)


def make_network(shape: str, hidden_acts: tuple[str, ...], out: str, loss: str) -> Network:
    """A checked random network; the first seed (from the case name) that keeps away from kinks."""
    base = zlib.crc32("-".join((shape, *hidden_acts, out, loss)).encode())
    for seed in range(base, base + 200):
        net = _build(shape, hidden_acts, out, loss, seed)
        if _valid(net):
            check_network(net)
            return net
    raise AssertionError("no seed gave a network away from ReLU kinks and log-loss limits")


def layer_gradients(net: Network, params: Params) -> tuple[float, Params]:
    graph = layer_graph(net)
    values = forward(graph, leaf_values(graph, params, net.X, net.Y))
    _, grads = backward(graph, values)
    return values[graph.root.id], {name: np.asarray(grads[name]) for name in params}


def assert_gradients_close(analytic: Params, numeric: Params) -> None:
    assert analytic.keys() == numeric.keys()
    for name in numeric:
        assert analytic[name].shape == numeric[name].shape, name
        np.testing.assert_allclose(analytic[name], numeric[name], rtol=RTOL, atol=ATOL, err_msg=name)
    # The check means something only if some gradient is clearly non-zero.
    assert max(np.abs(g).max() for g in numeric.values()) > 1e-3


# -- the checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "hidden", "out", "loss"), CASES)
def test_scalar_graph_gradients(shape, hidden, out, loss):
    net = make_network(shape, hidden, out, loss)
    params = net.initial_params()
    graph = scalar_graph(net)
    i = 1
    values = forward(graph, leaf_values(graph, params, net.X[i], net.Y[i]))
    assert abs(values[graph.root.id] - losses(net, params, net.X[i : i + 1], net.Y[i : i + 1])[0]) <= EXACT
    _, grads = backward(graph, values)

    assert len(graph.params) == net.param_count
    analytic = {name: np.full_like(v, np.nan) for name, v in params.items()}
    for node in graph.params:
        analytic[node.source.name][node.source.index] = grads[node.id]
    assert_gradients_close(analytic, numerical_gradient(net, params, net.X[i : i + 1], net.Y[i : i + 1]))


@pytest.mark.parametrize(("shape", "hidden", "out", "loss"), CASES)
def test_layer_graph_gradients(shape, hidden, out, loss):
    net = make_network(shape, hidden, out, loss)
    params = net.initial_params()
    cost, analytic = layer_gradients(net, params)
    assert abs(cost - losses(net, params, net.X, net.Y).mean()) <= EXACT
    assert_gradients_close(analytic, numerical_gradient(net, params, net.X, net.Y))


@pytest.mark.parametrize(("shape", "hidden", "out", "loss"), CASES)
def test_scalar_graph_averaged_over_examples_equals_layer_graph(shape, hidden, out, loss):
    net = make_network(shape, hidden, out, loss)
    params = net.initial_params()
    graph = scalar_graph(net)
    total = {name: np.zeros_like(v) for name, v in params.items()}
    for i in range(net.examples):
        _, grads = backward(graph, forward(graph, leaf_values(graph, params, net.X[i], net.Y[i])))
        for node in graph.params:
            total[node.source.name][node.source.index] += grads[node.id] / net.examples
    _, layer = layer_gradients(net, params)
    for name in params:
        np.testing.assert_allclose(total[name], layer[name], rtol=0, atol=EXACT, err_msg=name)


@pytest.mark.parametrize(("shape", "hidden", "out", "loss"), CASES)
def test_training_first_update_is_a_gradient_step(shape, hidden, out, loss):
    net = make_network(shape, hidden, out, loss)
    params = net.initial_params()
    cost, grads = layer_gradients(net, params)
    result = train_all(net, params, 1)
    assert result.stopped is None
    assert abs(result.costs[0] - cost) <= EXACT
    for name in params:
        expected = params[name] - net.learning_rate * grads[name]
        np.testing.assert_allclose(result.params[name], expected, rtol=0, atol=EXACT, err_msg=name)
    # train() leaves the parameters it was given alone.
    for name, value in net.initial_params().items():
        assert np.array_equal(params[name], value)


# -- fan-out: gradients accumulate ---------------------------------------------------------------


def test_fan_out_one_node_uses_a_value_twice():
    """y = x·x with one Multiply node whose two inputs are the same node: dy/dx = 2x."""
    graph = Graph((Node("x", NodeKind.PARAM, "x"), Node("y", NodeKind.OP, "y", ops.Multiply(), ("x", "x"))), "scalar")
    values = forward(graph, {"x": 3.0})
    assert values["y"] == 9.0
    visits, grads = backward(graph, values)
    assert visits["y"].local == (3.0, 3.0)
    assert visits["y"].sent == (3.0, 3.0)
    assert grads["x"] == 6.0
    assert graph.edges == (("x", "y"),)

    step_pass = record_pass(graph, {"x": 3.0}, 0.5, (0,))
    state = step_pass.state_at(step_pass.end_of_backward)
    assert state.grads["x"] == 6.0
    assert state.edge_grads[("x", "y")] == 6.0
    (update,) = [e for e in step_pass.events if isinstance(e, UpdateEvent)]
    assert (update.old, update.grad, update.new) == (3.0, 6.0, 3.0 - 0.5 * 6.0)


def test_fan_out_a_value_feeding_two_nodes_accumulates():
    """y = x·c + x·d: dy/dx = c + d, and what each product sent stays as it was recorded."""
    x, c, d = np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([5.0, -7.0])
    graph = Graph(
        (
            Node("x", NodeKind.PARAM, "x"),
            Node("c", NodeKind.INPUT, "c"),
            Node("d", NodeKind.INPUT, "d"),
            Node("xc", NodeKind.OP, "x·c", ops.Multiply(), ("x", "c")),
            Node("xd", NodeKind.OP, "x·d", ops.Multiply(), ("x", "d")),
            Node("y", NodeKind.OP, "y", ops.Add(), ("xc", "xd")),
        ),
        "scalar",
    )
    values = forward(graph, {"x": x, "c": c, "d": d})
    np.testing.assert_array_equal(values["y"], x * c + x * d)
    visits, grads = backward(graph, values)
    np.testing.assert_array_equal(grads["x"], c + d)
    np.testing.assert_array_equal(grads["c"], x)
    np.testing.assert_array_equal(visits["xc"].sent[0], c)
    np.testing.assert_array_equal(visits["xd"].sent[0], d)
    assert graph.consumers["x"] == ("xc", "xd")

    step_pass = record_pass(graph, {"x": x, "c": c, "d": d}, 1.0, (0,))
    state = step_pass.state_at(step_pass.end_of_backward)
    np.testing.assert_array_equal(state.grads["x"], c + d)
    np.testing.assert_array_equal(state.edge_grads[("x", "xc")], c)
    np.testing.assert_array_equal(state.edge_grads[("x", "xd")], d)
    # Halfway through the backward pass only the first product has sent its share.
    first = step_pass.end_of_forward + 2
    assert step_pass.events[first - 1].node == "xc"
    np.testing.assert_array_equal(step_pass.state_at(first).grads["x"], c)


def test_the_cases_are_every_combination_check_network_accepts():
    net = make_network("one_hidden", ("tanh",), "sigmoid", "half_squared_error")
    one_hot = np.eye(2)[np.arange(net.examples) % 2]  # targets every loss accepts
    accepted = []
    for out in REGISTERED_ACTIVATIONS:
        for loss in REGISTERED_LOSSES:
            layers = (net.layers[0], Layer(2, out, net.layers[1].weights, net.layers[1].bias))
            try:
                check_network(net.with_settings(layers=layers, loss=loss, Y=one_hot))
            except ValueError:
                continue
            accepted.append((out, loss))
    assert sorted(accepted) == sorted(OUTPUT_AND_LOSS)
    hidden_softmax = (Layer(3, "softmax"), net.layers[1])
    with pytest.raises(ValueError, match="softmax"):
        check_network(net.with_settings(layers=hidden_softmax))
