"""The editor's questions to the engine: reasons from check_network, sizes, data of the right shape."""

from __future__ import annotations

import json

import numpy as np

from core import network_edit as edit
from core.network import check_network
from core.presets import load_preset
from core.source import MAX_SCALAR_NODES, MAX_SCALAR_PARAMS


def _or_gate_as(layers, loss="half_squared_error", inputs=2):
    net = load_preset("or_gate")
    return edit.with_structure(net, inputs, tuple(edit.LayerChoice(*c) for c in layers), loss, 0.5, None)


def test_pairing_reasons_come_from_check_network():
    net = _or_gate_as([(3, "tanh"), (1, "sigmoid")])
    losses = edit.loss_problems(net)
    assert losses["half_squared_error"] is None
    assert losses["log_loss"] is None
    assert losses["cross_entropy"] == "cross_entropy needs a softmax output layer"
    hidden = edit.activation_problems(net, 0)
    assert hidden["softmax"] == "layer 1: softmax is only supported on the output layer"
    assert all(hidden[a] is None for a in edit.activation_names() if a != "softmax")
    assert set(edit.activation_names()) >= {"identity", "sigmoid", "tanh", "relu", "softmax"}


def test_data_that_no_longer_fits_is_named_and_generated_data_fits():
    net = _or_gate_as([(3, "sigmoid"), (2, "softmax")], "cross_entropy", inputs=3)
    assert edit.structure_problem(net) is None
    assert edit.data_problem(net) == "the data has 2 input columns and 1 target column; this network needs 3 and 2"
    assert edit.problem(net) is not None
    fitted = edit.with_fitting_data(net, 50, seed=4)
    check_network(fitted)
    assert fitted.X.shape == (50, 3)
    np.testing.assert_array_equal(fitted.Y.sum(axis=1), np.ones(50))  # one class per example
    assert 0 < fitted.Y[:, 0].sum() < 50  # both classes occur
    again = edit.with_fitting_data(net, 50, seed=4)
    np.testing.assert_array_equal(again.X, fitted.X)


def test_sigmoid_outputs_get_zero_one_targets_and_identity_outputs_numbers():
    sig = edit.with_fitting_data(_or_gate_as([(1, "sigmoid")]), 30, 0)
    assert set(np.unique(sig.Y)) == {0.0, 1.0}
    lin = edit.with_fitting_data(_or_gate_as([(2, "identity")]), 30, 0)
    assert len(np.unique(lin.Y)) > 2


def test_kept_weights_where_shapes_fit():
    net = _or_gate_as([(3, "sigmoid"), (1, "sigmoid")])
    kept = {"W1": np.ones((2, 3)), "b1": np.ones(3), "W2": np.ones((4, 1))}
    fresh = {k: np.zeros(s) for k, s in edit.shapes_of(net).items()}
    params = edit.fitted_params(edit.shapes_of(net), kept, lambda: fresh)
    assert params["W1"].sum() == 6
    assert params["W2"].shape == (3, 1)
    assert params["W2"].sum() == 0


def test_graph_size_explains_the_scalar_graph_limits():
    small = edit.graph_size(_or_gate_as([(1, "sigmoid")]))
    assert (small.params, small.opens_in_layer_graph) == (3, False)
    mid = edit.graph_size(_or_gate_as([(16, "relu"), (1, "sigmoid")]))
    assert mid.params > MAX_SCALAR_PARAMS
    assert mid.opens_in_layer_graph
    assert f"Above {MAX_SCALAR_PARAMS} parameters" in mid.explanation()
    big = edit.graph_size(_or_gate_as([(100, "relu"), (100, "relu"), (1, "sigmoid")]))
    assert not big.scalar_graph_offered
    assert f"{MAX_SCALAR_NODES:,} nodes" in big.explanation()


def test_limits_are_asked_before_any_array_is_made():
    huge = _or_gate_as([(2_000_000_000, "relu"), (1, "sigmoid")])
    assert "limit" in edit.limit_problem(huge, examples=4)
    assert edit.structure_problem(huge) == edit.limit_problem(huge, examples=1)
    assert edit.loss_problems(huge)["half_squared_error"] is None  # pairing rules on a small stand-in


def test_a_one_unit_softmax_is_refused_by_core_and_two_units_pair_with_cross_entropy():
    one = _or_gate_as([(1, "softmax")], "cross_entropy")
    assert "softmax over one unit" in edit.structure_problem(one)
    assert edit.loss_problems(one)["cross_entropy"] is None  # the pairing is right, the size is not
    two = _or_gate_as([(3, "relu"), (2, "softmax")], "cross_entropy")
    assert edit.loss_problems(two)["cross_entropy"] is None
    assert edit.activation_problems(two, 1)["softmax"] is None


def test_fresh_weights_are_drawn_only_when_a_shape_changed():
    net = _or_gate_as([(1, "sigmoid")])
    kept = net.initial_params()

    def refuse():
        raise AssertionError("drawn although every shape fits")

    params = edit.fitted_params(edit.shapes_of(net), kept, refuse)
    np.testing.assert_array_equal(params["W1"], kept["W1"])


def test_generated_data_drops_what_described_the_old_data():
    from core.network import standardized
    from core.network_file import loads, to_dict

    net = standardized(load_preset("house_prices"))
    assert net.standardisation is not None
    fitted = edit.with_fitting_data(net, 10, seed=1)
    assert fitted.standardisation is None
    assert fitted.data_spec is None
    again = loads(json.dumps(to_dict(fitted)))
    np.testing.assert_array_equal(again.X, fitted.X)


def test_wide_outputs_get_data_without_a_matrix_per_output_pair():
    wide = _or_gate_as([(1, "relu"), (50_000, "softmax")], "cross_entropy", inputs=50_000)
    X, Y = edit.fitting_data(wide, examples=3, seed=0)  # a dense teacher would need 20 GB
    assert X.shape == (3, 50_000)
    assert Y.shape == (3, 50_000)
    np.testing.assert_array_equal(Y.sum(axis=1), np.ones(3))
