"""Optimisers: momentum and Adam against steps computed by hand, Newton's method against least
squares, damping, the Hessian against finite differences of the cost, stepping equals training."""

from __future__ import annotations

import numpy as np
import pytest

from core.curvature import cost_hessian, one_variable
from core.network import Layer
from core.newton import newton_step
from core.optimizers import Optimizer, OptimizerError, from_value
from core.predict import cost
from core.presets import load_preset
from core.session import Mode, Session
from core.training import train_all

PATHS = ("numpy", "float")
CLOSE = {"rtol": 1e-9, "atol": 1e-12}
# Newton's Hessian comes from differences of gradients: rounding apart, its steps agree to about this.
NEWTON_CLOSE = {"rtol": 1e-6, "atol": 1e-8}


def or_gate_gradient(w: np.ndarray, b: float) -> tuple[np.ndarray, float]:
    """∂C/∂w and ∂C/∂b of C = mean ½(σ(X·w + b) − y)² over the OR table, written out by hand."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 1.0])
    yhat = 1 / (1 + np.exp(-(X @ w + b)))
    delta = (yhat - y) * yhat * (1 - yhat) / len(y)
    return X.T @ delta, float(delta.sum())


def flat(params: dict[str, np.ndarray]) -> np.ndarray:
    return np.concatenate([np.ravel(params["W1"]), np.ravel(params["b1"])])


def or_gate(optimizer: Optimizer, learning_rate: float = 1.0):
    return load_preset("or_gate").with_settings(optimizer=optimizer, learning_rate=learning_rate)


@pytest.mark.parametrize("path", PATHS)
def test_momentum_matches_three_steps_by_hand(path):
    mu, alpha = 0.8, 0.5
    w, b = np.array([0.1, 0.6]), 0.0
    vw, vb = np.zeros(2), 0.0
    by_hand = []
    for _ in range(3):
        gw, gb = or_gate_gradient(w, b)
        vw, vb = mu * vw + gw, mu * vb + gb
        w, b = w - alpha * vw, b - alpha * vb
        by_hand.append(np.append(w, b))
    net = or_gate(Optimizer("momentum", momentum=mu), alpha)
    for epochs, expected in enumerate(by_hand, start=1):
        result = train_all(net, net.initial_params(), epochs, path=path)
        np.testing.assert_allclose(flat(result.params), expected, **CLOSE)


@pytest.mark.parametrize("path", PATHS)
def test_adam_matches_three_steps_by_hand(path):
    beta1, beta2, eps, alpha = 0.8, 0.99, 1e-6, 0.1
    theta = np.array([0.1, 0.6, 0.0])
    m, v = np.zeros(3), np.zeros(3)
    by_hand = []
    for t in range(1, 4):
        gw, gb = or_gate_gradient(theta[:2], theta[2])
        g = np.append(gw, gb)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        theta = theta - alpha * m_hat / (np.sqrt(v_hat) + eps)
        by_hand.append(theta)
    net = or_gate(Optimizer("adam", beta1=beta1, beta2=beta2, eps=eps), alpha)
    for epochs, expected in enumerate(by_hand, start=1):
        result = train_all(net, net.initial_params(), epochs, path=path)
        np.testing.assert_allclose(flat(result.params), expected, **CLOSE)


def test_adams_first_step_is_alpha_times_the_sign_of_the_gradient():
    """With bias correction m̂ = g and v̂ = g², so the first step is α·g/(|g| + ε)."""
    net = or_gate(Optimizer("adam"), 0.01)
    result = train_all(net, net.initial_params(), 1)
    gw, gb = or_gate_gradient(np.array([0.1, 0.6]), 0.0)
    g = np.append(gw, gb)
    np.testing.assert_allclose(flat(result.params), [0.1, 0.6, 0.0] - 0.01 * g / (np.abs(g) + 1e-8), **CLOSE)


def least_squares(net) -> np.ndarray:
    A = np.column_stack([net.X, np.ones(net.examples)])
    return np.linalg.lstsq(A, net.Y[:, 0], rcond=None)[0]


@pytest.mark.parametrize("path", PATHS)
def test_newton_reaches_least_squares_where_descent_crawls(path):
    net = load_preset("house_prices_standardised")
    target = least_squares(net)
    newton = train_all(net.with_settings(optimizer=Optimizer("newton")), net.initial_params(), 5, path=path)
    np.testing.assert_allclose(flat(newton.params), target, rtol=1e-6)
    descent = train_all(net, net.initial_params(), 5, path=path)
    assert np.max(np.abs(flat(descent.params) - target)) > 0.3 * np.max(np.abs(target))
    assert descent.costs[-1] > 1e6 * max(newton.costs[-1], 1.0)
    # Gradient descent needs hundreds of epochs to come within 0.1 % of the solution.
    slow = train_all(net, net.initial_params(), 100, path=path)
    assert np.max(np.abs(flat(slow.params) - target) / np.abs(target)) > 1e-3


def test_damping_engages_exactly_when_an_eigenvalue_is_not_positive():
    g = np.array([1.0, -2.0])
    for eigenvalues, engages in (([2.0, 3.0], False), ([1e-9, 3.0], False), ([0.0, 3.0], True), ([-1.0, 3.0], True)):
        step = newton_step(np.diag(eigenvalues), g)
        assert step.damped is engages
        assert step.smallest == min(eigenvalues)
        assert step.largest == max(eigenvalues)
        assert np.linalg.eigvalsh(np.diag(eigenvalues) + step.damping * np.eye(2))[0] > 0
        if not engages:
            assert step.damping == 0
            np.testing.assert_allclose(step.step, g / eigenvalues)
    assert newton_step(np.diag([-1.0, 3.0]), g).damping == 10.0  # 1e-3, 1e-2, … up to the first above 1
    undamped = newton_step(np.diag([-1.0, 3.0]), g, undamped=True)
    np.testing.assert_allclose(undamped.step, [-1.0, -2.0 / 3.0])


def test_damping_on_networks_follows_the_hessians_eigenvalues():
    seen = set()
    for preset in ("mood_2_2_1", "net_2_4_1_tanh", "or_gate"):
        net = load_preset(preset)
        for seed in range(4):
            params = net.with_settings(seed=seed).initial_params() if seed else net.initial_params()
            session = Session(net.with_settings(optimizer=Optimizer("newton")).with_params(params), Mode.BATCH)
            newton = session.current.newton
            smallest = np.linalg.eigvalsh(cost_hessian(net, params))[0]
            assert newton.damped is bool(smallest <= 0)
            np.testing.assert_allclose(newton.smallest, smallest, rtol=1e-9, atol=1e-12)
            seen.add(newton.damped)
    assert seen == {True, False}  # both cases occur


def test_the_hessian_against_second_differences_of_the_cost():
    for preset in ("or_gate", "mood_2_2_1", "softmax_3_class"):
        net = load_preset(preset)
        params = net.initial_params()
        names = list(params)
        theta = np.concatenate([np.ravel(params[k]) for k in names])

        def c(vector, net=net, params=params, names=names):
            out, start = {}, 0
            for k in names:
                out[k] = vector[start : start + params[k].size].reshape(params[k].shape)
                start += params[k].size
            return cost(net, out)

        n, h = len(theta), 1e-3
        numeric = np.empty((n, n))
        for i in range(n):
            for j in range(n):
                e_i, e_j = np.eye(n)[i] * h, np.eye(n)[j] * h
                numeric[i, j] = (
                    c(theta + e_i + e_j) - c(theta + e_i - e_j) - c(theta - e_i + e_j) + c(theta - e_i - e_j)
                ) / (4 * h * h)
        np.testing.assert_allclose(cost_hessian(net, params), numeric, rtol=1e-4, atol=1e-6)


def test_one_variable_lesson_numbers():
    net = load_preset("or_gate")
    params = net.initial_params()
    lesson = one_variable(net, params, "W1", (1, 0))
    H = cost_hessian(net, params)
    assert lesson.x == 0.6
    assert lesson.f == pytest.approx(cost(net, params), rel=1e-12)
    gw, _ = or_gate_gradient(np.array([0.1, 0.6]), 0.0)
    assert lesson.slope == pytest.approx(gw[1], rel=1e-12)
    assert lesson.curvature == pytest.approx(H[1, 1], rel=1e-6)
    assert lesson.newton_x == pytest.approx(0.6 - gw[1] / H[1, 1], rel=1e-6)
    assert lesson.parabola() == (lesson.f, lesson.slope, lesson.curvature)


OPTIMIZERS = (
    Optimizer(),
    Optimizer("momentum", momentum=0.5),
    Optimizer("adam"),
    Optimizer("newton", damping=0.05),
)


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o.name)
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("preset", "mode", "batch_size"), [("or_gate", Mode.EXAMPLE, 1), ("mood_2_2_1", Mode.BATCH, 2)]
)
def test_stepping_equals_training(optimizer, path, preset, mode, batch_size):
    net = load_preset(preset).with_settings(optimizer=optimizer, batch_size=batch_size)
    session = Session(net, mode)
    epochs = 3
    for _ in range(epochs * session.updates_per_epoch):
        session.next_example()
    result = train_all(net, net.initial_params(), epochs, path=path)
    close = NEWTON_CLOSE if optimizer.name == "newton" else CLOSE
    np.testing.assert_allclose(session.cost_curve()[1], result.costs, **close)
    for name, value in result.params.items():
        np.testing.assert_allclose(session.params[name], value, **close, err_msg=name)


def test_stepping_back_and_forth_keeps_the_optimizers_state():
    net = load_preset("or_gate").with_settings(optimizer=Optimizer("adam"), batch_size=1)
    straight, wandering = Session(net, Mode.EXAMPLE), Session(net, Mode.EXAMPLE)
    for _ in range(8):
        straight.next_example()
    for _ in range(6):
        wandering.next_example()
    back = 2 * len(wandering.current) + 3  # into the passes of two earlier updates
    for _ in range(back):
        wandering.step_back()
    for _ in range(back):
        wandering.step_forward()
    for _ in range(2):
        wandering.next_example()
    for name, value in straight.params.items():
        np.testing.assert_array_equal(wandering.params[name], value)


def test_newton_is_refused_above_its_size():
    wide = load_preset("mood_2_2_1").with_settings(layers=(Layer(200, "tanh"), Layer(1, "sigmoid")))
    with pytest.raises(OptimizerError, match=r"Hessian.*up to 300 parameters"):
        train_all(wide.with_settings(optimizer=Optimizer("newton")), wide.initial_params(), 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("sgd", "unknown optimizer 'sgd'"),
        (3, "optimizer must be a name or an object"),
        ({"name": "momentum", "momentum": 1.0}, r"momentum μ must be in \[0, 1\)"),
        ({"name": "adam", "beta2": -0.1}, r"beta2 must be in \[0, 1\)"),
        ({"name": "adam", "eps": 0}, r"eps must be in \(0, 1\]"),
        ({"name": "newton", "damping": -1}, r"damping must be in \[0, 1e6\]"),
        ({"name": "newton", "undamped": "yes"}, "undamped must be true or false"),
        ({"name": "adam", "lr": 0.1}, "unknown key 'lr'"),
        ({"beta1": 0.5}, 'needs a "name"'),
        ({"name": "adam", "beta1": True}, "beta1 must be"),
    ],
)
def test_bad_settings_are_refused_in_one_line(value, message):
    with pytest.raises(OptimizerError, match=message) as error:
        from_value(value)
    assert "\n" not in str(error.value)


def test_settings_read_back():
    assert from_value("adam") == Optimizer("adam")
    opt = from_value({"name": "momentum", "momentum": 0.5})
    assert opt.momentum == 0.5
    assert from_value(opt.to_dict()) == opt
    assert from_value(Optimizer("newton", damping=0.5, undamped=True).to_dict()).undamped


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o.name)
@pytest.mark.parametrize("path", PATHS)
def test_training_in_pieces_equals_one_run(optimizer, path):
    """Pause and Play: a run given the state the previous one ended with goes on where it left off."""
    net = load_preset("mood_2_2_1").with_settings(optimizer=optimizer, batch_size=2)
    whole = train_all(net, net.initial_params(), 6, path=path)
    first = train_all(net, net.initial_params(), 2, path=path)
    second = train_all(net, first.params, 4, path=path, state=first.state)
    close = NEWTON_CLOSE if optimizer.name == "newton" else CLOSE
    np.testing.assert_allclose(np.concatenate([first.costs, second.costs]), whole.costs, **close)
    for name, value in whole.params.items():
        np.testing.assert_allclose(second.params[name], value, **close, err_msg=name)


@pytest.mark.parametrize("optimizer", [Optimizer("momentum", momentum=0.9), Optimizer("adam")], ids=lambda o: o.name)
def test_stepping_training_and_stepping_again_go_on_with_one_state(optimizer):
    net = load_preset("or_gate").with_settings(optimizer=optimizer, batch_size=None)
    session = Session(net, Mode.BATCH)
    session.next_example()
    session.next_example()  # two epochs stepped by hand
    params, start = session.begin_training()
    session.absorb(train_all(net, params, 3, state=session.optimizer_state), start)
    session.next_example()  # and one more by hand
    straight = train_all(net, net.initial_params(), 6)
    np.testing.assert_allclose(session.cost_curve()[1], straight.costs, **CLOSE)
    for name, value in straight.params.items():
        np.testing.assert_allclose(session.params[name], value, **CLOSE, err_msg=name)


def test_a_run_that_stops_on_a_non_finite_cost_hands_back_no_state():
    net = load_preset("house_prices").with_settings(optimizer=Optimizer("momentum", momentum=0.9), learning_rate=1000)
    result = train_all(net, net.initial_params(), 200)
    assert result.stopped
    assert result.state is None
