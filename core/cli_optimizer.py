"""The ``train`` command's optimiser options: --optimizer and its settings."""

from __future__ import annotations

import argparse
import math
from dataclasses import replace

from core.network import Network
from core.network_file import quote
from core.optimizers import NAMES, Optimizer, OptimizerError

# option -> (the Optimizer field it sets, the optimiser it belongs to)
_SETTINGS = {
    "momentum": ("momentum", "momentum"),
    "beta1": ("beta1", "adam"),
    "beta2": ("beta2", "adam"),
    "eps": ("eps", "adam"),
    "damping": ("damping", "newton"),
    "undamped": ("undamped", "newton"),
}


def add_optimizer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--optimizer", choices=NAMES, help="how to update the parameters (default: the file's, else gd)"
    )
    parser.add_argument("--momentum", type=_real, metavar="M", help="momentum's μ in [0, 1) (default 0.9)")
    parser.add_argument("--beta1", type=_real, metavar="B1", help="Adam's β₁ in [0, 1) (default 0.9)")
    parser.add_argument("--beta2", type=_real, metavar="B2", help="Adam's β₂ in [0, 1) (default 0.999)")
    parser.add_argument("--eps", type=_real, metavar="E", help="Adam's ε in (0, 1] (default 1e-8)")
    parser.add_argument(
        "--damping",
        type=_real,
        metavar="L",
        help="Newton's least damping λ ≥ 0, raised while H + λI is not positive definite",
    )
    parser.add_argument("--undamped", action="store_true", default=None, help="Newton's plain step θ − H⁻¹∇C")


def with_optimizer(net: Network, args: argparse.Namespace) -> Network:
    """The network with the optimiser and settings the options name (OptimizerError if they do not fit)."""
    name = args.optimizer or net.optimizer.name
    base = net.optimizer if name == net.optimizer.name else Optimizer(name)
    changes = {}
    for option, (field, owner) in _SETTINGS.items():
        value = getattr(args, option)
        if value is None:
            continue
        if owner != name:
            raise OptimizerError(f"--{option} is a setting of {owner}, not of the optimizer {name}")
        changes[field] = value
    return net.with_settings(optimizer=replace(base, **changes)) if changes or name != net.optimizer.name else net


def _real(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, not {quote(text, 30)}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, not {quote(text, 30)}")
    return value
