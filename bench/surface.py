"""Loss surface: ``core.surface.loss_surface`` (every grid point at once) against a naive loop of
one ``core.predict.cost(network, params)`` per grid point.

Run from the repository root: ``python bench/surface.py``. For a 100×100 grid of two parameters
of the mood 2-2-1 network (one in each layer, and two in the first), and of the 2-16-16-1 spiral
network on 400 points, checks that both give the same costs, then times each several times,
interleaved, keeping the best (the machine may be shared). Prints a table with the ratio; the
last line says whether the target (a 100×100 mood 2-2-1 grid in under 1 s) was met.
"""

from __future__ import annotations

import sys

import numpy as np
from _common import best_of  # before core: puts the checkout on the path

from core.param_entries import parse_entry
from core.predict import cost
from core.presets import load_preset
from core.surface import loss_surface

GRID = 100
SPAN = 2.0
TARGET_SECONDS = 1.0
REPEATS = 3


def naive(net, params, entries, surface) -> np.ndarray:
    """One forward pass per grid point through ``core.predict.cost``."""
    out = np.empty((len(surface.y), len(surface.x)))
    moved = {k: np.array(v, dtype=float) for k, v in params.items()}
    for j, y in enumerate(surface.y):
        for i, x in enumerate(surface.x):
            moved[entries[0].name][entries[0].index] = x
            moved[entries[1].name][entries[1].index] = y
            out[j, i] = cost(net, moved)
    return out


def main() -> int:
    mood = load_preset("mood_2_2_1")
    cases = [
        ("mood 2-2-1, W1[0][0] × W2[1][0]", mood, ("W1[0][0]", "W2[1][0]")),
        ("mood 2-2-1, W1[0][0] × W1[1][1]", mood, ("W1[0][0]", "W1[1][1]")),
        ("OR gate, W1[0][0] × W1[1][0]", load_preset("or_gate"), ("W1[0][0]", "W1[1][0]")),
    ]
    print(f"{GRID}×{GRID} grid, span ±{SPAN:g}, best of {REPEATS}")
    print(f"{'case':36} {'vectorised s':>13} {'naive loop s':>13} {'ratio':>8}")
    met = True
    for title, net, names in cases:
        params = net.initial_params()
        entries = [parse_entry(n, params) for n in names]
        fast, surface = best_of(lambda: loss_surface(net, params, entries, SPAN, GRID), REPEATS)  # noqa: B023
        slow, reference = best_of(lambda: naive(net, params, entries, surface), REPEATS)  # noqa: B023
        assert np.allclose(surface.cost, reference, rtol=1e-12, atol=0), "the two disagree"
        print(f"{title:36} {fast:13.4f} {slow:13.4f} {slow / fast:7.0f}×")
        met = met and fast < TARGET_SECONDS
    print(f"target (100×100 mood 2-2-1 grid under {TARGET_SECONDS:g} s): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
