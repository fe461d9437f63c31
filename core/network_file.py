"""The network file format, ``backprop-stepper.network/1`` (JSON); see the README."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from core.network import Layer, Network, Params, check_network

FORMAT = "backprop-stepper.network/1"
_REQUIRED = ("format", "inputs", "layers", "loss", "data")
_OPTIONAL = ("name", "learning_rate", "batch_size", "seed", "description")
_LAYER_KEYS = ("units", "activation", "weights", "bias")
_DATA_KEYS = ("X", "y", "feature_names", "target_names")


class NetworkFileError(ValueError):
    """A network file that cannot be used; the message names the problem."""


def load(path: str | os.PathLike[str]) -> Network:
    """Read and check a network file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise NetworkFileError(f"cannot read {path}: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise NetworkFileError(f"{path} is not a UTF-8 text file") from e
    return loads(text, default_name=Path(path).stem)


def loads(text: str, default_name: str = "network") -> Network:
    """Parse and check the JSON text of a network file."""
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise NetworkFileError(f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from e
    except ValueError as e:
        raise NetworkFileError(str(e)) from e
    return from_dict(doc, default_name)


def from_dict(doc: Any, default_name: str = "network") -> Network:
    """Build a checked Network from a parsed network document."""
    if not isinstance(doc, dict):
        raise NetworkFileError("the file must hold one JSON object")
    if doc.get("format") != FORMAT:
        raise NetworkFileError(f"unknown format tag {doc.get('format')!r}, expected {FORMAT!r}")
    _check_keys(doc, _REQUIRED, _OPTIONAL, "the network")
    layers_doc = doc["layers"]
    if not isinstance(layers_doc, list) or not layers_doc:
        raise NetworkFileError("layers must be a non-empty list")
    data = doc["data"]
    if not isinstance(data, dict):
        raise NetworkFileError("data must be an object with X and y")
    _check_keys(data, ("X", "y"), _DATA_KEYS[2:], "data")
    try:
        layers = tuple(_layer(i, layer) for i, layer in enumerate(layers_doc, start=1))
        net = Network(
            name=str(doc.get("name", default_name)),
            inputs=_int(doc["inputs"], "inputs"),
            layers=layers,
            loss=str(doc["loss"]),
            learning_rate=_number(doc.get("learning_rate", 0.1), "learning_rate"),
            batch_size=None if doc.get("batch_size") is None else _int(doc["batch_size"], "batch_size"),
            seed=_int(doc.get("seed", 0), "seed"),
            description=str(doc.get("description", "")),
            X=_matrix(data["X"], "data X"),
            Y=_matrix(data["y"], "data y", column=True),
            feature_names=tuple(str(n) for n in data.get("feature_names", ())),
            target_names=tuple(str(n) for n in data.get("target_names", ())),
        )
        check_network(net)
        net.initial_params()  # builds (and caches) the starting parameters, so their errors surface here
    except NetworkFileError:
        raise
    except ValueError as e:
        raise NetworkFileError(str(e)) from e
    return net


def to_dict(net: Network, params: Params | None = None) -> dict[str, Any]:
    """The network document; with ``params``, those are written as the weights."""
    params = net.initial_params() if params is None else params
    doc: dict[str, Any] = {
        "format": FORMAT,
        "name": net.name,
        "inputs": net.inputs,
        "layers": [
            {
                "units": layer.units,
                "activation": layer.activation,
                "weights": params[f"W{i}"].tolist(),
                "bias": params[f"b{i}"].tolist(),
            }
            for i, layer in enumerate(net.layers, start=1)
        ],
        "loss": net.loss,
        "learning_rate": net.learning_rate,
        "batch_size": net.batch_size,
        "seed": net.seed,
        "data": {"X": net.X.tolist(), "y": net.Y.tolist()},
    }
    if net.description:
        doc["description"] = net.description
    if net.feature_names:
        doc["data"]["feature_names"] = list(net.feature_names)
    if net.target_names:
        doc["data"]["target_names"] = list(net.target_names)
    return doc


def save(net: Network, path: str | os.PathLike[str], params: Params | None = None) -> None:
    """Write the network atomically: a failed write leaves any existing file as it was."""
    text = json.dumps(to_dict(net, params), indent=1)
    write_atomically(Path(path), text)


def write_atomically(path: Path, text: str) -> None:
    """Write text to a temporary file beside ``path``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _reject_constant(name: str) -> float:
    raise ValueError(f"non-finite number {name} in the file")


def _check_keys(doc: dict, required: tuple[str, ...], optional: tuple[str, ...], what: str) -> None:
    missing = [k for k in required if k not in doc]
    if missing:
        raise NetworkFileError(f"{what} is missing {', '.join(missing)}")
    unknown = sorted(set(doc) - set(required) - set(optional))
    if unknown:
        raise NetworkFileError(f"{what} has unknown field {', '.join(unknown)}")


def _layer(i: int, doc: Any) -> Layer:
    if not isinstance(doc, dict):
        raise NetworkFileError(f"layer {i} must be an object")
    _check_keys(doc, _LAYER_KEYS[:2], _LAYER_KEYS[2:], f"layer {i}")
    weights = None if doc.get("weights") is None else _matrix(doc["weights"], f"layer {i} weights")
    bias = None if doc.get("bias") is None else _vector(doc["bias"], f"layer {i} bias")
    return Layer(_int(doc["units"], f"layer {i} units"), str(doc["activation"]), weights, bias)


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NetworkFileError(f"{what} must be a whole number, not {value!r}")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise NetworkFileError(f"{what} must be a finite number, not {value!r}")
    return float(value)


def _matrix(value: Any, what: str, column: bool = False) -> np.ndarray:
    """A list of equal-length rows of finite numbers; with ``column``, bare numbers are rows of one."""
    if not isinstance(value, list) or not value:
        raise NetworkFileError(f"{what} must be a non-empty list of rows")
    if column and all(_is_number(v) for v in value):
        value = [[v] for v in value]
    if not all(isinstance(row, list) for row in value):
        raise NetworkFileError(f"{what} must be a list of rows (lists of numbers)")
    widths = {len(row) for row in value}
    if len(widths) != 1 or 0 in widths:
        raise NetworkFileError(f"{what} has rows of different lengths")
    for r, row in enumerate(value):
        for c, v in enumerate(row):
            if not _is_number(v):
                raise NetworkFileError(f"{what} row {r} column {c} is not a number: {v!r}")
    array = np.array(value, dtype=float)
    if not np.all(np.isfinite(array)):
        raise NetworkFileError(f"{what} contains a non-finite number")
    return array


def _vector(value: Any, what: str) -> np.ndarray:
    if not isinstance(value, list) or not all(_is_number(v) for v in value):
        raise NetworkFileError(f"{what} must be a list of numbers")
    return np.array(value, dtype=float)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)
