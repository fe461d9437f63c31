"""Newton's method: the Hessian of the cost, and the damped step θ ← θ − (H + λI)⁻¹·∇C.

The Hessian is computed by central differences of the backprop gradient, one parameter
at a time: column j is (∇C(θ + h·eⱼ) − ∇C(θ − h·eⱼ)) / 2h with h = ``HESSIAN_STEP``, then
the matrix is symmetrised, (H + Hᵀ)/2. Its error is about h²·∂³C/6 from the truncation and
ε·|∇C|/h from rounding (ε ≈ 1.1e-16): near 1e-10 relative for the lesson's networks, and exact
to rounding where the gradient is linear in θ (linear regression). It takes 2P backward passes
for P parameters, so Newton's method is offered up to ``MAX_NEWTON_PARAMS`` parameters.

Damping: with λ₀ the file's (or the window's) damping, default 0, the step uses λ = λ₀ when
H + λ₀I is positive definite (its smallest eigenvalue λ_min(H) + λ₀ > 0). Otherwise λ is
raised along max(λ₀, 1e-3)·10ᵏ for k = 0, 1, 2, … to the first value with λ_min(H) + λ > 0.
So with λ₀ = 0 damping engages exactly when H has an eigenvalue ≤ 0. The undamped step
solves H·s = ∇C as it is (least squares where H is singular): it can climb.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

MAX_NEWTON_PARAMS = 300
HESSIAN_STEP = 1e-5
DAMPING_START = 1e-3  # the first λ tried when H + λ₀I is not positive definite
DAMPING_FACTOR = 10.0
MAX_DAMPING = 1e12


@dataclass(frozen=True)
class NewtonStep:
    """One Newton step: the Hessian, its eigenvalues, the damping used and the step s (θ ← θ − s)."""

    hessian: np.ndarray
    gradient: np.ndarray
    eigenvalues: np.ndarray  # H's, ascending
    damping: float  # λ used (0 for an undamped step)
    damped: bool  # whether λ had to be raised above the least damping because H + λ₀I was not positive definite
    step: np.ndarray

    @property
    def smallest(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def largest(self) -> float:
        return float(self.eigenvalues[-1])


def damping_for(eigenvalues: np.ndarray, least: float) -> tuple[float, bool]:
    """λ for the step, and whether it was raised (see the module's docstring for the schedule)."""
    smallest = float(eigenvalues[0])
    if smallest + least > 0:
        return least, False
    damping = max(least, DAMPING_START)
    while smallest + damping <= 0 and damping < MAX_DAMPING:
        damping *= DAMPING_FACTOR
    return damping, True


def newton_step(
    hessian: np.ndarray, gradient: np.ndarray, least_damping: float = 0.0, undamped: bool = False
) -> NewtonStep:
    """The step s = (H + λI)⁻¹·∇C (θ ← θ − s), λ chosen by ``damping_for`` unless ``undamped``."""
    hessian = np.asarray(hessian, dtype=float)
    with np.errstate(all="ignore"):
        finite = bool(np.all(np.isfinite(hessian))) and bool(np.all(np.isfinite(gradient)))
        eigenvalues = np.linalg.eigvalsh(hessian) if finite else np.full(len(gradient), np.nan)
        if not finite:
            return NewtonStep(hessian, gradient, eigenvalues, 0.0, False, np.full(len(gradient), np.nan))
        if undamped:
            step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
            return NewtonStep(hessian, gradient, eigenvalues, 0.0, False, step)
        damping, damped = damping_for(eigenvalues, least_damping)
        step = np.linalg.solve(hessian + damping * np.eye(len(gradient)), gradient)
    return NewtonStep(hessian, gradient, eigenvalues, damping, damped, step)


Gradient = Callable[[dict[str, np.ndarray]], Mapping[str, np.ndarray]]


def hessian_by_differences(gradient: Gradient, params: Mapping[str, np.ndarray], h: float = HESSIAN_STEP) -> np.ndarray:
    """The Hessian of the function whose gradient is ``gradient``, flattened in the order of ``params``
    (each array in C order), by central differences of the gradient."""
    names = list(params)
    base = {k: np.array(v, dtype=float) for k, v in params.items()}
    sizes = [base[k].size for k in names]
    n = sum(sizes)
    columns = np.empty((n, n))
    j = 0
    for k, size in zip(names, sizes, strict=True):
        for index in range(size):
            ends = []
            for offset in (h, -h):
                shifted = {name: v.copy() for name, v in base.items()}
                shifted[k].reshape(-1)[index] += offset
                grads = gradient(shifted)
                ends.append(np.concatenate([np.ravel(grads[name]) for name in names]))
            columns[:, j] = (ends[0] - ends[1]) / (2 * h)
            j += 1
    return (columns + columns.T) / 2
