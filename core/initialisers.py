"""Initial weights from a named scheme and a seed.

Each scheme draws a layer's weight matrix (fan-in × fan-out) from one numpy
generator seeded once for the whole network, so the same scheme and seed give
the same weights. Biases start at zero.
Zeros are allowed even for hidden layers: their units then stay identical while
training (the symmetry problem), which is worth seeing rather than hiding.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.network import Network, Params, param_shapes


@dataclass(frozen=True)
class Scheme:
    """How one weight matrix is drawn; ``draw(rng, fan_in, fan_out, scale)``."""

    name: str
    title: str
    description: str  # what it does and, where it applies, which activation it suits
    uses_scale: bool  # whether ``scale`` means something (a constant, a range, a standard deviation)
    scale_title: str
    draw: Callable[[np.random.Generator, int, int, float], np.ndarray]


def _zeros(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    return np.zeros((fan_in, fan_out))


def _constant(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    return np.full((fan_in, fan_out), float(scale))


def _uniform(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    return rng.uniform(-scale, scale, size=(fan_in, fan_out))


def _normal(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    return rng.normal(0.0, scale, size=(fan_in, fan_out))


def _xavier(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def _he(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        Scheme(
            "zeros",
            "Zeros",
            "every weight 0: the hidden units of a layer start identical and stay identical (symmetry)",
            False,
            "",
            _zeros,
        ),
        Scheme(
            "constant", "Constant", "every weight the same value: the same symmetry as zeros", True, "value", _constant
        ),
        Scheme("uniform", "Uniform", "uniform in [−r, r]", True, "r", _uniform),
        Scheme("normal", "Normal", "normal with mean 0 and standard deviation σ", True, "σ", _normal),
        Scheme(
            "xavier",
            "Xavier / Glorot",
            "uniform in ±√(6/(fan-in + fan-out)): keeps the variance for sigmoid and tanh",
            False,
            "",
            _xavier,
        ),
        Scheme("he", "He", "normal with standard deviation √(2/fan-in): keeps the variance for ReLU", False, "", _he),
    )
}


def initial_params(net: Network, scheme: str, seed: int, scale: float = 1.0) -> Params:
    """Weights of every layer from ``scheme`` seeded with ``seed``; biases 0."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown initialisation {scheme!r} (use one of {', '.join(SCHEMES)})")
    if seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0, not {seed}")
    chosen = SCHEMES[scheme]
    if chosen.uses_scale and not math.isfinite(scale):
        raise ValueError(f"{chosen.scale_title} must be a finite number")
    if scheme in ("uniform", "normal") and scale < 0:
        raise ValueError(f"{chosen.scale_title} must be at least 0")
    rng = np.random.default_rng(seed)
    params: Params = {}
    for name, shape in param_shapes(net.inputs, net.layers).items():
        params[name] = chosen.draw(rng, *shape, scale) if name[0] == "W" else np.zeros(shape)
    return params
