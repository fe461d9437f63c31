"""The headless command line: ``trace``, ``train``, ``data``, ``gradcheck``, ``surface`` print JSON, import no Qt."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from core.bugs import BUGS
from core.cli_data import add_data_command, add_data_option, data_result, with_csv_data
from core.cli_optimizer import add_optimizer_options, with_optimizer
from core.cli_surface import add_surface_command, surface_result
from core.expression_cli import (
    ExpressionArgumentError,
    expression_from_arguments,
    gradcheck_expression,
    trace_expression,
)
from core.gradcheck import THRESHOLD, check_network
from core.limits import MAX_EPOCHS, LimitError, check_cost_work, check_epochs
from core.network import Network
from core.network_file import one_line, quote
from core.presets import load_preset
from core.session import Session
from core.session_file import SessionDocument, load_any
from core.trace import finite_or_null, trace_network, write_json
from core.training import train

COMMANDS = ("trace", "train", "data", "gradcheck", "surface")
MAX_ARGUMENT_DIGITS = 30  # a count with more digits is refused as it is read
PRESET = "preset:"  # a FILE argument naming a shipped preset: preset:or_gate
TRAIN_CHUNK_SECONDS = 0.1  # how often `train` takes stock, so Ctrl+C loses at most this much work


def main(argv: Sequence[str]) -> int:
    """Run a headless command; bad input exits 2 with one line on stderr, Ctrl+C exits 130."""
    parser = _Parser(prog="backprop-stepper", description="Backprop Stepper, headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    trace = sub.add_parser("trace", help="one forward and backward pass, as JSON")
    trace.add_argument("file", nargs="?", help="a network file, or preset:NAME")
    trace.add_argument("--example", type=_whole_number, metavar="I", help="only example I (from 0)")
    _add_expression_options(trace)
    train = sub.add_parser("train", help="train and print the costs and parameters, as JSON")
    train.add_argument("file", help="a network file, or preset:NAME")
    train.add_argument("--epochs", type=_whole_number, required=True, metavar="N", help=f"at most {MAX_EPOCHS:,}")
    train.add_argument("--every", type=_whole_number, default=1, metavar="K", help="print every K-th epoch's cost")
    gradcheck = sub.add_parser(
        "gradcheck",
        help=f"backprop's gradients against central finite differences, as JSON; exit 1 if any relative "
        f"error exceeds {THRESHOLD:g}",
    )
    gradcheck.add_argument("file", nargs="?", help="a network file, or preset:NAME")
    _add_expression_options(gradcheck)
    gradcheck.add_argument(
        "--plant",
        metavar="NAME",
        choices=tuple(BUGS),
        help="check with a planted bug: " + "; ".join(f"{b.name} ({b.title})" for b in BUGS.values()),
    )
    add_data_option(trace)
    add_data_option(train)
    add_optimizer_options(train)
    add_data_option(gradcheck)
    add_data_option(add_surface_command(sub, _whole_number))
    add_data_command(sub)
    # Arithmetic that overflows shows in the output as null (said in one line), never as numpy's warnings.
    with np.errstate(all="ignore"):
        return _run(parser, argv)


def _run(parser: argparse.ArgumentParser, argv: Sequence[str]) -> int:
    try:
        args = parser.parse_args(list(argv))
        if args.command in ("trace", "gradcheck") and (args.expr is not None or args.at is not None):
            return _expression_command(parser, args)
        if args.command in ("trace", "gradcheck") and args.file is None:
            parser.error(f"{args.command} needs a network FILE, or --expr EXPR --at x=…")
        if args.command == "train":
            try:
                _check_train_arguments(args.epochs, args.every)
            except LimitError as e:
                return _fail(str(e), 2)
        if sys.stdout is None:
            return _fail("standard output is closed, so there is nowhere to print", 1)
        try:
            if args.command == "data":
                result = data_result(args)
            else:
                net = with_csv_data(open_network(args.file), args)
                if args.command == "train":
                    net = with_optimizer(net, args)
                if args.command == "gradcheck":
                    return _gradcheck(net, args.plant)
                if args.command == "surface":
                    return _print_json(surface_result(net, args))
                result = _trace(net, args.example) if args.command == "trace" else _train(net, args.epochs, args.every)
        except (KeyError, ValueError) as e:
            return _fail(refusal(e, args.file), 2)
        return _print_json(result)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def _add_expression_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--expr", metavar="EXPR", help='an expression instead of a network, as in "(x**2 + 1)**3"')
    command.add_argument(
        "--at", metavar="x=2,y=3", action="append", help="with --expr: the values of its variables (repeatable)"
    )


def _expression_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """``trace --expr`` or ``gradcheck --expr``: the expression's pass, or its variables' gradient check."""
    if args.expr is None:
        parser.error("--at needs --expr EXPR")
    if args.file is not None or getattr(args, "example", None) is not None:
        parser.error(f"{args.command} takes either a network FILE or --expr, not both")
    if getattr(args, "plant", None) is not None:
        parser.error("--plant plants a bug in a network's graph; it does not go with --expr")
    if args.data is not None:
        parser.error("--data replaces a network FILE's data; it does not go with --expr")
    if sys.stdout is None:
        return _fail("standard output is closed, so there is nowhere to print", 1)
    try:
        expression = expression_from_arguments(args.expr, args.at)
        if args.command == "trace":
            return _print_json(trace_expression(expression))
        check = gradcheck_expression(expression)
    except ExpressionArgumentError as e:
        return _fail(str(e), 2)
    status = _print_json(check.to_json())
    return status or (0 if check.passed else 1)


def open_document(name: str) -> Network | SessionDocument:
    """A shipped preset given as ``preset:KEY`` (KeyError names the known ones), or a network or session
    file, told apart by its format (a ValueError says what is wrong with it)."""
    if name.startswith(PRESET):
        return load_preset(name[len(PRESET) :])
    return load_any(name)


def refusal(error: KeyError | ValueError, name: str) -> str:
    """Why ``name`` (a FILE argument) cannot be used, in one line: the file (or the CSV data file that
    failed, its ``source``) and the reason."""
    reason = error.args[0] if isinstance(error, KeyError) else str(error)
    return f"{quote(getattr(error, 'source', name))}: {one_line(str(reason))}"


def open_network(name: str) -> Network:
    """``open_document``'s network: a session file gives its network with the parameters the window
    showed when it was saved."""
    document = open_document(name)
    if isinstance(document, SessionDocument):
        session = Session.restored(document.snapshot)
        return document.snapshot.network.with_params(session.displayed_params())
    return document


def _print_json(result: dict) -> int:
    """Print the result as strict JSON; 0, or 1 if training stopped, values were not finite or output failed."""
    interrupted = result.pop("interrupted", False)
    notes = [result.pop("note")] if "note" in result else []
    finite, not_finite = finite_or_null(result)
    if not_finite:
        notes.append(
            f"{not_finite} {'value was' if not_finite == 1 else 'values were'} "
            "not finite (infinite or NaN); they are written as null"
        )
    try:
        write_json(finite, sys.stdout)
        sys.stdout.flush()
    except OSError as e:  # a full disk (> /dev/full), a reader that went away (| head -c 10)
        # What is still buffered goes nowhere, so Python's own flush at exit cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return _fail(f"cannot write the output: {e.strerror or e}", 1)
    if notes:  # one line, however many things there are to say
        _say("; ".join(notes))
    if interrupted:
        return 130
    return 1 if result.get("stopped") or not_finite else 0


def _say(message: str) -> None:
    """One line on stderr, whatever the message holds."""
    if sys.stderr is not None:
        print(f"backprop-stepper: {one_line(message)}", file=sys.stderr, flush=True)


def _fail(message: str, status: int) -> int:
    _say(message)
    return status


def _trace(net: Network, example: int | None) -> dict:
    if example is not None and not 0 <= example < net.examples:
        raise ValueError(f"--example {example} is outside 0..{net.examples - 1}")
    return trace_network(net, rows=None if example is None else [example])


def _gradcheck(net: Network, plant: str | None) -> int:
    """Print the gradient check of the network's cost; 1 if an entry's relative error exceeds the threshold."""
    # Five-point differences: four costs over every example per parameter entry.
    check_cost_work(
        4 * net.param_count, net.examples * net.param_count, "gradcheck", "check a smaller network or fewer examples"
    )
    check = check_network(net.with_settings(planted_bug=plant) if plant else net)
    status = _print_json(check.to_json())
    return status or (0 if check.passed else 1)


def _check_train_arguments(epochs: int, every: int) -> None:
    check_epochs(epochs)
    if every < 1:
        raise LimitError("--every must be at least 1")
    if every > epochs:
        raise LimitError(f"--every {every} is more than --epochs {epochs}, so no cost would be printed")


def _train(net: Network, epochs: int, every: int) -> dict:
    """Train; the costs of epochs every, 2·every, … (counted from 1) and the final parameters.

    Ctrl+C ends training at the next record: the epochs done so far are printed, then exit 130.
    """
    interrupted = threading.Event()
    kept: list[np.ndarray] = []
    done, params, stopped = 0, net.initial_params(), None
    unusable = [name for name, value in params.items() if not np.all(np.isfinite(value))]
    if unusable:  # a session saved after a diverged step
        raise ValueError(f"cannot train from parameters that are not finite ({', '.join(unusable)} holds NaN or ±inf)")
    # One BLAS thread, as in the window's training process: on these matrices OpenBLAS's extra
    # threads mostly spin, and on a shared machine they made the whole run 4-5 times slower.
    with threadpool_limits(1, user_api="blas"), _sigint_sets(interrupted):
        for progress in train(net, params, epochs, chunk_seconds=TRAIN_CHUNK_SECONDS):
            first = done + 1  # the epoch number of the chunk's first cost
            kept.append(progress.costs[(-first) % every :: every].copy())
            done, params, stopped = progress.epoch, progress.params, progress.stopped
            if interrupted.is_set():
                break
    out: dict[str, Any] = {
        "cost": np.concatenate(kept).tolist() if kept else [],
        "params": {k: np.asarray(v).tolist() for k, v in params.items()},
    }
    if stopped:
        out["note"] = f"stopped after {done} epochs: {stopped}"
        out["stopped"] = stopped
    elif interrupted.is_set():
        out["note"] = f"interrupted after {done} of {epochs} epochs; the costs and parameters so far are printed"
        out["interrupted"] = done
    return out


@contextlib.contextmanager
def _sigint_sets(event: threading.Event) -> Iterator[None]:
    """While inside, Ctrl+C sets ``event`` instead of raising (only the main thread can set handlers)."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield  # a background job started with Ctrl+C ignored keeps ignoring it
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: event.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _whole_number(text: str) -> int:
    """An argument that must be a whole number (argparse's int() would take "1_000" and " 5 ")."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise argparse.ArgumentTypeError(f"must be a whole number, not {quote(text, 30)}")
    if len(text.lstrip("+-")) > MAX_ARGUMENT_DIGITS:
        raise argparse.ArgumentTypeError(f"{quote(text, 30)} is too large")
    return int(text)


def whole_number_within(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        number = _whole_number(text)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}, not {number}")
        return number

    return parse


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line and status 2, without argparse's usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        _say(message)
        raise SystemExit(2)
