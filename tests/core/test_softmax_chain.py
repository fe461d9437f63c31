"""The softmax + cross-entropy shortcut (∂L/∂z_k = ŷ_k − y_k and its sums) against the backward
pass and against central finite differences of an independent forward pass."""

from __future__ import annotations

import numpy as np
import pytest

from core.build import layer_graph, leaf_values, scalar_graph
from core.graph import NodeKind
from core.network import Layer, Network
from core.presets import load_preset
from core.softmax_chain import BatchSoftmaxShortcut, SoftmaxShortcut, softmax_shortcut
from core.stepper import record_pass

H = 1e-6
RTOL, ATOL = 1e-6, 1e-8


def _hidden_net() -> Network:
    """2-3-3: a tanh hidden layer under a softmax with cross-entropy, one-hot targets."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(6, 2))
    Y = np.eye(3)[[0, 1, 2, 0, 1, 2]]
    layers = (Layer(3, "tanh"), Layer(3, "softmax"))
    return Network("2-3-3", 2, layers, "cross_entropy", 0.5, X, Y, seed=4)


def _scalar_pass(net: Network, example: int):
    graph = scalar_graph(net)
    leaves = leaf_values(graph, net.initial_params(), net.X[example], net.Y[example])
    return record_pass(graph, leaves, net.learning_rate, (example,))


def _loss_with(step_pass, node_id: str, shift: float) -> float:
    """The example's loss recomputed with ``node_id``'s value shifted: leaves or op nodes alike."""
    graph = step_pass.graph
    values = dict(step_pass.leaves)
    if node_id in values:
        values[node_id] += shift
    for node in graph.op_nodes:
        values[node.id] = node.op.forward(*(values[i] for i in node.inputs))
        if node.id == node_id:
            values[node.id] += shift
    return values[graph.root.id]


def _finite_difference(step_pass, node_id: str) -> float:
    return (_loss_with(step_pass, node_id, H) - _loss_with(step_pass, node_id, -H)) / (2 * H)


@pytest.mark.parametrize(("net", "example"), [(load_preset("softmax_3_class"), 17), (_hidden_net(), 4)])
def test_shortcut_matches_backprop_and_finite_differences(net, example):
    step_pass = _scalar_pass(net, example)
    grads = step_pass.state_at(step_pass.end_of_backward).grads
    shown = 0
    for node in step_pass.graph.nodes:
        shortcut = softmax_shortcut(step_pass, node.id)
        if shortcut is None:
            continue
        shown += 1
        assert isinstance(shortcut, SoftmaxShortcut)
        assert shortcut.total == pytest.approx(grads[node.id], rel=RTOL, abs=ATOL), node.label
        assert shortcut.total == pytest.approx(_finite_difference(step_pass, node.id), rel=1e-5, abs=1e-7)
    # the sums z_k and biases; the weights into the softmax and their products; the units (or inputs) under it
    units_below = net.layers[-2].units if len(net.layers) > 1 else net.inputs
    assert shown == net.outputs * 2 + 2 * units_below * net.outputs + units_below


def test_sum_and_hidden_unit_terms_read_as_the_lesson_writes_them():
    net = _hidden_net()
    step_pass = _scalar_pass(net, 1)  # target class 2
    graph = step_pass.graph
    values = step_pass.state_at(step_pass.n_forward).values
    shortcut = softmax_shortcut(step_pass, "z:2,1")  # z_2 of the output layer
    (term,) = shortcut.terms
    assert term.factor is None
    assert term.target == 1.0
    assert term.delta == pytest.approx(values["a:2,1"] - 1.0, abs=1e-15)
    hidden = graph["a:1,0"]
    shortcut = softmax_shortcut(step_pass, hidden.id)
    assert len(shortcut.terms) == 3  # one per output: the sum over outputs
    assert [t.factor_label for t in shortcut.terms] == [graph[f"W2[0,{k}]"].label for k in range(3)]


def test_no_shortcut_without_softmax_cross_entropy_or_one_hot_targets():
    or_gate = load_preset("or_gate")
    step_pass = _scalar_pass(or_gate, 0)
    assert all(softmax_shortcut(step_pass, n.id) is None for n in step_pass.graph.nodes)
    net = _hidden_net()
    soft = Network("soft", 2, net.layers, "cross_entropy", 0.5, net.X, np.full((6, 3), 0.5), seed=4)
    step_pass = _scalar_pass(soft, 0)
    assert all(softmax_shortcut(step_pass, n.id) is None for n in step_pass.graph.nodes)


def test_layer_graph_sums_get_the_batch_shortcut():
    net = load_preset("softmax_3_class")
    graph = layer_graph(net)
    step_pass = record_pass(graph, leaf_values(graph, net.initial_params(), net.X, net.Y), 0.5, tuple(range(45)))
    grads = step_pass.state_at(step_pass.end_of_backward).grads
    shortcut = softmax_shortcut(step_pass, "Z1")
    assert isinstance(shortcut, BatchSoftmaxShortcut)
    assert shortcut.examples == 45
    np.testing.assert_allclose(shortcut.value, grads["Z1"], rtol=RTOL, atol=1e-12)
    others = [n.id for n in graph.nodes if n.id != "Z1" and n.kind is not NodeKind.TARGET]
    assert all(softmax_shortcut(step_pass, n) is None for n in others)


def test_the_batch_shortcut_follows_the_examples_as_columns_convention():
    from core.convention import Convention
    from core.shown_pass import in_convention

    net = load_preset("softmax_3_class")
    graph = layer_graph(net)
    step_pass = record_pass(graph, leaf_values(graph, net.initial_params(), net.X, net.Y), 0.5, tuple(range(45)))
    shown = in_convention(step_pass, Convention.COLUMNS)
    shortcut = softmax_shortcut(shown, "Z1")
    assert shortcut.examples == 45
    grads = shown.state_at(shown.end_of_backward).grads
    assert shortcut.value.shape == (3, 45)
    np.testing.assert_allclose(shortcut.value, grads["Z1"], rtol=RTOL, atol=1e-12)
