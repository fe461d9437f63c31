"""CSV data on the command line: the ``data`` command, and ``--data CSV`` for ``trace`` and ``train``."""

from __future__ import annotations

import argparse
from typing import Any

from core.csv_data import DELIMITERS, MISSING_POLICIES, TARGET_ENCODINGS, TEXT_FEATURES, CsvError, CsvOptions, read_csv
from core.limits import check_network_size
from core.network import Network, check_network

_CSV_OPTIONS = (
    "target",
    "features",
    "standardise",
    "missing",
    "delimiter",
    "decimal_comma",
    "header",
    "text_features",
    "target_encoding",
)


class CsvSourceError(ValueError):
    """A problem with a CSV file given on the command line; ``source`` is the file to name."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source


def add_data_command(sub: Any) -> None:
    """The ``data CSV [options]`` sub-command."""
    data = sub.add_parser("data", help="read a CSV file and print it as a network file's data, as JSON")
    data.add_argument("file", metavar="CSV", help="a CSV file")
    _add_csv_options(data)


def add_data_option(parser: argparse.ArgumentParser) -> None:
    """``--data CSV`` and the CSV options, for a command that runs a network."""
    parser.add_argument("--data", metavar="CSV", help="replace the network's data by a CSV file's")
    _add_csv_options(parser)


def _add_csv_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("CSV data")
    group.add_argument("--target", metavar="COL", help="the target column: a name, or an index from 0 (default: last)")
    group.add_argument("--features", metavar="A,B,…", help="feature columns, by name or index (default: all others)")
    group.add_argument(
        "--standardise", "--standardize", action="store_true", default=None, help="shift features to mean 0, sd 1"
    )
    group.add_argument("--missing", choices=MISSING_POLICIES, help="rows with a missing cell: drop (default) or refuse")
    group.add_argument(
        "--delimiter", metavar="D", help=f"{', '.join(DELIMITERS)}, or one character (default: detected)"
    )
    group.add_argument(
        "--decimal-comma", action=argparse.BooleanOptionalAction, help="numbers written 1,5 (default: detected)"
    )
    group.add_argument(
        "--header", action=argparse.BooleanOptionalAction, help="the first line names the columns (default: detected)"
    )
    group.add_argument("--text-features", choices=TEXT_FEATURES, help="text feature columns: drop (default) or onehot")
    group.add_argument(
        "--target-encoding",
        choices=TARGET_ENCODINGS,
        help="classes as one 0/1 column (binary), one column per class (onehot), or numbers (numeric); "
        "default: auto (for trace/train: fitted to the network's outputs)",
    )


def csv_options(args: argparse.Namespace, source: str, outputs: int | None = None) -> CsvOptions:
    """The CsvOptions the arguments ask for; ``outputs`` fits classes to a network's output units."""
    features = None
    if args.features is not None:
        features = [name.strip() for name in args.features.split(",")]
        if not all(features):
            raise CsvSourceError(source, f"--features {args.features!r} has an empty column name")
    encoding = args.target_encoding or ("onehot" if outputs is not None and outputs > 1 else "auto")
    return CsvOptions(
        delimiter=args.delimiter,
        decimal_comma=args.decimal_comma,
        header=args.header,
        target=args.target,
        features=features,
        text_features=args.text_features or "drop",
        missing=args.missing or "drop",
        target_encoding=encoding,
        standardise=bool(args.standardise),
    )


def data_result(args: argparse.Namespace) -> dict[str, Any]:
    """What ``data CSV`` prints: the network file's data object plus a summary."""
    try:
        data = read_csv(args.file, csv_options(args, args.file))
    except CsvError as e:
        raise CsvSourceError(args.file, str(e)) from None
    return {**data.data_dict(), "summary": data.summary()}


def with_csv_data(net: Network, args: argparse.Namespace) -> Network:
    """The network with its data replaced by ``--data CSV`` (unchanged without it)."""
    if args.data is None:
        given = [f"--{name.replace('_', '-')}" for name in _CSV_OPTIONS if getattr(args, name) is not None]
        if given:
            raise ValueError(f"{given[0]} needs --data CSV")
        return net
    try:
        data = read_csv(args.data, csv_options(args, args.data, net.outputs))
    except CsvError as e:
        raise CsvSourceError(args.data, str(e)) from None
    features, targets = data.X.shape[1], data.y.shape[1]
    if features != net.inputs:
        raise CsvSourceError(
            args.data,
            f"{_count(features, 'feature column')} ({', '.join(data.feature_names)}) "
            f"but the network has {_count(net.inputs, 'input')}",
        )
    if targets != net.outputs:
        what = f"has {len(data.classes)} classes ({', '.join(data.classes)})" if data.classes else "is numeric"
        raise CsvSourceError(
            args.data,
            f"the target column {data.target_column} {what}, giving {_count(targets, 'target column')}, "
            f"but the network has {_count(net.outputs, 'output')}",
        )
    check_network_size(net.inputs, [layer.units for layer in net.layers], data.rows)
    replaced = net.with_settings(
        X=data.X,
        Y=data.y,
        feature_names=data.feature_names,
        target_names=data.target_names,
        standardisation=data.standardisation,
        data_spec=None,
    )
    try:
        check_network(replaced)
    except ValueError as e:
        raise CsvSourceError(args.data, str(e)) from None
    return replaced


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
