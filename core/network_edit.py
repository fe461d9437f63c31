"""What the network editor needs from the engine: a network built from the editor's choices,
why a choice cannot be applied (from check_network, the one place the rules live), the
scalar graph's readability limit, and data of the right shape when the old data no longer fits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from core.activations import ACTIVATIONS
from core.build import scalar_node_count
from core.limits import MAX_LAYERS, MEMORY_BUDGET_BYTES, LimitError, check_network_size, human_bytes
from core.losses import LOSSES
from core.network import Layer, Network, Params, check_network, param_shapes
from core.source import MAX_SCALAR_NODES, MAX_SCALAR_PARAMS


@dataclass(frozen=True)
class LayerChoice:
    units: int
    activation: str


def activation_names() -> tuple[str, ...]:
    """Every activation the engine has (core.activations' registry)."""
    return tuple(ACTIVATIONS)


def loss_names() -> tuple[str, ...]:
    return tuple(LOSSES)


def with_structure(
    net: Network,
    inputs: int,
    layers: tuple[LayerChoice, ...],
    loss: str,
    learning_rate: float,
    batch_size: int | None,
) -> Network:
    """``net`` with another structure and settings; its weights and data are kept as they are
    (so they may no longer fit: ``problem`` says so)."""
    return replace(
        net,
        inputs=inputs,
        layers=tuple(Layer(c.units, c.activation) for c in layers),
        loss=loss,
        learning_rate=learning_rate,
        batch_size=batch_size,
    )


def problem(net: Network) -> str | None:
    """Why the network cannot be used, in one sentence, or None."""
    try:
        check_network(net)
    except ValueError as e:
        return str(e)
    return None


def limit_problem(net: Network, examples: int) -> str | None:
    """Which of the engine's documented size limits (core/limits.py) the network on ``examples``
    examples would break, or None; asked before any array of that size is made."""
    if len(net.layers) > MAX_LAYERS:
        return f"the network has {len(net.layers)} layers, over the limit of {MAX_LAYERS}"
    try:
        check_network_size(net.inputs, [layer.units for layer in net.layers], examples)
    except LimitError as e:
        return str(e)
    return None


def engine_limits() -> str:
    """The engine's documented size limits, in one sentence (there is no cap on units as such)."""
    return (
        f"Engine limits: at most {MAX_LAYERS} layers, and a network's arrays (parameters, data and one "
        f"value per unit and example) within {human_bytes(MEMORY_BUDGET_BYTES)}."
    )


def structure_problem(net: Network) -> str | None:
    """Why the layers, loss and settings cannot work together, whatever the data."""
    too_big = limit_problem(net, examples=1)
    if too_big is not None:
        return too_big
    X, Y = fitting_data(net, examples=1, seed=0)
    return problem(replace(net, X=X, Y=Y))


def loss_problems(net: Network) -> dict[str, str | None]:
    """For each loss, why it cannot go with this network's layers, or None where it can."""
    return {loss: _pairing_problem(replace(net, loss=loss)) for loss in LOSSES}


def activation_problems(net: Network, layer: int) -> dict[str, str | None]:
    """For each activation, why layer ``layer`` (from 0) cannot have it with this loss, or None."""
    out = {}
    for name in ACTIVATIONS:
        layers = list(net.layers)
        layers[layer] = Layer(layers[layer].units, name)
        out[name] = _pairing_problem(replace(net, layers=tuple(layers)))
    return out


def _pairing_problem(net: Network) -> str | None:
    # Only the rules between activations, their places and the loss, on a stand-in of two units a
    # layer: sizes (a softmax needs two units or more) are explained apart, in the problem line.
    layers = tuple(Layer(2, layer.activation) for layer in net.layers)
    return structure_problem(replace(net, inputs=1, layers=layers, learning_rate=1.0, batch_size=None, seed=0))


def data_problem(net: Network) -> str | None:
    """Why the network's data does not fit its inputs and outputs, or None."""
    X, Y = net.X, net.Y
    if X.ndim != 2 or X.shape[1] != net.inputs or Y.ndim != 2 or Y.shape[1] != net.outputs:
        return (
            f"the data has {X.shape[1]} input column{'s' * (X.shape[1] != 1)} and {Y.shape[1]} target "
            f"column{'s' * (Y.shape[1] != 1)}; this network needs {net.inputs} and {net.outputs}"
        )
    return None


def fitting_data(net: Network, examples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A generated data set of the network's shape: inputs drawn from a standard normal, targets
    from a fixed random teacher (one class per example for softmax, 0/1 for sigmoid, else a
    smooth function), so there is something to learn. The same arguments give the same data."""
    X, Y = _teacher_data(net.inputs, net.outputs, net.layers[-1].activation, net.loss, examples, seed)
    return X.copy(), Y.copy()


TEACHER_RANK = 8  # the teacher maps inputs to outputs through this many directions at most


@lru_cache(maxsize=4)  # the editor asks again on every change while the box is ticked
def _teacher_data(
    inputs: int, outputs: int, activation: str, loss: str, examples: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(examples, inputs))
    # Low rank, so a wide network's teacher stays as small as its data.
    rank = min(outputs, TEACHER_RANK)
    hidden = np.tanh(X @ rng.normal(size=(inputs, rank)) / np.sqrt(inputs))
    scores = hidden @ rng.normal(size=(rank, outputs)) + 0.5 * np.sin(2 * X[:, :1])
    if activation == "softmax":
        Y = np.zeros((examples, outputs))
        Y[np.arange(examples), scores.argmax(axis=1)] = 1.0
    elif activation == "sigmoid" or loss == "log_loss":
        Y = (scores > 0).astype(float)
    else:
        Y = scores
    return np.round(X, 3), np.round(Y, 3)


def with_fitting_data(net: Network, examples: int, seed: int) -> Network:
    X, Y = fitting_data(net, examples, seed)
    # No longer the data a generator spec or a standardisation describes.
    return replace(net, X=X, Y=Y, feature_names=(), target_names=(), standardisation=None, data_spec=None)


def fitted_params(shapes: dict[str, tuple[int, ...]], kept: Params, fresh: Callable[[], Params]) -> Params:
    """Each parameter from ``kept`` where its shape still fits, else from ``fresh()`` (drawn only if needed)."""
    fits = {name: name in kept and kept[name].shape == shape for name, shape in shapes.items()}
    drawn = {} if all(fits.values()) else fresh()
    return {name: np.array(kept[name] if fits[name] else drawn[name], dtype=float) for name in shapes}


def shapes_of(net: Network) -> dict[str, tuple[int, ...]]:
    return param_shapes(net.inputs, net.layers)


@dataclass(frozen=True)
class GraphSize:
    params: int
    scalar_nodes: int

    @property
    def opens_in_layer_graph(self) -> bool:
        return self.params > MAX_SCALAR_PARAMS

    @property
    def scalar_graph_offered(self) -> bool:
        return self.scalar_nodes <= MAX_SCALAR_NODES

    def explanation(self) -> str:
        """What the size means for the graphs, in one or two sentences."""
        counts = f"{self.params:,} parameters; the scalar graph would have {self.scalar_nodes:,} nodes."
        if not self.scalar_graph_offered:
            return (
                f"{counts} Above {MAX_SCALAR_NODES:,} nodes it cannot be drawn readably, so this network "
                "steps in the layer graph only."
            )
        if self.opens_in_layer_graph:
            return (
                f"{counts} Above {MAX_SCALAR_PARAMS} parameters it opens in the layer graph (one node per weight "
                "is hard to read); the toolbar still switches to the scalar graph."
            )
        return f"{counts} It opens in the scalar graph (up to {MAX_SCALAR_PARAMS} parameters)."


def graph_size(net: Network) -> GraphSize:
    shapes = shapes_of(net)
    return GraphSize(sum(int(np.prod(s)) for s in shapes.values()), scalar_node_count(net))
