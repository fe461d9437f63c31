"""Each optimiser's update written out with its numbers, as structured text (core.text).

Gradient descent: θ ← θ − α·g. Momentum: the v and θ lines. Adam: m, v, the bias-corrected
m̂ and v̂, and θ. Newton's method: θ ← θ − s for each parameter, and for the whole step the
gradient, the Hessian with its smallest and largest eigenvalues, the damping and s.
The one-variable lesson: f′(x), f″(x) and x ← x − f′(x)/f″(x).
"""

from __future__ import annotations

import numpy as np

from core import fmt
from core.curvature import OneVariable
from core.newton import NewtonStep
from core.ops import Value
from core.optimizers import Optimizer
from core.stepper import StepPass, UpdateEvent
from core.text import Document, Line, Role, Run, heading, line, paragraph

MAX_MATRIX_ROWS = 8  # rows of the Hessian written out


def _n(v: Value, d: int) -> str:
    """A number (or array) with ``d`` decimals; a small non-zero scalar in scientific notation."""
    return fmt.small(v, d)


def _a(v: Value, d: int) -> str:
    """As ``_n``, negatives in parentheses (an argument inside a formula)."""
    text = _n(v, d)
    return f"({text})" if text.startswith("−") else text


def _u(*parts: str) -> Line:
    return line(Run("".join(parts), Role.UPDATE))


def update_lines(label: str, root: str, event: UpdateEvent, step_pass: StepPass, d: int) -> tuple[Line, ...]:
    """The update of one parameter, one line per quantity the optimiser computes."""
    opt: Optimizer = step_pass.optimizer
    q = dict(event.quantities)
    g = f"∂{root}/∂{label}"
    old, grad, new = event.old, event.grad, event.new
    alpha = f"{event.learning_rate:g}"
    if opt.name == "momentum":
        return (
            _u(f"v ← μ·v + {g} = {opt.momentum:g} × {_a(q['v_prev'], d)} + {_a(grad, d)} = {_n(q['v'], d)}"),
            _u(f"{label} ← {label} − α·v = {_n(old, d)} − {alpha} × {_a(q['v'], d)} = {_n(new, d)}"),
        )
    if opt.name == "adam":
        t = step_pass.state_after.t if step_pass.state_after else 1
        b1, b2 = f"{opt.beta1:g}", f"{opt.beta2:g}"
        return (
            _u(
                f"m ← β₁·m + (1 − β₁)·{g} = {b1} × {_a(q['m_prev'], d)} + {1 - opt.beta1:g} × {_a(grad, d)} "
                f"= {_n(q['m'], d)}"
            ),
            _u(
                f"v ← β₂·v + (1 − β₂)·({g})² = {b2} × {_a(q['v_prev'], d)} + {1 - opt.beta2:g} × {_a(grad, d)}² "
                f"= {_n(q['v'], d)}"
            ),
            _u(f"m̂ = m/(1 − β₁ᵗ) = {_a(q['m'], d)}/(1 − {b1}^{t}) = {_n(q['m_hat'], d)}   (t = {t})"),
            _u(f"v̂ = v/(1 − β₂ᵗ) = {_a(q['v'], d)}/(1 − {b2}^{t}) = {_n(q['v_hat'], d)}"),
            _u(
                f"{label} ← {label} − α·m̂/(√v̂ + ε) = {_n(old, d)} − {alpha} × {_a(q['m_hat'], d)}"
                f"/(√{_a(q['v_hat'], d)} + {opt.eps:g}) = {_n(new, d)}"
            ),
        )
    if opt.name == "newton":
        return (
            _u(
                f"{label} ← {label} − s_{label} = {_n(old, d)} − {_a(q['step'], d)} = {_n(new, d)}"
                f",  s = (H + λI)⁻¹·∇{root}"
            ),
        )
    return (
        _u(f"{label} ← {label} − α·{g} = {fmt.value(old, d)} − {alpha} × {fmt.arg(grad, d)} = {fmt.value(new, d)}"),
    )


def newton_summary(step: NewtonStep, d: int) -> str:
    """One sentence: H's smallest and largest eigenvalues and the damping they called for."""
    span = f"H's eigenvalues from {_n(step.smallest, d)} to {_n(step.largest, d)}"
    if not np.isfinite(step.eigenvalues).all():
        return "Newton's method: the Hessian is not finite here, so no step can be taken"
    if step.damping == 0 and step.smallest <= 0:
        return f"Newton's method, undamped: {span}; H is not positive definite, so the step can climb"
    if step.damped:
        return f"Newton's method: {span}; H is not positive definite, so damping λ is raised to {step.damping:g}"
    if step.damping:
        return f"Newton's method: {span}; H + λI is positive definite with λ = {step.damping:g}"
    return f"Newton's method: {span}; H is positive definite, no damping (λ = 0)"


def newton_document(step: NewtonStep, root: str, d: int) -> Document:
    """The whole Newton step: ∇C, H, its eigenvalues, λ and s."""
    n = len(step.gradient)
    lines = [
        line(Run(newton_summary(step, d), Role.NOTE)),
        line(f"∇{root} = ", Run(fmt.value(step.gradient, d), Role.BACKWARD), f"   ({n} parameters)"),
    ]
    for i, row in enumerate(step.hessian[:MAX_MATRIX_ROWS]):
        lines.append(line("H = " if i == 0 else "     ", Run(fmt.value(row, d), Role.FORWARD)))
    if n > MAX_MATRIX_ROWS:
        lines.append(line(f"     … ({n}×{n})"))
    lines.append(line(Run(f"s = (H + λI)⁻¹·∇{root} = {fmt.value(step.step, d)},  λ = {step.damping:g}", Role.UPDATE)))
    lines.append(line(Run("θ ← θ − s", Role.UPDATE)))
    return paragraph(line(Run("Newton's step", Role.STRONG)), *lines)


def one_variable_document(lesson: OneVariable, label: str, root: str, d: int) -> Document:
    """The one-variable lesson for parameter ``label``: f, f′, f″ and Newton's x ← x − f′/f″."""
    x = label
    lines = [
        line(f"f({x}) = {root} with every other parameter fixed, at {x} = ", Run(_n(lesson.x, d), Role.FORWARD)),
        line(f"f({x}) = ", Run(_n(lesson.f, d), Role.FORWARD)),
        line(f"f′({x}) = ∂{root}/∂{x} = ", Run(_n(lesson.slope, d), Role.BACKWARD), "   (backprop)"),
        line(
            f"f″({x}) = ∂²{root}/∂{x}² = ", Run(_n(lesson.curvature, d), Role.BACKWARD), "   (central difference of f′)"
        ),
    ]
    if lesson.newton_x is None:
        lines.append(line(Run("f″ = 0: the tangent parabola is a line, with no lowest point", Role.NOTE)))
    else:
        lines.append(
            _u(
                f"{x} ← {x} − f′({x})/f″({x}) = {_n(lesson.x, d)} − {_a(lesson.slope, d)}/{_a(lesson.curvature, d)}"
                f" = {_n(lesson.newton_x, d)}"
            )
        )
        if lesson.curvature < 0:
            lines.append(line(Run("f″ < 0: the parabola opens downwards, so this step climbs to its top", Role.NOTE)))
    return heading("One variable: Newton's method") + paragraph(*lines)
