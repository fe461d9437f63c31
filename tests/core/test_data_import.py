"""Imported data into a network: as is when it fits, adapted (hidden layers kept), or refused."""

from __future__ import annotations

import numpy as np
import pytest

from core.csv_data import CsvOptions, read_csv_text
from core.data_import import adapted, mismatch, with_data
from core.network import Network
from core.presets import load_preset

IRIS_LIKE = "a,b,c,kind\n" + "".join(
    f"{i % 7},{(i * 3) % 5},{i % 4},{('red', 'green', 'blue')[i % 3]}\n" for i in range(12)
)


def _two_hidden() -> Network:
    net = load_preset("net_2_4_1_tanh")
    params = net.initial_params()
    return net.with_params(params)


def test_data_that_fits_replaces_the_data_only():
    net = load_preset("or_gate")
    data = read_csv_text("x1,x2,y\n0,0,0\n1,1,1\n1,0,1\n", CsvOptions(standardise=True))
    assert mismatch(net, data) is None
    result = with_data(net, data)
    np.testing.assert_allclose(result.X, data.X)
    np.testing.assert_allclose(result.original_X, [[0, 0], [1, 1], [1, 0]], atol=1e-12)
    np.testing.assert_allclose(result.standardisation.mean, data.mean)
    assert result.layers == net.layers


def test_adapting_resizes_input_and_output_layers_and_keeps_hidden_weights():
    net = _two_hidden()
    data = read_csv_text(IRIS_LIKE)
    expected = "the data has 3 input columns and 3 target columns; the network has 2 inputs and 1 output"
    assert mismatch(net, data) == expected
    with pytest.raises(ValueError, match="columns but the network has 2 inputs"):
        with_data(net, data)
    result = adapted(net, data)
    assert result.inputs == 3
    assert [layer.units for layer in result.layers] == [4, 3]
    assert result.layers[-1].activation == "softmax"
    assert result.loss == "cross_entropy"
    params = result.initial_params()
    assert params["W1"].shape == (3, 4)
    assert params["W2"].shape == (4, 3)
    np.testing.assert_array_equal(params["b1"], net.layers[0].bias)  # the hidden layer's own bias is kept


def test_a_two_class_text_target_gets_a_sigmoid_output():
    net = load_preset("softmax_3_class")
    data = read_csv_text("u,v,label\n1,2,yes\n2,1,no\n3,3,yes\n")
    result = adapted(net, data)
    assert (result.outputs, result.layers[-1].activation, result.loss) == (1, "sigmoid", "log_loss")


def test_numeric_targets_get_an_identity_output():
    net = load_preset("or_gate")
    data = read_csv_text("size,price\n50,100\n70,150\n90,210\n")
    result = adapted(net, data)
    assert (result.inputs, result.layers[-1].activation, result.loss) == (1, "identity", "half_squared_error")
    assert result.layers[0].weights is None  # new seeded weights for the resized layer


def test_imported_rows_replace_a_generated_data_set_spec():
    from core.datasets import with_dataset

    net = with_dataset(load_preset("or_gate"), "moons", n=20)
    assert net.data_spec is not None
    result = with_data(net, read_csv_text("a,b,y\n0,1,0\n1,0,1\n"))
    assert result.data_spec is None
