"""Turn a network into its two computation graphs.

The scalar graph covers one example with one node per product w·x, per sum,
per activation and one for the loss: the shape of the OR-gate walkthrough.
The layer graph covers a batch with matrix nodes X·W, +b, activation, loss
and mean. Labels follow the lesson: w_ij joins input i to unit j, a layer of
one unit has w1, w2, b, and the output is ŷ.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from core import ops
from core.bugs import op_set
from core.graph import Graph, GraphKind, Node, NodeKind, Source
from core.network import Network, Params
from core.ops import Value

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def scalar_graph(net: Network) -> Graph:
    """The graph of one example, one node per scalar operation."""
    names = _ScalarNames(net)
    opset = op_set(net.planted_bug)
    nodes: list[Node] = []
    previous = []  # ids of the previous layer's outputs, starting with the inputs
    for i in range(net.inputs):
        nodes.append(Node(f"x{i + 1}", NodeKind.INPUT, f"x{i + 1}", source=Source("X", (i,))))
        previous.append(f"x{i + 1}")
    labels = {node.id: node.label for node in nodes}  # of the inputs, then of each layer's outputs
    outputs = []
    for k in range(net.outputs):
        label = "y" if net.outputs == 1 else f"y{k + 1}"
        nodes.append(Node(f"y{k + 1}", NodeKind.TARGET, label, source=Source("Y", (k,)), layer=len(net.layers) + 1))
    for li, layer in enumerate(net.layers, start=1):
        z_ids = []
        for j in range(layer.units):
            terms = []
            for i, prev in enumerate(previous):
                w_id, w_label = f"W{li}[{i},{j}]", names.weight(li, i, j)
                nodes.append(Node(w_id, NodeKind.PARAM, w_label, source=Source(f"W{li}", (i, j)), layer=li))
                product = f"mul:{w_id}"
                label = f"{w_label}·{labels[prev]}"
                nodes.append(Node(product, NodeKind.OP, label, opset.multiply, (w_id, prev), layer=li))
                terms.append(product)
            b_id = f"b{li}[{j}]"
            nodes.append(Node(b_id, NodeKind.PARAM, names.bias(li, j), source=Source(f"b{li}", (j,)), layer=li))
            z_id = f"z:{li},{j}"
            nodes.append(Node(z_id, NodeKind.OP, names.z(li, j), opset.add, (*terms, b_id), layer=li))
            z_ids.append(z_id)
        a_ids = []
        definition = opset.activation(layer.activation)
        a_labels = tuple(names.a(li, j) for j in range(layer.units))
        for j in range(len(z_ids)):
            a_id = f"a:{li},{j}"
            op = definition.scalar_op(j, a_labels)
            inputs = definition.scalar_inputs(z_ids, j)
            nodes.append(Node(a_id, NodeKind.OP, a_labels[j], op, inputs, layer=li))
            labels[a_id] = a_labels[j]
            a_ids.append(a_id)
        previous = a_ids
        outputs = a_ids
    targets = tuple(f"y{k + 1}" for k in range(net.outputs))
    nodes.append(
        Node(
            "L",
            NodeKind.OP,
            "L",
            ops.ScalarLoss(opset.loss(net.loss)),
            (*outputs, *targets),
            layer=len(net.layers) + 1,
        )
    )
    return Graph(tuple(nodes), GraphKind.SCALAR)  # each node added after its inputs


def scalar_node_count(net: Network) -> int:
    """How many nodes scalar_graph(net) would have, without building it."""
    count, fan_in = net.inputs + net.outputs + 1, net.inputs  # inputs, targets, the loss
    for layer in net.layers:
        # per unit: a weight and a product per input, then a bias, a sum and an activation
        count += layer.units * (2 * fan_in + 3)
        fan_in = layer.units
    return count


def layer_graph(net: Network) -> Graph:
    """The graph of a batch, one node per matrix operation."""
    many = len(net.layers) > 1
    opset = op_set(net.planted_bug)
    nodes = [Node("X", NodeKind.INPUT, "X", source=Source("X"))]
    previous, previous_label = "X", "X"
    last = len(net.layers)
    nodes.append(Node("Y", NodeKind.TARGET, "Y", source=Source("Y"), layer=last + 1))
    for li, layer in enumerate(net.layers, start=1):
        suffix = str(li) if many else ""
        w_id, b_id = f"W{li}", f"b{li}"
        nodes.append(Node(w_id, NodeKind.PARAM, f"W{suffix}", source=Source(w_id), layer=li))
        nodes.append(
            Node(
                f"XW{li}", NodeKind.OP, f"{previous_label}·W{suffix}", opset.matmul, (previous, w_id), layer=li
            )
        )
        nodes.append(Node(b_id, NodeKind.PARAM, f"b{suffix}", source=Source(b_id), layer=li))
        nodes.append(Node(f"Z{li}", NodeKind.OP, f"Z{suffix}", opset.add_bias, (f"XW{li}", b_id), layer=li))
        op = opset.activation(layer.activation).layer_op()
        label = "Ŷ" if li == last else f"A{suffix}"
        nodes.append(Node(f"A{li}", NodeKind.OP, label, op, (f"Z{li}",), layer=li))
        previous, previous_label = f"A{li}", label
    nodes.append(Node("L", NodeKind.OP, "L", ops.RowLoss(opset.loss(net.loss)), (previous, "Y"), layer=last + 1))
    nodes.append(Node("C", NodeKind.OP, "C", opset.mean, ("L",), layer=last + 1))
    return Graph(tuple(nodes), GraphKind.LAYER)  # each node added after its inputs


def leaf_values(graph: Graph, params: Params, X: np.ndarray, Y: np.ndarray) -> dict[str, Value]:
    """The leaves' values: one example (X, Y rows) for the scalar graph, a batch for the layer graph."""
    data = {"X": X, "Y": Y}
    values: dict[str, Value] = {}
    for node in graph.leaves:
        source = node.source
        array = data[source.name] if source.name in data else params[source.name]
        values[node.id] = float(array[source.index]) if graph.kind.scalar else np.array(array, dtype=float)
    return values


def params_from_leaves(graph: Graph, leaves: Mapping[str, Value], template: Params) -> Params:
    """Gather parameter node values back into named arrays shaped like ``template``."""
    params = {k: np.array(v, dtype=float) for k, v in template.items()}
    for node in graph.params:
        if graph.kind.scalar:
            params[node.source.name][node.source.index] = leaves[node.id]
        else:
            params[node.source.name] = np.array(leaves[node.id], dtype=float)
    return params


class _ScalarNames:
    """Lesson labels; layer superscripts are added only where labels would clash."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.tagged = False
        labels = [self.weight(li, i, j) for li, i, j in self._weight_indices()]
        labels += [self.bias(li, j) for li, layer in enumerate(net.layers, 1) for j in range(layer.units)]
        labels += [
            f(li, j) for f in (self.z, self.a) for li, layer in enumerate(net.layers, 1) for j in range(layer.units)
        ]
        self.tagged = len(labels) != len(set(labels))

    def _weight_indices(self):
        fan_in = self.net.inputs
        for li, layer in enumerate(self.net.layers, 1):
            for i in range(fan_in):
                for j in range(layer.units):
                    yield li, i, j
            fan_in = layer.units

    def _tag(self, label: str, li: int) -> str:
        return f"{label}{str(li).translate(_SUPERSCRIPT)}" if self.tagged else label

    def _one_unit(self, li: int) -> bool:
        return self.net.layers[li - 1].units == 1

    def weight(self, li: int, i: int, j: int) -> str:
        sep = "," if i >= 9 or j >= 9 else ""
        core = f"w{i + 1}" if self._one_unit(li) else f"w{i + 1}{sep}{j + 1}"
        return self._tag(core, li)

    def bias(self, li: int, j: int) -> str:
        return self._tag("b" if self._one_unit(li) else f"b{j + 1}", li)

    def z(self, li: int, j: int) -> str:
        return self._tag("z" if self._one_unit(li) else f"z{j + 1}", li)

    def a(self, li: int, j: int) -> str:
        if li == len(self.net.layers):
            return "ŷ" if self._one_unit(li) else f"ŷ{j + 1}"
        return self._tag(f"a{j + 1}", li)
