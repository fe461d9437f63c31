"""Where a stepping session's graphs and leaf values come from.

A session steps through passes over a graph; what the graph is, which values its
leaves take in each pass and what its parameters are called belong to the graph's
source. A network with data is one source (this module); a typed expression is
another (core/expression_source.py).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Protocol

import numpy as np

from core.build import layer_graph, leaf_values, params_from_leaves, scalar_graph, scalar_node_count
from core.curvature import cost_hessian
from core.graph import Graph
from core.network import Network, Params
from core.ops import Value
from core.optimizers import State, update
from core.stepper import NodeUpdates, StepPass, UpdateRule, record_pass
from core.text import Line, Role, Run, line
from core.update_text import newton_summary

# Above this many parameters the scalar graph is too big to draw readably: a network opens
# in the layer graph. Above this many nodes it is not offered at all.
MAX_SCALAR_PARAMS = 40
MAX_SCALAR_NODES = 1500


class Mode(enum.Enum):
    EXAMPLE = "example"  # the scalar graph, one example per update (stochastic descent)
    BATCH = "batch"  # the layer graph, one batch (full or mini) per update


class GraphSource(Protocol):
    """What a session needs from whatever it steps through."""

    name: str
    learning_rate: float

    @property
    def modes(self) -> tuple[Mode, ...]:
        """The graphs this source offers, the first being the one to open in."""

    def graph(self, mode: Mode) -> Graph: ...

    def initial_params(self) -> Params: ...

    def record(
        self, mode: Mode, params: Params, update: int, state: State | None = None, rows: Sequence[int] | None = None
    ) -> StepPass:
        """The pass of update number ``update`` (from 0) with the given parameters, its update
        continuing from the optimiser's ``state`` (None: fresh). ``rows``: the examples to cover
        instead of that update's batch (the rest of a batch, after a switch of graph)."""

    def params_from_leaves(self, graph: Graph, leaves: Mapping[str, Value], template: Params) -> Params:
        """The named parameters held by a pass's parameter leaves, shaped like ``template``."""

    def update_sizes(self, mode: Mode) -> tuple[int, ...]:
        """How many examples each update of an epoch covers."""

    def header(self, step_pass: StepPass) -> Line:
        """What a pass covers, in words: the narration's first line."""


class NetworkSource:
    """A network with its data: the scalar graph of one example, the layer graph of a batch.

    The only place that knows how parameters are named and laid out (W1, b1, …),
    how examples are batched and which rows a pass covers.
    """

    def __init__(self, network: Network) -> None:
        self.network = network

    def with_settings_of(self, network: Network) -> NetworkSource:
        """The same graphs over ``network``, which differs from this one only in its settings
        (learning rate, batch size)."""
        other = NetworkSource(network)
        for graph in ("scalar_graph", "layer_graph"):
            if graph in self.__dict__:
                other.__dict__[graph] = self.__dict__[graph]
        return other

    @property
    def name(self) -> str:
        return self.network.name

    @property
    def learning_rate(self) -> float:
        return self.network.learning_rate

    @property
    def modes(self) -> tuple[Mode, ...]:
        if not self.scalar_graph_is_drawable:
            return (Mode.BATCH,)
        return (Mode.BATCH, Mode.EXAMPLE) if self.scalar_graph_is_large else (Mode.EXAMPLE, Mode.BATCH)

    @cached_property
    def scalar_graph(self) -> Graph:
        return scalar_graph(self.network)

    @cached_property
    def layer_graph(self) -> Graph:
        return layer_graph(self.network)

    @property
    def scalar_graph_is_large(self) -> bool:
        return self.network.param_count > MAX_SCALAR_PARAMS

    @property
    def scalar_graph_is_drawable(self) -> bool:
        return scalar_node_count(self.network) <= MAX_SCALAR_NODES

    def graph(self, mode: Mode) -> Graph:
        return self.scalar_graph if mode is Mode.EXAMPLE else self.layer_graph

    def initial_params(self) -> Params:
        return self.network.initial_params()

    def record(
        self, mode: Mode, params: Params, update: int, state: State | None = None, rows: Sequence[int] | None = None
    ) -> StepPass:
        net = self.network
        if rows is not None and mode is Mode.BATCH:
            return self._record_rows(params, np.asarray(rows, dtype=int), state)
        if mode is Mode.EXAMPLE:
            i = update % net.examples
            leaves = leaf_values(self.scalar_graph, params, net.X[i], net.Y[i])
            rule = self._rule(self.scalar_graph, params, np.array([i]), state)
            return record_pass(self.scalar_graph, leaves, net.learning_rate, (i,), rule, net.planted_bug)
        batches = net.batches()
        return self._record_rows(params, batches[update % len(batches)], state)

    def _record_rows(self, params: Params, rows: np.ndarray, state: State | None) -> StepPass:
        """The layer graph's pass over the examples ``rows``."""
        net = self.network
        leaves = leaf_values(self.layer_graph, params, net.X[rows], net.Y[rows])
        rule = self._rule(self.layer_graph, params, rows, state)
        examples = tuple(rows.tolist())  # Python ints at once: 400,000 took 73 ms one by one, 19 ms so
        return record_pass(self.layer_graph, leaves, net.learning_rate, examples, rule, net.planted_bug)

    def _rule(self, graph: Graph, params: Params, rows: np.ndarray, state: State | None) -> UpdateRule | None:
        """The network's optimiser as a pass's update (None: plain gradient descent, the stepper's own)."""
        net = self.network
        if net.optimizer.name == "gd":
            return None

        def rule(olds: Mapping[str, Value], grads: Mapping[str, Value]) -> NodeUpdates:
            named_grads = params_from_leaves(graph, grads, {k: np.zeros_like(v) for k, v in params.items()})
            hessian = (lambda p: cost_hessian(net, p, rows)) if net.optimizer.name == "newton" else None
            result = update(net.optimizer, net.learning_rate, params, named_grads, state, hessian)
            new = _by_node(graph, result.params)
            quantities: dict[str, list] = {node.id: [] for node in graph.params}
            names = [name for name, _ in next(iter(result.quantities.values()), ())]
            for k, name in enumerate(names):
                values = _by_node(graph, {p: q[k][1] for p, q in result.quantities.items()})
                for node_id, value in values.items():
                    quantities[node_id].append((name, value))
            return NodeUpdates(
                new, {k: tuple(v) for k, v in quantities.items()}, net.optimizer, result.state, result.newton
            )

        return rule

    def params_from_leaves(self, graph: Graph, leaves: Mapping[str, Value], template: Params) -> Params:
        return params_from_leaves(graph, leaves, template)

    def update_sizes(self, mode: Mode) -> tuple[int, ...]:
        return (1,) * self.network.examples if mode is Mode.EXAMPLE else tuple(self.network.batch_sizes)

    def header(self, step_pass: StepPass) -> Line:
        net = self.network
        if not step_pass.graph.kind.scalar:
            rows = step_pass.examples
            span = f"examples {rows[0] + 1}–{rows[-1] + 1}" if len(rows) > 1 else f"example {rows[0] + 1}"
            text = f"Batch of {len(rows)} ({span} of {net.examples})"
        else:
            i = step_pass.examples[0]
            x = ", ".join(_number(v) for v in net.X[i])
            y = ", ".join(_number(v) for v in net.Y[i])
            text = f"Example {i + 1} of {net.examples}: x = ({x}), y = {y}"
        if net.optimizer.name == "newton":
            newton = step_pass.newton
            return line(f"{text}. ", Run(newton_summary(newton, 3), Role.NOTE) if newton else "Newton's method")
        rate = f", α = {net.learning_rate:g}"
        return line(text + rate + ("" if net.optimizer.name == "gd" else f", {net.optimizer.describe()}"))


def _by_node(graph: Graph, named: Mapping[str, np.ndarray]) -> dict[str, Value]:
    """Named arrays (W1, b1, …) split into the graph's parameter nodes' values."""
    if graph.kind.scalar:
        return {node.id: float(named[node.source.name][node.source.index]) for node in graph.params}
    return {node.id: np.array(named[node.source.name], dtype=float) for node in graph.params}


def _number(v: float) -> str:
    return f"{v:g}".replace("-", "−")


def as_source(source: GraphSource | Network) -> GraphSource:
    """A network stands for its own source."""
    return NetworkSource(source) if isinstance(source, Network) else source


def saved_mode(source: GraphSource | Network) -> Mode | None:
    """The graph a network file was saved in (its ``view`` mode), when this network can show it."""
    if not isinstance(source, Network) or source.view is None or source.view.mode is None:
        return None
    mode = Mode(source.view.mode)
    return mode if mode in NetworkSource(source).modes else None
