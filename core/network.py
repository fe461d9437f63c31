"""Networks: layers, loss, learning rate, batch size, data, and their parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from core.activations import ACTIVATIONS, activation
from core.bugs import BUGS
from core.limits import check_learning_rate, check_network_size
from core.losses import LOSSES, loss
from core.optimizers import GRADIENT_DESCENT, Optimizer, fits

Params = dict[str, np.ndarray]  # "W1", "b1", "W2", ... in layer order


@dataclass(frozen=True, eq=False)
class Standardisation:
    """How the inputs were standardised: each column x becomes (x − mean) / std."""

    mean: np.ndarray
    std: np.ndarray

    def apply(self, X: np.ndarray) -> np.ndarray:
        """Original units to the network's inputs."""
        X = np.asarray(X, dtype=float)
        with np.errstate(all="ignore"):
            out = (X - self.mean) / self.std
            # Two numbers near the largest float (±1e308) may be too far apart to subtract: scale first.
            overflowed = ~np.isfinite(out) & np.isfinite(X)
            if np.any(overflowed):
                out = np.where(overflowed, X / self.std - self.mean / self.std, out)
        return out

    def original(self, X: np.ndarray) -> np.ndarray:
        """The network's inputs back in original units."""
        return np.asarray(X, dtype=float) * self.std + self.mean

    def then(self, inner: Standardisation) -> Standardisation:
        """This standardisation followed by ``inner`` (applied to its output), as one."""
        return Standardisation(self.mean + inner.mean * self.std, self.std * inner.std)


@dataclass(frozen=True, eq=False)
class Layer:
    units: int
    activation: str
    weights: np.ndarray | None = None  # inputs × units
    bias: np.ndarray | None = None  # units


@dataclass(frozen=True)
class ViewSettings:
    """How the window showed a network when it was saved; each None leaves the window's choice."""

    mode: str | None = None  # "example" (scalar graph) or "batch" (layer graph)
    epochs: int | None = None  # the epochs of "Train N epochs"
    decimals: int | None = None  # decimals shown
    convention: str | None = None  # batches shown with examples as "rows" or as "columns"


@dataclass(frozen=True, eq=False)
class Network:
    """A feed-forward network with its training settings and data set.

    ``batch_size`` None is full batch; 1 is per-example (stochastic) descent.
    X is m × inputs; Y is m × outputs.
    """

    name: str
    inputs: int
    layers: tuple[Layer, ...]
    loss: str
    learning_rate: float
    X: np.ndarray
    Y: np.ndarray
    batch_size: int | None = None
    seed: int = 0
    description: str = ""
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()
    standardisation: Standardisation | None = None  # set when X holds standardised inputs
    # {"generate": KEY, ...} when the data came from a built-in data set (core.datasets)
    data_spec: Mapping[str, Any] | None = None
    planted_bug: str | None = None  # a core.bugs name: stepping, training and checks use its wrong gradients
    view: ViewSettings | None = None
    optimizer: Optimizer = GRADIENT_DESCENT  # how training and stepping update the parameters (core.optimizers)

    @cached_property
    def _initial(self) -> Params:
        return _initial_params(self)

    @property
    def original_X(self) -> np.ndarray:
        """The inputs in the units they came in (X itself unless standardised)."""
        return self.X if self.standardisation is None else self.standardisation.original(self.X)

    @property
    def outputs(self) -> int:
        return self.layers[-1].units

    @property
    def examples(self) -> int:
        return self.X.shape[0]

    @property
    def param_count(self) -> int:
        return sum(p.size for p in self._initial.values())

    @property
    def is_classifier(self) -> bool:
        """Whether the outputs are class probabilities for 0/1 targets."""
        probabilities = activation(self.layers[-1].activation).probabilities
        return probabilities and bool(np.all((self.Y == 0) | (self.Y == 1)))

    def initial_params(self) -> Params:
        """The starting parameters: explicit ones from the file, else seeded random ones."""
        return {k: v.copy() for k, v in self._initial.items()}

    def with_params(self, params: Mapping[str, np.ndarray]) -> Network:
        """The same network starting from the given parameters."""
        named = [layer_param_names(i) for i in range(1, len(self.layers) + 1)]
        layers = tuple(
            replace(layer, weights=np.array(params[w]), bias=np.array(params[b]))
            for layer, (w, b) in zip(self.layers, named, strict=True)
        )
        return replace(self, layers=layers)

    def with_settings(self, **changes: object) -> Network:
        """A copy with other settings (learning_rate, batch_size, ...)."""
        return replace(self, **changes)

    @property
    def batch_sizes(self) -> list[int]:
        """The number of examples in each update of an epoch, in order."""
        m = self.examples
        size = m if self.batch_size is None else min(self.batch_size, m)
        return [min(size, m - start) for start in range(0, m, size)]

    @property
    def batch_count(self) -> int:
        """Updates per epoch in batch mode."""
        return len(self.batch_sizes)

    def batches(self) -> list[np.ndarray]:
        """The example indices of each update in one epoch, in order."""
        sizes = self.batch_sizes
        starts = np.cumsum([0, *sizes[:-1]])
        return [np.arange(start, start + size) for start, size in zip(starts, sizes, strict=True)]


def layer_param_names(layer: int) -> tuple[str, str]:
    """The names of layer ``layer``'s (counted from 1) weights and bias among a network's parameters."""
    return f"W{layer}", f"b{layer}"


def param_shapes(inputs: int, layers: tuple[Layer, ...]) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    fan_in = inputs
    for i, layer in enumerate(layers, start=1):
        w, b = layer_param_names(i)
        shapes[w], shapes[b] = (fan_in, layer.units), (layer.units,)
        fan_in = layer.units
    return shapes


def _initial_params(net: Network) -> Params:
    # Missing weights: Xavier-style normal scaled by fan-in, from the network's seed;
    # missing biases start at zero.
    rng = np.random.default_rng(net.seed)
    params: Params = {}
    fan_in = net.inputs
    for i, layer in enumerate(net.layers, start=1):
        if layer.weights is not None:
            w = np.array(layer.weights, dtype=float)
        else:
            w = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, layer.units))
        b = np.zeros(layer.units) if layer.bias is None else np.array(layer.bias, dtype=float)
        params.update(zip(layer_param_names(i), (w, b), strict=True))
        fan_in = layer.units
    return params


def column_moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's mean and standard deviation (of a 1-D array: its own), computed on the column
    divided by a power of 2 near its largest magnitude, so that numbers near the largest float do not
    overflow on the way (a power of 2 divides exactly: ordinary data get numpy's numbers bit for bit)."""
    X = np.asarray(X, dtype=float)
    _, exponent = np.frexp(np.max(np.abs(X), axis=0, initial=0.0))
    scale = np.ldexp(1.0, np.maximum(exponent - 1, 0))
    unit = X / scale
    return unit.mean(axis=0) * scale, unit.std(axis=0) * scale


def standardisation_of(X: np.ndarray) -> Standardisation:
    """The standardisation giving each column mean 0 and standard deviation 1 (a constant column: std 1)."""
    mean, std = column_moments(X)
    return Standardisation(mean, np.where(std > 0, std, 1.0))


def standardized(net: Network) -> Network:
    """The same network on inputs shifted to mean 0 and scaled to standard deviation 1;
    the statistics are kept, so plots and tables can show the original units."""
    step = standardisation_of(net.X)
    done = step if net.standardisation is None else net.standardisation.then(step)
    return replace(net, X=step.apply(net.X), standardisation=done, name=f"{net.name} (standardised)")


def check_network(net: Network) -> None:
    """Raise ValueError naming the first thing that makes the network unusable."""
    if net.inputs < 1:
        raise ValueError("inputs must be at least 1")
    if not net.layers:
        raise ValueError("a network needs at least one layer")
    for i, layer in enumerate(net.layers, start=1):
        if layer.units < 1:
            raise ValueError(f"layer {i}: units must be at least 1")
        if layer.activation not in ACTIVATIONS:
            raise ValueError(
                f"layer {i}: unknown activation {layer.activation!r} (use one of {', '.join(ACTIVATIONS)})"
            )
        if activation(layer.activation).output_only and i != len(net.layers):
            raise ValueError(f"layer {i}: {layer.activation} is only supported on the output layer")
        if layer.activation == "softmax" and layer.units == 1:
            raise ValueError(
                f"layer {i}: softmax over one unit always outputs 1, so nothing can be learnt; "
                "use sigmoid for one output, or softmax over two or more classes"
            )
    # Every path to a network (a file, the editor, new data) meets the same memory budget.
    check_network_size(net.inputs, [layer.units for layer in net.layers], net.examples)
    if net.loss not in LOSSES:
        raise ValueError(f"unknown loss {net.loss!r} (use one of {', '.join(LOSSES)})")
    refusal = loss(net.loss).check_output(activation(net.layers[-1].activation))
    if refusal:
        raise ValueError(refusal)
    if net.planted_bug is not None and net.planted_bug not in BUGS:
        raise ValueError(f"unknown planted bug {net.planted_bug!r} (use one of {', '.join(BUGS)})")
    for name, shape in param_shapes(net.inputs, net.layers).items():
        layer = net.layers[int(name[1:]) - 1]
        given = layer.weights if name[0] == "W" else layer.bias
        if given is None:
            continue
        given = np.asarray(given)
        what = "weights" if name[0] == "W" else "bias"
        if given.shape != shape:
            raise ValueError(f"layer {name[1:]} {what} have shape {_shape(given.shape)}, expected {_shape(shape)}")
        if not np.all(np.isfinite(given)):
            raise ValueError(f"layer {name[1:]} {what} contain a non-finite number")
    check_learning_rate(net.learning_rate)
    unfit = fits(net.optimizer, sum(int(np.prod(shape)) for shape in param_shapes(net.inputs, net.layers).values()))
    if unfit:
        raise ValueError(f"optimizer: {unfit}")
    if net.batch_size is not None and net.batch_size < 1:
        raise ValueError("batch_size must be null (full batch) or at least 1")
    if net.seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0, not {net.seed}")
    if net.X.ndim != 2 or net.X.shape[0] == 0:
        raise ValueError("data has no examples")
    if net.X.shape[1] != net.inputs:
        raise ValueError(f"data X has {net.X.shape[1]} columns but the network has {net.inputs} inputs")
    if net.Y.shape != (net.X.shape[0], net.outputs):
        raise ValueError(
            f"data y has shape {_shape(net.Y.shape)}, expected {net.X.shape[0]}×{net.outputs} "
            "(one row per example, one column per output unit)"
        )
    if not (np.all(np.isfinite(net.X)) and np.all(np.isfinite(net.Y))):
        raise ValueError("data contain a non-finite number")
    refusal = loss(net.loss).check_targets(net.Y)
    if refusal:
        raise ValueError(refusal)


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(s) for s in shape) or "scalar"
