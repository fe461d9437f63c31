"""The command line's numbers against an independent computation written here: a plain numpy forward
pass, its cost, gradients by central finite differences of that cost, and gradient descent, momentum
and Adam written out by hand (PyTorch's conventions, as the README states them). Nothing from core/ is
used to compute the expected numbers; the networks cover every activation, loss and batch setting."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gui.launch import main

LOG_EPS = 1e-12  # the README's clipping of log losses' predictions


def act(name: str, z: np.ndarray) -> np.ndarray:
    if name == "identity":
        return z
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z)
    if name == "softplus":
        return np.log1p(np.exp(z))
    assert name == "softmax"
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def losses(loss: str, p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each example's loss (a sum over the outputs)."""
    if loss == "half_squared_error":
        return 0.5 * ((y - p) ** 2).sum(axis=1)
    if loss == "squared_error":
        return ((y - p) ** 2).sum(axis=1)
    q = np.clip(p, LOG_EPS, 1 - LOG_EPS)
    if loss == "log_loss":
        return (-y * np.log(q) - (1 - y) * np.log(1 - q)).sum(axis=1)
    assert loss == "cross_entropy"
    return (-y * np.log(q)).sum(axis=1)


def flat(params: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([p.ravel() for p in params])


def unflat(theta: np.ndarray, like: list[np.ndarray]) -> list[np.ndarray]:
    out, at = [], 0
    for p in like:
        out.append(theta[at : at + p.size].reshape(p.shape))
        at += p.size
    return out


class Net:
    """A network document and the same network as plain arrays."""

    def __init__(self, doc: dict) -> None:
        self.doc = doc
        self.acts = [layer["activation"] for layer in doc["layers"]]
        self.shapes = []
        self.params = []
        for layer in doc["layers"]:
            self.params += [np.array(layer["weights"], dtype=float), np.array(layer["bias"], dtype=float)]
        self.X = np.array(doc["data"]["X"], dtype=float)
        y = np.array(doc["data"]["y"], dtype=float)
        self.Y = y.reshape(len(y), -1)

    def losses(self, theta: np.ndarray, rows: slice = slice(None)) -> np.ndarray:
        a = self.X[rows]
        ps = unflat(theta, self.params)
        for k, name in enumerate(self.acts):
            a = act(name, a @ ps[2 * k] + ps[2 * k + 1])
        return losses(self.doc["loss"], a, self.Y[rows])

    def cost(self, theta: np.ndarray, rows: slice = slice(None)) -> float:
        return float(self.losses(theta, rows).mean())

    def gradient(self, theta: np.ndarray, rows: slice = slice(None), h: float = 1e-5) -> np.ndarray:
        """Five-point central differences of this file's own cost."""
        g = np.empty_like(theta)
        for j in range(len(theta)):
            e = np.zeros_like(theta)
            e[j] = h
            f = [self.cost(theta + s * e, rows) for s in (-2, -1, 1, 2)]
            g[j] = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h)
        return g


def network(layers, loss, X, y, rate=0.5, batch=None, optimizer=None, seed=1) -> dict:
    """A network file with weights drawn here (so the file, not the app's initialiser, sets them)."""
    rng = np.random.default_rng(seed)
    fan_in, built = len(X[0]), []
    for units, activation in layers:
        built.append(
            {
                "units": units,
                "activation": activation,
                "weights": rng.normal(0, 0.8, (fan_in, units)).round(3).tolist(),
                "bias": rng.normal(0, 0.3, units).round(3).tolist(),
            }
        )
        fan_in = units
    doc = {
        "format": "backprop-stepper.network/1",
        "inputs": len(X[0]),
        "layers": built,
        "loss": loss,
        "learning_rate": rate,
        "batch_size": batch,
        "data": {"X": X, "y": y},
    }
    if optimizer:
        doc["optimizer"] = optimizer
    return doc


XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, -0.3], [-1.2, 0.7]]
THREE_X = [[0.2, -1.0, 0.5], [1.5, 0.3, -0.7], [-0.4, 0.8, 1.1], [0.9, -0.6, 0.0], [-1.3, 0.1, 0.4]]
NETWORKS = {
    "tanh_sigmoid_half_squared_error": network([(3, "tanh"), (1, "sigmoid")], "half_squared_error", XOR_X,
                                               [0, 1, 1, 0, 1, 0]),
    "softplus_sigmoid_log_loss_per_example": network([(2, "softplus"), (1, "sigmoid")], "log_loss", XOR_X,
                                                     [0, 1, 1, 0, 0.3, 1], batch=1),
    "leaky_relu_identity_squared_error_adam": network(
        [(4, "leaky_relu"), (1, "identity")], "squared_error", THREE_X, [1.0, -0.5, 2.0, 0.3, -1.1],
        rate=0.05, optimizer={"name": "adam", "beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
    ),
    "relu_softmax_cross_entropy_momentum_minibatch": network(
        [(4, "relu"), (3, "softmax")], "cross_entropy", THREE_X,
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0], [0, 0.2, 0.8]],
        batch=2, optimizer={"name": "momentum", "momentum": 0.7},
    ),
    "two_outputs_sigmoid_log_loss_minibatch_of_4": network(
        [(3, "tanh"), (2, "sigmoid")], "log_loss", THREE_X, [[1, 0], [0, 1], [1, 1], [0, 0], [0.5, 0.5]],
        batch=4,
    ),
}  # fmt: skip


def run_json(capsys, argv: list[str], tmp_path, doc: dict) -> dict:
    path = tmp_path / "net.json"
    path.write_text(json.dumps(doc))
    status = main([argv[0], str(path), *argv[1:]])
    out = capsys.readouterr()
    assert status == 0, out.err
    return json.loads(out.out)


def printed_params(printed: dict, net: Net, key: str | None = None) -> np.ndarray:
    names = [f"{kind}{i}" for i in range(1, len(net.acts) + 1) for kind in ("W", "b")]
    return np.concatenate([np.ravel(printed[n][key] if key else printed[n]) for n in names])


@pytest.mark.parametrize("key", NETWORKS)
def test_trace_cost_and_gradients_match_finite_differences_of_an_independent_cost(tmp_path, capsys, key):
    net = Net(NETWORKS[key])
    theta = flat(net.params)
    traced = run_json(capsys, ["trace"], tmp_path, net.doc)
    assert traced["cost"] == pytest.approx(net.cost(theta), rel=1e-12)
    np.testing.assert_allclose(
        printed_params(traced["params"], net, "grad"), net.gradient(theta), rtol=1e-7, atol=1e-10
    )


@pytest.mark.parametrize("key", NETWORKS)
def test_trace_of_one_example_is_that_examples_loss_and_gradient(tmp_path, capsys, key):
    net = Net(NETWORKS[key])
    theta = flat(net.params)
    traced = run_json(capsys, ["trace", "--example", "2"], tmp_path, net.doc)
    assert traced["cost"] == pytest.approx(net.cost(theta, slice(2, 3)), rel=1e-12)
    np.testing.assert_allclose(
        printed_params(traced["params"], net, "grad"), net.gradient(theta, slice(2, 3)), rtol=1e-7, atol=1e-10
    )


@pytest.mark.parametrize("key", NETWORKS)
def test_gradcheck_numbers_match_an_independent_finite_difference(tmp_path, capsys, key):
    net = Net(NETWORKS[key])
    checked = run_json(capsys, ["gradcheck"], tmp_path, net.doc)
    expected = net.gradient(flat(net.params))
    for column in ("backprop", "numeric"):
        np.testing.assert_allclose(printed_params(checked["params"], net, column), expected, rtol=1e-7, atol=1e-10)


def train_by_hand(net: Net, epochs: int) -> tuple[list[float], np.ndarray]:
    """Epoch costs (the mean of the losses met in the epoch, before their updates) and the final parameters."""
    doc = net.doc
    rate, m = doc["learning_rate"], len(net.X)
    batch = doc["batch_size"] or m
    optimizer = doc.get("optimizer", {"name": "gd"})
    theta = flat(net.params)
    velocity, first, second, t = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta), 0
    costs = []
    for _ in range(epochs):
        total = 0.0
        for start in range(0, m, batch):
            rows = slice(start, min(start + batch, m))
            total += float(net.losses(theta, rows).sum())
            g = net.gradient(theta, rows)
            if optimizer["name"] == "gd":
                theta = theta - rate * g
            elif optimizer["name"] == "momentum":
                velocity = optimizer["momentum"] * velocity + g
                theta = theta - rate * velocity
            else:
                b1, b2, eps = optimizer["beta1"], optimizer["beta2"], optimizer["eps"]
                t += 1
                first = b1 * first + (1 - b1) * g
                second = b2 * second + (1 - b2) * g * g
                step = (first / (1 - b1**t)) / (np.sqrt(second / (1 - b2**t)) + eps)
                theta = theta - rate * step
        costs.append(total / m)
    return costs, theta


@pytest.mark.parametrize("key", NETWORKS)
def test_train_matches_descent_written_out_by_hand(tmp_path, capsys, key):
    net = Net(NETWORKS[key])
    costs, theta = train_by_hand(net, 4)
    trained = run_json(capsys, ["train", "--epochs", "4"], tmp_path, net.doc)
    np.testing.assert_allclose(trained["cost"], costs, rtol=1e-8)
    np.testing.assert_allclose(printed_params(trained["params"], net), theta, rtol=1e-7, atol=1e-9)
