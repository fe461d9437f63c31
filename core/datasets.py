"""Built-in data sets: the lesson's, the logic gates, and seeded 2-D generators written with numpy.

``DATASETS`` is the registry: each ``DatasetInfo`` has a key, a title, whether it is for
classification or regression, its parameters (default, range) and its inputs and classes.
``make(key, **params)`` gives a ``Dataset`` (X, y, names); the same parameters give the same
numbers (generators draw only from ``numpy.random.default_rng(seed)``).

A network file may hold ``"data": {"generate": KEY, PARAM: VALUE, ...}`` instead of X and y;
``from_spec`` checks such an object and makes its data set. Classes come one-hot when the
network has one output per class, as one 0/1 column when it has a single output for two classes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.limits import MAX_SEED
from core.network import Network, check_network

MAX_GENERATED = 100_000  # examples a generator makes at most
MAX_NOISE = 10.0


class DatasetError(ValueError):
    """A data set specification that cannot be used; the one-line message names the field."""


@dataclass(frozen=True)
class Param:
    """One parameter of a generator: whole number or not, default and inclusive range."""

    name: str
    default: float
    minimum: float
    maximum: float
    integer: bool = False
    help: str = ""

    def check(self, value: Any, key: str) -> float:
        """The value if it is of the right type and in range; DatasetError otherwise."""
        kind = "a whole number" if self.integer else "a number"
        span = f"{_fmt(self.minimum)} to {_fmt(self.maximum)}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DatasetError(f"{key} {self.name} must be {kind} from {span}, not {_shown(value)}")
        if self.integer and not (isinstance(value, int) or float(value).is_integer()):
            raise DatasetError(f"{key} {self.name} must be {kind} from {span}, not {_shown(value)}")
        # An int is compared exactly (math.isfinite would overflow on a 400-digit one).
        if not ((isinstance(value, int) or math.isfinite(value)) and self.minimum <= value <= self.maximum):
            raise DatasetError(f"{key} {self.name} must be {kind} from {span}, not {_shown(value)}")
        return int(value) if self.integer else float(value)


@dataclass(frozen=True)
class Dataset:
    """Examples as rows: X (m × inputs); ``labels`` are class codes (0, 1, …) or, for regression, y."""

    X: np.ndarray
    labels: np.ndarray  # m class codes, or m × 1 targets for regression
    feature_names: tuple[str, ...]
    classes: tuple[str, ...]  # class names; empty for regression
    target: str = "y"  # the regression target's name

    @property
    def is_classification(self) -> bool:
        return bool(self.classes)

    def targets(self, outputs: int | None = None) -> tuple[np.ndarray, tuple[str, ...]]:
        """y and target_names: one-hot for one output per class, a 0/1 column for one output of two classes.

        ``outputs`` None picks one 0/1 column for two classes and one-hot for more. A 0/1 column
        carries both class names, for 0 and for 1, as the network file allows.
        """
        if not self.classes:
            return self.labels.reshape(-1, 1), (self.target,)
        k = len(self.classes)
        if outputs is None:
            outputs = 1 if k == 2 else k
        if outputs == 1 and k == 2:
            return self.labels.astype(float).reshape(-1, 1), self.classes
        if outputs == k:
            return np.eye(k)[self.labels], self.classes
        raise DatasetError(
            f"the data set has {k} classes, so the network needs {k} outputs (one per class)"
            + (" or 1 output (0/1)" if k == 2 else "")
            + f", not {outputs}"
        )


@dataclass(frozen=True)
class DatasetInfo:
    """A registry entry: what the data set is and what it takes."""

    key: str
    title: str
    task: str  # "classification" or "regression"
    inputs: int
    params: tuple[Param, ...]
    make: Callable[..., Dataset]
    description: str = ""

    def classes(self, **params: Any) -> int:
        """How many classes the data set has with these parameters (0 for regression)."""
        if self.task == "regression":
            return 0
        return int(params.get("k", 3)) if any(p.name == "k" for p in self.params) else 2

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}


def _n(default: int = 200) -> Param:
    return Param("n", default, 4, MAX_GENERATED, integer=True, help="number of examples")


def _noise(default: float, help: str = "standard deviation of the Gaussian noise") -> Param:
    return Param("noise", default, 0.0, MAX_NOISE, help=help)


_SEED = Param("seed", 0, 0, MAX_SEED, integer=True, help="random seed: the same seed gives the same data")


# --- fixed data sets ------------------------------------------------------------------------


def _table(X: list[list[float]], labels: list[float], names: tuple[str, ...], classes: tuple[str, ...]) -> Dataset:
    y = np.array(labels, dtype=int if classes else float)
    return Dataset(np.array(X, dtype=float), y if classes else y.reshape(-1, 1), names, classes)


_GATE_X = [[0, 0], [0, 1], [1, 0], [1, 1]]


def or_gate() -> Dataset:
    """The OR truth table."""
    return _table(_GATE_X, [0, 1, 1, 1], ("x1", "x2"), ("0", "1"))


def and_gate() -> Dataset:
    """The AND truth table."""
    return _table(_GATE_X, [0, 0, 0, 1], ("x1", "x2"), ("0", "1"))


def xor_gate() -> Dataset:
    """The XOR truth table: no single line separates it."""
    return _table(_GATE_X, [0, 1, 1, 0], ("x1", "x2"), ("0", "1"))


def house_prices() -> Dataset:
    """The lesson's three houses: size (ft²) and rooms → price ($)."""
    X = [[1000, 2], [2000, 4], [3000, 7]]
    y = np.array([[20000.0], [30000.0], [50000.0]])
    return Dataset(np.array(X, dtype=float), y, ("size ft²", "rooms"), (), target="price $")


def mood() -> Dataset:
    """The lesson's four messages: counts of "aack" and "beep" → sad (0) or happy (1)."""
    return _table([[3, 0], [0, 2], [1, 3], [2, 1]], [1, 0, 0, 1], ("aack", "beep"), ("sad", "happy"))


# --- generators -----------------------------------------------------------------------------


def _alternating(n: int, k: int) -> np.ndarray:
    # Classes alternate (0, 1, 2, 0, 1, …) so every mini-batch sees each class.
    return np.arange(n) % k


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaved half circles."""
    rng = np.random.default_rng(seed)
    label = _alternating(n, 2)
    t = rng.uniform(0.0, np.pi, n)
    X = np.where(
        label[:, None] == 0,
        np.column_stack([np.cos(t), np.sin(t)]),
        np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)]),
    )
    X += rng.normal(0.0, noise, X.shape)
    return Dataset(X, label, ("x1", "x2"), ("upper", "lower"))


def circles(n: int = 200, noise: float = 0.05, seed: int = 0, factor: float = 0.5) -> Dataset:
    """A ring around a disc: the inner circle's radius is ``factor`` times the outer's."""
    rng = np.random.default_rng(seed)
    label = _alternating(n, 2)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    radius = np.where(label == 0, 1.0, factor)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(0.0, noise, X.shape)
    return Dataset(X, label, ("x1", "x2"), ("outer", "inner"))


def spirals(n: int = 200, noise: float = 0.2, seed: int = 0) -> Dataset:
    """Two interleaved spirals (see ``two_spirals``)."""
    X, y = two_spirals(n, seed, noise)
    return Dataset(X, y[:, 0].astype(int), ("x1", "x2"), ("spiral 0", "spiral 1"))


def two_spirals(n: int, seed: int = 0, noise: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals: X (n × 2) and labels y (n × 1), alternately 0 and 1, so half each."""
    # Each arm turns 1.75 times; the second is the first rotated by half a turn, so
    # no straight line (nor a single hidden unit) separates them.
    rng = np.random.default_rng(seed)
    label = np.arange(n) % 2
    t = rng.uniform(0.0, 1.0, n) ** 0.5 * 3.5 * np.pi  # sqrt: points spread evenly along the arms
    angle = t + np.pi * label
    radius = t / (3.5 * np.pi) * 5.0
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(0.0, noise, X.shape)
    return X, label.reshape(n, 1).astype(float)


def blobs(n: int = 200, noise: float = 1.0, seed: int = 0, k: int = 3) -> Dataset:
    """k round Gaussian clusters with centres evenly spaced on a circle of radius 3."""
    rng = np.random.default_rng(seed)
    label = _alternating(n, k)
    angle = 2 * np.pi * np.arange(k) / k + np.pi / 2
    centres = 3.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    X = centres[label] + rng.normal(0.0, noise, (n, 2))
    return Dataset(X, label, ("x1", "x2"), tuple(f"class {i}" for i in range(k)))


def noisy_line(n: int = 50, noise: float = 0.1, seed: int = 0, slope: float = 2.0, intercept: float = 1.0) -> Dataset:
    """y = slope·x + intercept + noise, x uniform in [−1, 1]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    y = slope * x + intercept + rng.normal(0.0, noise, n)
    return Dataset(x.reshape(-1, 1), y.reshape(-1, 1), ("x",), ())


def noisy_sine(n: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """y = sin(x) + noise, x uniform in [−π, π]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-np.pi, np.pi, n)
    y = np.sin(x) + rng.normal(0.0, noise, n)
    return Dataset(x.reshape(-1, 1), y.reshape(-1, 1), ("x",), ())


DATASETS: dict[str, DatasetInfo] = {
    info.key: info
    for info in (
        DatasetInfo("or", "OR gate", "classification", 2, (), or_gate, "the lesson's truth table"),
        DatasetInfo("and", "AND gate", "classification", 2, (), and_gate),
        DatasetInfo("xor", "XOR gate", "classification", 2, (), xor_gate, "not linearly separable"),
        DatasetInfo("house_prices", "House prices", "regression", 2, (), house_prices, "the lesson's three houses"),
        DatasetInfo("mood", "Mood", "classification", 2, (), mood, "the lesson's aack/beep messages"),
        DatasetInfo("moons", "Two moons", "classification", 2, (_n(), _noise(0.1), _SEED), two_moons),
        DatasetInfo(
            "circles",
            "Circles",
            "classification",
            2,
            (_n(), _noise(0.05), _SEED, Param("factor", 0.5, 0.05, 0.95, help="inner radius / outer radius")),
            circles,
        ),
        DatasetInfo("spirals", "Two spirals", "classification", 2, (_n(), _noise(0.2), _SEED), spirals),
        DatasetInfo(
            "blobs",
            "Gaussian blobs",
            "classification",
            2,
            (
                _n(),
                _noise(1.0, "standard deviation of each cluster"),
                _SEED,
                Param("k", 3, 2, 10, integer=True, help="number of classes"),
            ),
            blobs,
        ),
        DatasetInfo(
            "line",
            "Noisy line",
            "regression",
            1,
            (
                _n(50),
                _noise(0.1),
                _SEED,
                Param("slope", 2.0, -100.0, 100.0),
                Param("intercept", 1.0, -100.0, 100.0),
            ),
            noisy_line,
        ),
        DatasetInfo("sine", "Noisy sine", "regression", 1, (_n(100), _noise(0.1), _SEED), noisy_sine),
    )
}


def make(key: str, **params: Any) -> Dataset:
    """The data set ``key`` with the given parameters (the rest at their defaults), checked."""
    info = _info(key)
    return info.make(**_checked(info, params))


def from_spec(spec: Mapping[str, Any], outputs: int | None = None) -> tuple[Dataset, np.ndarray, tuple[str, ...]]:
    """The data set a ``{"generate": KEY, …}`` object describes, with y and target_names for ``outputs``."""
    key = spec.get("generate")
    if not isinstance(key, str):
        raise DatasetError(f"data generate must name a data set ({', '.join(DATASETS)}), not {key!r}")
    info = _info(key)
    data = info.make(**_checked(info, params_of(spec)))
    y, names = data.targets(outputs)
    return data, y, names


def params_of(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The generator's parameters in a data object: every field but ``generate`` and the names."""
    return {k: v for k, v in spec.items() if k not in ("generate", "feature_names", "target_names")}


def with_dataset(net: Network, key: str, **params: Any) -> Network:
    """``net`` on a built-in data set, classes fitted to its outputs; DatasetError says why it cannot be."""
    spec = spec_for(key, **params)
    data, y, target_names = from_spec(spec, net.outputs)
    if data.X.shape[1] != net.inputs:
        raise DatasetError(
            f"{DATASETS[key].title} has {data.X.shape[1]} input column{'s' * (data.X.shape[1] != 1)} "
            f"but the network has {net.inputs} inputs"
        )
    result = net.with_settings(
        X=data.X,
        Y=y,
        feature_names=data.feature_names,
        target_names=target_names,
        standardisation=None,
        data_spec=spec,
    )
    try:
        check_network(result)
    except ValueError as e:
        raise DatasetError(str(e)) from None
    return result


def spec_for(key: str, **params: Any) -> dict[str, Any]:
    """The ``data`` object of a network file for this data set, every parameter written out."""
    info = _info(key)
    return {"generate": key, **_checked(info, params)}


def _info(key: str) -> DatasetInfo:
    if key not in DATASETS:
        raise DatasetError(f"data generate: unknown data set {key!r} (known: {', '.join(DATASETS)})")
    return DATASETS[key]


def _checked(info: DatasetInfo, params: Mapping[str, Any]) -> dict[str, Any]:
    known = {p.name: p for p in info.params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        takes = f"it takes {', '.join(known)}" if known else "it takes no parameters"
        raise DatasetError(f"data has unknown field {', '.join(unknown)} for {info.key} ({takes})")
    return {name: p.check(params[name], "data") if name in params else p.default for name, p in known.items()}


def _shown(value: Any) -> str:
    """A value from a file, short enough for a one-line message."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text):,} characters)"


def _fmt(value: float) -> str:
    return f"{value:,.0f}".replace(",", "") if float(value).is_integer() else f"{value:g}"
