"""The loss surface: the cost over a grid of one or two parameter entries around their current
values, every other parameter fixed.

All the grid's points go through the network at once (in chunks that bound memory): layers
before the first chosen entry are computed once; at a chosen entry's layer each point adds its
own offset to the one pre-activation column that entry feeds, and from there on each point
carries its own activations. A point exactly at the current values adds 0, so it gives the same
numbers as ``core.predict.cost``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.activations import activation
from core.limits import check_surface_grid
from core.losses import loss
from core.network import Network
from core.param_entries import ParamEntry

DEFAULT_SPAN = 2.0  # the grid reaches this far on each side of the current value
DEFAULT_GRID = 51  # points per axis: odd, so the current value is a grid point
CHUNK_NUMBERS = 1_000_000  # grid points × examples × widest layer computed at once (8 MB per array)


@dataclass(frozen=True, eq=False)
class Surface:
    """The cost over a grid of one or two entries.

    One entry: ``cost[i]`` is the cost at ``x[i]``. Two: ``cost[j][i]`` is the cost at
    (``x[i]``, ``y[j]``), so row j runs along x at y[j] (numpy's meshgrid and a contour
    plot's Z, read as rows along y).
    """

    entries: tuple[ParamEntry, ...]
    centre: tuple[float, ...]  # the entries' current values
    x: np.ndarray
    y: np.ndarray | None
    cost: np.ndarray

    def to_json(self) -> dict:
        out: dict = {"x": self.x.tolist()}
        if self.y is not None:
            out["y"] = self.y.tolist()
        out["cost"] = self.cost.tolist()
        return out


def check_span(span: float, centre: Sequence[float]) -> None:
    """Refuse a span that is not a finite number above 0, or that takes a grid end past floats' range."""
    if not (math.isfinite(span) and span > 0):
        raise ValueError(f"--span must be a finite number above 0, not {span!r}")
    if not all(math.isfinite(c - span) and math.isfinite(c + span) for c in centre):
        raise ValueError(f"--span {span:g} takes the grid beyond the range of 64-bit floats")


def grid_axis(centre: float, span: float, points: int) -> np.ndarray:
    """``points`` evenly spaced values from centre − span to centre + span; for an odd count the
    middle one is exactly ``centre``."""
    half = (points - 1) / 2
    return centre + span * ((np.arange(points) - half) / half)


def loss_surface(
    net: Network,
    params: Mapping[str, np.ndarray],
    entries: Sequence[ParamEntry],
    span: float = DEFAULT_SPAN,
    points: int = DEFAULT_GRID,
) -> Surface:
    """The cost over ``points`` values of one entry, or ``points`` × ``points`` of two, around
    their values in ``params`` (see ``Surface`` for the layout)."""
    entries = tuple(entries)
    if len(entries) not in (1, 2):
        raise ValueError(f"a surface takes one or two parameters, not {len(entries)}")
    if len(entries) == 2 and entries[0] == entries[1]:
        raise ValueError(f"the two parameters must differ, not {entries[0].label} twice")
    check_surface_grid(points)
    centre = tuple(e.value(params) for e in entries)
    check_span(span, centre)
    axes = [grid_axis(c, span, points) for c in centre]
    if len(axes) == 1:
        return Surface(entries, centre, axes[0], None, costs_at(net, params, entries, axes[0][:, None]))
    gx, gy = np.meshgrid(axes[0], axes[1])
    grid = costs_at(net, params, entries, np.column_stack([gx.ravel(), gy.ravel()]))
    return Surface(entries, centre, axes[0], axes[1], grid.reshape(points, points))


def costs_at(
    net: Network, params: Mapping[str, np.ndarray], entries: Sequence[ParamEntry], values: np.ndarray
) -> np.ndarray:
    """The cost over all the examples with ``entries`` set to each row of ``values`` (points ×
    entries), the other parameters as in ``params``; one cost per row."""
    values = np.asarray(values, dtype=float)
    base = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    offsets = values - np.array([e.value(base) for e in entries])
    widest = max(net.inputs, *(layer.units for layer in net.layers))
    chunk = max(1, CHUNK_NUMBERS // (net.examples * widest))
    out = np.empty(len(values))
    for start in range(0, len(values), chunk):
        out[start : start + chunk] = _chunk_costs(net, base, entries, offsets[start : start + chunk])
    return out


def _chunk_costs(
    net: Network, base: Mapping[str, np.ndarray], entries: Sequence[ParamEntry], offsets: np.ndarray
) -> np.ndarray:
    """Costs for a chunk of points (offsets: points × entries from the base values)."""
    points, m = len(offsets), net.examples
    a = np.asarray(net.X, dtype=float)  # m × n, shared by every point until a chosen entry's layer
    shared = True
    with np.errstate(all="ignore"):
        for number, layer in enumerate(net.layers, start=1):
            W, b = base[f"W{number}"], base[f"b{number}"]
            z = a @ W + b if shared else (a.reshape(points * m, -1) @ W + b).reshape(points, m, -1)
            for column, entry in enumerate(entries):
                if entry.name not in (f"W{number}", f"b{number}"):
                    continue
                if z.ndim == 2:  # the first chosen entry here: each point gets its own copy
                    z = np.repeat(z[None], points, axis=0)
                unit = entry.index[-1]
                step = offsets[:, column, None]
                z[:, :, unit] += step * a[..., entry.index[0]] if entry.name.startswith("W") else step
            if z.ndim == 3:
                shared = False
            a = activation(layer.activation).function(z if shared else z.reshape(points * m, -1))
            if not shared:
                a = a.reshape(points, m, -1)
        targets = np.broadcast_to(net.Y, (points, *net.Y.shape)).reshape(points * m, -1)
        terms = loss(net.loss).term(a.reshape(points * m, -1), targets)
        return terms.sum(axis=1).reshape(points, m).mean(axis=1)
