"""Each optimiser's update lines in the narration and the chain-rule panel, with their numbers."""

from __future__ import annotations

import numpy as np
import pytest

from core import fmt
from core.curvature import cost_hessian, one_variable
from core.explain import explain_node
from core.narration import narrate
from core.optimizers import Optimizer
from core.presets import load_preset
from core.session import Mode, Session
from core.text import line_plain, plain
from core.update_text import one_variable_document


def stepped(optimizer: Optimizer, updates: int = 1) -> Session:
    """The OR gate stepped per example with ``optimizer``: ``updates`` updates done, the next applied."""
    session = Session(load_preset("or_gate").with_settings(optimizer=optimizer, batch_size=1), Mode.EXAMPLE)
    for _ in range(updates):
        session.next_example()
    session.apply_update()
    return session


def update_narration(session: Session) -> list[str]:
    p = session.current
    return [line_plain(narrate(p.events[k], k, p, 3)) for k in range(p.end_of_backward, len(p))]


def n(v: float) -> str:
    return fmt.number(v, 3)


def test_gradient_descent_line_is_unchanged():
    session = stepped(Optimizer(), 0)
    event = session.current.events[-1]
    assert update_narration(session)[2] == (
        f"U3  b ← b − α·∂L/∂b = 0.000 − 1 × {fmt.arg(event.grad, 3)} = {n(-event.grad)}"
    )


def test_momentum_shows_the_v_and_theta_lines():
    mu = 0.9
    session = stepped(Optimizer("momentum", momentum=mu), 1)
    event = session.current.events[session.current.end_of_backward + 2]  # b
    q = dict(event.quantities)
    assert q["v"] == pytest.approx(mu * q["v_prev"] + event.grad, rel=1e-15)
    assert event.new == pytest.approx(event.old - 1.0 * q["v"], rel=1e-15)
    line = update_narration(session)[2]
    assert f"v ← μ·v + ∂L/∂b = 0.9 × {n(q['v_prev'])} + " in line
    assert f"b ← b − α·v = {n(event.old)} − 1 × " in line
    assert line.endswith(f"= {n(event.new)}")


def test_adam_shows_m_v_the_corrected_values_and_theta():
    session = stepped(Optimizer("adam"), 2)  # update t = 3
    event = session.current.events[session.current.end_of_backward + 1]  # w2
    q = dict(event.quantities)
    g = event.grad
    m = 0.9 * q["m_prev"] + 0.1 * g
    v = 0.999 * q["v_prev"] + 0.001 * g * g
    assert q["m"] == pytest.approx(m, rel=1e-14)
    assert q["v"] == pytest.approx(v, rel=1e-14)
    assert q["m_hat"] == pytest.approx(m / (1 - 0.9**3), rel=1e-14)
    assert q["v_hat"] == pytest.approx(v / (1 - 0.999**3), rel=1e-14)
    assert event.new == pytest.approx(event.old - q["m_hat"] / (np.sqrt(q["v_hat"]) + 1e-8), rel=1e-14)
    text = plain(explain_node(session.current, session.state, event.node, 3))
    assert "Update — Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-08)" in text
    for start in ("m ← β₁·m + (1 − β₁)·∂L/∂w2 = 0.9 × ", "v ← β₂·v + (1 − β₂)·(∂L/∂w2)² = 0.999 × "):
        assert start in text
    assert f"m̂ = m/(1 − β₁ᵗ) = {fmt.arg(q['m'], 3)}/(1 − 0.9^3) = {n(q['m_hat'])}   (t = 3)" in text
    assert f"w2 ← w2 − α·m̂/(√v̂ + ε) = {n(event.old)} − 1 × " in text
    assert text.rstrip().endswith(f"= {n(event.new)}")


def test_newton_shows_the_gradient_the_hessian_and_the_step():
    net = load_preset("mood_2_2_1").with_settings(optimizer=Optimizer("newton"))
    session = Session(net, Mode.BATCH)
    session.apply_update()
    newton = session.current.newton
    H = cost_hessian(net, net.initial_params())
    np.testing.assert_allclose(newton.hessian, H, rtol=1e-12)
    lam = newton.damping
    np.testing.assert_allclose(np.linalg.solve(H + lam * np.eye(len(H)), newton.gradient), newton.step, rtol=1e-9)
    header = line_plain(session.source.header(session.current))
    assert f"H's eigenvalues from {n(np.linalg.eigvalsh(H)[0])} to {n(np.linalg.eigvalsh(H)[-1])}" in header
    text = plain(explain_node(session.current, session.state, "W1", 3))
    assert "Newton's step" in text
    assert "H = " in text
    assert f"λ = {lam:g}" in text
    assert update_narration(session)[0].startswith("U1  W1 ← W1 − s_W1 = ")


def test_the_one_variable_lesson_text():
    net = load_preset("or_gate")
    lesson = one_variable(net, net.initial_params(), "W1", (0, 0))
    text = plain(one_variable_document(lesson, "w1", "C", 3))
    assert f"f′(w1) = ∂C/∂w1 = {n(lesson.slope)}" in text
    assert f"f″(w1) = ∂²C/∂w1² = {n(lesson.curvature)}" in text
    assert f"w1 ← w1 − f′(w1)/f″(w1) = 0.100 − {fmt.arg(lesson.slope, 3)}/" in text
    assert text.rstrip().endswith(n(lesson.newton_x))
