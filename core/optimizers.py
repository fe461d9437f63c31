"""The optimisers: gradient descent, momentum, Adam and Newton's method, in one place.

Stepping and both training paths take every update from here:

- ``Optimizer`` holds the settings a network file may carry (its ``"optimizer"`` field);
- ``elementwise_step`` is momentum's and Adam's rule on one parameter (a float or an array),
  the same arithmetic whether a stepped node, a layer's matrix or the float loop's flat vector;
- ``update`` applies the optimiser to named parameters and returns what the stepping lines show.

Momentum follows PyTorch: v ← μ·v + g; θ ← θ − α·v (v starts at 0, so its first step is plain
descent). Adam follows PyTorch with bias correction, at update t (from 1):
m ← β₁·m + (1 − β₁)·g; v ← β₂·v + (1 − β₂)·g²; m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ);
θ ← θ − α·m̂/(√v̂ + ε). Newton's method (core/newton.py) ignores α.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.newton import MAX_NEWTON_PARAMS, NewtonStep, newton_step
from core.ops import Value

NAMES = ("gd", "momentum", "adam", "newton")
TITLES = {"gd": "Gradient descent", "momentum": "Momentum", "adam": "Adam", "newton": "Newton's method"}


class OptimizerError(ValueError):
    """A setting outside its range, or an optimiser that does not fit the network."""


@dataclass(frozen=True)
class Optimizer:
    """An optimiser and its settings (those of the others are kept, unused)."""

    name: str = "gd"
    momentum: float = 0.9  # μ
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    damping: float = 0.0  # Newton: the least λ; raised while H + λI is not positive definite
    undamped: bool = False  # Newton: the plain step θ − H⁻¹∇J, never damped (it can climb)

    def __post_init__(self) -> None:
        check(self)

    @property
    def title(self) -> str:
        return TITLES[self.name]

    @property
    def formula(self) -> str:
        return FORMULAS[self.name]

    def describe(self) -> str:
        """The optimiser with its settings, in words: "Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-08)"."""
        if self.name == "momentum":
            return f"Momentum (μ = {self.momentum:g})"
        if self.name == "adam":
            return f"Adam (β₁ = {self.beta1:g}, β₂ = {self.beta2:g}, ε = {self.eps:g})"
        if self.name == "newton":
            return "Newton's method (undamped)" if self.undamped else f"Newton's method (λ ≥ {self.damping:g})"
        return "Gradient descent"

    def to_dict(self) -> dict[str, Any]:
        """The file's ``"optimizer"`` object: the name and the settings this optimiser uses."""
        used = {"momentum": ("momentum",), "adam": ("beta1", "beta2", "eps"), "newton": ("damping", "undamped")}
        return {"name": self.name, **{k: getattr(self, k) for k in used.get(self.name, ())}}


FORMULAS = {
    "gd": "θ ← θ − α·g",
    "momentum": "v ← μ·v + g;  θ ← θ − α·v",
    "adam": "m ← β₁·m + (1−β₁)·g;  v ← β₂·v + (1−β₂)·g²;  m̂ = m/(1−β₁ᵗ);  v̂ = v/(1−β₂ᵗ);  θ ← θ − α·m̂/(√v̂ + ε)",
    "newton": "θ ← θ − (H + λI)⁻¹·∇C",
}
SETTINGS = ("momentum", "beta1", "beta2", "eps", "damping", "undamped")


def check(opt: Optimizer) -> None:
    """Refuse an unknown optimiser or a setting outside its range, in one line."""
    if opt.name not in NAMES:
        raise OptimizerError(f"unknown optimizer {opt.name!r} (use {', '.join(NAMES)})")
    for key, low, high, what in (
        ("momentum", 0.0, 1.0, "momentum μ must be in [0, 1)"),
        ("beta1", 0.0, 1.0, "beta1 must be in [0, 1)"),
        ("beta2", 0.0, 1.0, "beta2 must be in [0, 1)"),
    ):
        value = getattr(opt, key)
        if not _real(value) or not low <= value < high:
            raise OptimizerError(f"{what}, not {value!r}")
    if not _real(opt.eps) or not 0 < opt.eps <= 1:
        raise OptimizerError(f"eps must be in (0, 1], not {opt.eps!r}")
    if not _real(opt.damping) or not 0 <= opt.damping <= 1e6:
        raise OptimizerError(f"damping must be in [0, 1e6], not {opt.damping!r}")
    if not isinstance(opt.undamped, bool):
        raise OptimizerError(f"undamped must be true or false, not {opt.undamped!r}")


def _real(value: Any) -> bool:
    # An int is finite whatever its size (np.isfinite cannot take a 400-digit one).
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return isinstance(value, int) or math.isfinite(value)


def from_value(value: Any) -> Optimizer:
    """The optimiser a file's ``"optimizer"`` field names: "adam", or {"name": "adam", "beta1": 0.8, …}."""
    if isinstance(value, str):
        return Optimizer(value)
    if not isinstance(value, dict):
        raise OptimizerError(f'optimizer must be a name or an object such as {{"name": "adam"}}, not {value!r:.40}')
    unknown = sorted(set(value) - {"name", *SETTINGS})
    if unknown:
        raise OptimizerError(f"optimizer has an unknown key {unknown[0]!r} (allowed: name, {', '.join(SETTINGS)})")
    if "name" not in value:
        raise OptimizerError('optimizer needs a "name" (gd, momentum, adam or newton)')
    name = value["name"]
    if not isinstance(name, str):
        raise OptimizerError(f"optimizer name must be text, not {name!r:.40}")
    return Optimizer(name, **{k: v for k, v in value.items() if k != "name"})


def fits(opt: Optimizer, param_count: int) -> str | None:
    """Why the optimiser cannot train a network of this size, or None."""
    if opt.name == "newton" and param_count > MAX_NEWTON_PARAMS:
        return (
            f"Newton's method needs the {param_count}×{param_count} Hessian of a network with {param_count} "
            f"parameters; it is offered up to {MAX_NEWTON_PARAMS} parameters"
        )
    return None


GRADIENT_DESCENT = Optimizer()


# -- the rules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """What an optimiser carries from one update to the next (per parameter name)."""

    name: str  # the optimiser it belongs to
    t: int = 0  # updates taken
    v: Mapping[str, np.ndarray] = field(default_factory=dict)  # momentum's velocity, Adam's second moment
    m: Mapping[str, np.ndarray] = field(default_factory=dict)  # Adam's first moment


def fresh_state(opt: Optimizer) -> State:
    return State(opt.name)


def elementwise_step(
    opt: Optimizer, lr: float, t: int, value: Value, grad: Value, v: Value, m: Value
) -> tuple[Value, Value, Value, tuple[tuple[str, Value], ...]]:
    """Momentum's or Adam's update of one parameter at update ``t`` (from 1), on floats or arrays:
    (new value, new v, new m, the intermediate quantities the stepping lines show)."""
    if opt.name == "momentum":
        v_prev, v = v, opt.momentum * v + grad
        return value - lr * v, v, m, (("v_prev", v_prev), ("v", v))
    m_prev, v_prev = m, v
    m = opt.beta1 * m + (1.0 - opt.beta1) * grad
    v = opt.beta2 * v + (1.0 - opt.beta2) * (grad * grad)
    m_hat = m / (1.0 - opt.beta1**t)
    v_hat = v / (1.0 - opt.beta2**t)
    new = value - lr * m_hat / (np.sqrt(v_hat) + opt.eps)
    return new, v, m, (("m_prev", m_prev), ("v_prev", v_prev), ("m", m), ("v", v), ("m_hat", m_hat), ("v_hat", v_hat))


@dataclass(frozen=True)
class Update:
    """One update of named parameters, with what the stepping lines show."""

    params: dict[str, np.ndarray]
    state: State
    quantities: dict[str, tuple[tuple[str, np.ndarray], ...]]  # per name: ("v_prev", …), ("v", …), ("m_hat", …)
    newton: NewtonStep | None = None


Hessian = Callable[[dict[str, np.ndarray]], np.ndarray]


def update(
    opt: Optimizer,
    lr: float,
    params: Mapping[str, np.ndarray],
    grads: Mapping[str, np.ndarray],
    state: State | None,
    hessian: Hessian | None = None,
) -> Update:
    """One update of every named parameter from its gradient.

    ``state`` is the one the previous update returned (None, or another optimiser's: fresh).
    Newton's method needs ``hessian``: the Hessian of the same cost at ``params``, flattened
    in the order of ``params`` (names in order, each array in C order).
    """
    if state is None or state.name != opt.name:
        state = fresh_state(opt)
    names = list(params)
    if opt.name == "gd":
        new = {k: params[k] - lr * grads[k] for k in names}
        return Update(new, state, {k: () for k in names})
    if opt.name == "newton":
        if hessian is None:
            raise ValueError("Newton's method needs the Hessian")
        flat = np.concatenate([np.ravel(grads[k]) for k in names])
        step = newton_step(hessian(dict(params)), flat, opt.damping, opt.undamped)
        new, quantities, start = {}, {}, 0
        for k in names:
            size = np.size(params[k])
            part = step.step[start : start + size].reshape(np.shape(params[k]))
            new[k] = params[k] - part
            quantities[k] = (("step", part),)
            start += size
        return Update(new, state, quantities, step)
    t = state.t + 1
    new, vs, ms, quantities = {}, {}, {}, {}
    for k in names:
        zero = np.zeros_like(np.asarray(params[k], dtype=float))
        value, v, m, shown = elementwise_step(
            opt, lr, t, params[k], grads[k], state.v.get(k, zero), state.m.get(k, zero)
        )
        new[k], vs[k], ms[k], quantities[k] = value, v, m, shown
    return Update(new, State(opt.name, t, vs, ms), quantities)
