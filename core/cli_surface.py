"""The ``surface`` command: the cost over a grid of one or two parameter entries, as JSON."""

from __future__ import annotations

import argparse
import math
import re
from typing import Any

from core.limits import MAX_SURFACE_GRID, MIN_SURFACE_GRID, check_cost_work
from core.network import Network
from core.network_file import quote
from core.param_entries import ParamEntry, parse_entry
from core.surface import DEFAULT_GRID, DEFAULT_SPAN, Surface, loss_surface

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def add_surface_command(sub: Any, whole_number: Any) -> argparse.ArgumentParser:
    """The ``surface FILE --params NAME[,NAME] [--span S] [--grid K]`` sub-command."""
    surface = sub.add_parser(
        "surface",
        help="the cost over a grid of one or two parameters around their values, the others fixed, as JSON",
    )
    surface.add_argument("file", help="a network file, or preset:NAME")
    surface.add_argument(
        "--params",
        required=True,
        metavar="NAME[,NAME]",
        help="one or two parameter entries, written like W1[0][0] and b1[0]",
    )
    surface.add_argument(
        "--span",
        type=_span,
        default=DEFAULT_SPAN,
        metavar="S",
        help=f"the grid runs from each value − S to + S (default {DEFAULT_SPAN:g})",
    )
    surface.add_argument(
        "--grid",
        type=whole_number,
        default=DEFAULT_GRID,
        metavar="K",
        help=f"points per axis, {MIN_SURFACE_GRID} to {MAX_SURFACE_GRID} (default {DEFAULT_GRID})",
    )
    return surface


def surface_result(net: Network, args: argparse.Namespace) -> dict:
    """``{"x", "y", "cost"}`` (cost[j][i] at x[i], y[j]) for two names, ``{"x", "cost"}`` for one."""
    return surface_of(net, args.params, args.span, args.grid).to_json()


def surface_of(net: Network, names: str, span: float, points: int) -> Surface:
    """The surface of the network at its initial parameters over the comma-separated ``names``."""
    params = net.initial_params()
    parts = names.split(",")
    if not 1 <= len(parts) <= 2 or not all(p.strip() for p in parts):
        raise ValueError(f"--params takes one or two names separated by a comma, not {quote(names, 60)}")
    entries = [parse_entry(p, params) for p in parts]
    check_cost_work(
        points ** len(entries), _work_per_point(net, entries), "surface", "give a smaller --grid, or fewer examples"
    )
    return loss_surface(net, params, entries, span, points)


def _work_per_point(net: Network, entries: list[ParamEntry]) -> int:
    """Multiply-adds of one grid point's cost: every example through the layers from the first one
    holding a chosen entry (the layers before it are computed once for all the points)."""
    first = min(int(entry.name[1:]) for entry in entries)
    widths = [net.inputs, *(layer.units for layer in net.layers)]
    return net.examples * sum(widths[k - 1] * widths[k] for k in range(first, len(widths)))


def _span(text: str) -> float:
    """A positive finite number (refused as it is read: "nan", "inf", "-1", "1e999")."""
    value = float(text) if _NUMBER.fullmatch(text.strip()) else math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, not {quote(text, 30)}")
    return value
