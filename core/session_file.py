"""The session file format, ``backprop-stepper.session/1`` (JSON, never pickle); see the README.

A session file holds everything needed to come back exactly: the network (its file format, with
the initial weights), the stepping state (``core.session.Snapshot``: parameters, the passes to
step back into as a replay recipe, cost histories, cursor, a planted bug), the selected node, what
the window showed, and the walkthrough's named stops (each a state of its own). Numbers are written as
Python writes floats, so they read back bit for bit; a NaN or infinite number (a diverged step)
is written as the text "NaN", "Infinity" or "-Infinity".
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core import bulk_json, network_file
from core.bugs import BUGS
from core.cost_history import CostHistory
from core.limits import THEME_SCALE_RANGE
from core.network import Network, check_network
from core.network_file import (
    NetworkFileError,
    _check_keys,
    _decode,
    _int,
    _number,
    _read_bytes,
    _reject_constant,
    _text,
    _unique_keys,
    describe,
    one_line,
    write_atomically,
)
from core.optimizers import NAMES, OptimizerError, State, from_value
from core.session import Mode, PassRun, Snapshot

FORMAT = "backprop-stepper.session/1"
_FORMAT_PATTERN = re.compile(r"backprop-stepper\.session/(\d+)")
MAX_STOPS = 100
MAX_STOP_NAME = 200  # characters
MAX_PASSES = 100_000  # passes one state replays on opening
MAX_COUNT = 2**53  # updates, history points, bin widths: exact as 64-bit floats
MIN_ZOOM, MAX_ZOOM = 1e-4, 1e4
VIEW_KEYS = ("decimals", "convention", "epochs", "follow", "zoom", "centre", "theme", "font_scale", "panel")
_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class SessionFileError(ValueError):
    """A session file that cannot be used; the message names the field and the problem in one line."""


@dataclass(frozen=True)
class Stop:
    """A named place in the walk-through and the exact state there."""

    name: str
    snapshot: Snapshot
    selected: str | None = None  # the node whose chain rule the panel showed


@dataclass(frozen=True)
class SessionDocument:
    """What a session file holds, checked."""

    snapshot: Snapshot
    selected: str | None = None
    view: Mapping[str, Any] = field(default_factory=dict)  # only the keys in VIEW_KEYS, each checked
    stops: tuple[Stop, ...] = ()


# -- writing -------------------------------------------------------------------------------


def to_dict(doc: SessionDocument) -> dict[str, Any]:
    """The session document (JSON-ready)."""
    base = doc.snapshot.network.with_settings(view=None, planted_bug=None)
    return {
        "format": FORMAT,
        "network": network_file.to_dict(base),
        "state": _state_doc(doc.snapshot, doc.selected),
        "view": dict(doc.view),
        "stops": [{"name": stop.name, "state": _state_doc(stop.snapshot, stop.selected)} for stop in doc.stops],
    }


def dumps(doc: SessionDocument) -> str:
    return json.dumps(to_dict(doc), allow_nan=False)


def save(doc: SessionDocument, path: str | os.PathLike[str]) -> None:
    """Write the session atomically: a failed write leaves any existing file as it was."""
    write_atomically(Path(path), dumps(doc))


def _state_doc(snapshot: Snapshot, selected: str | None) -> dict[str, Any]:
    net = snapshot.network
    planted = {} if net.planted_bug is None else {"planted_bug": net.planted_bug}  # absent: none (as before)
    return {
        "mode": snapshot.mode.value,
        "learning_rate": net.learning_rate,
        "batch_size": net.batch_size,
        "optimizer": net.optimizer.to_dict(),
        "params": _named_arrays(snapshot.params),
        "first_params": _named_arrays(snapshot.first_params),
        "optimizer_state": _optimizer_state_doc(snapshot.optimizer_state),
        "passes": [_pass_run_doc(run) for run in snapshot.passes],
        "updates": snapshot.updates,
        "epoch_offset": snapshot.epoch_offset,
        "start_example": snapshot.start_example,
        "epoch_carry": list(snapshot.epoch_carry),
        "cursor": snapshot.cursor,
        "history": _history_doc(snapshot.history),
        "update_history": _history_doc(snapshot.update_history),
        "selected_node": selected,
        **planted,
    }


def _pass_run_doc(run: PassRun) -> dict[str, Any]:
    doc = {"count": run.count, "learning_rate": run.learning_rate, "optimizer": run.optimizer.to_dict()}
    return doc if run.planted_bug is None else doc | {"planted_bug": run.planted_bug}  # absent: none


def _optimizer_state_doc(state: State | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {"name": state.name, "t": state.t, "v": _named_arrays(state.v), "m": _named_arrays(state.m)}


def _history_doc(history: CostHistory) -> dict[str, Any]:
    state = history.to_state()
    return {
        "epochs": _numbers(state["epochs"]),
        "costs": _numbers(state["costs"]),
        "total": state["total"],
        "last": None if state["last"] is None else _numbers(np.array(state["last"])),
        "levels": [_bins_doc(level) for level in state["levels"]],
        "overview": _bins_doc(state["overview"]),
    }


def _bins_doc(bins: dict[str, Any]) -> dict[str, Any]:
    return {k: v if k in ("size", "dropped") else _numbers(v) for k, v in bins.items()}


def _named_arrays(arrays: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _numbers(np.asarray(value, dtype=float)) for name, value in arrays.items()}


def _numbers(array: np.ndarray) -> Any:
    """An array as nested lists of floats; NaN and infinities as their names (JSON has no literal)."""
    if array.ndim == 0:
        value = float(array)
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    if np.all(np.isfinite(array)):
        return array.tolist()
    return [_numbers(row) for row in array]


# -- reading -------------------------------------------------------------------------------


def load(path: str | os.PathLike[str]) -> SessionDocument:
    """Read and check a session file; any problem is a SessionFileError naming it."""
    document = load_any(path)
    if not isinstance(document, SessionDocument):
        raise SessionFileError("is a network file, not a session (open it as a network)")
    return document


def load_any(path: str | os.PathLike[str]) -> SessionDocument | Network:
    """A session file or a network file, told apart by its ``format``; errors as each format's."""
    try:
        text = _decode(_read_bytes(path))
    except NetworkFileError as e:
        raise SessionFileError(str(e)) from None
    try:
        return loads_any(text, default_name=Path(path).stem)
    except MemoryError:
        raise SessionFileError("there is not enough memory to read it") from None


def loads_any(text: str, default_name: str = "network") -> SessionDocument | Network:
    doc = _parse(text)
    if is_session(doc):
        return from_dict(doc)
    try:
        return network_file.from_dict(doc, default_name)
    except NetworkFileError as e:
        raise SessionFileError(str(e)) from None


def loads(text: str) -> SessionDocument:
    return from_dict(_parse(text))


def is_session(doc: Any) -> bool:
    """Whether a parsed document says it is a session (of any version)."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("format"), str)
        and doc["format"].startswith("backprop-stepper.session")
    )


def _parse(text: str) -> Any:
    try:
        return bulk_json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise SessionFileError(f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise SessionFileError("not usable JSON: arrays or objects are nested too deeply") from None
    except ValueError as e:
        raise SessionFileError(one_line(str(e))) from None


def from_dict(doc: Any) -> SessionDocument:
    """Build a checked session from a parsed session document."""
    try:
        return _session(doc)
    except SessionFileError:
        raise
    except (NetworkFileError, ValueError) as e:
        raise SessionFileError(one_line(str(e))) from None


def _session(doc: Any) -> SessionDocument:
    if not isinstance(doc, dict):
        raise SessionFileError(f"the file must hold one JSON object, not {describe(doc)}")
    tag = doc.get("format")
    match = _FORMAT_PATTERN.fullmatch(tag) if isinstance(tag, str) else None
    if match and int(match.group(1)) > 1:
        raise SessionFileError(
            f"the session format {tag!r} was made by a newer Backprop Stepper; this one reads session/1"
        )
    if tag != FORMAT:
        raise SessionFileError(f"unknown format tag {describe(tag)}, expected {FORMAT!r}")
    _check_keys(doc, ("format", "network", "state"), ("view", "stops"), "the session")
    try:
        base = network_file.from_dict(doc["network"], "network")
    except NetworkFileError as e:
        raise SessionFileError(f"network: {e}") from None
    snapshot, selected = _state(doc["state"], base, "state")
    stops_doc = doc.get("stops", [])
    if not isinstance(stops_doc, list):
        raise SessionFileError(f"stops must be a list, not {describe(stops_doc)}")
    if len(stops_doc) > MAX_STOPS:
        raise SessionFileError(f"stops has {len(stops_doc):,} stops, over the limit of {MAX_STOPS}")
    stops = tuple(_stop(stop, base, f"stop {i + 1}") for i, stop in enumerate(stops_doc))
    return SessionDocument(snapshot, selected, _view(doc.get("view", {})), stops)


def _stop(doc: Any, base: Network, what: str) -> Stop:
    if not isinstance(doc, dict):
        raise SessionFileError(f"{what} must be an object with name and state, not {describe(doc)}")
    _check_keys(doc, ("name", "state"), (), what)
    name = _text(doc["name"], f"{what} name")
    if not name.strip() or len(name) > MAX_STOP_NAME:
        raise SessionFileError(f"{what} name must be 1 to {MAX_STOP_NAME} characters, not {len(name):,}")
    snapshot, selected = _state(doc["state"], base, f"{what} state")
    return Stop(name, snapshot, selected)


_STATE_KEYS = (
    "mode",
    "learning_rate",
    "batch_size",
    "optimizer",
    "params",
    "first_params",
    "optimizer_state",
    "passes",
    "updates",
    "epoch_offset",
    "cursor",
    "history",
    "update_history",
)


def _state(doc: Any, base: Network, what: str) -> tuple[Snapshot, str | None]:
    """A state object: the snapshot (checked as far as can be without recording its passes) and the
    selected node."""
    if not isinstance(doc, dict):
        raise SessionFileError(f"{what} must be an object, not {describe(doc)}")
    _check_keys(doc, _STATE_KEYS, ("selected_node", "start_example", "epoch_carry", "planted_bug"), what)
    mode_value = doc["mode"]
    if mode_value not in ("example", "batch"):
        raise SessionFileError(f"{what} mode must be 'example' or 'batch', not {describe(mode_value)}")
    network = base.with_settings(
        learning_rate=_number(doc["learning_rate"], f"{what} learning_rate"),
        batch_size=None if doc["batch_size"] is None else _int(doc["batch_size"], f"{what} batch_size", 1),
        optimizer=_optimizer(doc["optimizer"], f"{what} optimizer"),
        planted_bug=_planted_bug(doc.get("planted_bug"), f"{what} planted_bug"),
    )
    try:
        check_network(network)
    except ValueError as e:
        raise SessionFileError(f"{what}: {one_line(str(e))}") from None
    shapes = {name: value.shape for name, value in base.initial_params().items()}
    passes = _passes(doc["passes"], f"{what} passes")
    snapshot = Snapshot(
        network=network,
        mode=Mode(mode_value),
        params=_params(doc["params"], shapes, f"{what} params"),
        first_params=_params(doc["first_params"], shapes, f"{what} first_params"),
        optimizer_state=_optimizer_state(doc["optimizer_state"], shapes, f"{what} optimizer_state"),
        passes=passes,
        updates=_int(doc["updates"], f"{what} updates", 0, MAX_COUNT),
        epoch_offset=_epoch(doc["epoch_offset"], f"{what} epoch_offset"),
        history=_history(doc["history"], f"{what} history"),
        update_history=_history(doc["update_history"], f"{what} update_history"),
        cursor=_int(doc["cursor"], f"{what} cursor", 0),
        start_example=_int(doc.get("start_example", 0), f"{what} start_example", 0, base.examples - 1),
        epoch_carry=_carry(doc.get("epoch_carry", [0.0, 0]), base.examples, f"{what} epoch_carry"),
    )
    selected = doc.get("selected_node")
    if selected is not None:
        selected = _text(selected, f"{what} selected_node")
    try:
        graph = snapshot.check()
    except ValueError as e:
        raise SessionFileError(f"{what}: {one_line(str(e))}") from None
    if selected is not None and selected not in graph:
        raise SessionFileError(f"{what} selected_node {selected!r} is not a node of the {mode_value} graph")
    return snapshot, selected


def _planted_bug(value: Any, what: str) -> str | None:
    """A core.bugs name, or None (null or absent: no bug)."""
    if value is not None and (not isinstance(value, str) or value not in BUGS):
        raise SessionFileError(f"{what} must be null or one of {', '.join(BUGS)}, not {describe(value)}")
    return value


def _optimizer(value: Any, what: str):
    try:
        return from_value(value)
    except OptimizerError as e:
        raise SessionFileError(f"{what}: {one_line(str(e))}") from None


def _passes(value: Any, what: str) -> tuple[PassRun, ...]:
    if not isinstance(value, list):
        raise SessionFileError(f"{what} must be a list, not {describe(value)}")
    runs, total = [], 0
    for i, run in enumerate(value):
        where = f"{what} item {i}"
        if not isinstance(run, dict):
            raise SessionFileError(f"{where} must be an object with count, learning_rate, optimizer")
        _check_keys(run, ("count", "learning_rate", "optimizer"), ("planted_bug",), where)
        count = _int(run["count"], f"{where} count", 1, MAX_PASSES)
        total += count
        if total > MAX_PASSES:
            raise SessionFileError(f"{what} holds more than {MAX_PASSES:,} passes")
        rate = _number(run["learning_rate"], f"{where} learning_rate")
        optimizer = _optimizer(run["optimizer"], f"{where} optimizer")
        runs.append(PassRun(count, rate, optimizer, _planted_bug(run.get("planted_bug"), f"{where} planted_bug")))
    return tuple(runs)


def _carry(value: Any, examples: int, what: str) -> tuple[float, int]:
    """The epoch in progress when the current segment began: [Σ loss × examples, examples]."""
    if not isinstance(value, list) or len(value) != 2:
        raise SessionFileError(f"{what} must be [sum of losses × examples, examples], not {describe(value)}")
    return _number(value[0], f"{what} sum"), _int(value[1], f"{what} examples", 0, max(examples - 1, 0))


def _epoch(value: Any, what: str) -> float:
    epoch = _number(value, what)
    if not 0 <= epoch <= MAX_COUNT:
        raise SessionFileError(f"{what} must be from 0 to {MAX_COUNT:,}, not {describe(value)}")
    return epoch


def _params(value: Any, shapes: Mapping[str, tuple[int, ...]], what: str) -> dict[str, np.ndarray]:
    """Named arrays of exactly the network's parameters and shapes."""
    if not isinstance(value, dict):
        raise SessionFileError(f"{what} must be an object of named arrays, not {describe(value)}")
    _check_keys(value, tuple(shapes), (), what)
    return {name: _array(value[name], shapes[name], f"{what} {name}") for name in shapes}


def _optimizer_state(value: Any, shapes: Mapping[str, tuple[int, ...]], what: str) -> State | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SessionFileError(f"{what} must be null or an object with name, t, v, m, not {describe(value)}")
    _check_keys(value, ("name", "t", "v", "m"), (), what)
    if value["name"] not in NAMES:
        raise SessionFileError(f"{what} name must be one of {', '.join(NAMES)}, not {describe(value['name'])}")
    moments = {}
    for key in ("v", "m"):
        arrays = value[key]
        if not isinstance(arrays, dict):
            raise SessionFileError(f"{what} {key} must be an object of named arrays, not {describe(arrays)}")
        if arrays:
            moments[key] = _params(arrays, shapes, f"{what} {key}")
    return State(value["name"], _int(value["t"], f"{what} t", 0, MAX_COUNT), moments.get("v", {}), moments.get("m", {}))


def _history(value: Any, what: str) -> CostHistory:
    if not isinstance(value, dict):
        raise SessionFileError(f"{what} must be an object, not {describe(value)}")
    _check_keys(value, ("epochs", "costs", "total", "last", "levels", "overview"), (), what)
    levels = value["levels"]
    if not isinstance(levels, list):
        raise SessionFileError(f"{what} levels must be a list, not {describe(levels)}")
    last = value["last"]
    state = {
        "epochs": _vector(value["epochs"], f"{what} epochs"),
        "costs": _vector(value["costs"], f"{what} costs"),
        "total": _int(value["total"], f"{what} total", 0, MAX_COUNT),
        "last": None if last is None else _array(last, (2,), f"{what} last"),
        "levels": [_bins(level, f"{what} level {k + 1}") for k, level in enumerate(levels)],
        "overview": _bins(value["overview"], f"{what} overview"),
    }
    try:
        return CostHistory.from_state(state)
    except ValueError as e:
        raise SessionFileError(f"{what} {one_line(str(e))}") from None


def _bins(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SessionFileError(f"{what} must be an object, not {describe(value)}")
    keys = ("size", "start", "lo", "hi", "dropped", "pending_epochs", "pending_costs")
    _check_keys(value, keys, (), what)
    bins = {k: _vector(value[k], f"{what} {k}") for k in keys if k not in ("size", "dropped")}
    bins["size"] = _int(value["size"], f"{what} size", 1, MAX_COUNT)
    bins["dropped"] = value["dropped"]
    return bins


def _vector(value: Any, what: str) -> np.ndarray:
    if not isinstance(value, list):
        raise SessionFileError(f"{what} must be a list of numbers, not {describe(value)}")
    return _array(value, (len(value),), what)


def _array(value: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Nested lists of exactly ``shape``, of numbers or "NaN", "Infinity", "-Infinity"."""
    out = np.empty(shape)
    flat = out.reshape(-1)
    position = 0

    def fill(item: Any, depth: int, where: str) -> None:
        nonlocal position
        if depth == len(shape):
            flat[position] = _float(item, where)
            position += 1
            return
        if not isinstance(item, list) or len(item) != shape[depth]:
            wanted = "×".join(str(n) for n in shape[depth:])
            raise SessionFileError(f"{where} must be a {wanted} list of numbers, not {describe(item)}")
        for i, element in enumerate(item):
            fill(element, depth + 1, f"{where}[{i}]")

    fill(value, 0, what)
    return out


def _float(value: Any, what: str) -> float:
    """A number as network files hold them, or the text "NaN", "Infinity" or "-Infinity"."""
    if isinstance(value, str) and value in _SPECIAL:
        return _SPECIAL[value]
    return _number(value, what)


def _view(value: Any) -> dict[str, Any]:
    """What the window showed: each key optional, each checked; the window applies what it knows."""
    if not isinstance(value, dict):
        raise SessionFileError(f"view must be an object, not {describe(value)}")
    _check_keys(value, (), VIEW_KEYS, "view")
    view: dict[str, Any] = {}
    for key, item in value.items():
        where = f"view {key}"
        if key == "decimals":
            view[key] = _int(item, where, 1, 12)
        elif key == "epochs":
            view[key] = _int(item, where, 1, 10_000_000)
        elif key == "convention":
            if item not in ("rows", "columns"):
                raise SessionFileError(f"{where} must be 'rows' or 'columns', not {describe(item)}")
            view[key] = item
        elif key == "follow":
            if not isinstance(item, bool):
                raise SessionFileError(f"{where} must be true or false, not {describe(item)}")
            view[key] = item
        elif key == "zoom":
            view[key] = _within(_number(item, where), MIN_ZOOM, MAX_ZOOM, where)
        elif key == "font_scale":
            view[key] = _within(_number(item, where), *THEME_SCALE_RANGE, where)
        elif key == "centre":
            centre = _array(item, (2,), where)
            if not np.all(np.isfinite(centre)) or np.any(np.abs(centre) > 1e9):
                raise SessionFileError(f"{where} must be two finite numbers within ±1e9")
            view[key] = centre.tolist()
        else:  # theme, panel: names the window knows (it ignores one it does not)
            view[key] = _text(item, where)
            if len(item) > 40:
                raise SessionFileError(f"{where} must be a name of at most 40 characters")
    return view


def _within(value: float, low: float, high: float, what: str) -> float:
    if not low <= value <= high:
        raise SessionFileError(f"{what} must be from {low:g} to {high:g}, not {value!r}")
    return value
