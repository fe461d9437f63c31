"""The headless command line: ``trace``, ``train`` and ``data`` print JSON and import no Qt."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from core.build import layer_graph, leaf_values
from core.cli_data import add_data_command, add_data_option, data_result, with_csv_data
from core.expression_cli import ExpressionArgumentError, expression_from_arguments, trace_expression
from core.graph import backward, forward
from core.network import Network
from core.network_file import NetworkFileError, load
from core.presets import load_preset
from core.training import train_all

COMMANDS = ("trace", "train", "data")


def main(argv: Sequence[str]) -> int:
    """Run a headless command; bad input exits 2 with one line on stderr."""
    parser = _Parser(prog="backprop-stepper", description="Backprop Stepper, headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    trace = sub.add_parser("trace", help="one forward and backward pass, as JSON")
    trace.add_argument("file", nargs="?", help="a network file, or preset:NAME")
    trace.add_argument("--example", type=int, metavar="I", help="only example I (from 0)")
    trace.add_argument("--expr", metavar="EXPR", help='an expression instead of a network, as in "(x**2 + 1)**3"')
    trace.add_argument("--at", metavar="x=2,y=3", help="with --expr: the values of its variables")
    train = sub.add_parser("train", help="train and print the costs and parameters, as JSON")
    train.add_argument("file", help="a network file, or preset:NAME")
    train.add_argument("--epochs", type=int, required=True, metavar="N")
    add_data_option(trace)
    add_data_option(train)
    add_data_command(sub)
    args = parser.parse_args(list(argv))
    if args.command == "trace" and (args.expr is not None or args.at is not None):
        return _trace_expression_command(parser, args)
    if args.command == "trace" and args.file is None:
        parser.error("trace needs a network FILE, or --expr EXPR --at x=…")
    try:
        if args.command == "data":
            result = data_result(args)
        else:
            net = with_csv_data(open_network(args.file), args)
            result = _trace(net, args.example) if args.command == "trace" else _train(net, args.epochs)
    except (NetworkFileError, KeyError, ValueError) as e:
        message = e.args[0] if isinstance(e, KeyError) else str(e)
        print(f"backprop-stepper: {getattr(e, 'source', args.file)}: {message}", file=sys.stderr)
        return 2
    return _print_json(result)


def _trace_expression_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.expr is None:
        parser.error("--at needs --expr EXPR")
    if args.file is not None or args.example is not None:
        parser.error("trace takes either a network FILE or --expr, not both")
    if args.data is not None:
        parser.error("--data replaces a network FILE's data; it does not go with --expr")
    try:
        result = trace_expression(expression_from_arguments(args.expr, args.at))
    except ExpressionArgumentError as e:
        print(f"backprop-stepper: {e}", file=sys.stderr)
        return 2
    return _print_json(result)


def _print_json(result: dict) -> int:
    """Strict JSON on stdout; non-finite values as null, said on stderr, and status 1."""
    result, not_finite = _finite_or_null(result)
    if not_finite:
        print(
            f"backprop-stepper: {not_finite} {'value was' if not_finite == 1 else 'values were'} "
            "not finite (infinite or NaN); they are written as null",
            file=sys.stderr,
        )
    try:
        json.dump(result, sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (| head): nothing more to say, and no traceback at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 1 if result.get("stopped") or not_finite else 0


def open_network(name: str) -> Network:
    """A network file, or a shipped preset given as ``preset:KEY``."""
    if name.startswith("preset:"):
        return load_preset(name[len("preset:") :])
    return load(name)


def _trace(net: Network, example: int | None) -> dict:
    if example is not None and not 0 <= example < net.examples:
        raise ValueError(f"--example {example} is outside 0..{net.examples - 1}")
    rows = slice(None) if example is None else [example]
    graph = layer_graph(net)
    params = net.initial_params()
    with np.errstate(all="ignore"):
        values = forward(graph, leaf_values(graph, params, net.X[rows], net.Y[rows]))
        _, grads = backward(graph, values)
    return {
        "cost": values[graph.root.id],
        "params": {name: {"value": params[name].tolist(), "grad": np.asarray(grads[name]).tolist()} for name in params},
        "nodes": [
            {
                "id": n.id,
                "label": n.label,
                "op": n.op.name if n.op else n.kind.value,
                "value": np.asarray(values[n.id]).tolist(),
                "grad": np.asarray(grads.get(n.id, 0.0)).tolist() if n.kind.value != "target" else None,
            }
            for n in graph.nodes
        ],
    }


def _train(net: Network, epochs: int) -> dict:
    if epochs < 1:
        raise ValueError("--epochs must be at least 1")
    result = train_all(net, net.initial_params(), epochs)
    out = {"cost": result.costs.tolist(), "params": {k: v.tolist() for k, v in result.params.items()}}
    if result.stopped:
        print(f"backprop-stepper: stopped after {result.epoch} epochs: {result.stopped}", file=sys.stderr)
        out["stopped"] = result.stopped
    return out


def _finite_or_null(value: Any) -> tuple[Any, int]:
    """The value with each non-finite float replaced by None (JSON has no Infinity or NaN), and how many were."""
    if isinstance(value, float):
        return (value, 0) if math.isfinite(value) else (None, 1)
    if isinstance(value, dict):
        pairs = [(k, *_finite_or_null(v)) for k, v in value.items()]
        return {k: v for k, v, _ in pairs}, sum(n for _, _, n in pairs)
    if isinstance(value, list):
        pairs = [_finite_or_null(v) for v in value]
        return [v for v, _ in pairs], sum(n for _, n in pairs)
    return value, 0


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line and status 2, without argparse's usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)
