"""The network file format, ``backprop-stepper.network/1`` (JSON); see the README."""

from __future__ import annotations

import codecs
import json
import math
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from core import bulk_json, datasets
from core.bulk_json import RaggedRows
from core.limits import (
    MAX_EPOCHS,
    MAX_FILE_BYTES,
    MAX_LAYERS,
    MAX_SEED,
    MAX_WHOLE_NUMBER,
    LimitError,
    check_file_size,
    check_network_size,
)
from core.network import Layer, Network, Params, Standardisation, ViewSettings, check_network
from core.optimizers import Optimizer, OptimizerError, from_value

FORMAT = "backprop-stepper.network/1"
_REQUIRED = ("format", "inputs", "layers", "loss", "data")
_OPTIONAL = ("name", "learning_rate", "batch_size", "seed", "description", "view", "optimizer")
VIEW_MODES = ("example", "batch")
VIEW_CONVENTIONS = ("rows", "columns")
MAX_DECIMALS = 12  # what the window's Decimals box holds
READ_CHUNK = 1 << 20
_LAYER_KEYS = ("units", "activation", "weights", "bias")
_DATA_KEYS = ("X", "y", "feature_names", "target_names", "standardisation")


class NetworkFileError(ValueError):
    """A network file that cannot be used; the message names the problem in one line."""


def load(path: str | os.PathLike[str]) -> Network:
    """Read and check a network file; any problem is a NetworkFileError naming it."""
    text = _decode(_read_bytes(path))  # the bytes are let go: the text alone is held while parsing
    try:
        return loads(text, default_name=Path(path).stem)
    except MemoryError:
        raise NetworkFileError("there is not enough memory to read it") from None


def loads(text: str, default_name: str = "network") -> Network:
    """Parse and check the JSON text of a network file."""
    try:
        doc = bulk_json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise NetworkFileError(f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise NetworkFileError("not usable JSON: arrays or objects are nested too deeply") from None
    except ValueError as e:  # from the hooks below, or an integer with thousands of digits
        raise NetworkFileError(one_line(str(e))) from None
    return from_dict(doc, default_name)


def from_dict(doc: Any, default_name: str = "network") -> Network:
    """Build a checked Network from a parsed network document."""
    if not isinstance(doc, dict):
        raise NetworkFileError(f"the file must hold one JSON object, not {describe(doc)}")
    if doc.get("format") != FORMAT:
        raise NetworkFileError(f"unknown format tag {describe(doc.get('format'))}, expected {FORMAT!r}")
    _check_keys(doc, _REQUIRED, _OPTIONAL, "the network")
    layers_doc = doc["layers"]
    if not isinstance(layers_doc, list) or not layers_doc:
        raise NetworkFileError(f"layers must be a non-empty list of layers, not {describe(layers_doc)}")
    if len(layers_doc) > MAX_LAYERS:
        raise NetworkFileError(f"the network has {len(layers_doc)} layers, over the limit of {MAX_LAYERS}")
    data = doc["data"]
    if not isinstance(data, dict):
        raise NetworkFileError(f"data must be an object with X and y, not {describe(data)}")
    spec = None
    if "generate" in data:
        data, spec = _generated_data(data, doc["inputs"], layers_doc[-1])
    _check_keys(data, ("X", "y"), _DATA_KEYS[2:], "data")
    try:
        inputs = _int(doc["inputs"], "inputs", 1)
        layers = tuple(_layer(i, layer) for i, layer in enumerate(layers_doc, start=1))
        X = _matrix(data["X"], "data X")
        # Every array the network will need is sized from these numbers: check before allocating.
        check_network_size(inputs, [layer.units for layer in layers], X.shape[0])
        net = Network(
            name=_text(doc.get("name", default_name), "name"),
            inputs=inputs,
            layers=layers,
            loss=_text(doc["loss"], "loss"),
            learning_rate=_number(doc.get("learning_rate", 0.1), "learning_rate"),
            batch_size=None if doc.get("batch_size") is None else _int(doc["batch_size"], "batch_size", 1),
            seed=_int(doc.get("seed", 0), "seed", 0, MAX_SEED),
            description=_text(doc.get("description", ""), "description", multiline=True),
            view=_view(doc.get("view")),
            optimizer=_optimizer(doc.get("optimizer", "gd")),
            X=X,
            Y=_matrix(data["y"], "data y", column=True),
            feature_names=_names(data.get("feature_names", []), "feature_names", inputs, "inputs"),
            target_names=_names(data.get("target_names", []), "target_names", layers[-1].units, "output units"),
            data_spec=spec,
            standardisation=_standardisation(data.get("standardisation"), inputs),
        )
        check_network(net)
        net.initial_params()  # builds (and caches) the starting parameters, so their errors surface here
    except NetworkFileError:
        raise
    except ValueError as e:
        raise NetworkFileError(one_line(str(e))) from None
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
        "data": _data_doc(net),
    }
    if net.optimizer != Optimizer():
        doc["optimizer"] = net.optimizer.to_dict()
    if net.view is not None:
        doc["view"] = {k: v for k, v in vars(net.view).items() if v is not None}
    if net.description:
        doc["description"] = net.description
    return doc


def _generated_data(spec: dict, inputs: Any, output_layer: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """X and y (as lists) from a ``{"generate": KEY, ...}`` data object, and the checked spec."""
    units = output_layer.get("units") if isinstance(output_layer, dict) else None
    outputs = units if isinstance(units, int) and not isinstance(units, bool) and units >= 1 else None
    try:
        dataset, y, target_names = datasets.from_spec(spec, outputs)
    except datasets.DatasetError as e:
        raise NetworkFileError(str(e)) from None
    columns = dataset.X.shape[1]
    if isinstance(inputs, int) and inputs != columns:
        raise NetworkFileError(
            f"data {spec['generate']} has {columns} input column{'s' * (columns != 1)} "
            f"({', '.join(dataset.feature_names)}) but the network has {inputs} inputs"
        )
    checked = datasets.spec_for(spec["generate"], **datasets.params_of(spec))
    data = {
        "X": dataset.X.tolist(),
        "y": y.tolist(),
        "feature_names": spec.get("feature_names", list(dataset.feature_names)),
        "target_names": spec.get("target_names", list(target_names)),
    }
    return data, checked | {k: spec[k] for k in ("feature_names", "target_names") if k in spec}


def _data_doc(net: Network) -> dict[str, Any]:
    """The data as its generator spec while it is still exactly the generated data, else as arrays."""
    if net.data_spec is not None:
        try:
            _, y, _ = datasets.from_spec(net.data_spec, net.outputs)
            generated = datasets.make(net.data_spec["generate"], **datasets.params_of(net.data_spec))
        except datasets.DatasetError:
            generated = None
        if generated is not None and np.array_equal(generated.X, net.X) and np.array_equal(y, net.Y):
            return dict(net.data_spec)
    doc: dict[str, Any] = {"X": net.X.tolist(), "y": net.Y.tolist()}
    if net.feature_names:
        doc["feature_names"] = list(net.feature_names)
    if net.target_names:
        doc["target_names"] = list(net.target_names)
    if net.standardisation is not None:
        doc["standardisation"] = {"mean": net.standardisation.mean.tolist(), "std": net.standardisation.std.tolist()}
    return doc


def _optimizer(value: Any) -> Optimizer:
    try:
        return from_value(value)
    except OptimizerError as e:
        raise NetworkFileError(f"optimizer: {one_line(str(e))}") from None


def _view(value: Any) -> ViewSettings | None:
    """The optional ``{"mode", "epochs", "decimals", "convention"}`` the window showed when it saved."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise NetworkFileError(f"view must be an object (mode, epochs, decimals, convention), not {describe(value)}")
    _check_keys(value, (), ("mode", "epochs", "decimals", "convention"), "view")
    for key, allowed in (("mode", VIEW_MODES), ("convention", VIEW_CONVENTIONS)):
        if value.get(key) is not None and value[key] not in allowed:
            choices = " or ".join(repr(a) for a in allowed)
            raise NetworkFileError(f"view {key} must be {choices}, not {describe(value[key])}")
    epochs = value.get("epochs")
    decimals = value.get("decimals")
    return ViewSettings(
        mode=value.get("mode"),
        epochs=None if epochs is None else _int(epochs, "view epochs", 1, MAX_EPOCHS),
        decimals=None if decimals is None else _int(decimals, "view decimals", 1, MAX_DECIMALS),
        convention=value.get("convention"),
    )


def _standardisation(value: Any, inputs: int) -> Standardisation | None:
    """The optional ``{"mean": […], "std": […]}`` X was standardised with: one number per input, std > 0."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise NetworkFileError(f"data standardisation must be an object with mean and std, not {describe(value)}")
    _check_keys(value, ("mean", "std"), (), "data standardisation")
    mean, std = (_vector(value[k], f"data standardisation {k}") for k in ("mean", "std"))
    for name, v in (("mean", mean), ("std", std)):
        if v.shape != (inputs,):
            raise NetworkFileError(f"data standardisation {name} has {v.size} numbers for {inputs} inputs")
    if not np.all(std > 0):
        raise NetworkFileError(f"data standardisation std must be above 0, not {std[~(std > 0)][0]:g}")
    return Standardisation(mean, std)


def save(net: Network, path: str | os.PathLike[str], params: Params | None = None) -> None:
    """Write the network atomically: a failed write leaves any existing file as it was."""
    text = json.dumps(to_dict(net, params), indent=1)
    write_atomically(Path(path), text)


def write_atomically(path: Path, text: str) -> None:
    """Write text (UTF-8) to a temporary file beside ``path``, then rename it into place."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside ``path``, flushed to disk, then rename it into place:
    a failed write leaves neither a partial file nor the temporary one, and any old file whole."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, _new_file_mode(path))  # mkstemp makes the file private (0600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_file_mode(path: Path) -> int:
    """The permissions the saved file should have: an existing file's, else what the umask allows."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where Linux allows (other threads may create files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1], 8) for line in f if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError):
        umask = os.umask(0o077)  # briefly the strictest mask, never a looser one
        os.umask(umask)
        return umask


def quote(text: str, limit: int = 80) -> str:
    """A name or path as a Python literal: quoted, one line whatever it holds, shortened if long."""
    shown = repr(text if len(text) <= limit else text[:limit])
    return shown if len(text) <= limit else f"{shown}… ({len(text):,} characters)"


def one_line(text: str) -> str:
    """The text with line breaks and other unprintable characters escaped, as repr escapes them."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def describe(value: Any) -> str:
    """A value found in a file, in a few words for a message: the value itself if short, else its kind."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {quote(value, 40)}"
    if isinstance(value, int):
        digits = str(value)
        return digits if len(digits) <= 20 else f"a {len(digits)}-digit number"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "an empty list" if not value else "a list"
    if isinstance(value, np.ndarray | RaggedRows):  # a big array of numbers, read by numpy
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, refusing what is not a regular file or is too large before reading."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise NetworkFileError(f"cannot read the file: {e.strerror or e}") from None
    except ValueError as e:  # an embedded NUL
        raise NetworkFileError(f"cannot read the file: {e}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NetworkFileError("is a folder, not a network file")
        if not stat.S_ISREG(info.st_mode):
            raise NetworkFileError("is not a regular file (a device, a pipe or a socket), so it is not read")
        check_file_size(info.st_size)
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES and (chunk := os.read(fd, min(READ_CHUNK, MAX_FILE_BYTES + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        check_file_size(size)  # it may have grown since fstat
    except LimitError as e:
        raise NetworkFileError(str(e)) from None
    except OSError as e:
        raise NetworkFileError(f"cannot read the file: {e.strerror or e}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _decode(data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark is allowed); other encodings are named."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise NetworkFileError("is UTF-32 text; network files are UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NetworkFileError("is UTF-16 text; network files are UTF-8 (save it as UTF-8)")
    if b"\0" in data:
        raise NetworkFileError("contains NUL bytes: it is binary, or text in UTF-16 or UTF-32; network files are UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise NetworkFileError(f"is not UTF-8 text (byte {e.start} is 0x{data[e.start]:02x})") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"the key {quote(key)} appears twice in one object")
        obj[key] = value
    return obj


def _reject_constant(name: str) -> float:
    raise ValueError(f"non-finite number {name} in the file (JSON has no {name})")


def _check_keys(doc: dict, required: tuple[str, ...], optional: tuple[str, ...], what: str) -> None:
    missing = [k for k in required if k not in doc]
    if missing:
        raise NetworkFileError(f"{what} is missing {', '.join(missing)}")
    unknown = sorted(set(doc) - set(required) - set(optional))
    if unknown:
        names = ", ".join(quote(k, 40) for k in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        raise NetworkFileError(f"{what} has unknown field{'s' if len(unknown) > 1 else ''} {names}")


def _layer(i: int, doc: Any) -> Layer:
    if not isinstance(doc, dict):
        raise NetworkFileError(f"layer {i} must be an object, not {describe(doc)}")
    _check_keys(doc, _LAYER_KEYS[:2], _LAYER_KEYS[2:], f"layer {i}")
    weights = None if doc.get("weights") is None else _matrix(doc["weights"], f"layer {i} weights")
    bias = None if doc.get("bias") is None else _vector(doc["bias"], f"layer {i} bias")
    units = _int(doc["units"], f"layer {i} units", 1)
    return Layer(units, _text(doc["activation"], f"layer {i} activation"), weights, bias)


def _int(value: Any, what: str, minimum: int, maximum: int = MAX_WHOLE_NUMBER) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NetworkFileError(f"{what} must be a whole number, not {describe(value)}")
    if value < minimum:
        raise NetworkFileError(f"{what} must be a whole number of at least {minimum}, not {describe(value)}")
    if value > maximum:
        raise NetworkFileError(f"{what} is {describe(value)}, over the limit of {maximum:,}")
    return value


def _number(value: Any, what: str) -> float:
    if not _is_number(value):
        raise NetworkFileError(f"{what} must be a number, not {describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise NetworkFileError(f"{what} is {describe(value)}: not finite as a 64-bit float")
    return number


def _text(value: Any, what: str, multiline: bool = False) -> str:
    """A text field: a string, without unprintable characters (line breaks too, unless ``multiline``)."""
    if not isinstance(value, str):
        raise NetworkFileError(f"{what} must be text, not {describe(value)}")
    allowed = "\n\r\t" if multiline else ""
    for position, c in enumerate(value):
        if not c.isprintable() and c not in allowed and c != " ":
            raise NetworkFileError(f"{what} contains the unprintable character {repr(c)[1:-1]} at position {position}")
    return value


def _names(value: Any, what: str, count: int, of: str) -> tuple[str, ...]:
    """Optional labels, one per input or output unit; a single 0/1 output may name both its classes."""
    if not isinstance(value, list):
        raise NetworkFileError(f"data {what} must be a list of texts, not {describe(value)}")
    two_classes = what == "target_names" and count == 1 and len(value) == 2
    if value and len(value) != count and not two_classes:
        also = " (or the two class names, for 0 and 1)" if what == "target_names" and count == 1 else ""
        raise NetworkFileError(f"data {what} has {len(value)} names for {count} {of}{also}")
    return tuple(_text(v, f"data {what} item {i}") for i, v in enumerate(value))


def _matrix(value: Any, what: str, column: bool = False) -> np.ndarray:
    """A list of equal-length rows of finite numbers; with ``column``, bare numbers are rows of one."""
    if isinstance(value, RaggedRows):
        raise NetworkFileError(
            f"{what} has rows of different lengths: row 0 has {value.width}, row {value.row} has {value.length}"
        )
    if isinstance(value, np.ndarray):  # a big array, read by numpy (core/bulk_json.py)
        if value.ndim == 1 and not column:
            raise NetworkFileError(
                f"{what} must be a list of rows (lists of numbers); row 0 is {describe(value[0].item())}"
            )
        return _floats(value.reshape(len(value), -1), what)
    if not isinstance(value, list) or not value:
        raise NetworkFileError(f"{what} must be a non-empty list of rows, not {describe(value)}")
    if column and all(_is_number(v) for v in value):
        value = [[v] for v in value]
    for r, row in enumerate(value):
        if not isinstance(row, list):
            raise NetworkFileError(f"{what} must be a list of rows (lists of numbers); row {r} is {describe(row)}")
    width = len(value[0])
    if width == 0:
        raise NetworkFileError(f"{what} row 0 is empty")
    for r, row in enumerate(value):
        if len(row) != width:
            raise NetworkFileError(f"{what} has rows of different lengths: row 0 has {width}, row {r} has {len(row)}")
    if not {type(v) for row in value for v in row} <= {int, float}:  # type(): bool is not a number here
        for r, row in enumerate(value):
            for c, v in enumerate(row):
                if not _is_number(v):
                    raise NetworkFileError(f"{what} row {r} column {c} is not a number: {describe(v)}")
    return _floats(value, what)


def _vector(value: Any, what: str) -> np.ndarray:
    if not isinstance(value, list):
        raise NetworkFileError(f"{what} must be a list of numbers, not {describe(value)}")
    for i, v in enumerate(value):
        if not _is_number(v):
            raise NetworkFileError(f"{what} item {i} is not a number: {describe(v)}")
    return _floats(value, what)


def _floats(value: list, what: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except OverflowError:
        raise NetworkFileError(f"{what} contains a non-finite number (too large for a 64-bit float)") from None
    if not np.all(np.isfinite(array)):
        raise NetworkFileError(f"{what} contains a non-finite number (too large for a 64-bit float)")
    return array


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)
